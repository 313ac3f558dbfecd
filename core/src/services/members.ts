/**
 * Members of an organization and their workspace access. Role rules: only a Super Admin grants or revokes
 * Super Admin; Admins never see Super Admins in member lists; an organization always keeps one administrator.
 */
import { z } from 'zod'
import { requireAdmin, requireSession } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from './audit.ts'
import { type Page, type PageQuery, pageBounds, toPage } from './pagination.ts'
import type { Platform } from './platform.ts'
import { assertWorkspaceAccess } from './workspace-access.ts'

export type MemberRole = 'user' | 'admin' | 'super_admin'

export interface MemberDto {
  userId: string
  email: string
  fullName: string
  avatar: string | null
  position: string | null
  role: MemberRole
  workspaceIds: string[]
  joinedAt: string
}

interface MemberRow {
  user_id: string
  email: string
  full_name: string
  avatar: string | null
  position: string | null
  role: 'user' | 'admin'
  is_super_admin: boolean
  workspace_ids: string[] | null
  joined_at: Date
}

function toMemberDto(r: MemberRow): MemberDto {
  return {
    userId: r.user_id,
    email: r.email,
    fullName: r.full_name,
    avatar: r.avatar,
    position: r.position,
    role: r.is_super_admin ? 'super_admin' : r.role,
    workspaceIds: r.workspace_ids ?? [],
    joinedAt: r.joined_at.toISOString(),
  }
}

const SELECT_MEMBER = `
  select u.id as user_id, u.email, u.full_name, u.avatar, u.position, m.role, u.is_super_admin, m.created_at as joined_at,
         array(select a.workspace_id from workspace_access a where a.user_id = u.id and a.organization_id = m.organization_id
               order by a.workspace_id) as workspace_ids
    from memberships m join users u on u.id = m.user_id`

