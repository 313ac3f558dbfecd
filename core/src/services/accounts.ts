/**
 * Accounts: first-run setup, sign-up with email confirmation, password sign-in, password reset with a
 * progressive cooldown, password change, profile and AI preferences, and deleting one's own account.
 */
import { z } from 'zod'
import { checkPassword } from '../auth/password-policy.ts'
import { requireSession, requireUser } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { decoyPasswordHash, hashPassword, verifyPassword } from '../crypto/password-hash.ts'
import { randomAlphanumeric, sha256Hex } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { ConflictError, ForbiddenError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors.ts'
import { recordAudit } from './audit.ts'
import { queueAccountEmail, RESET_LINK_MINUTES } from './emails.ts'
import type { Platform } from './platform.ts'
import { type ClientMeta, revokeUserSessions, type SessionDto, startSession } from './sessions.ts'
import {
  findUserByEmail,
  findUserById,
  normalizeEmail,
  slugify,
  toUserDto,
  type UserDto,
  type UserRow,
} from './users.ts'

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address.' }))
  .transform(normalizeEmail)
export const fullNameSchema = z.string().trim().min(1, 'Enter your full name.').max(200)
export const passwordSchema = z.string().max(1024)

const CONFIRM_LINK_TTL_MS = 24 * 3600 * 1000
const RESET_LINK_TTL_MS = RESET_LINK_MINUTES * 60 * 1000
/** Password-reset cooldown: 15 s after the first request, doubling up to 60 s, counted over one hour. */
const RESET_WINDOW_MS = 3600 * 1000
export function resetCooldownSeconds(previousRequests: number): number {
  if (previousRequests <= 0) return 0
  return Math.min(15 * 2 ** (previousRequests - 1), 60)
}

export function assertPasswordPolicy(password: string, field = 'password'): void {
  const problems = checkPassword(password)
  if (problems.length > 0) {
    throw new ValidationError(`The password does not meet the policy: ${problems.join('; ')}.`, { [field]: problems })
  }
}

async function createEmailLink(
  q: Queryable,
  userId: string,
  purpose: 'confirm_email' | 'reset_password',
  ttlMs: number,
): Promise<string> {
  const token = randomAlphanumeric(43)
  // a new link replaces any earlier unused one of the same purpose
  await q.query('update email_links set used_at = now() where user_id = $1 and purpose = $2 and used_at is null', [
    userId,
    purpose,
  ])
  await q.query('insert into email_links (user_id, purpose, token_hash, expires_at) values ($1, $2, $3, $4)', [
    userId,
    purpose,
    await sha256Hex(token),
    new Date(Date.now() + ttlMs),
  ])
  return token
}

/** Consumes a one-time link; answers one clear error for unknown, used and expired links alike. */
async function consumeEmailLink(
  q: Queryable,
  token: string,
  purpose: 'confirm_email' | 'reset_password',
): Promise<UserRow> {
  const [link] = await q.query<{ id: string; user_id: string; expires_at: Date; used_at: Date | null }>(
    'select id, user_id, expires_at, used_at from email_links where token_hash = $1 and purpose = $2 for update',
    [await sha256Hex(token), purpose],
  )
  const what = purpose === 'confirm_email' ? 'confirmation' : 'password reset'
  if (!link || link.used_at || link.expires_at.getTime() <= Date.now()) {
    throw new ValidationError(`This ${what} link is invalid or has expired. Request a new one.`, {
      token: ['invalid or expired'],
    })
  }
  await q.query('update email_links set used_at = now() where id = $1', [link.id])
  const user = await findUserById(q, link.user_id)
  if (!user)
    throw new ValidationError(`This ${what} link is invalid or has expired.`, { token: ['invalid or expired'] })
  return user
}

function link(platform: Platform, path: string, token: string): string {
  return `${platform.settings.publicUrl}${path}?token=${encodeURIComponent(token)}`
}

// ---------------------------------------------------------------- first run

/** A fixed advisory-lock key so two first-run setups submitted at once cannot both succeed. */
const SETUP_LOCK_KEY = 0x70727374

export async function needsSetup(q: Queryable): Promise<boolean> {
  const [row] = await q.query<{ any: boolean }>('select exists (select 1 from users) as any')
  return row?.any !== true
}

export const setupInputSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  fullName: fullNameSchema,
  organizationName: z.string().trim().min(1, 'Enter the organization name.').max(200),
  workspaceName: z.string().trim().max(200).optional(),
})
export type SetupInput = z.infer<typeof setupInputSchema>

