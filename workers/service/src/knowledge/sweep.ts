/**
 * The knowledge base's sweep, like the outbox's: the document rows are the truth, so work whose enqueue was lost
 * (the API stopped after its commit, Redis was away, the in-process queue died with its process) is found from them.
 *
 * - A document `queued` for longer than `queuedAfterMs` (5 minutes) is enqueued again.
 * - A document stuck in `parsing` or `embedding` with no progress for longer than `stuckAfterMs` (the ingest job's
 *   time limit plus a margin, since progress moves `updated_at` with every batch) lost its worker: it goes back to
 *   `queued` and is enqueued.
 * - Every `reembedCheckMs`, an organization whose ready documents hold chunks of another model than its current one
 *   (a lost `knowledge.reembed`, or a document ingested while the model changed) gets a re-embedding.
 *
 * Job ids carry the row's `updated_at`: sweeping the same state twice adds nothing while its job is known, and a new
 * state (a retry, a re-publish) is a new job even if the queue still remembers the last one.
 */
import { knowledgeIngestJob, type Logger, type Queryable, type QueuePort } from '@prodgy/core'

export interface KnowledgeSweepOptions {
  queuedAfterMs?: number
  stuckAfterMs?: number
  /** Rows per kind per sweep. */
  limit?: number
  log?: Logger
  /** Also look for organizations whose chunks need a re-embedding. */
  checkReembed?: boolean
}

export interface KnowledgeSweepResult {
  requeued: number
  unstuck: number
  reembed: number
}

export const DEFAULT_QUEUED_AFTER_MS = 5 * 60_000
export const DEFAULT_STUCK_AFTER_MS = knowledgeIngestJob.policy.timeoutMs + 5 * 60_000

export function ingestJobId(documentId: string, updatedAt: Date): string {
  return `ingest-${documentId}-${updatedAt.getTime()}`
}

export async function sweepKnowledge(
  db: Queryable,
  queue: QueuePort,
  options: KnowledgeSweepOptions = {},
): Promise<KnowledgeSweepResult> {
  const limit = options.limit ?? 500
  const queuedAfter = Math.max(0, Math.floor(options.queuedAfterMs ?? DEFAULT_QUEUED_AFTER_MS))
  const stuckAfter = Math.max(0, Math.floor(options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS))

  const unstuck = await db.query<{ id: string; updated_at: Date }>(
    `update knowledge_documents
        set status = 'queued', progress = 0, updated_at = now()
      where id in (select id from knowledge_documents
                    where status in ('parsing', 'embedding')
                      and updated_at < now() - ($1::double precision * interval '1 millisecond')
                    order by updated_at limit $2)
      returning id, updated_at`,
    [stuckAfter, limit],
  )
  const queued = await db.query<{ id: string; updated_at: Date }>(
    `select id, updated_at from knowledge_documents
      where status = 'queued' and updated_at < now() - ($1::double precision * interval '1 millisecond')
      order by updated_at
      limit $2`,
    [queuedAfter, limit],
  )
  for (const row of [...unstuck, ...queued]) {
    await queue.enqueue('knowledge.ingest', { documentId: row.id }, { jobId: ingestJobId(row.id, row.updated_at) })
  }

  let reembed = 0
  if (options.checkReembed) {
    const stale = await db.query<{ organization_id: string }>(
      `select p.organization_id
         from ai_providers p
        where p.embedding_model is not null
          and exists (select 1
                        from knowledge_chunks c
                        join knowledge_documents d on d.id = c.document_id
                       where c.organization_id = p.organization_id and d.status = 'ready'
                         and c.embedding_model is distinct from p.provider || ':' || p.embedding_model)
        limit $1`,
      [limit],
    )
    // one job per organization per check window; a re-embedding still running keeps its id and is not doubled
    const window = Math.floor(Date.now() / 600_000)
    for (const row of stale) {
      await queue.enqueue(
        'knowledge.reembed',
        { organizationId: row.organization_id },
        { jobId: `reembed-${row.organization_id}-${window}` },
      )
    }
    reembed = stale.length
  }

  if (unstuck.length + queued.length + reembed > 0) {
    options.log?.info('knowledge sweep enqueued work', {
      requeued: queued.length,
      unstuck: unstuck.length,
      reembed,
    })
  }
  return { requeued: queued.length, unstuck: unstuck.length, reembed }
}
