/** The audit log: one row per security-relevant action, written in the same transaction as the action. */
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { type Page, type PageQuery, pageBounds, toPage } from './pagination.ts'

export interface AuditInput {
  organizationId: string | undefined | null
  workspaceId?: string | undefined | null
  actor?: { userId?: string | undefined; tokenId?: string | undefined; ip?: string | undefined }
  action: string
  targetType?: string
  targetId?: string
  metadata?: Record<string, unknown>
}

export function actorOf(principal: Principal | undefined): AuditInput['actor'] {
  return { userId: principal?.user?.id, tokenId: principal?.tokenId, ip: principal?.ip }
}

export async function recordAudit(q: Queryable, input: AuditInput): Promise<void> {
  await q.query(
    `insert into audit_log (organization_id, workspace_id, actor_user_id, actor_token_id, action, target_type, target_id, metadata, ip)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
    [
      input.organizationId ?? null,
      input.workspaceId ?? null,
      input.actor?.userId ?? null,
      input.actor?.tokenId ?? null,
      input.action,
      input.targetType ?? null,
      input.targetId ?? null,
      input.metadata ?? {},
      input.actor?.ip ?? null,
    ],
  )
}

export interface AuditEntry {
  id: string
  action: string
  actor: { userId: string | null; email: string | null; tokenId: string | null }
  workspaceId: string | null
  targetType: string | null
  targetId: string | null
  metadata: Record<string, unknown>
  ip: string | null
  createdAt: string
}

interface AuditRow {
  id: string
  action: string
  actor_user_id: string | null
  actor_email: string | null
  actor_token_id: string | null
  workspace_id: string | null
  target_type: string | null
  target_id: string | null
  metadata: Record<string, unknown>
  ip: string | null
  created_at: Date
  total: number
}

export async function listAudit(
  q: Queryable,
  organizationId: string,
  filter: { action?: string | undefined; targetType?: string | undefined; targetId?: string | undefined },
  query: PageQuery,
): Promise<Page<AuditEntry>> {
  const { limit, offset } = pageBounds(query)
  const rows = await q.query<AuditRow>(
    `select a.*, u.email as actor_email, count(*) over ()::int as total
       from audit_log a left join users u on u.id = a.actor_user_id
      where a.organization_id = $1
        and ($2::text is null or a.action = $2)
        and ($3::text is null or a.target_type = $3)
        and ($4::text is null or a.target_id = $4)
      order by a.created_at desc, a.id
      limit $5 offset $6`,
    [organizationId, filter.action ?? null, filter.targetType ?? null, filter.targetId ?? null, limit, offset],
  )
  return toPage(
    rows.map((r) => ({
      id: r.id,
      action: r.action,
      actor: { userId: r.actor_user_id, email: r.actor_email, tokenId: r.actor_token_id },
      workspaceId: r.workspace_id,
      targetType: r.target_type,
      targetId: r.target_id,
      metadata: r.metadata,
      ip: r.ip,
      createdAt: r.created_at.toISOString(),
    })),
    rows[0]?.total ?? 0,
    query,
  )
}
