/**
 * The authorization endpoint and the consent decision. A request is checked in two stages (RFC 6749 §4.1.2.1):
 * until the client and its redirect URI are known to be genuine, errors are shown to the person; after that they
 * go back to the client as `error=` on its redirect URI.
 */
import { z } from 'zod'
import { requireSession } from '../auth/permissions.ts'
import type { EffectiveRole, Principal } from '../auth/principal.ts'
import { sha256Hex } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { ForbiddenError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { findClient, type OAuthClientRow, redirectUriMatches } from './clients.ts'
import { OAuthError } from './errors.ts'
import { ADMIN_OAUTH_SCOPES, type OAuthScope, orderScopes, parseScopeParam } from './scopes.ts'
import {
  AUTHORIZATION_CODE_TTL_SECONDS,
  CODE_CHALLENGE_PATTERN,
  matchResource,
  oauthIssuer,
  randomBase64Url,
} from './server.ts'

/** The query parameters of an authorization request, as sent to `/oauth/authorize`. */
export const AUTHORIZATION_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
] as const

export interface AuthorizationRequest {
  client: OAuthClientRow
  redirectUri: string
  state: string | undefined
  scopes: OAuthScope[]
  codeChallenge: string
  resource: string | undefined
}

export type AuthorizationCheck =
  | { ok: true; request: AuthorizationRequest }
  /** The client or redirect URI cannot be trusted: tell the person, never redirect. */
  | { ok: false; redirectUri: undefined; error: OAuthError }
  /** A problem the client should hear about, on its redirect URI. */
  | { ok: false; redirectUri: string; state: string | undefined; error: OAuthError }

/** Adds the response parameters to a redirect URI (which may carry its own query), with `iss` (RFC 9207). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>, issuer: string): string {
  const url = new URL(redirectUri)
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value)
  url.searchParams.set('iss', issuer)
  return url.href
}

export function errorRedirect(
  check: Extract<AuthorizationCheck, { ok: false; redirectUri: string }>,
  issuer: string,
): string {
  return redirectWith(
    check.redirectUri,
    { error: check.error.error, error_description: check.error.message, state: check.state },
    issuer,
  )
}

export async function checkAuthorizationRequest(
  platform: Platform,
  params: URLSearchParams,
): Promise<AuthorizationCheck> {
  const page = (description: string, error: OAuthError['error'] = 'invalid_request') => ({
    ok: false as const,
    redirectUri: undefined,
    error: new OAuthError(error, description),
  })
  for (const name of ['client_id', 'redirect_uri']) {
    if (params.getAll(name).length > 1) return page(`The ${name} parameter appears more than once.`)
  }
  const clientId = params.get('client_id')
  if (!clientId) return page('The request has no client_id. Start again from the application.')
  const client = await findClient(platform.db, clientId)
  if (!client) {
    return page('This application is not registered here (unknown client_id). Start again from the application.')
  }
  const requestedRedirect = params.get('redirect_uri')
  let redirectUri: string
  if (requestedRedirect) {
    if (!client.redirect_uris.some((r) => redirectUriMatches(r, requestedRedirect))) {
      return page(
        `The redirect URI ${requestedRedirect.slice(0, 200)} is not one this application registered, so no answer can be sent to it.`,
      )
    }
    redirectUri = requestedRedirect
  } else if (client.redirect_uris.length === 1) {
    redirectUri = client.redirect_uris[0] as string
  } else {
    return page('The request has no redirect_uri, and the application registered more than one.')
  }

  const state = params.get('state') ?? undefined
  const fail = (error: OAuthError['error'], description: string) => ({
    ok: false as const,
    redirectUri,
    state,
    error: new OAuthError(error, description),
  })
  for (const name of AUTHORIZATION_PARAMS) {
    if (params.getAll(name).length > 1) return fail('invalid_request', `The ${name} parameter appears more than once.`)
  }
  const responseType = params.get('response_type')
  if (!responseType) return fail('invalid_request', 'response_type is required; use "code".')
  if (responseType !== 'code') {
    return fail('unsupported_response_type', 'Only the authorization code flow is supported: response_type=code.')
  }
  const codeChallenge = params.get('code_challenge')
  if (!codeChallenge)
    return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.')
  if ((params.get('code_challenge_method') ?? 'plain') !== 'S256') {
    return fail('invalid_request', 'Only the S256 code_challenge_method is supported.')
  }
  if (!CODE_CHALLENGE_PATTERN.test(codeChallenge)) {
    return fail('invalid_request', 'code_challenge must be 43 base64url characters (an S256 challenge).')
  }
  let scopes: OAuthScope[]
  try {
    scopes = parseScopeParam(params.get('scope') ?? undefined)
  } catch (error) {
    if (error instanceof OAuthError) return fail(error.error, error.message)
    throw error
  }
  const resourceParam = params.get('resource') ?? undefined
  let resource: string | undefined
  if (resourceParam !== undefined) {
    resource = matchResource(platform.settings, resourceParam)
    if (!resource) {
      return fail(
        'invalid_target',
        `Tokens can be issued for the MCP Gateway or this platform, not for ${resourceParam.slice(0, 200)}.`,
      )
    }
  }
  return { ok: true, request: { client, redirectUri, state, scopes, codeChallenge, resource } }
}

/** For the consent API: a request that cannot be trusted or is invalid is a 400 with the reason. */
async function requireValidRequest(platform: Platform, params: URLSearchParams): Promise<AuthorizationRequest> {
  const check = await checkAuthorizationRequest(platform, params)
  if (!check.ok) throw check.error
  return check.request
}

