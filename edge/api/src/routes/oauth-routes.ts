/**
 * The OAuth 2.1 authorization server MCP clients use (see docs/oauth.md): metadata (RFC 8414), dynamic client
 * registration (RFC 7591), the authorization endpoint, the token endpoint (code with PKCE S256, refresh with
 * rotation), revocation (RFC 7009); plus the consent API for the Web app and Connected Apps.
 * The OAuth endpoints live outside `/api` and answer in the OAuth formats, not in the API envelope.
 */
import { z } from '@hono/zod-openapi'
import {
  AppError,
  AUTHORIZATION_PARAMS,
  authorizationServerMetadata,
  checkAuthorizationRequest,
  consentDecisionSchema,
  decideConsent,
  errorRedirect,
  exchangeToken,
  getConsentDetails,
  listConnectedApps,
  OAUTH_SCOPES,
  OAuthError,
  oauthIssuer,
  redactText,
  registerClient,
  revokeConnectedApp,
  revokeToken,
} from '@prodgy/core'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { principalOf } from '../auth.ts'
import type { ApiEnv } from '../context.ts'
import { defineRoute, idParams } from '../route.ts'
import type { ApiRouter } from '../router.ts'

export const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server'
/** The endpoints that take a body; they get the per-address rate limit in app.ts. */
export const OAUTH_RATE_LIMITED_PATHS = new Set(['/oauth/register', '/oauth/token'])
const OAUTH_BODY_LIMIT = 64 * 1024

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }

function oauthError(c: Context<ApiEnv>, error: unknown): Response {
  if (error instanceof OAuthError) {
    const headers: Record<string, string> = { ...NO_STORE }
    if (error.status === 401 && /^Basic\s/i.test(c.req.header('authorization') ?? '')) {
      headers['WWW-Authenticate'] = 'Basic realm="prodgy"'
    }
    return c.json(error.toBody(), error.status as 400 | 401, headers)
  }
  if (error instanceof AppError && error.status < 500) {
    return c.json({ error: 'invalid_request', error_description: error.message }, 400, NO_STORE)
  }
  c.get('log')?.error('oauth request failed', {
    error: redactText(String(error instanceof Error ? error.stack : error)),
  })
  return c.json(
    { error: 'server_error', error_description: 'Something went wrong on our side. Try again.' },
    500,
    NO_STORE,
  )
}

/** Form-encoded (RFC 6749) or JSON; JSON values that are not strings are ignored. */
async function readParams(c: Context<ApiEnv>): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? ''
  const text = await c.req.text()
  if (/^application\/json/i.test(type)) {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new OAuthError('invalid_request', 'The body is not valid JSON.')
    }
    const params = new URLSearchParams()
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [key, value] of Object.entries(body)) if (typeof value === 'string') params.set(key, value)
    }
    return params
  }
  return new URLSearchParams(text)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** Shown when the request cannot be answered on the client's redirect URI (RFC 6749 §4.1.2.1). */
