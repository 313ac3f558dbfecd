/**
 * The API app: a portable Hono `fetch` that runs unchanged on Node, Bun, Deno and edge runtimes.
 * Runtime glue (sockets, client address, process signals) lives in `entry/*`, never here.
 */

import { swaggerUI } from '@hono/swagger-ui'
import { OpenAPIHono } from '@hono/zod-openapi'
import { AppError, describeFieldErrors, fieldErrors, redactText } from '@prodgy/core'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { ApiEnv } from './context.ts'
import type { ApiDeps } from './deps.ts'
import { rateLimit } from './middleware/rate-limit.ts'
import { requestContext } from './middleware/request-context.ts'
import { registerAdminRoutes } from './routes/admin-routes.ts'
import { registerAiProviderRoutes } from './routes/ai-provider-routes.ts'
import { registerAuthRoutes } from './routes/auth-routes.ts'
import { registerHealthRoutes } from './routes/health-routes.ts'
import { registerIntegrationRoutes } from './routes/integration-routes.ts'
import { KNOWLEDGE_UPLOAD_PATH, registerKnowledgeRoutes } from './routes/knowledge-routes.ts'
import { registerMcpRoutes } from './routes/mcp-routes.ts'
import { registerMeRoutes } from './routes/me-routes.ts'
import { registerMemberRoutes } from './routes/member-routes.ts'
import { OAUTH_RATE_LIMITED_PATHS, registerOAuthRoutes } from './routes/oauth-routes.ts'
import { registerOrganizationRoutes } from './routes/organization-routes.ts'
import { registerTokenRoutes } from './routes/token-routes.ts'

import { API_VERSION } from './version.ts'

export { API_VERSION }

/** JSON bodies above this are refused before parsing; uploads get their own limit on their own routes. */
const JSON_BODY_LIMIT = 1024 * 1024

/**
 * Routes where a person proves who they are, or that send email: they get the stricter per-address limit.
 * Refresh and logout are not among them: they need a 256-bit refresh token, which no one can guess, and an office
 * behind one address must not run out of refreshes.
 */
const AUTH_PATHS = new Set([
  '/api/auth/login',
  '/api/auth/signup',
  '/api/auth/confirm',
  '/api/auth/forgot-password',
  '/api/auth/reset-password',
  '/api/setup',
  '/api/invitations/accept',
])

function errorResponse(c: Context, status: number, error: string, message: string, details?: unknown) {
  return c.json(
    { success: false, error, message, ...(details ? { details } : {}) },
    status as 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503,
  )
}

export function createApiApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    // zod's messages per field, in the envelope
    defaultHook: (result, c) => {
      if (result.success) return
      const fields = fieldErrors(result.error.issues, result.target)
      return errorResponse(c, 400, 'validation_failed', `Some fields are not valid. ${describeFieldErrors(fields)}`, {
        fields,
      })
    },
  })

  app.use('*', requestContext({ logger: deps.logger, trustProxy: deps.trustProxy, clientIp: deps.clientIp }))
  const jsonBodyLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: (c) => errorResponse(c, 413, 'payload_too_large', 'The request body is larger than 1 MB.'),
  })
  // the knowledge-base upload route applies its own, larger limit
  app.use('/api/*', (c, next) =>
    c.req.method === 'POST' && c.req.path === KNOWLEDGE_UPLOAD_PATH ? next() : jsonBodyLimit(c, next),
  )
  const limitOptions = { limiter: deps.rateLimiter, trustProxy: deps.trustProxy, clientIp: deps.clientIp }
  const authLimit = rateLimit({ ...limitOptions, rule: deps.rateLimits.auth, keyPrefix: 'auth' })
  const apiLimit = rateLimit({ ...limitOptions, rule: deps.rateLimits.api, keyPrefix: 'api' })
  app.use('/api/*', async (c, next) => {
    const isAuth = c.req.method !== 'GET' && AUTH_PATHS.has(c.req.path.replace(/\/+$/, ''))
    return (isAuth ? authLimit : apiLimit)(c, next)
  })
  // OAuth client registration and the token endpoint sit outside /api; they get the per-address limit too
  const oauthLimit = rateLimit({ ...limitOptions, rule: deps.rateLimits.auth, keyPrefix: 'oauth' })
  app.use('/oauth/*', (c, next) =>
    c.req.method === 'POST' && OAUTH_RATE_LIMITED_PATHS.has(c.req.path) ? oauthLimit(c, next) : next(),
  )

  const router = { app, deps }
  registerHealthRoutes(router)
  registerAuthRoutes(router)
  registerMeRoutes(router)
  registerOrganizationRoutes(router)
  registerAiProviderRoutes(router)
  registerMemberRoutes(router)
  registerTokenRoutes(router)
  registerAdminRoutes(router)
  registerKnowledgeRoutes(router)
  registerOAuthRoutes(router)
  registerIntegrationRoutes(router)
  registerMcpRoutes(router)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session access token (JWT) or an API token `prodgy_…`.',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Token',
  })
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Prodgy API',
      version: API_VERSION,
      description: 'Organizations, workspaces, accounts, members, invitations, API tokens and audit. See docs/api.md.',
    },
    servers: [{ url: deps.platform.settings.publicUrl }],
  })
  if (deps.swaggerAsset) {
    const asset = deps.swaggerAsset
    app.get('/swagger/assets/swagger-ui-dist/:file', async (c) => (await asset(c.req.param('file'))) ?? c.notFound())
  }
  app.get(
    '/swagger',
    swaggerUI({ url: '/api/openapi.json', ...(deps.swaggerAsset ? { baseUrl: '/swagger/assets' } : {}) }),
  )

  app.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`))
  app.onError((error, c) => {
    if (error instanceof AppError) {
      if (error.status === 429 && error.details?.retryAfterSeconds) {
        c.header('Retry-After', String(error.details.retryAfterSeconds))
      }
      return errorResponse(c, error.status, error.code, error.message, error.details)
    }
    if (error instanceof HTTPException && error.status < 500) {
      // hono's own 4xx, e.g. a body that is not valid JSON
      const message = error.message || 'The request could not be read.'
      return errorResponse(c, error.status, error.status === 400 ? 'malformed_request' : 'request_error', message)
    }
    const log = c.get('log') ?? deps.logger
    log.error('request failed', { error: redactText(String(error instanceof Error ? (error.stack ?? error) : error)) })
    return errorResponse(
      c,
      500,
      'internal_error',
      `Something went wrong on our side. Quote request id ${c.get('requestId') ?? 'unknown'} when you report it.`,
    )
  })
  return app
}
