/**
 * Invitations: an Admin invites a person by email with a role and workspaces; the emailed link lets them
 * create their account (or sign in with an existing one) and join. One pending invitation per email and
 * organization; links expire after 7 days.
 */
import { z } from 'zod'
import { requireAdmin, requireSession } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { hashPassword, verifyPassword } from '../crypto/password-hash.ts'
import { randomAlphanumeric, sha256Hex } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../errors.ts'
import { assertPasswordPolicy, emailSchema, passwordSchema } from './accounts.ts'
import { actorOf, recordAudit } from './audit.ts'
import { INVITATION_MINUTES, queueAccountEmail } from './emails.ts'
import type { MemberRole } from './members.ts'
import { setWorkspaceAccess } from './members.ts'
import { type Page, type PageQuery, pageBounds, toPage } from './pagination.ts'
import type { Platform } from './platform.ts'
import { type ClientMeta, type SessionDto, startSession } from './sessions.ts'
import { findUserByEmail, type UserRow } from './users.ts'

const INVITATION_TTL_MS = INVITATION_MINUTES * 60 * 1000

export type InvitationStatus = 'pending' | 'active' | 'cancelled'

export interface InvitationDto {
  id: string
  email: string
  fullName: string
  role: MemberRole
  workspaceIds: string[]
  status: InvitationStatus
  invitedBy: { id: string; fullName: string } | null
  expiresAt: string
  acceptedAt: string | null
  createdAt: string
}

interface InvitationRow {
  id: string
  organization_id: string
  email: string
  full_name: string
  role: MemberRole
  workspace_ids: string[]
  status: InvitationStatus
  invited_by: string | null
  inviter_name: string | null
  expires_at: Date
  accepted_at: Date | null
  created_at: Date
}

function toDto(r: InvitationRow): InvitationDto {
  return {
    id: r.id,
    email: r.email,
    fullName: r.full_name,
    role: r.role,
    workspaceIds: r.workspace_ids,
    status: r.status,
    invitedBy: r.invited_by ? { id: r.invited_by, fullName: r.inviter_name ?? '' } : null,
    expiresAt: r.expires_at.toISOString(),
    acceptedAt: r.accepted_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }
}

const SELECT_INVITATION = `select i.*, u.full_name as inviter_name from invitations i left join users u on u.id = i.invited_by`

export const invitationInputSchema = z.object({
  email: emailSchema,
  fullName: z.string().trim().max(200).default(''),
  role: z.enum(['user', 'admin', 'super_admin']),
  workspaceIds: z.array(z.uuid()).max(1000).default([]),
})

export async function listInvitations(
  platform: Platform,
  principal: Principal | undefined,
  query: PageQuery & { status?: InvitationStatus | undefined },
): Promise<Page<InvitationDto>> {
  const organizationId = requireAdmin(principal)
  const seesSuperAdmins = principal?.user?.isSuperAdmin === true
  const { limit, offset } = pageBounds(query)
  const filter = `where i.organization_id = $1 and ($2::text is null or i.status = $2) and ($3::boolean or i.role <> 'super_admin')`
  const params = [organizationId, query.status ?? null, seesSuperAdmins]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from invitations i ${filter}`,
    params,
  )
  const rows = await platform.db.query<InvitationRow>(
    `${SELECT_INVITATION} ${filter} order by i.created_at desc, i.id limit $4 offset $5`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toDto), count?.n ?? 0, query)
}

export async function createInvitation(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof invitationInputSchema>,
): Promise<InvitationDto> {
  const me = requireSession(principal)
  const organizationId = requireAdmin(principal)
  if (input.role === 'super_admin' && !me.isSuperAdmin) {
    throw new ForbiddenError('Only a Super Admin can invite a Super Admin.', 'super_admin_required')
  }
  const token = randomAlphanumeric(43)
  const { invitation, outboxId } = await platform.db.transaction(async (tx) => {
    const [member] = await tx.query<{ id: string }>(
      `select m.id from memberships m join users u on u.id = m.user_id where m.organization_id = $1 and u.email = $2`,
      [organizationId, input.email],
    )
    if (member) throw new ConflictError('This person is already a member of the organization.', 'already_member')
    // re-inviting replaces the pending invitation, so the newest link is the one that works
    await tx.query(
      `update invitations set status = 'cancelled', cancelled_at = now() where organization_id = $1 and email = $2 and status = 'pending'`,
      [organizationId, input.email],
    )
    const workspaceIds = input.role === 'user' ? [...new Set(input.workspaceIds)] : []
    if (workspaceIds.length > 0) {
      const found = await tx.query('select id from workspaces where organization_id = $1 and id = any($2::uuid[])', [
        organizationId,
        workspaceIds,
      ])
      if (found.length !== workspaceIds.length) {
        throw new ValidationError('One or more workspaces do not belong to this organization.', {
          workspaceIds: ['unknown workspace'],
        })
      }
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into invitations (organization_id, email, full_name, role, workspace_ids, token_hash, invited_by, expires_at)
       values ($1, $2, $3, $4, $5::uuid[], $6, $7, $8) returning id`,
      [
        organizationId,
        input.email,
        input.fullName,
        input.role,
        workspaceIds,
        await sha256Hex(token),
        me.id,
        new Date(Date.now() + INVITATION_TTL_MS),
      ],
    )
    const id = (row as { id: string }).id
    const [org] = await tx.query<{ name: string }>('select name from organizations where id = $1', [organizationId])
    const outboxId = await queueAccountEmail(tx, {
      kind: 'invitation',
      to: input.email,
      organizationId,
      fullName: input.fullName,
      inviterName: me.fullName || me.email,
      organizationName: org?.name ?? '',
      role: input.role,
      url: `${platform.settings.publicUrl}/accept-invite?token=${encodeURIComponent(token)}`,
    })
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: id,
      metadata: { email: input.email, role: input.role },
    })
    const [created] = await tx.query<InvitationRow>(`${SELECT_INVITATION} where i.id = $1`, [id])
    return { invitation: toDto(created as InvitationRow), outboxId }
  })
  await platform.dispatchEmail(outboxId)
  return invitation
}