export async function listMembers(
  platform: Platform,
  principal: Principal | undefined,
  query: PageQuery & { search?: string | undefined; workspaceId?: string | undefined },
): Promise<Page<MemberDto>> {
  const p = principal as Principal
  let organizationId: string
  if (query.workspaceId) {
    organizationId = p?.organizationId ?? ''
    await assertWorkspaceAccess(platform.db, p, query.workspaceId)
  } else {
    organizationId = requireAdmin(principal)
  }
  const { limit, offset } = pageBounds(query)
  const filter = `where m.organization_id = $1
      and ($2::boolean or not u.is_super_admin)
      and ($3::text is null or u.email ilike '%' || $3 || '%' or u.full_name ilike '%' || $3 || '%')
      and ($4::uuid is null or m.role = 'admin'
           or exists (select 1 from workspace_access a where a.workspace_id = $4 and a.user_id = u.id))`
  const params = [
    organizationId,
    p.user?.isSuperAdmin === true,
    query.search?.trim() || null,
    query.workspaceId ?? null,
  ]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from memberships m join users u on u.id = m.user_id ${filter}`,
    params,
  )
  const rows = await platform.db.query<MemberRow>(
    `${SELECT_MEMBER} ${filter} order by u.full_name, u.email limit $5 offset $6`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toMemberDto), count?.n ?? 0, query)
}

async function loadMember(q: Queryable, organizationId: string, userId: string, viewer: Principal): Promise<MemberRow> {
  const [row] = await q.query<MemberRow>(`${SELECT_MEMBER} where m.organization_id = $1 and m.user_id = $2`, [
    organizationId,
    userId,
  ])
  // Admins do not see Super Admins at all
  if (!row || (row.is_super_admin && !viewer.user?.isSuperAdmin)) throw new NotFoundError('Member', 'member_not_found')
  return row
}

async function assertAnotherAdmin(q: Queryable, organizationId: string, userId: string): Promise<void> {
  const [row] = await q.query<{ n: number }>(
    `select count(*)::int as n from memberships where organization_id = $1 and role = 'admin' and user_id <> $2`,
    [organizationId, userId],
  )
  if ((row?.n ?? 0) === 0) {
    throw new ConflictError(
      'An organization needs at least one administrator. Make someone else an administrator first.',
      'last_admin',
    )
  }
}

export async function setWorkspaceAccess(
  q: Queryable,
  organizationId: string,
  userId: string,
  workspaceIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(workspaceIds)]
  if (unique.length > 0) {
    const found = await q.query<{ id: string }>(
      'select id from workspaces where organization_id = $1 and id = any($2::uuid[])',
      [organizationId, unique],
    )
    if (found.length !== unique.length) {
      throw new ValidationError('One or more workspaces do not belong to this organization.', {
        workspaceIds: ['unknown workspace'],
      })
    }
  }
  await q.query('delete from workspace_access where organization_id = $1 and user_id = $2', [organizationId, userId])
  for (const workspaceId of unique) {
    await q.query('insert into workspace_access (organization_id, workspace_id, user_id) values ($1, $2, $3)', [
      organizationId,
      workspaceId,
      userId,
    ])
  }
}

export const memberPatchSchema = z.object({
  role: z.enum(['user', 'admin', 'super_admin']).optional(),
  workspaceIds: z.array(z.uuid()).max(1000).optional(),
})

export async function updateMember(
  platform: Platform,
  principal: Principal | undefined,
  userId: string,
  patch: z.infer<typeof memberPatchSchema>,
): Promise<MemberDto> {
  const me = requireSession(principal)
  const organizationId = requireAdmin(principal)
  const p = principal as Principal
  return platform.db.transaction(async (tx) => {
    const member = await loadMember(tx, organizationId, userId, p)
    if (patch.role !== undefined) {
      const current: MemberRole = member.is_super_admin ? 'super_admin' : member.role
      const touchesSuperAdmin = patch.role === 'super_admin' || current === 'super_admin'
      if (touchesSuperAdmin && patch.role !== current && !me.isSuperAdmin) {
        throw new ForbiddenError('Only a Super Admin can grant or revoke Super Admin.', 'super_admin_required')
      }
      if (current === 'super_admin' && patch.role !== 'super_admin' && userId === me.id) {
        const [others] = await tx.query<{ n: number }>(
          'select count(*)::int as n from users where is_super_admin and id <> $1',
          [userId],
        )
        if ((others?.n ?? 0) === 0) {
          throw new ConflictError('You are the only Super Admin; the platform needs at least one.', 'last_super_admin')
        }
      }
      const orgRole = patch.role === 'user' ? 'user' : 'admin'
      if (member.role === 'admin' && orgRole === 'user') await assertAnotherAdmin(tx, organizationId, userId)
      await tx.query('update memberships set role = $3 where organization_id = $1 and user_id = $2', [
        organizationId,
        userId,
        orgRole,
      ])
      if (patch.role !== current && (patch.role === 'super_admin' || current === 'super_admin')) {
        await tx.query('update users set is_super_admin = $2, updated_at = now() where id = $1', [
          userId,
          patch.role === 'super_admin',
        ])
      }
      if (patch.role !== current) {
        await recordAudit(tx, {
          organizationId,
          actor: actorOf(principal),
          action: 'member.role_changed',
          targetType: 'user',
          targetId: userId,
          metadata: { from: current, to: patch.role },
        })
      }
    }
    if (patch.workspaceIds !== undefined) {
      await setWorkspaceAccess(tx, organizationId, userId, patch.workspaceIds)
      await recordAudit(tx, {
        organizationId,
        actor: actorOf(principal),
        action: 'member.workspaces_changed',
        targetType: 'user',
        targetId: userId,
        metadata: { workspaceIds: patch.workspaceIds },
      })
    }
    return toMemberDto(await loadMember(tx, organizationId, userId, p))
  })
}

export async function removeMember(
  platform: Platform,
  principal: Principal | undefined,
  userId: string,
): Promise<void> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    const member = await loadMember(tx, organizationId, userId, principal as Principal)
    if (member.role === 'admin') await assertAnotherAdmin(tx, organizationId, userId)
    await tx.query('delete from workspace_access where organization_id = $1 and user_id = $2', [organizationId, userId])
    await tx.query('delete from memberships where organization_id = $1 and user_id = $2', [organizationId, userId])
    // tokens act for their owner inside this organization; they die with the membership
    await tx.query(
      `update api_tokens set status = 'revoked', revoked_at = now(), updated_at = now()
        where organization_id = $1 and user_id = $2 and status <> 'revoked'`,
      [organizationId, userId],
    )
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'member.removed',
      targetType: 'user',
      targetId: userId,
      metadata: { email: member.email },
    })
  })
}

export async function grantWorkspaceAccess(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string,
  userId: string,
  grant: boolean,
): Promise<void> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    await assertWorkspaceAccess(tx, principal as Principal, workspaceId)
    await loadMember(tx, organizationId, userId, principal as Principal)
    if (grant) {
      await tx.query(
        `insert into workspace_access (organization_id, workspace_id, user_id) values ($1, $2, $3) on conflict do nothing`,
        [organizationId, workspaceId, userId],
      )
    } else {
      await tx.query('delete from workspace_access where workspace_id = $1 and user_id = $2', [workspaceId, userId])
    }
    await recordAudit(tx, {
      organizationId,
      workspaceId,
      actor: actorOf(principal),
      action: grant ? 'workspace.access_granted' : 'workspace.access_removed',
      targetType: 'user',
      targetId: userId,
    })
  })
}
