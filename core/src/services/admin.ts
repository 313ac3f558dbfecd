/** Super Admin views: the mail outbox and the platform's users. */
import { z } from 'zod'
import { requireSuperAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { actorOf, recordAudit } from './audit.ts'
import { type Page, type PageQuery, pageBounds, toPage } from './pagination.ts'
import type { Platform } from './platform.ts'
import { toUserDto, type UserDto, type UserRow } from './users.ts'

export interface OutboxMessageDto {
  id: string
  to: string
  subject: string
  textBody: string
  htmlBody: string | null
  actionUrl: string | null
  kind: string
  status: 'queued' | 'sent' | 'stored' | 'failed'
  transport: string | null
  error: string | null
  createdAt: string
  sentAt: string | null
}

interface OutboxRow {
  id: string
  to_address: string
  subject: string
  text_body: string
  html_body: string | null
  action_url: string | null
  kind: string
  status: OutboxMessageDto['status']
  transport: string | null
  error: string | null
  created_at: Date
  sent_at: Date | null
}

function toOutboxDto(r: OutboxRow): OutboxMessageDto {
  return {
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    textBody: r.text_body,
    htmlBody: r.html_body,
    actionUrl: r.action_url,
    kind: r.kind,
    status: r.status,
    transport: r.transport,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }
}

export async function listOutbox(
  platform: Platform,
  principal: Principal | undefined,
  query: PageQuery & { to?: string | undefined },
): Promise<Page<OutboxMessageDto>> {
  requireSuperAdmin(principal)
  const { limit, offset } = pageBounds(query)
  const filter = `where ($1::text is null or to_address ilike '%' || $1 || '%')`
  const params = [query.to?.trim() || null]
  const [count] = await platform.db.query<{ n: number }>(`select count(*)::int as n from mail_outbox ${filter}`, params)
  const rows = await platform.db.query<OutboxRow>(
    `select * from mail_outbox ${filter} order by created_at desc, id limit $2 offset $3`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toOutboxDto), count?.n ?? 0, query)
}

export async function getOutboxMessage(platform: Platform, principal: Principal | undefined, id: string) {
  requireSuperAdmin(principal)
  const [row] = await platform.db.query<OutboxRow>('select * from mail_outbox where id = $1', [id])
  if (!row) throw new NotFoundError('Email', 'email_not_found')
  return toOutboxDto(row)
}

export async function listPlatformUsers(
  platform: Platform,
  principal: Principal | undefined,
  query: PageQuery & { search?: string | undefined },
): Promise<Page<UserDto>> {
  requireSuperAdmin(principal)
  const { limit, offset } = pageBounds(query)
  const filter = `where ($1::text is null or email ilike '%' || $1 || '%' or full_name ilike '%' || $1 || '%')`
  const params = [query.search?.trim() || null]
  const [count] = await platform.db.query<{ n: number }>(`select count(*)::int as n from users ${filter}`, params)
  const rows = await platform.db.query<UserRow>(
    `select * from users ${filter} order by full_name, email limit $2 offset $3`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toUserDto), count?.n ?? 0, query)
}

export const superAdminPatchSchema = z.object({ isSuperAdmin: z.boolean() })

export async function setSuperAdmin(
  platform: Platform,
  principal: Principal | undefined,
  userId: string,
  input: z.infer<typeof superAdminPatchSchema>,
): Promise<UserDto> {
  requireSuperAdmin(principal)
  return platform.db.transaction(async (tx) => {
    const [user] = await tx.query<UserRow>('select * from users where id = $1 for update', [userId])
    if (!user) throw new NotFoundError('User', 'user_not_found')
    if (user.is_super_admin && !input.isSuperAdmin) {
      const [others] = await tx.query<{ n: number }>(
        'select count(*)::int as n from users where is_super_admin and id <> $1',
        [userId],
      )
      if ((others?.n ?? 0) === 0) {
        throw new ConflictError('The platform needs at least one Super Admin.', 'last_super_admin')
      }
    }
    const [updated] = await tx.query<UserRow>(
      'update users set is_super_admin = $2, updated_at = now() where id = $1 returning *',
      [userId, input.isSuperAdmin],
    )
    if (user.is_super_admin !== input.isSuperAdmin) {
      await recordAudit(tx, {
        organizationId: null,
        actor: actorOf(principal),
        action: input.isSuperAdmin ? 'super_admin.granted' : 'super_admin.revoked',
        targetType: 'user',
        targetId: userId,
        metadata: { email: user.email },
      })
    }
    return toUserDto(updated as UserRow)
  })
}
