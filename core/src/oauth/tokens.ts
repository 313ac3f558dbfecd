/**
 * The token endpoint (authorization code with PKCE, refresh with rotation), revocation (RFC 7009) and the check
 * of access tokens on every request. Tokens are opaque (`pgoa_…` access, 1 hour; `pgor_…` refresh, 30 days) and
 * stored only as SHA-256 hashes. A refresh token is used once: presenting a rotated one again means it leaked, and
 * every token of the grant is revoked. A code presented twice revokes the tokens issued from it.
 */
import type { EffectiveRole } from '../auth/principal.ts'
import { sha256Hex, timingSafeEqual } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { UnauthorizedError } from '../errors.ts'
import { recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import type { UserRow } from '../services/users.ts'
import { authenticateClient, type OAuthClientRow } from './clients.ts'
import { OAuthError } from './errors.ts'
import { type OAuthScope, orderScopes, parseScopeParam } from './scopes.ts'
import {
  ACCESS_TOKEN_PREFIX,
  ACCESS_TOKEN_TTL_SECONDS,
  CODE_VERIFIER_PATTERN,
  matchResource,
  REFRESH_TOKEN_PREFIX,
  REFRESH_TOKEN_TTL_SECONDS,
  randomBase64Url,
  s256Challenge,
} from './server.ts'

const ACCESS_TOKEN_PATTERN = /^pgoa_[A-Za-z0-9_-]{43}$/

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
  scope: string
}

interface CodeRow {
  id: string
  organization_id: string
  workspace_id: string
  user_id: string
  client_id: string
  grant_id: string
  scopes: string[]
  redirect_uri: string
  code_challenge: string
  resource: string | null
  expires_at: Date
  used_at: Date | null
  grant_revoked_at: Date | null
}

interface TokenRow {
  id: string
  organization_id: string
  grant_id: string
  family_id: string
  kind: 'access' | 'refresh'
  token_hash: string
  scopes: string[]
  resource: string | null
  expires_at: Date
  revoked_at: Date | null
  replaced_by: string | null
}

async function issueTokens(
  tx: Queryable,
  input: {
    organizationId: string
    grantId: string
    familyId: string
    scopes: readonly string[]
    resource: string | null
  },
): Promise<{ response: TokenResponse; refreshId: string }> {
  const access = ACCESS_TOKEN_PREFIX + randomBase64Url()
  const refresh = REFRESH_TOKEN_PREFIX + randomBase64Url()
  const insert = `insert into oauth_tokens (organization_id, grant_id, family_id, kind, token_hash, scopes, resource, expires_at)
     values ($1, $2, $3, $4, $5, $6::text[], $7, $8) returning id`
  const common = [input.organizationId, input.grantId, input.familyId]
  await tx.query(insert, [
    ...common,
    'access',
    await sha256Hex(access),
    input.scopes,
    input.resource,
    new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000),
  ])
  const [row] = await tx.query<{ id: string }>(insert, [
    ...common,
    'refresh',
    await sha256Hex(refresh),
    input.scopes,
    input.resource,
    new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
  ])
  // tokens that expired a day ago can no longer be presented for anything
  await tx.query(`delete from oauth_tokens where grant_id = $1 and expires_at < now() - interval '1 day'`, [
    input.grantId,
  ])
  return {
    refreshId: (row as { id: string }).id,
    response: {
      access_token: access,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: refresh,
      scope: input.scopes.join(' '),
    },
  }
}

function requireParam(params: URLSearchParams, name: string): string {
  const values = params.getAll(name)
  if (values.length > 1) throw new OAuthError('invalid_request', `The ${name} parameter appears more than once.`)
  const value = values[0]
  if (!value) throw new OAuthError('invalid_request', `${name} is required.`)
  return value
}

/** The resource a token request names must be the one the grant was made for, or one this server serves. */
function requestedResource(platform: Platform, params: URLSearchParams, bound: string | null): string | null {
  const value = params.get('resource')
  if (!value) return bound
  const resource = matchResource(platform.settings, value)
  if (!resource || (bound && resource !== bound)) {
    throw new OAuthError('invalid_target', `This grant cannot give a token for ${value.slice(0, 200)}.`)
  }
  return resource
}

type Failure = { kind: 'error'; error: OAuthError; replay?: true }
type Outcome = { kind: 'ok'; response: TokenResponse } | Failure

function invalidGrant(description: string): Failure {
  return { kind: 'error', error: new OAuthError('invalid_grant', description) }
}

/**
 * A code or refresh token presented a second time: revokes the live tokens of its family (a code) or of its whole
 * grant (a refresh token), records the event and answers invalid_grant marked as a replay.
 */
