/**
 * Sessions: a short-lived access JWT plus an opaque refresh token stored only as a hash.
 * Each refresh rotates the token inside its family; presenting an already-used refresh token means it was
 * stolen or replayed, so the whole family is revoked and every access token of it stops working at once.
 */
import { signAccessToken } from '../auth/access-token.ts'
import { randomAlphanumeric, sha256Hex } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { UnauthorizedError } from '../errors.ts'
import { recordAudit } from './audit.ts'
import type { Platform } from './platform.ts'
import { findUserById, toUserDto, type UserDto, type UserRow } from './users.ts'

export interface SessionDto {
  accessToken: string
  accessTokenExpiresAt: string
  refreshToken: string
  refreshTokenExpiresAt: string
  user: UserDto
}

export interface ClientMeta {
  ip?: string | undefined
  userAgent?: string | undefined
}

const REFRESH_PREFIX = 'prt_'

async function createRefreshToken(
  q: Queryable,
  platform: Platform,
  userId: string,
  familyId: string,
  meta: ClientMeta,
): Promise<{ token: string; expiresAt: Date }> {
  const token = REFRESH_PREFIX + randomAlphanumeric(48)
  const expiresAt = new Date(Date.now() + platform.settings.refreshTokenTtlSeconds * 1000)
  await q.query(
    `insert into refresh_sessions (user_id, family_id, token_hash, expires_at, user_agent, ip) values ($1, $2, $3, $4, $5, $6)`,
    [userId, familyId, await sha256Hex(token), expiresAt, meta.userAgent?.slice(0, 300) ?? null, meta.ip ?? null],
  )
  return { token, expiresAt }
}

async function sessionFor(
  q: Queryable,
  platform: Platform,
  user: UserRow,
  familyId: string,
  meta: ClientMeta,
): Promise<SessionDto> {
  const refresh = await createRefreshToken(q, platform, user.id, familyId, meta)
  const access = await signAccessToken(
    { userId: user.id, familyId },
    platform.settings.jwtSecret,
    platform.settings.accessTokenTtlSeconds,
  )
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
    refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
    user: toUserDto(user),
  }
}

/** Starts a new session family for a user who just proved who they are. */
export async function startSession(
  q: Queryable,
  platform: Platform,
  user: UserRow,
  meta: ClientMeta,
): Promise<SessionDto> {
  await q.query('update users set last_login_at = now() where id = $1', [user.id])
  return sessionFor(q, platform, user, crypto.randomUUID(), meta)
}

interface RefreshRow {
  id: string
  user_id: string
  family_id: string
  expires_at: Date
  used_at: Date | null
  revoked_at: Date | null
}

const invalidRefresh = () => new UnauthorizedError('Your session has ended. Please sign in again.', 'session_expired')

export async function refreshSession(platform: Platform, refreshToken: string, meta: ClientMeta): Promise<SessionDto> {
  const hash = await sha256Hex(refreshToken)
  const outcome = await platform.db.transaction(async (tx) => {
    const [row] = await tx.query<RefreshRow>('select * from refresh_sessions where token_hash = $1 for update', [hash])
    if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now()) return { kind: 'invalid' as const }
    if (row.used_at) {
      await revokeFamily(tx, row.family_id, 'reuse_detected')
      const user = await findUserById(tx, row.user_id)
      await recordAudit(tx, {
        organizationId: null,
        actor: { userId: row.user_id, ip: meta.ip },
        action: 'session.reuse_detected',
        targetType: 'user',
        targetId: row.user_id,
        metadata: { email: user?.email },
      })
      return { kind: 'reused' as const }
    }
    await tx.query('update refresh_sessions set used_at = now() where id = $1', [row.id])
    const user = await findUserById(tx, row.user_id)
    if (!user) return { kind: 'invalid' as const }
    return { kind: 'ok' as const, session: await sessionFor(tx, platform, user, row.family_id, meta) }
  })
  if (outcome.kind === 'reused') {
    platform.log.warn('refresh token reused; session family revoked', { ip: meta.ip })
    throw invalidRefresh()
  }
  if (outcome.kind === 'invalid') throw invalidRefresh()
  return outcome.session
}

export async function revokeFamily(q: Queryable, familyId: string, reason: string): Promise<void> {
  await q.query(
    'update refresh_sessions set revoked_at = now(), revoked_reason = $2 where family_id = $1 and revoked_at is null',
    [familyId, reason],
  )
}

/** Signs out every session of a user, optionally keeping one family (the caller's own). */
export async function revokeUserSessions(q: Queryable, userId: string, reason: string, keepFamilyId?: string) {
  await q.query(
    `update refresh_sessions set revoked_at = now(), revoked_reason = $2
      where user_id = $1 and revoked_at is null and ($3::uuid is null or family_id <> $3)`,
    [userId, reason, keepFamilyId ?? null],
  )
}

export async function logout(platform: Platform, refreshToken: string): Promise<void> {
  const hash = await sha256Hex(refreshToken)
  await platform.db.transaction(async (tx) => {
    const [row] = await tx.query<{ family_id: string }>(
      'select family_id from refresh_sessions where token_hash = $1',
      [hash],
    )
    if (row) await revokeFamily(tx, row.family_id, 'logout')
  })
}

/** An access token is honoured only while its family still has a live refresh session. */
export async function isFamilyActive(q: Queryable, familyId: string): Promise<boolean> {
  const rows = await q.query<{ active: boolean }>(
    `select exists (select 1 from refresh_sessions where family_id = $1 and revoked_at is null and expires_at > now()) as active`,
    [familyId],
  )
  return rows[0]?.active === true
}