function errorPage(c: Context<ApiEnv>, error: OAuthError): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorization failed · Prodgy</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.25rem}code{background:#f3f4f6;padding:0 .25rem;border-radius:.25rem}</style></head>
<body><main data-testid="oauth-error-page"><h1>This application's sign-in request cannot be completed</h1>
<p>${escapeHtml(error.message)}</p>
<p>Error code: <code>${escapeHtml(error.error)}</code></p>
<p>Return to the application and connect again. If this keeps happening, tell whoever set the application up.</p>
</main></body></html>`
  return c.html(html, 400, { 'Cache-Control': 'no-store' })
}

/** The authorization request parameters, for documenting and validating the consent API. */
const authorizationQuery = z.object(
  Object.fromEntries(AUTHORIZATION_PARAMS.map((name) => [name, z.string().max(4000).optional()])) as Record<
    (typeof AUTHORIZATION_PARAMS)[number],
    z.ZodOptional<z.ZodString>
  >,
)

function paramsOf(values: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams()
  for (const name of AUTHORIZATION_PARAMS) {
    const value = values[name]
    if (value !== undefined) params.set(name, value)
  }
  return params
}

const scopeSchema = z.enum(OAUTH_SCOPES)
const consentDetailsSchema = z.object({
  client: z.object({ id: z.string(), name: z.string(), uri: z.string().nullable(), logoUri: z.string().nullable() }),
  requestedScopes: z.array(scopeSchema),
  organizations: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(['user', 'admin', 'super_admin']),
      workspaces: z.array(z.object({ id: z.string(), name: z.string() })),
    }),
  ),
})
const connectedAppSchema = z
  .object({
    id: z.uuid(),
    clientId: z.string(),
    clientName: z.string(),
    clientUri: z.string().nullable(),
    logoUri: z.string().nullable(),
    scopes: z.array(scopeSchema),
    organizationId: z.uuid(),
    workspaceId: z.uuid(),
    workspaceName: z.string(),
    userId: z.uuid(),
    userName: z.string(),
    authorizedAt: z.string(),
    lastUsedAt: z.string().nullable(),
    usageCount: z.number(),
  })
  .openapi('ConnectedApp')

export function registerOAuthRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  const openCors = cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version'],
    maxAge: 86_400,
  })
  const limitBody = bodyLimit({
    maxSize: OAUTH_BODY_LIMIT,
    onError: (c) =>
      c.json({ error: 'invalid_request', error_description: 'The request body is larger than 64 KB.' }, 413),
  })
  for (const path of [OAUTH_METADATA_PATH, '/oauth/register', '/oauth/token', '/oauth/revoke']) app.use(path, openCors)
  for (const path of ['/oauth/register', '/oauth/token', '/oauth/revoke']) app.use(path, limitBody)

  app.get(OAUTH_METADATA_PATH, (c) =>
    c.json(authorizationServerMetadata(platform.settings), 200, { 'Cache-Control': 'public, max-age=3600' }),
  )

  app.post('/oauth/register', async (c) => {
    try {
      let body: unknown
      try {
        body = await c.req.json()
      } catch {
        throw new OAuthError('invalid_client_metadata', 'Send the client metadata as a JSON object.')
      }
      return c.json(await registerClient(platform.db, body), 201, NO_STORE)
    } catch (error) {
      return oauthError(c, error)
    }
  })

  app.get('/oauth/authorize', async (c) => {
    const url = new URL(c.req.url)
    const check = await checkAuthorizationRequest(platform, url.searchParams)
    if (!check.ok) {
      if (check.redirectUri === undefined) return errorPage(c, check.error)
      return c.redirect(errorRedirect(check, oauthIssuer(platform.settings)), 302)
    }
    // the person signs in (if needed) and answers on the Web app's consent page, which calls the consent API
    return c.redirect(`${oauthIssuer(platform.settings)}/oauth/consent${url.search}`, 302)
  })

  app.post('/oauth/token', async (c) => {
    try {
      const tokens = await exchangeToken(platform, await readParams(c), c.req.header('authorization'))
      return c.json(tokens, 200, NO_STORE)
    } catch (error) {
      return oauthError(c, error)
    }
  })

  app.post('/oauth/revoke', async (c) => {
    try {
      await revokeToken(platform, await readParams(c), c.req.header('authorization'))
      return c.body(null, 200, NO_STORE)
    } catch (error) {
      return oauthError(c, error)
    }
  })

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/oauth/consent',
      tag: 'OAuth',
      summary: 'What an application asks for, and the organizations and workspaces the person can grant it',
      description: 'Takes the query of the authorization request (`/oauth/authorize`) and checks it again.',
      query: authorizationQuery,
      response: consentDetailsSchema,
    },
    async (c, { query }) => ({
      data: await getConsentDetails(platform, await principalOf(c, deps), paramsOf(query)),
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/oauth/consent',
      tag: 'OAuth',
      summary: "The person's answer; returns where to send the browser (with a code, or error=access_denied)",
      body: consentDecisionSchema.extend(authorizationQuery.shape),
      response: z.object({ redirectTo: z.string() }),
    },
    async (c, { body }) => {
      const { organizationId, workspaceId, scopes, approve, ...request } = body
      const decision = { organizationId, workspaceId, approve, ...(scopes ? { scopes } : {}) }
      return { data: await decideConsent(platform, await principalOf(c, deps), paramsOf(request), decision) }
    },
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/connected-apps',
      tag: 'OAuth',
      summary: "Connected apps: one's own grants, or every grant of the workspace for an Admin",
      query: z.object({ workspaceId: z.uuid({ message: 'Must be a workspace id (a UUID).' }).optional() }),
      response: z.object({ items: z.array(connectedAppSchema) }),
    },
    async (c, { query }) => ({
      data: await listConnectedApps(platform, await principalOf(c, deps), query.workspaceId),
    }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/connected-apps/{id}',
      tag: 'OAuth',
      summary: 'Revoke a connected app: the grant and every token issued under it stop working at once',
      params: idParams,
    },
    async (c, { params }) => {
      await revokeConnectedApp(platform, await principalOf(c, deps), params.id)
      return { data: null, message: 'The app no longer has access.' }
    },
  )
}