async function refuseReplay(
  tx: Queryable,
  revoke: { column: 'family_id' | 'grant_id'; id: string },
  seen: { organization_id: string; workspace_id: string; user_id: string; grant_id: string },
  clientId: string,
  action: 'oauth.code_reuse_detected' | 'oauth.refresh_reuse_detected',
  description: string,
): Promise<Failure> {
  const revoked = await tx.query(
    `update oauth_tokens set revoked_at = now() where ${revoke.column} = $1 and revoked_at is null returning id`,
    [revoke.id],
  )
  await recordAudit(tx, {
    organizationId: seen.organization_id,
    workspaceId: seen.workspace_id,
    actor: { userId: seen.user_id },
    action,
    targetType: 'oauth_grant',
    targetId: seen.grant_id,
    metadata: { clientId, revokedTokens: revoked.length },
  })
  return { ...invalidGrant(description), replay: true }
}

async function exchangeCode(platform: Platform, client: OAuthClientRow, params: URLSearchParams): Promise<Outcome> {
  const code = requireParam(params, 'code')
  const redirectUri = requireParam(params, 'redirect_uri')
  const verifier = requireParam(params, 'code_verifier')
  if (!CODE_VERIFIER_PATTERN.test(verifier)) {
    throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.')
  }
  const codeHash = await sha256Hex(code)
  return platform.db.transaction(async (tx): Promise<Outcome> => {
    const [row] = await tx.query<CodeRow>(
      `select c.*, g.revoked_at as grant_revoked_at
         from oauth_authorization_codes c join oauth_grants g on g.id = c.grant_id
        where c.code_hash = $1
        for update of c`,
      [codeHash],
    )
    if (!row || row.client_id !== client.client_id) return invalidGrant('The authorization code is not valid.')
    if (row.used_at) {
      return refuseReplay(
        tx,
        { column: 'family_id', id: row.id },
        row,
        client.client_id,
        'oauth.code_reuse_detected',
        'The authorization code was already used; the tokens issued from it are now revoked.',
      )
    }
    if (row.expires_at.getTime() <= Date.now())
      return invalidGrant('The authorization code has expired. Sign in again.')
    if (row.grant_revoked_at) return invalidGrant('The access this code was issued for has been revoked.')
    if (row.redirect_uri !== redirectUri) {
      return invalidGrant('redirect_uri differs from the one in the authorization request.')
    }
    if (!timingSafeEqual(await s256Challenge(verifier), row.code_challenge)) {
      return invalidGrant('The code_verifier does not match the code_challenge (PKCE).')
    }
    const resource = requestedResource(platform, params, row.resource)
    await tx.query('update oauth_authorization_codes set used_at = now() where id = $1', [row.id])
    const issued = await issueTokens(tx, {
      organizationId: row.organization_id,
      grantId: row.grant_id,
      familyId: row.id,
      scopes: row.scopes,
      resource,
    })
    return { kind: 'ok', response: issued.response }
  })
}

async function refresh(platform: Platform, client: OAuthClientRow, params: URLSearchParams): Promise<Outcome> {
  const token = requireParam(params, 'refresh_token')
  const hash = await sha256Hex(token)
  return platform.db.transaction(async (tx): Promise<Outcome> => {
    const [row] = await tx.query<
      TokenRow & { client_id: string; grant_revoked_at: Date | null; user_id: string; workspace_id: string }
    >(
      `select t.*, g.client_id, g.revoked_at as grant_revoked_at, g.user_id, g.workspace_id
         from oauth_tokens t join oauth_grants g on g.id = t.grant_id
        where t.token_hash = $1 and t.kind = 'refresh'
        for update of t`,
      [hash],
    )
    if (!row || row.client_id !== client.client_id) return invalidGrant('The refresh token is not valid.')
    if (row.replaced_by) {
      return refuseReplay(
        tx,
        { column: 'grant_id', id: row.grant_id },
        row,
        client.client_id,
        'oauth.refresh_reuse_detected',
        'This refresh token was already used. Every token of this app is revoked; authorize it again.',
      )
    }
    if (row.revoked_at || row.grant_revoked_at) return invalidGrant('The refresh token has been revoked.')
    if (row.expires_at.getTime() <= Date.now())
      return invalidGrant('The refresh token has expired. Authorize the app again.')
    let scopes: OAuthScope[] = orderScopes(row.scopes)
    const scopeParam = params.get('scope')
    if (scopeParam) {
      const asked = parseScopeParam(scopeParam)
      const extra = asked.filter((s) => !scopes.includes(s))
      if (extra.length > 0) {
        throw new OAuthError('invalid_scope', `The grant does not include ${extra.join(', ')}; ask for fewer scopes.`)
      }
      scopes = asked
    }
    const resource = requestedResource(platform, params, row.resource)
    const issued = await issueTokens(tx, {
      organizationId: row.organization_id,
      grantId: row.grant_id,
      familyId: row.family_id,
      scopes,
      resource,
    })
    await tx.query('update oauth_tokens set replaced_by = $2 where id = $1', [row.id, issued.refreshId])
    return { kind: 'ok', response: issued.response }
  })
}

/**
 * The token endpoint. `params` are the form (or JSON) fields; `authorization` is the Authorization header, for
 * `client_secret_basic`. Throws OAuthError with the RFC 6749 code on failure.
 */