export interface CreatedAdmin {
  user: UserRow
  organizationId: string
  workspaceId: string | undefined
}

/**
 * Creates a Super Admin, an organization, its admin membership and optionally its first workspace.
 * Used by the first-run page and by `prodgy user create-admin`.
 */
export async function createSuperAdmin(
  tx: Queryable,
  input: SetupInput,
  options: { requireEmptyPlatform: boolean },
): Promise<CreatedAdmin> {
  assertPasswordPolicy(input.password)
  await tx.query('select pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY])
  if (options.requireEmptyPlatform && !(await needsSetup(tx))) {
    throw new ConflictError('Prodgy is already set up. Sign in instead.', 'already_set_up')
  }
  if (await findUserByEmail(tx, input.email)) {
    throw new ConflictError('An account with this email already exists.', 'email_taken')
  }
  const [user] = await tx.query<UserRow>(
    `insert into users (email, full_name, password_hash, email_confirmed_at, is_super_admin, password_changed_at)
     values ($1, $2, $3, now(), true, now()) returning *`,
    [input.email, input.fullName, await hashPassword(input.password)],
  )
  const [org] = await tx.query<{ id: string }>(
    'insert into organizations (name, status) values ($1, $2) returning id',
    [input.organizationName, 'active'],
  )
  const admin = user as UserRow
  const organizationId = (org as { id: string }).id
  await tx.query(`insert into memberships (organization_id, user_id, role) values ($1, $2, 'admin')`, [
    organizationId,
    admin.id,
  ])
  let workspaceId: string | undefined
  if (input.workspaceName) {
    const [ws] = await tx.query<{ id: string }>(
      'insert into workspaces (organization_id, name, slug) values ($1, $2, $3) returning id',
      [organizationId, input.workspaceName, slugify(input.workspaceName)],
    )
    workspaceId = ws?.id
  }
  await recordAudit(tx, {
    organizationId,
    actor: { userId: admin.id },
    action: 'super_admin.created',
    targetType: 'user',
    targetId: admin.id,
    metadata: { email: admin.email, workspaceId },
  })
  return { user: admin, organizationId, workspaceId }
}

export async function completeSetup(platform: Platform, input: SetupInput, meta: ClientMeta): Promise<SessionDto> {
  return platform.db.transaction(async (tx) => {
    const created = await createSuperAdmin(tx, input, { requireEmptyPlatform: true })
    platform.log.info('first-run setup completed', { userId: created.user.id, organizationId: created.organizationId })
    return startSession(tx, platform, created.user, meta)
  })
}

// ---------------------------------------------------------------- sign-up and confirmation

export const signupInputSchema = z.object({ email: emailSchema, fullName: fullNameSchema })

export async function signUp(platform: Platform, input: z.infer<typeof signupInputSchema>): Promise<void> {
  if (!platform.settings.allowSignup) {
    throw new ForbiddenError(
      'Sign-up is closed on this server. Ask an administrator for an invitation.',
      'signup_closed',
    )
  }
  const outboxId = await platform.db.transaction(async (tx) => {
    let user = await findUserByEmail(tx, input.email)
    if (user?.password_hash) {
      throw new ConflictError(
        'An account with this email already exists. Sign in or reset your password.',
        'email_taken',
      )
    }
    if (!user) {
      const [created] = await tx.query<UserRow>('insert into users (email, full_name) values ($1, $2) returning *', [
        input.email,
        input.fullName,
      ])
      user = created as UserRow
    }
    const token = await createEmailLink(tx, user.id, 'confirm_email', CONFIRM_LINK_TTL_MS)
    return queueAccountEmail(tx, {
      kind: 'confirm_email',
      to: user.email,
      fullName: input.fullName,
      url: link(platform, '/confirm', token),
    })
  })
  await platform.dispatchEmail(outboxId)
}

export const confirmInputSchema = z.object({ token: z.string().min(10).max(200), password: passwordSchema })

export async function confirmSignUp(
  platform: Platform,
  input: z.infer<typeof confirmInputSchema>,
  meta: ClientMeta,
): Promise<SessionDto> {
  assertPasswordPolicy(input.password)
  const passwordHash = await hashPassword(input.password)
  return platform.db.transaction(async (tx) => {
    const user = await consumeEmailLink(tx, input.token, 'confirm_email')
    const [updated] = await tx.query<UserRow>(
      `update users set password_hash = coalesce(password_hash, $2), email_confirmed_at = coalesce(email_confirmed_at, now()),
              password_changed_at = coalesce(password_changed_at, now()), updated_at = now()
        where id = $1 returning *`,
      [user.id, passwordHash],
    )
    await recordAudit(tx, {
      organizationId: null,
      actor: { userId: user.id, ip: meta.ip },
      action: 'user.signed_up',
      targetType: 'user',
      targetId: user.id,
    })
    return startSession(tx, platform, updated as UserRow, meta)
  })
}

// ---------------------------------------------------------------- sign-in

export const loginInputSchema = z.object({ email: emailSchema, password: passwordSchema })

export async function login(
  platform: Platform,
  input: z.infer<typeof loginInputSchema>,
  meta: ClientMeta,
): Promise<SessionDto> {
  const user = await findUserByEmail(platform.db, input.email)
  const valid = await verifyPassword(input.password, user?.password_hash ?? (await decoyPasswordHash()))
  if (!user?.password_hash || !valid) {
    throw new UnauthorizedError('The email or password is incorrect.', 'invalid_credentials')
  }
  if (!user.email_confirmed_at) {
    throw new ForbiddenError('Confirm your email first: use the link we sent you.', 'email_not_confirmed')
  }
  return platform.db.transaction((tx) => startSession(tx, platform, user, meta))
}

// ---------------------------------------------------------------- password reset

export const forgotInputSchema = z.object({ email: emailSchema })

/**
 * Sends a reset link when the account exists, and answers the same either way so the endpoint does not
 * reveal who has an account. Requests for one email are throttled with a growing cooldown.
 */
export async function requestPasswordReset(
  platform: Platform,
  input: z.infer<typeof forgotInputSchema>,
  meta: ClientMeta,
): Promise<{ cooldownSeconds: number }> {
  const result = await platform.db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`reset:${input.email}`])
    await tx.query('delete from password_reset_requests where requested_at < $1', [
      new Date(Date.now() - RESET_WINDOW_MS),
    ])
    const recent = await tx.query<{ requested_at: Date }>(
      'select requested_at from password_reset_requests where email = $1 order by requested_at desc',
      [input.email],
    )
    const cooldown = resetCooldownSeconds(recent.length)
    const last = recent[0]?.requested_at
    if (last) {
      const waitMs = last.getTime() + cooldown * 1000 - Date.now()
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000)
        return { kind: 'cooling' as const, seconds }
      }
    }
    await tx.query('insert into password_reset_requests (email, ip) values ($1, $2)', [input.email, meta.ip ?? null])
    const user = await findUserByEmail(tx, input.email)
    let outboxId: string | undefined
    if (user?.password_hash) {
      const token = await createEmailLink(tx, user.id, 'reset_password', RESET_LINK_TTL_MS)
      outboxId = await queueAccountEmail(tx, {
        kind: 'reset_password',
        to: user.email,
        fullName: user.full_name,
        url: link(platform, '/reset-password', token),
      })
    }
    return { kind: 'sent' as const, outboxId, next: resetCooldownSeconds(recent.length + 1) }
  })
  if (result.kind === 'cooling') {
    throw new RateLimitedError(
      `Please wait ${result.seconds} seconds before asking for another reset link.`,
      result.seconds,
      'reset_cooldown',
    )
  }
  if (result.outboxId) await platform.dispatchEmail(result.outboxId)
  return { cooldownSeconds: result.next }
}