// ---------------------------------------------------------------- consent

export interface ConsentOrganization {
  id: string
  name: string
  role: EffectiveRole
  workspaces: { id: string; name: string }[]
}

export interface ConsentDetails {
  client: { id: string; name: string; uri: string | null; logoUri: string | null }
  requestedScopes: OAuthScope[]
  organizations: ConsentOrganization[]
}

/** The organizations the user can choose and, in each, the workspaces they can open. */
async function consentOrganizations(
  q: Queryable,
  user: { id: string; isSuperAdmin: boolean },
): Promise<ConsentOrganization[]> {
  const orgs = await q.query<{ id: string; name: string; role: 'user' | 'admin' | null }>(
    `select o.id, o.name, m.role
       from organizations o
       left join memberships m on m.organization_id = o.id and m.user_id = $1
      where m.user_id is not null or $2::boolean
      order by o.name, o.id
      limit 200`,
    [user.id, user.isSuperAdmin],
  )
  if (orgs.length === 0) return []
  const workspaces = await q.query<{ id: string; name: string; organization_id: string }>(
    `select w.id, w.name, w.organization_id
       from workspaces w
       left join memberships m on m.organization_id = w.organization_id and m.user_id = $2
      where w.organization_id = any($1::uuid[])
        and ($3::boolean or m.role = 'admin'
             or exists (select 1 from workspace_access a where a.workspace_id = w.id and a.user_id = $2))
      order by w.name, w.id`,
    [orgs.map((o) => o.id), user.id, user.isSuperAdmin],
  )
  return orgs.map((o) => ({
    id: o.id,
    name: o.name,
    role: user.isSuperAdmin ? 'super_admin' : (o.role as 'user' | 'admin'),
    workspaces: workspaces.filter((w) => w.organization_id === o.id).map((w) => ({ id: w.id, name: w.name })),
  }))
}

export async function getConsentDetails(
  platform: Platform,
  principal: Principal | undefined,
  params: URLSearchParams,
): Promise<ConsentDetails> {
  const user = requireSession(principal)
  const request = await requireValidRequest(platform, params)
  return {
    client: {
      id: request.client.client_id,
      name: request.client.client_name,
      uri: request.client.client_uri,
      logoUri: request.client.logo_uri,
    },
    requestedScopes: request.scopes,
    organizations: await consentOrganizations(platform.db, user),
  }
}

