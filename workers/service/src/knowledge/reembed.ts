/**
 * The `knowledge.reembed` job: after an organization changes its embedding model (or configures its first one), the
 * chunks of its ready documents that carry another model's vectors (or none) are embedded again.
 *
 * Idempotent and resumable: it walks the chunks in id order (keyset pages, so it always moves forward even if a
 * chunk cannot be written), skips every chunk that already has the current model, and a retried or duplicated job
 * finds only what is left. Documents still being ingested are left to their own job. When the pages are done, each
 * document whose chunks all carry the model records it.
 */
import {
  type Database,
  embeddingModelId,
  getPipelineSettings,
  type JobContext,
  loadAiProviderConfig,
} from '@prodgy/core'
import { embedChunks, embedderFor, type KnowledgeJobDeps } from './ingest.ts'

export interface ReembedOutcome {
  /** Chunks embedded again by this run. */
  chunks: number
  /** Documents whose chunks now all carry the model. */
  documents: number
  model: string | null
}

/** Marks the ready documents whose chunks all carry `model`. */
async function recordDocumentModels(db: Database, organizationId: string, model: string, dimensions: number | null) {
  const rows = await db.query<{ id: string }>(
    `update knowledge_documents d
        set embedding_model = $2, embedding_dimensions = coalesce($3, d.embedding_dimensions), updated_at = now()
      where d.organization_id = $1 and d.status = 'ready' and d.embedding_model is distinct from $2
        and exists (select 1 from knowledge_chunks c where c.document_id = d.id)
        and not exists (select 1 from knowledge_chunks c
                         where c.document_id = d.id and c.embedding_model is distinct from $2)
      returning d.id`,
    [organizationId, model, dimensions],
  )
  return rows.length
}

export async function reembedOrganization(
  deps: KnowledgeJobDeps,
  organizationId: string,
  ctx: Pick<JobContext, 'signal' | 'log'>,
): Promise<ReembedOutcome> {
  const log = ctx.log.child({ organizationId })
  const config = await loadAiProviderConfig(deps.db, organizationId, deps.encryptionKey)
  const model = config ? embeddingModelId(config) : undefined
  if (!model) {
    log.info('no embedding model is configured; nothing to re-embed')
    return { chunks: 0, documents: 0, model: null }
  }
  const settings = await getPipelineSettings(deps.db)
  const embedder = await embedderFor(deps, organizationId, settings)
  if (!embedder) return { chunks: 0, documents: 0, model: null }

  const pageSize = settings.embeddingBatchSize * settings.embeddingConcurrency
  let after = '00000000-0000-0000-0000-000000000000'
  let total = 0
  let dimensions: number | null = null
  for (;;) {
    ctx.signal.throwIfAborted()
    const page = await deps.db.query<{ id: string; content: string }>(
      `select c.id, c.content
         from knowledge_chunks c
         join knowledge_documents d on d.id = c.document_id
        where c.organization_id = $1 and c.embedding_model is distinct from $2 and d.status = 'ready' and c.id > $3
        order by c.id
        limit $4`,
      [organizationId, embedder.model, after, pageSize],
    )
    if (page.length === 0) break
    after = (page[page.length - 1] as { id: string }).id
    dimensions = await embedChunks(deps, embedder, { organizationId }, page, settings, { signal: ctx.signal })
    total += page.length
  }
  const documents = await recordDocumentModels(deps.db, organizationId, embedder.model, dimensions)
  if (dimensions !== null) {
    await deps.db.query(
      `update ai_providers set embedding_dimensions = $2
        where organization_id = $1 and embedding_dimensions is distinct from $2`,
      [organizationId, dimensions],
    )
  }
  log.info('re-embedding done', { model: embedder.model, chunks: total, documents })
  return { chunks: total, documents, model: embedder.model }
}