export async function exchangeToken(
  platform: Platform,
  params: URLSearchParams,
  authorization: string | undefined,
): Promise<TokenResponse> {
  const grantType = params.get('grant_type')
  if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required.')
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new OAuthError(
      'unsupported_grant_type',
      `The grant type "${grantType.slice(0, 100)}" is not supported; use authorization_code or refresh_token.`,
    )
  }
  const client = await authenticateClient(platform.db, params, authorization)
  if (!client.grant_types.includes(grantType)) {
    throw new OAuthError('unauthorized_client', `This client did not register the ${grantType} grant type.`)
  }
  const outcome =
    grantType === 'authorization_code'
      ? await exchangeCode(platform, client, params)
      : await refresh(platform, client, params)
  // a detected replay is committed before the error is answered
  if (outcome.kind === 'error') {
    if (outcome.replay) {
      platform.log.warn('oauth token replay detected; tokens revoked', { clientId: client.client_id, grantType })
    }
    throw outcome.error
  }
  return outcome.response
}

/**
 * RFC 7009 revocation. The client is authenticated as at the token endpoint; an unknown token, or one issued to
 * another client, is ignored (the answer is the same 200 either way). Revoking a refresh token also revokes every
 * token of its chain.
 */
export async function revokeToken(
  platform: Platform,
  params: URLSearchParams,
  authorization: string | undefined,
): Promise<void> {
  const token = params.get('token')
  if (!token) throw new OAuthError('invalid_request', 'token is required.')
  const client = await authenticateClient(platform.db, params, authorization)
  const [row] = await platform.db.query<TokenRow & { client_id: string }>(
    `select t.*, g.client_id from oauth_tokens t join oauth_grants g on g.id = t.grant_id where t.token_hash = $1`,
    [await sha256Hex(token)],
  )
  if (!row || row.client_id !== client.client_id) return
  if (row.kind === 'refresh') {
    await platform.db.query(`update oauth_tokens set revoked_at = now() where family_id = $1 and revoked_at is null`, [
      row.family_id,
    ])
  } else {
    await platform.db.query('update oauth_tokens set revoked_at = now() where id = $1 and revoked_at is null', [row.id])
  }
}

// ---------------------------------------------------------------- access tokens on requests

export interface AuthenticatedOAuthToken {
  grantId: string
  clientId: string
  organizationId: string
  workspaceId: string
  user: UserRow
  role: EffectiveRole
  scopes: OAuthScope[]
}

export function isOAuthAccessToken(token: string): boolean {
  return token.startsWith(ACCESS_TOKEN_PREFIX)
}

/**
 * Checks an access token against the database on every request: revoking the grant or the token, or removing the
 * person from the organization, takes effect on the next call. Scopes are the token's, within the grant's current
 * ones (approving the app again with fewer scopes narrows tokens already issued).
 */
export async function authenticateOAuthAccessToken(
  platform: Platform,
  token: string,
): Promise<AuthenticatedOAuthToken> {
  const invalid = () => new UnauthorizedError('The access token is invalid or has expired.', 'invalid_token')
  if (!ACCESS_TOKEN_PATTERN.test(token)) throw invalid()
  const hash = await sha256Hex(token)
  const [row] = await platform.db.query<
    TokenRow & {
      client_id: string
      user_id: string
      workspace_id: string
      grant_scopes: string[]
      grant_revoked_at: Date | null
      role: 'user' | 'admin' | null
    }
  >(
    `select t.*, g.client_id, g.user_id, g.workspace_id, g.scopes as grant_scopes, g.revoked_at as grant_revoked_at, m.role
       from oauth_tokens t
       join oauth_grants g on g.id = t.grant_id
       left join memberships m on m.organization_id = g.organization_id and m.user_id = g.user_id
      where t.token_hash = $1 and t.kind = 'access'`,
    [hash],
  )
  if (!row || !timingSafeEqual(row.token_hash, hash)) throw invalid()
  if (row.revoked_at || row.grant_revoked_at) {
    throw new UnauthorizedError("This app's access has been revoked. Authorize it again.", 'token_revoked')
  }
  if (row.expires_at.getTime() <= Date.now()) throw invalid()
  const [user] = await platform.db.query<UserRow>('select * from users where id = $1', [row.user_id])
  if (!user || (!row.role && !user.is_super_admin)) {
    throw new UnauthorizedError(
      'The person who authorized this app is no longer a member of its organization.',
      'token_owner_removed',
    )
  }
  await platform.db.query('update oauth_grants set usage_count = usage_count + 1, last_used_at = now() where id = $1', [
    row.grant_id,
  ])
  return {
    grantId: row.grant_id,
    clientId: row.client_id,
    organizationId: row.organization_id,
    workspaceId: row.workspace_id,
    user,
    role: user.is_super_admin ? 'super_admin' : (row.role as 'user' | 'admin'),
    scopes: orderScopes(row.scopes.filter((s) => row.grant_scopes.includes(s))),
  }
}