export async function cancelInvitation(
  platform: Platform,
  principal: Principal | undefined,
  invitationId: string,
): Promise<InvitationDto> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  return platform.db.transaction(async (tx) => {
    const [row] = await tx.query<InvitationRow>(`${SELECT_INVITATION} where i.id = $1 and i.organization_id = $2`, [
      invitationId,
      organizationId,
    ])
    if (!row || (row.role === 'super_admin' && !principal?.user?.isSuperAdmin)) {
      throw new NotFoundError('Invitation', 'invitation_not_found')
    }
    if (row.status !== 'pending')
      throw new ConflictError(`This invitation is already ${row.status}.`, 'invitation_not_pending')
    await tx.query(`update invitations set status = 'cancelled', cancelled_at = now() where id = $1`, [invitationId])
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'invitation.cancelled',
      targetType: 'invitation',
      targetId: invitationId,
      metadata: { email: row.email },
    })
    return { ...toDto(row), status: 'cancelled' as const }
  })
}

async function findPendingByToken(
  q: Queryable,
  token: string,
  lock: boolean,
): Promise<InvitationRow & { organization_name: string }> {
  const [row] = await q.query<InvitationRow & { organization_name: string }>(
    `select i.*, o.name as organization_name, null as inviter_name
       from invitations i join organizations o on o.id = i.organization_id
      where i.token_hash = $1 ${lock ? 'for update of i' : ''}`,
    [await sha256Hex(token)],
  )
  if (row?.status !== 'pending' || row.expires_at.getTime() <= Date.now()) {
    throw new AppError(
      'invitation_invalid',
      'This invitation is invalid, was cancelled, or has expired. Ask the person who invited you for a new one.',
      404,
    )
  }
  return row
}

export async function lookupInvitation(platform: Platform, token: string) {
  const row = await findPendingByToken(platform.db, token, false)
  const user = await findUserByEmail(platform.db, row.email)
  return {
    email: row.email,
    fullName: row.full_name,
    organizationName: row.organization_name,
    role: row.role,
    accountExists: Boolean(user?.password_hash),
  }
}

export const acceptInvitationInputSchema = z.object({
  token: z.string().min(10).max(200),
  fullName: z.string().trim().max(200).optional(),
  password: passwordSchema,
})

export async function acceptInvitation(
  platform: Platform,
  input: z.infer<typeof acceptInvitationInputSchema>,
  meta: ClientMeta,
): Promise<SessionDto> {
  return platform.db.transaction(async (tx) => {
    const invitation = await findPendingByToken(tx, input.token, true)
    let user = await findUserByEmail(tx, invitation.email)
    if (user?.password_hash) {
      if (!(await verifyPassword(input.password, user.password_hash))) {
        throw new UnauthorizedError('The password is incorrect for this account.', 'invalid_credentials')
      }
      await tx.query('update users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1', [
        user.id,
      ])
    } else {
      const fullName = input.fullName?.trim() || invitation.full_name
      if (!fullName) throw new ValidationError('Enter your full name.', { fullName: ['required'] })
      assertPasswordPolicy(input.password)
      const passwordHash = await hashPassword(input.password)
      const [row] = await tx.query<UserRow>(
        `insert into users (email, full_name, password_hash, email_confirmed_at, password_changed_at)
         values ($1, $2, $3, now(), now())
         on conflict (email) do update set full_name = excluded.full_name, password_hash = excluded.password_hash,
            email_confirmed_at = now(), password_changed_at = now(), updated_at = now()
         returning *`,
        [invitation.email, fullName, passwordHash],
      )
      user = row as UserRow
    }
    const orgRole = invitation.role === 'user' ? 'user' : 'admin'
    await tx.query(
      `insert into memberships (organization_id, user_id, role) values ($1, $2, $3)
       on conflict (organization_id, user_id) do update set role = excluded.role`,
      [invitation.organization_id, user.id, orgRole],
    )
    if (invitation.role === 'super_admin') {
      await tx.query('update users set is_super_admin = true where id = $1', [user.id])
      user = { ...user, is_super_admin: true }
    }
    if (invitation.workspace_ids.length > 0) {
      await setWorkspaceAccess(tx, invitation.organization_id, user.id, invitation.workspace_ids)
    }
    await tx.query(
      `update invitations set status = 'active', accepted_at = now(), accepted_user_id = $2 where id = $1`,
      [invitation.id, user.id],
    )
    await recordAudit(tx, {
      organizationId: invitation.organization_id,
      actor: { userId: user.id, ip: meta.ip },
      action: 'invitation.accepted',
      targetType: 'invitation',
      targetId: invitation.id,
      metadata: { email: invitation.email, role: invitation.role },
    })
    return startSession(tx, platform, user, meta)
  })
}
