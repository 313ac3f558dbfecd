/**
 * Turns request credentials into a Principal. Order: service key (`X-Api-Key`), a connected app's OAuth access
 * token (`pgoa_…`), API token (`prodgy_…` as Bearer or `X-API-Token`), then a session access token (or another
 * identity provider's bearer token). No credential at all gives `undefined`; a credential that is present but wrong is an error,
 * so a client learns at once that its token is revoked or expired.
 */
import { verifyAccessToken } from '../auth/access-token.ts'
import type { EffectiveRole, Principal } from '../auth/principal.ts'
import { timingSafeEqual } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { ForbiddenError, UnauthorizedError } from '../errors.ts'
import { authenticateOAuthAccessToken, isOAuthAccessToken } from '../oauth/tokens.ts'
import { authenticateApiToken } from './api-tokens.ts'
import type { Platform } from './platform.ts'
import { isFamilyActive } from './sessions.ts'
import { findUserById, type UserRow } from './users.ts'

export interface RequestCredentials {
  authorization?: string | undefined
  apiToken?: string | undefined
  apiKey?: string | undefined
  actAsUserId?: string | undefined
  organizationId?: string | undefined
  /** The workspace a service caller acts in (`X-Workspace-Id`), checked against the user's access. */
  workspaceId?: string | undefined
  ip?: string | undefined
}

export const API_TOKEN_PREFIX = 'prodgy_'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Identity providers other than the built-in one (Supabase Auth, Google, Microsoft) verify their own bearer
 * tokens and name the local user; routes never change when one is added.
 */
export interface IdentityProvider {
  id: string
  /** Returns the local user id for a bearer token this provider issued, or undefined when it is not one of its tokens. */
  verifyBearer(token: string, q: Queryable): Promise<string | undefined>
}

/** The organization and role a user acts with: the requested one when allowed, else their first membership. */
export async function resolveOrganization(
  q: Queryable,
  user: Pick<UserRow, 'id' | 'is_super_admin'>,
  requested: string | undefined,
): Promise<{ organizationId: string | undefined; role: EffectiveRole | undefined }> {
  if (requested !== undefined && !UUID.test(requested)) {
    throw new ForbiddenError('X-Organization-Id must be an organization id (a UUID).', 'invalid_organization')
  }
  const memberships = await q.query<{ organization_id: string; role: 'user' | 'admin' }>(
    'select organization_id, role from memberships where user_id = $1 order by created_at, organization_id',
    [user.id],
  )
  if (requested) {
    if (user.is_super_admin) {
      const [org] = await q.query<{ id: string }>('select id from organizations where id = $1', [requested])
      if (!org) throw new ForbiddenError('That organization does not exist.', 'organization_not_found')
      return { organizationId: requested, role: 'super_admin' }
    }
    const match = memberships.find((m) => m.organization_id === requested)
    if (!match) throw new ForbiddenError('You are not a member of that organization.', 'not_a_member')
    return { organizationId: requested, role: match.role }
  }
  const first = memberships[0]
  if (first) return { organizationId: first.organization_id, role: user.is_super_admin ? 'super_admin' : first.role }
  if (user.is_super_admin) {
    const [org] = await q.query<{ id: string }>('select id from organizations order by created_at, id limit 1')
    return { organizationId: org?.id, role: 'super_admin' }
  }
  return { organizationId: undefined, role: undefined }
}

/** The workspace a service caller names must belong to the organization and be open to the user. */
async function requireWorkspaceAccess(
  q: Queryable,
  user: Pick<UserRow, 'id' | 'is_super_admin'>,
  org: { organizationId: string | undefined; role: EffectiveRole | undefined },
  workspaceId: string,
): Promise<string> {
  if (!UUID.test(workspaceId)) throw new ForbiddenError('X-Workspace-Id must be a workspace id.', 'invalid_workspace')
  const open = org.role === 'admin' || org.role === 'super_admin'
  const [row] = await q.query<{ id: string }>(
    `select w.id from workspaces w
      where w.id = $1 and w.organization_id = $2
        and ($3 or exists (select 1 from workspace_access a where a.workspace_id = w.id and a.user_id = $4))`,
    [workspaceId, org.organizationId ?? null, open, user.id],
  )
  if (!row) throw new ForbiddenError('You cannot open that workspace.', 'workspace_forbidden')
  return row.id
}

function principalUser(user: UserRow) {
  return { id: user.id, email: user.email, fullName: user.full_name, isSuperAdmin: user.is_super_admin }
}

