import { isAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { ForbiddenError, NotFoundError } from '../errors.ts'

/**
 * Whether the principal may open a workspace of its current organization: administrators reach every
 * workspace, members with role "user" only those granted to them, API tokens only their own.
 * Throws NotFound for a workspace of another organization, so ids of other tenants reveal nothing.
 */
export async function assertWorkspaceAccess(q: Queryable, principal: Principal, workspaceId: string): Promise<void> {
  const [ws] = await q.query<{ id: string }>('select id from workspaces where id = $1 and organization_id = $2', [
    workspaceId,
    principal.organizationId ?? null,
  ])
  if (!ws) throw new NotFoundError('Workspace', 'workspace_not_found')
  // API tokens, connected apps and services naming a workspace are bound to that one workspace
  if (principal.kind !== 'session' && principal.workspaceId) {
    if (principal.workspaceId !== workspaceId) {
      throw new ForbiddenError('This token is bound to another workspace.', 'token_workspace_mismatch')
    }
    if (isAdmin(principal)) return
    // a service acting for no one was checked against the organization when it named the workspace
    if (principal.kind === 'service' && !principal.user) return
  }
  if (isAdmin(principal)) return
  const [grant] = await q.query<{ ok: boolean }>(
    'select true as ok from workspace_access where workspace_id = $1 and user_id = $2',
    [workspaceId, principal.user?.id ?? null],
  )
  if (!grant) throw new ForbiddenError('You do not have access to this workspace.', 'workspace_forbidden')
}
