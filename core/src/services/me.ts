/** What the signed-in caller sees about themselves: profile, organizations, current role and reachable workspaces. */
import { requireUser } from '../auth/permissions.ts'
import type { EffectiveRole, Principal } from '../auth/principal.ts'
import { NotFoundError } from '../errors.ts'
import { getOrganization, listWorkspaces, type OrganizationDto, type WorkspaceDto } from './organizations.ts'
import type { Platform } from './platform.ts'
import { findUserById, toUserDto, type UserDto } from './users.ts'

export interface MeDto {
  user: UserDto
  organizations: { organization: OrganizationDto; role: EffectiveRole }[]
  currentOrganizationId: string | null
  role: EffectiveRole | null
  workspaces: WorkspaceDto[]
  apiToken?: { id: string; workspaceId: string }
}

export async function getMe(platform: Platform, principal: Principal | undefined): Promise<MeDto> {
  const me = requireUser(principal)
  const p = principal as Principal
  const user = await findUserById(platform.db, me.id)
  if (!user) throw new NotFoundError('User', 'user_not_found')
  const memberships = await platform.db.query<{ organization_id: string; role: 'user' | 'admin' }>(
    'select organization_id, role from memberships where user_id = $1 order by created_at, organization_id',
    [me.id],
  )
  const organizations = await Promise.all(
    memberships.map(async (m) => ({
      organization: await getOrganization(platform.db, m.organization_id),
      role: (user.is_super_admin ? 'super_admin' : m.role) as EffectiveRole,
    })),
  )
  // a Super Admin acting in an organization they do not belong to still sees it as current
  if (p.organizationId && !organizations.some((o) => o.organization.id === p.organizationId)) {
    organizations.push({ organization: await getOrganization(platform.db, p.organizationId), role: 'super_admin' })
  }
  const workspaces = p.organizationId ? (await listWorkspaces(platform, p, { page: 1, pageSize: 100 })).items : []
  const result: MeDto = {
    user: toUserDto(user),
    organizations,
    currentOrganizationId: p.organizationId ?? null,
    role: p.role ?? null,
    workspaces,
  }
  if (p.kind === 'api_token' && p.tokenId && p.workspaceId)
    result.apiToken = { id: p.tokenId, workspaceId: p.workspaceId }
  return result
}