export const resetInputSchema = z.object({ token: z.string().min(10).max(200), password: passwordSchema })

export async function resetPassword(
  platform: Platform,
  input: z.infer<typeof resetInputSchema>,
  meta: ClientMeta,
): Promise<void> {
  assertPasswordPolicy(input.password)
  const passwordHash = await hashPassword(input.password)
  await platform.db.transaction(async (tx) => {
    const user = await consumeEmailLink(tx, input.token, 'reset_password')
    await tx.query(
      'update users set password_hash = $2, password_changed_at = now(), email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() where id = $1',
      [user.id, passwordHash],
    )
    await revokeUserSessions(tx, user.id, 'password_reset')
    await recordAudit(tx, {
      organizationId: null,
      actor: { userId: user.id, ip: meta.ip },
      action: 'user.password_reset',
      targetType: 'user',
      targetId: user.id,
    })
  })
}

// ---------------------------------------------------------------- the signed-in user

export const changePasswordInputSchema = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema })

export async function changePassword(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof changePasswordInputSchema>,
): Promise<void> {
  const me = requireSession(principal)
  const user = await findUserById(platform.db, me.id)
  if (!user?.password_hash || !(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw new ValidationError('The current password is incorrect.', { currentPassword: ['incorrect'] })
  }
  assertPasswordPolicy(input.newPassword, 'newPassword')
  const passwordHash = await hashPassword(input.newPassword)
  await platform.db.transaction(async (tx) => {
    await tx.query(
      'update users set password_hash = $2, password_changed_at = now(), updated_at = now() where id = $1',
      [me.id, passwordHash],
    )
    await revokeUserSessions(tx, me.id, 'password_changed', principal?.sessionFamilyId)
    await recordAudit(tx, {
      organizationId: principal?.organizationId,
      actor: { userId: me.id, ip: principal?.ip },
      action: 'user.password_changed',
      targetType: 'user',
      targetId: me.id,
    })
  })
}

export const profileInputSchema = z.object({
  fullName: fullNameSchema.optional(),
  position: z.string().trim().max(200).nullable().optional(),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag such as en-US or pt-BR.')
    .optional(),
  avatar: z.url().max(2048).nullable().optional(),
})

export async function updateProfile(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof profileInputSchema>,
): Promise<UserDto> {
  const me = requireUser(principal)
  const [row] = await platform.db.query<UserRow>(
    `update users set
        full_name = coalesce($2, full_name),
        position = case when $3::boolean then $4 else position end,
        language = coalesce($5, language),
        avatar = case when $6::boolean then $7 else avatar end,
        updated_at = now()
      where id = $1 returning *`,
    [
      me.id,
      input.fullName ?? null,
      input.position !== undefined,
      input.position ?? null,
      input.language ?? null,
      input.avatar !== undefined,
      input.avatar ?? null,
    ],
  )
  return toUserDto(row as UserRow)
}

export const aiPreferencesInputSchema = z.object({
  directive: z.string().max(20_000),
  confirmDestructiveActions: z.boolean(),
})

export async function updateAiPreferences(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof aiPreferencesInputSchema>,
): Promise<UserDto> {
  const me = requireUser(principal)
  const [row] = await platform.db.query<UserRow>(
    'update users set ai_directive = $2, confirm_destructive_actions = $3, updated_at = now() where id = $1 returning *',
    [me.id, input.directive, input.confirmDestructiveActions],
  )
  return toUserDto(row as UserRow)
}

export const deleteAccountInputSchema = z.object({ password: passwordSchema })

/**
 * Deletes the caller's account. Refused while it would leave the platform without a Super Admin or an
 * organization without anyone who can administer it.
 */
export async function deleteOwnAccount(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof deleteAccountInputSchema>,
): Promise<void> {
  const me = requireSession(principal)
  const user = await findUserById(platform.db, me.id)
  if (!user?.password_hash || !(await verifyPassword(input.password, user.password_hash))) {
    throw new ValidationError('The password is incorrect.', { password: ['incorrect'] })
  }
  await platform.db.transaction(async (tx) => {
    if (user.is_super_admin) {
      const [row] = await tx.query<{ n: number }>(
        'select count(*)::int as n from users where is_super_admin and id <> $1',
        [me.id],
      )
      if ((row?.n ?? 0) === 0) {
        throw new ConflictError(
          'You are the only Super Admin. Make someone else Super Admin first.',
          'last_super_admin',
        )
      }
    }
    const orphaned = await tx.query<{ name: string }>(
      `select o.name from memberships m join organizations o on o.id = m.organization_id
        where m.user_id = $1 and m.role = 'admin'
          and not exists (select 1 from memberships other
                           where other.organization_id = m.organization_id and other.user_id <> $1 and other.role = 'admin')`,
      [me.id],
    )
    if (orphaned.length > 0) {
      const names = orphaned.map((o) => o.name).join(', ')
      throw new ConflictError(
        `You are the only administrator of ${names}. Make another member an administrator, or delete the organization first.`,
        'last_admin',
      )
    }
    await recordAudit(tx, {
      organizationId: null,
      actor: { userId: me.id, ip: principal?.ip },
      action: 'user.deleted',
      targetType: 'user',
      targetId: me.id,
      metadata: { email: user.email },
    })
    await tx.query('delete from users where id = $1', [me.id])
  })
}
