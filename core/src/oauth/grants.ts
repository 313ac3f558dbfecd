/**
 * Connected apps: the grants people made to OAuth clients. A person sees and revokes their own; administrators
 * see and revoke every grant in their organization. Revoking ends the grant and all its tokens at once.
 */
import { isAdmin, requireOrganization, requireSession } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { ForbiddenError, NotFoundError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { assertWorkspaceAccess } from '../services/workspace-access.ts'
import { type OAuthScope, orderScopes } from './scopes.ts'

export interface ConnectedAppDto {
  id: string
  clientId: string
  clientName: string
  clientUri: string | null
  logoUri: string | null
  scopes: OAuthScope[]
  organizationId: string
  workspaceId: string
  workspaceName: string
  userId: string
  userName: string
  authorizedAt: string
  lastUsedAt: string | null
  usageCount: number
}

interface GrantRow {
  id: string
  client_id: string
  client_name: string
  client_uri: string | null
  logo_uri: string | null
  scopes: string[]
  organization_id: string
  workspace_id: string
  workspace_name: string
  user_id: string
  user_name: string
  user_email: string
  authorized_at: Date
  last_used_at: Date | null
  usage_count: number
}

const SELECT_GRANT = `
  select g.*, c.client_name, c.client_uri, c.logo_uri, w.name as workspace_name,
         u.full_name as user_name, u.email as user_email
    from oauth_grants g
    join oauth_clients c on c.client_id = g.client_id
    join workspaces w on w.id = g.workspace_id
    join users u on u.id = g.user_id`

function toDto(row: GrantRow): ConnectedAppDto {
  return {
    id: row.id,
    clientId: row.client_id,
    clientName: row.client_name,
    clientUri: row.client_uri,
    logoUri: row.logo_uri,
    scopes: orderScopes(row.scopes),
    organizationId: row.organization_id,
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    userId: row.user_id,
    userName: row.user_name || row.user_email,
    authorizedAt: row.authorized_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    usageCount: row.usage_count,
  }
}

/** The live grants of a workspace (or, without one, of the organization) the caller may see. */
export async function listConnectedApps(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId?: string | undefined,
): Promise<{ items: ConnectedAppDto[] }> {
  const me = requireSession(principal)
  const organizationId = requireOrganization(principal)
  if (workspaceId) await assertWorkspaceAccess(platform.db, principal as Principal, workspaceId)
  const rows = await platform.db.query<GrantRow>(
    `${SELECT_GRANT}
      where g.organization_id = $1 and g.revoked_at is null
        and ($2::uuid is null or g.workspace_id = $2)
        and ($3::uuid is null or g.user_id = $3)
      order by g.authorized_at desc, g.id`,
    [organizationId, workspaceId ?? null, isAdmin(principal) ? null : me.id],
  )
  return { items: rows.map(toDto) }
}

export async function revokeConnectedApp(
  platform: Platform,
  principal: Principal | undefined,
  grantId: string,
): Promise<void> {
  const me = requireSession(principal)
  const organizationId = requireOrganization(principal)
  await platform.db.transaction(async (tx) => {
    const [row] = await tx.query<GrantRow>(
      `${SELECT_GRANT} where g.id = $1 and g.organization_id = $2 and g.revoked_at is null for update of g`,
      [grantId, organizationId],
    )
    if (!row) throw new NotFoundError('Connected app', 'connected_app_not_found')
    if (row.user_id !== me.id && !isAdmin(principal)) {
      throw new ForbiddenError(
        'Only the person who connected this app or an administrator can revoke it.',
        'connected_app_forbidden',
      )
    }
    await tx.query('update oauth_grants set revoked_at = now() where id = $1', [row.id])
    const revoked = await tx.query(
      'update oauth_tokens set revoked_at = now() where grant_id = $1 and revoked_at is null returning id',
      [row.id],
    )
    await recordAudit(tx, {
      organizationId: row.organization_id,
      workspaceId: row.workspace_id,
      actor: actorOf(principal),
      action: 'oauth.app_revoked',
      targetType: 'oauth_grant',
      targetId: row.id,
      metadata: { clientId: row.client_id, clientName: row.client_name, revokedTokens: revoked.length },
    })
  })
}
