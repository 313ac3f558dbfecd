/**
 * API tokens `prodgy_<32 alphanumerics>`: bound to one workspace and one user, stored only as a SHA-256
 * hash plus an 8-character prefix for recognition. Validity is checked against the database on every
 * request, so revoking, deactivating or regenerating takes effect on the very next call.
 */
import { z } from 'zod'
import { isAdmin, requireOrganization, requireSession } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { randomAlphanumeric, sha256Hex, timingSafeEqual } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts'
import { actorOf, listAudit, recordAudit } from './audit.ts'
import { type Page, type PageQuery, pageBounds, toPage } from './pagination.ts'
import type { Platform } from './platform.ts'
import type { UserRow } from './users.ts'
import { assertWorkspaceAccess } from './workspace-access.ts'

export const TOKEN_PREFIX = 'prodgy_'
const TOKEN_PATTERN = /^prodgy_[A-Za-z0-9]{32}$/
/** "used" is written to the audit log at most once an hour per token; the usage counter counts every call. */
const USED_AUDIT_INTERVAL_MS = 3600 * 1000

export type ApiTokenStatus = 'active' | 'inactive' | 'expired' | 'revoked'

interface ApiTokenRow {
  id: string
  organization_id: string
  workspace_id: string
  user_id: string
  name: string
  prefix: string
  token_hash: string
  status: ApiTokenStatus
  expires_at: Date | null
  usage_count: number
  last_used_at: Date | null
  last_used_audit_at: Date | null
  created_at: Date
  creator_name?: string
}

export interface ApiTokenDto {
  id: string
  workspaceId: string
  name: string
  prefix: string
  status: ApiTokenStatus
  expiresAt: string | null
  usageCount: number
  lastUsedAt: string | null
  createdAt: string
  createdBy: { id: string; fullName: string }
}

function effectiveStatus(row: ApiTokenRow): ApiTokenStatus {
  if (row.status === 'active' && row.expires_at && row.expires_at.getTime() <= Date.now()) return 'expired'
  return row.status
}

function toDto(row: ApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: `${TOKEN_PREFIX}${row.prefix}`,
    status: effectiveStatus(row),
    expiresAt: row.expires_at?.toISOString() ?? null,
    usageCount: row.usage_count,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    createdBy: { id: row.user_id, fullName: row.creator_name ?? '' },
  }
}

async function newSecret(): Promise<{ token: string; prefix: string; hash: string }> {
  const random = randomAlphanumeric(32)
  const token = TOKEN_PREFIX + random
  return { token, prefix: random.slice(0, 8), hash: await sha256Hex(token) }
}

const expirySchema = z.iso
  .datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2027-01-31T23:59:00Z.' })
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() > Date.now(), 'The expiry must be in the future.')

export const createTokenInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name.').max(100),
  expiresAt: expirySchema.nullable().optional(),
})
export const renewTokenInputSchema = z.object({ expiresAt: expirySchema.nullable() })

// ---------------------------------------------------------------- authentication

export interface AuthenticatedToken {
  tokenId: string
  organizationId: string
  workspaceId: string
  user: UserRow
  role: 'user' | 'admin'
}