export const consentDecisionSchema = z.object({
  organizationId: z.uuid({ message: 'Choose an organization.' }),
  workspaceId: z.uuid({ message: 'Choose a workspace.' }),
  scopes: z.array(z.string()).max(20).optional(),
  approve: z.boolean({ message: 'Say whether you approve: approve true or false.' }),
})
export type ConsentDecision = z.infer<typeof consentDecisionSchema>

/**
 * Records the person's answer. Approving creates the grant (or updates the live one for the same app and
 * workspace) and a one-time code; either way the answer is the URL to send the browser to.
 */
export async function decideConsent(
  platform: Platform,
  principal: Principal | undefined,
  params: URLSearchParams,
  decision: ConsentDecision,
): Promise<{ redirectTo: string }> {
  const user = requireSession(principal)
  const request = await requireValidRequest(platform, params)
  const issuer = oauthIssuer(platform.settings)
  if (!decision.approve) {
    return {
      redirectTo: redirectWith(
        request.redirectUri,
        { error: 'access_denied', error_description: 'The person declined the request.', state: request.state },
        issuer,
      ),
    }
  }
  const organization = (await consentOrganizations(platform.db, user)).find((o) => o.id === decision.organizationId)
  if (!organization) throw new ForbiddenError('You are not a member of that organization.', 'not_a_member')
  if (!organization.workspaces.some((w) => w.id === decision.workspaceId)) {
    throw new ForbiddenError('You cannot open that workspace.', 'workspace_forbidden')
  }
  const chosen = decision.scopes ?? request.scopes
  const notRequested = chosen.filter((s) => !(request.scopes as string[]).includes(s))
  if (notRequested.length > 0) {
    throw new ValidationError(`The application did not ask for ${notRequested.join(', ')}.`, {
      scopes: ['Choose only among the requested scopes.'],
    })
  }
  const scopes = orderScopes(chosen)
  if (scopes.length === 0) {
    throw new ValidationError('Allow at least one scope, or deny the request.', { scopes: ['Choose at least one.'] })
  }
  const isOrgAdmin = organization.role === 'admin' || organization.role === 'super_admin'
  const adminScopes = scopes.filter((s) => ADMIN_OAUTH_SCOPES.includes(s))
  if (adminScopes.length > 0 && !isOrgAdmin) {
    throw new ForbiddenError(
      `Only administrators of the organization can allow ${adminScopes.join(' and ')}.`,
      'admin_scope_forbidden',
    )
  }

  const code = randomBase64Url()
  const codeHash = await sha256Hex(code)
  await platform.db.transaction(async (tx) => {
    const [grant] = await tx.query<{ id: string }>(
      `insert into oauth_grants (organization_id, workspace_id, user_id, client_id, scopes)
       values ($1, $2, $3, $4, $5::text[])
       on conflict (client_id, user_id, workspace_id) where revoked_at is null
       do update set scopes = excluded.scopes, authorized_at = now()
       returning id`,
      [decision.organizationId, decision.workspaceId, user.id, request.client.client_id, scopes],
    )
    const grantId = (grant as { id: string }).id
    await tx.query(
      `insert into oauth_authorization_codes (organization_id, workspace_id, user_id, client_id, grant_id, code_hash,
         scopes, redirect_uri, code_challenge, resource, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11)`,
      [
        decision.organizationId,
        decision.workspaceId,
        user.id,
        request.client.client_id,
        grantId,
        codeHash,
        scopes,
        request.redirectUri,
        request.codeChallenge,
        request.resource ?? null,
        new Date(Date.now() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
      ],
    )
    // codes nobody exchanged are of no further use
    await tx.query(
      `delete from oauth_authorization_codes where grant_id = $1 and expires_at < now() - interval '1 day'`,
      [grantId],
    )
    await recordAudit(tx, {
      organizationId: decision.organizationId,
      workspaceId: decision.workspaceId,
      actor: actorOf(principal),
      action: 'oauth.app_authorized',
      targetType: 'oauth_grant',
      targetId: grantId,
      metadata: { clientId: request.client.client_id, clientName: request.client.client_name, scopes },
    })
  })
  return { redirectTo: redirectWith(request.redirectUri, { code, state: request.state }, issuer) }
}
