/**
 * Every email goes through the `mail_outbox` table. A service writes the row inside its own transaction
 * (so an email exists exactly when the change that caused it committed), enqueues `email.send` after the
 * commit, and the worker delivers it. The row is the truth, not the queue: an enqueue lost after a commit
 * is found again by `requeueStaleOutbox`, and a delivery that runs twice finds the row already sent.
 */
import { z } from 'zod'
import { maybeOne, type Queryable } from '../db/database.ts'
import { ValidationError } from '../errors.ts'
import { type Logger, redactText } from '../log.ts'
import type { QueuePort } from '../queue/queue-port.ts'
import type { MailTransport } from './mail-port.ts'
import { escapeHtml, type MailKind, type RenderedMail } from './templates.ts'

export type OutboxStatus = 'queued' | 'sent' | 'stored' | 'failed'

export interface OutboxMessage {
  id: string
  organization_id: string | null
  to_address: string
  subject: string
  text_body: string
  html_body: string | null
  action_url: string | null
  kind: string
  status: OutboxStatus
  transport: string | null
  attempts: number
  error: string | null
  created_at: Date
  sent_at: Date | null
}

const recipient = z.email().max(320)
/** What replaces a one-time link in the stored copy of a message that was really sent. */
export const LINK_REMOVED = '[link removed after delivery]'
/** Longer errors are cut: the column is for a person reading why a message failed. */
const MAX_ERROR_LENGTH = 1000

export interface QueueEmailInput {
  organizationId?: string
  to: string
  kind: MailKind
  rendered: RenderedMail
}

/** Writes a `queued` row with the caller's transaction; enqueue it with `enqueueOutboxMessage` after the commit. */
export async function queueEmail(tx: Queryable, input: QueueEmailInput): Promise<{ id: string }> {
  const to = input.to.trim().toLowerCase()
  if (!recipient.safeParse(to).success) throw new ValidationError('The recipient is not a valid email address.')
  if (/[\r\n]/.test(input.rendered.subject)) throw new ValidationError('An email subject must be one line.')
  const rows = await tx.query<{ id: string }>(
    `insert into mail_outbox (organization_id, to_address, subject, text_body, html_body, action_url, kind)
     values ($1, $2, $3, $4, $5, $6, $7)
     returning id`,
    [
      input.organizationId ?? null,
      to,
      input.rendered.subject,
      input.rendered.text,
      input.rendered.html,
      input.rendered.actionUrl,
      input.kind,
    ],
  )
  return { id: (rows[0] as { id: string }).id }
}

/**
 * The job id of an outbox row's delivery: while that job is still known to the queue, enqueueing the row
 * again (a retry of the request, the stale sweep) adds nothing.
 */
export function outboxJobId(outboxId: string): string {
  return `email-${outboxId}`
}

export function enqueueOutboxMessage(queue: QueuePort, outboxId: string): Promise<string> {
  return queue.enqueue('email.send', { outboxId }, { jobId: outboxJobId(outboxId) })
}

export interface DeliverDeps {
  db: Queryable
  transport: MailTransport
  log: Logger
}

export type DeliveryOutcome =
  | { outcome: 'delivered'; status: 'sent' | 'stored'; messageId?: string }
  /** The row was already `sent`, `stored` or `failed`: nothing was sent again. */
  | { outcome: 'skipped'; status: OutboxStatus }
  | { outcome: 'missing' }

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return redactText(message).slice(0, MAX_ERROR_LENGTH)
}

/**
 * Sends one outbox row through the transport. On success the row becomes `sent` (or `stored` when the
 * transport keeps it, in development); on failure the error is recorded and rethrown so the queue retries,
 * and on the final attempt the row becomes `failed`. `attempts` counts every try.
 */
export async function deliverOutboxMessage(
  deps: DeliverDeps,
  outboxId: string,
  options: { finalAttempt?: boolean } = {},
): Promise<DeliveryOutcome> {
  const log = deps.log.child({ outboxId })
  const row = await maybeOne<OutboxMessage>(deps.db, 'select * from mail_outbox where id = $1', [outboxId])
  if (!row) {
    // Retrying cannot make the row appear; nothing to deliver.
    log.warn('outbox message not found; nothing to send')
    return { outcome: 'missing' }
  }
  if (row.status !== 'queued') return { outcome: 'skipped', status: row.status }

  let result: Awaited<ReturnType<MailTransport['send']>>
  try {
    result = await deps.transport.send({
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      ...(row.html_body ? { html: row.html_body } : {}),
      ...(row.action_url ? { actionUrl: row.action_url } : {}),
    })
  } catch (error) {
    const final = options.finalAttempt === true
    try {
      await deps.db.query(
        `update mail_outbox
            set attempts = attempts + 1, error = $2, transport = $3,
                status = case when $4::boolean then 'failed' else status end
          where id = $1 and status = 'queued'`,
        [outboxId, errorText(error), deps.transport.name, final],
      )
    } catch (recordError) {
      // The send error is the one worth retrying on; the row stays queued for the stale sweep.
      log.error('could not record an email failure on its outbox row', { error: recordError })
    }
    log.warn(final ? 'email failed on its last attempt' : 'email could not be sent; it will be retried', {
      transport: deps.transport.name,
      kind: row.kind,
      error,
    })
    throw error
  }

  const status = result.stored ? 'stored' : 'sent'
  // Once a message has really left, the stored copy no longer needs its one-time link (a sign-in secret):
  // it is cut from the row. Messages kept in the development outbox keep it, since reading it is their purpose.
  const scrub = status === 'sent' && row.action_url ? row.action_url : null
  // Only a row still queued is marked: a concurrent delivery that finished first keeps its record.
  await deps.db.query(
    `update mail_outbox
        set status = $2, transport = $3, sent_at = now(), attempts = attempts + 1, error = null,
            action_url = case when $4::text is null then action_url else null end,
            text_body = case when $4::text is null then text_body else replace(text_body, $4, $5) end,
            html_body = case when $4::text is null then html_body else replace(replace(html_body, $6, $5), $4, $5) end
      where id = $1 and status = 'queued'`,
    [outboxId, status, deps.transport.name, scrub, LINK_REMOVED, scrub ? escapeHtml(scrub) : null],
  )
  log.info(status === 'sent' ? 'email sent' : 'email stored in the outbox', {
    transport: deps.transport.name,
    kind: row.kind,
    ...(result.messageId ? { messageId: result.messageId } : {}),
  })
  return { outcome: 'delivered', status, ...(result.messageId ? { messageId: result.messageId } : {}) }
}

/**
 * Enqueues again the rows still `queued` after `olderThanMs`: their enqueue after the commit may have been
 * lost (the process stopped, Redis was away). Returns how many rows were enqueued.
 */
export async function requeueStaleOutbox(
  db: Queryable,
  queue: QueuePort,
  olderThanMs: number,
  options: { limit?: number; log?: Logger } = {},
): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `select id from mail_outbox
      where status = 'queued' and created_at < now() - ($1::double precision * interval '1 millisecond')
      order by created_at
      limit $2`,
    [Math.max(0, Math.floor(olderThanMs)), options.limit ?? 500],
  )
  for (const row of rows) await enqueueOutboxMessage(queue, row.id)
  if (rows.length > 0) options.log?.info('re-enqueued outbox messages still queued', { count: rows.length })
  return rows.length
}