export async function authenticateApiToken(
  platform: Platform,
  token: string,
  ip: string | undefined,
): Promise<AuthenticatedToken> {
  if (!TOKEN_PATTERN.test(token)) throw new UnauthorizedError('The API token is not valid.', 'invalid_token')
  const hash = await sha256Hex(token)
  const [row] = await platform.db.query<ApiTokenRow & { role: 'user' | 'admin' | null }>(
    `select t.*, m.role from api_tokens t
       left join memberships m on m.organization_id = t.organization_id and m.user_id = t.user_id
      where t.token_hash = $1`,
    [hash],
  )
  if (!row || !timingSafeEqual(row.token_hash, hash)) {
    throw new UnauthorizedError('The API token is not valid.', 'invalid_token')
  }
  if (row.status === 'revoked') throw new UnauthorizedError('This API token has been revoked.', 'token_revoked')
  if (row.status === 'inactive') throw new UnauthorizedError('This API token is deactivated.', 'token_inactive')
  if (effectiveStatus(row) === 'expired') {
    await platform.db.transaction(async (tx) => {
      const changed = await tx.query(
        `update api_tokens set status = 'expired', updated_at = now() where id = $1 and status = 'active' returning id`,
        [row.id],
      )
      if (changed.length > 0) {
        await recordAudit(tx, {
          organizationId: row.organization_id,
          workspaceId: row.workspace_id,
          actor: { tokenId: row.id, ip },
          action: 'api_token.expired',
          targetType: 'api_token',
          targetId: row.id,
        })
      }
    })
    throw new UnauthorizedError('This API token has expired. Renew it or create a new one.', 'token_expired')
  }
  const [owner] = await platform.db.query<UserRow>('select * from users where id = $1', [row.user_id])
  if (!owner || (!row.role && !owner.is_super_admin)) {
    throw new UnauthorizedError(
      'The owner of this API token is no longer a member of its organization.',
      'token_owner_removed',
    )
  }
  const [usage] = await platform.db.query<{ audit_due: boolean }>(
    `update api_tokens set usage_count = usage_count + 1, last_used_at = now(),
            last_used_audit_at = case when last_used_audit_at is null or last_used_audit_at < $2 then now() else last_used_audit_at end
      where id = $1
      returning (last_used_audit_at = last_used_at) as audit_due`,
    [row.id, new Date(Date.now() - USED_AUDIT_INTERVAL_MS)],
  )
  if (usage?.audit_due) {
    await recordAudit(platform.db, {
      organizationId: row.organization_id,
      workspaceId: row.workspace_id,
      actor: { userId: row.user_id, tokenId: row.id, ip },
      action: 'api_token.used',
      targetType: 'api_token',
      targetId: row.id,
    })
  }
  return {
    tokenId: row.id,
    organizationId: row.organization_id,
    workspaceId: row.workspace_id,
    user: owner,
    role: row.role ?? 'admin',
  }
}

// ---------------------------------------------------------------- management

const SELECT_TOKEN = `select t.*, u.full_name as creator_name from api_tokens t join users u on u.id = t.user_id`

async function loadManageable(q: Queryable, principal: Principal | undefined, tokenId: string): Promise<ApiTokenRow> {
  const me = requireSession(principal)
  const organizationId = requireOrganization(principal)
  const [row] = await q.query<ApiTokenRow>(
    `${SELECT_TOKEN} where t.id = $1 and t.organization_id = $2 for update of t`,
    [tokenId, organizationId],
  )
  if (!row) throw new NotFoundError('API token', 'token_not_found')
  if (row.user_id !== me.id && !isAdmin(principal)) {
    throw new ForbiddenError('Only the token owner or an administrator can manage this token.', 'token_forbidden')
  }
  return row
}

export async function listApiTokens(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string,
  query: PageQuery,
): Promise<Page<ApiTokenDto>> {
  const me = requireSession(principal)
  const organizationId = requireOrganization(principal)
  await assertWorkspaceAccess(platform.db, principal as Principal, workspaceId)
  const ownOnly = !isAdmin(principal)
  const { limit, offset } = pageBounds(query)
  const filter = `where t.organization_id = $1 and t.workspace_id = $2 and ($3::uuid is null or t.user_id = $3)`
  const params = [organizationId, workspaceId, ownOnly ? me.id : null]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from api_tokens t ${filter}`,
    params,
  )
  const rows = await platform.db.query<ApiTokenRow>(
    `${SELECT_TOKEN} ${filter} order by t.created_at desc, t.id limit $4 offset $5`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toDto), count?.n ?? 0, query)
}

export async function createApiToken(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string,
  input: z.infer<typeof createTokenInputSchema>,
): Promise<{ token: string; apiToken: ApiTokenDto }> {
  const me = requireSession(principal)
  const organizationId = requireOrganization(principal)
  await assertWorkspaceAccess(platform.db, principal as Principal, workspaceId)
  return createTokenFor(platform.db, {
    organizationId,
    workspaceId,
    userId: me.id,
    ...input,
    actor: actorOf(principal),
  })
}

/** Shared by the API and `prodgy token create`. */
export async function createTokenFor(
  db: Platform['db'],
  input: {
    organizationId: string
    workspaceId: string
    userId: string
    name: string
    expiresAt?: Date | null | undefined
    actor: ReturnType<typeof actorOf>
  },
): Promise<{ token: string; apiToken: ApiTokenDto }> {
  const secret = await newSecret()
  return db.transaction(async (tx) => {
    const [inserted] = await tx.query<{ id: string }>(
      `insert into api_tokens (organization_id, workspace_id, user_id, name, prefix, token_hash, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        input.organizationId,
        input.workspaceId,
        input.userId,
        input.name,
        secret.prefix,
        secret.hash,
        input.expiresAt ?? null,
      ],
    )
    const id = (inserted as { id: string }).id
    await recordAudit(tx, {
      organizationId: input.organizationId,
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: id,
      metadata: { name: input.name, prefix: secret.prefix, expiresAt: input.expiresAt?.toISOString() ?? null },
    })
    const [row] = await tx.query<ApiTokenRow>(`${SELECT_TOKEN} where t.id = $1`, [id])
    return { token: secret.token, apiToken: toDto(row as ApiTokenRow) }
  })
}