export async function resolvePrincipal(
  platform: Platform,
  credentials: RequestCredentials,
  providers: readonly IdentityProvider[] = [],
): Promise<Principal | undefined> {
  const db = platform.db
  const bearer = /^Bearer\s+(.+)$/i.exec(credentials.authorization?.trim() ?? '')?.[1]?.trim()
  const base = {
    tokenId: undefined,
    workspaceId: undefined,
    service: undefined,
    sessionFamilyId: undefined,
    ip: credentials.ip,
  }

  if (credentials.apiKey) {
    const service = Object.entries(platform.settings.serviceKeys).find(
      ([, key]) => key.length > 0 && timingSafeEqual(key, credentials.apiKey as string),
    )?.[0]
    if (!service) throw new UnauthorizedError('The service key is not valid.', 'invalid_api_key')
    // A service relaying a caller's own credentials (the MCP Gateway): the caller's token decides who acts.
    if (bearer || credentials.apiToken) {
      const relayed = await resolvePrincipal(platform, { ...credentials, apiKey: undefined }, providers)
      return relayed ? { ...relayed, service } : undefined
    }
    if (!credentials.actAsUserId) {
      // a service acting for no one may still name the organization and workspace it works in
      if (credentials.organizationId && credentials.workspaceId) {
        if (!UUID.test(credentials.organizationId) || !UUID.test(credentials.workspaceId)) {
          throw new ForbiddenError('X-Organization-Id and X-Workspace-Id must be ids.', 'invalid_workspace')
        }
        const [ws] = await db.query<{ id: string }>(
          'select id from workspaces where id = $1 and organization_id = $2',
          [credentials.workspaceId, credentials.organizationId],
        )
        if (!ws) throw new ForbiddenError('That workspace is not in that organization.', 'workspace_forbidden')
        return {
          ...base,
          kind: 'service',
          service,
          user: undefined,
          organizationId: credentials.organizationId,
          workspaceId: credentials.workspaceId,
          role: undefined,
        }
      }
      return { ...base, kind: 'service', service, user: undefined, organizationId: undefined, role: undefined }
    }
    if (!UUID.test(credentials.actAsUserId)) {
      throw new UnauthorizedError('X-Prodgy-User-Id must be a user id.', 'invalid_user')
    }
    const user = await findUserById(db, credentials.actAsUserId)
    if (!user) throw new UnauthorizedError('The user named by X-Prodgy-User-Id does not exist.', 'invalid_user')
    const org = await resolveOrganization(db, user, credentials.organizationId)
    const workspaceId = credentials.workspaceId
      ? await requireWorkspaceAccess(db, user, org, credentials.workspaceId)
      : undefined
    return { ...base, kind: 'service', service, user: principalUser(user), ...org, workspaceId }
  }

  // an access token issued to a connected app (OAuth): bound to one workspace, limited by its scopes
  if (!credentials.apiToken && bearer && isOAuthAccessToken(bearer)) {
    const app = await authenticateOAuthAccessToken(platform, bearer)
    return {
      ...base,
      kind: 'oauth',
      user: principalUser(app.user),
      organizationId: app.organizationId,
      workspaceId: app.workspaceId,
      tokenId: app.grantId,
      role: app.role,
      scopes: app.scopes,
    }
  }

  const apiToken = credentials.apiToken ?? (bearer?.startsWith(API_TOKEN_PREFIX) ? bearer : undefined)
  if (apiToken) {
    const resolved = await authenticateApiToken(platform, apiToken, credentials.ip)
    const role: EffectiveRole = resolved.user.is_super_admin ? 'super_admin' : resolved.role
    return {
      ...base,
      kind: 'api_token',
      user: principalUser(resolved.user),
      organizationId: resolved.organizationId,
      workspaceId: resolved.workspaceId,
      tokenId: resolved.tokenId,
      role,
    }
  }

  if (!bearer) return undefined
  const claims = await verifyAccessToken(bearer, platform.settings.jwtSecret)
  let userId = claims?.userId
  if (claims && !(await isFamilyActive(db, claims.familyId))) {
    throw new UnauthorizedError('Your session has ended. Please sign in again.', 'session_expired')
  }
  if (!userId) {
    for (const provider of providers) {
      userId = await provider.verifyBearer(bearer, db)
      if (userId) break
    }
  }
  if (!userId) throw new UnauthorizedError('The access token is invalid or has expired.', 'invalid_token')
  const user = await findUserById(db, userId)
  if (!user) throw new UnauthorizedError('The account no longer exists.', 'invalid_token')
  const org = await resolveOrganization(db, user, credentials.organizationId)
  return { ...base, kind: 'session', user: principalUser(user), sessionFamilyId: claims?.familyId, ...org }
}