type TokenAction = 'regenerate' | 'renew' | 'activate' | 'deactivate' | 'revoke'
const AUDIT_ACTION: Record<TokenAction, string> = {
  regenerate: 'api_token.regenerated',
  renew: 'api_token.renewed',
  activate: 'api_token.activated',
  deactivate: 'api_token.deactivated',
  revoke: 'api_token.revoked',
}

async function changeToken(
  platform: Platform,
  principal: Principal | undefined,
  tokenId: string,
  action: TokenAction,
  apply: (tx: Queryable, row: ApiTokenRow) => Promise<Record<string, unknown>>,
): Promise<ApiTokenDto> {
  return platform.db.transaction(async (tx) => {
    const row = await loadManageable(tx, principal, tokenId)
    if (row.status === 'revoked') {
      throw new ConflictError(
        'This token has been revoked; revocation is permanent. Create a new token.',
        'token_revoked',
      )
    }
    const metadata = await apply(tx, row)
    await recordAudit(tx, {
      organizationId: row.organization_id,
      workspaceId: row.workspace_id,
      actor: actorOf(principal),
      action: AUDIT_ACTION[action],
      targetType: 'api_token',
      targetId: row.id,
      metadata: { name: row.name, ...metadata },
    })
    const [updated] = await tx.query<ApiTokenRow>(`${SELECT_TOKEN} where t.id = $1`, [row.id])
    return toDto(updated as ApiTokenRow)
  })
}

export async function regenerateApiToken(
  platform: Platform,
  principal: Principal | undefined,
  tokenId: string,
): Promise<{ token: string; apiToken: ApiTokenDto }> {
  const secret = await newSecret()
  const apiToken = await changeToken(platform, principal, tokenId, 'regenerate', async (tx, row) => {
    await tx.query('update api_tokens set prefix = $2, token_hash = $3, updated_at = now() where id = $1', [
      row.id,
      secret.prefix,
      secret.hash,
    ])
    return { previousPrefix: row.prefix, prefix: secret.prefix }
  })
  return { token: secret.token, apiToken }
}

export function renewApiToken(
  platform: Platform,
  principal: Principal | undefined,
  tokenId: string,
  input: z.infer<typeof renewTokenInputSchema>,
): Promise<ApiTokenDto> {
  return changeToken(platform, principal, tokenId, 'renew', async (tx, row) => {
    // renewing an expired token brings it back to active with the new expiry
    const status = row.status === 'expired' ? 'active' : row.status
    await tx.query('update api_tokens set expires_at = $2, status = $3, updated_at = now() where id = $1', [
      row.id,
      input.expiresAt,
      status,
    ])
    return { expiresAt: input.expiresAt?.toISOString() ?? null }
  })
}

export function setApiTokenActive(
  platform: Platform,
  principal: Principal | undefined,
  tokenId: string,
  active: boolean,
): Promise<ApiTokenDto> {
  return changeToken(platform, principal, tokenId, active ? 'activate' : 'deactivate', async (tx, row) => {
    if (active && effectiveStatus(row) === 'expired') {
      throw new ValidationError('This token has expired. Renew it with a new expiry instead.', {
        expiresAt: ['expired'],
      })
    }
    await tx.query('update api_tokens set status = $2, updated_at = now() where id = $1', [
      row.id,
      active ? 'active' : 'inactive',
    ])
    return {}
  })
}

export function revokeApiToken(platform: Platform, principal: Principal | undefined, tokenId: string) {
  return changeToken(platform, principal, tokenId, 'revoke', async (tx, row) => {
    await tx.query(`update api_tokens set status = 'revoked', revoked_at = now(), updated_at = now() where id = $1`, [
      row.id,
    ])
    return {}
  })
}

export async function listApiTokenAudit(
  platform: Platform,
  principal: Principal | undefined,
  tokenId: string,
  query: PageQuery,
) {
  const row = await platform.db.transaction((tx) => loadManageable(tx, principal, tokenId))
  return listAudit(platform.db, row.organization_id, { targetType: 'api_token', targetId: row.id }, query)
}
