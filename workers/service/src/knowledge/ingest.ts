/**
 * The `knowledge.ingest` job: one document through the pipeline, parse → chunk → index → embed.
 *
 * The document row is the truth and the job only carries its id. The handler claims the row (`queued` → `parsing`),
 * so two deliveries of one job cannot both work on it; every later write checks the row is still in the pipeline, so
 * a document re-queued meanwhile (contexts published again, a retry) or deleted is left to the newer job.
 *
 * 1. `parsing` (10): read the stored file (or render the published contexts), parse it, chunk it.
 * 2. One transaction replaces the document's chunks (with a full-text vector in the document's language) and its
 *    spreadsheet rows. Search then already finds the document by its words.
 * 3. With an embedding provider: `embedding`, progress 40 → 95 as batches are embedded and written; the HNSW index of
 *    the model's dimension is created first if missing. Without one: `ready` at once, `embedding_model` null, and
 *    search says it is full-text only.
 * 4. `ready` (100) with the chunk and row counts and the model.
 *
 * Failures: a `DocumentError` (a damaged, encrypted or empty file, …) marks the document `failed` with its code and
 * ends the job, since reading the same bytes again cannot help. Anything else (database, storage, provider) is thrown
 * so the queue retries; the document goes back to `queued` meanwhile, and on the last attempt it ends `failed` with a
 * redacted message. Other documents are unaffected either way.
 */
import {
  type AiProviderConfig,
  AppError,
  type ChunkDraft,
  chunkDocument,
  contextSectionsSchema,
  contextsToParsedDocument,
  type Database,
  DocumentError,
  type EmbeddingPort,
  embeddingModelId,
  ensureVectorIndex,
  type FileStoragePort,
  getPipelineSettings,
  type JobContext,
  type Logger,
  loadAiProviderConfig,
  type ParsedDocument,
  type PipelineSettings,
  type Queryable,
  redactText,
  type Sheet,
  textSearchConfig,
  writeChunkVectors,
} from '@prodgy/core'
import { createEmbedder as createAiSdkEmbedder, type EmbedderOptions } from '@prodgy/core/adapters/ai-sdk'
import { parseDocument } from './parse-document.ts'

export type ParseDocument = (bytes: Uint8Array, options: { fileName: string }) => Promise<ParsedDocument>
export type CreateEmbedder = (config: AiProviderConfig, options: EmbedderOptions) => EmbeddingPort

export interface KnowledgeJobDeps {
  db: Database
  storage: FileStoragePort
  /** Decrypts the organization's provider key; undefined when none is configured. */
  encryptionKey: string | undefined
  log: Logger
  /** The AI SDK embedder by default; tests and benchmarks may pass another. */
  createEmbedder?: CreateEmbedder
  /** The format parsers by default. */
  parse?: ParseDocument
}

export type IngestOutcome =
  | { outcome: 'ready'; chunks: number; rows: number; embeddingModel: string | null }
  | { outcome: 'failed'; errorCode: string }
  /** The row was gone, already done, or taken by a newer job. */
  | { outcome: 'skipped'; reason: 'missing' | 'not_queued' | 'superseded' }

interface DocumentRow {
  id: string
  organization_id: string
  workspace_id: string
  kind: 'file' | 'context'
  name: string
  source: string | null
  subject: string | null
  language: string | null
  tags: string[] | null
  file_name: string | null
  storage_key: string | null
  status: string
}

const PROGRESS = { parsing: 10, chunked: 30, embedding: 40, embedded: 95, ready: 100 } as const
const CHUNK_INSERT_BATCH = 500
const ROW_INSERT_BATCH = 1000
const MAX_ERROR_LENGTH = 1000

/** Thrown inside the pipeline when the row left the pipeline (deleted, re-queued): the job stops quietly. */
class Superseded extends Error {
  constructor() {
    super('The document changed while it was being ingested; the newer job takes over.')
    this.name = 'Superseded'
  }
}

/** Postgres text and jsonb cannot hold NUL; a parser may pass one through from a binary format. */
function clean(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return redactText(message).slice(0, MAX_ERROR_LENGTH)
}

/**
 * Runs `task` over `count` items with at most `limit` at once. After a failure no new task starts, the ones in flight
 * finish (so none writes after this returns), and the first error is thrown.
 */
export async function runPool(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { error: unknown } | undefined
  const lane = async () => {
    while (!failure && next < count) {
      const index = next++
      try {
        await task(index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), count) }, lane))
  if (failure) throw failure.error
}

/** Column names as object keys: an empty name becomes `Column N`, a repeated one gets ` (2)`, ` (3)`, … */
export function rowKeys(columns: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return columns.map((raw, index) => {
    const base = clean(raw).trim() || `Column ${index + 1}`
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    return count === 1 ? base : `${base} (${count})`
  })
}

function sheetRows(sheet: Sheet): { sheet: string; row_number: number; data: Record<string, unknown> }[] {
  const keys = rowKeys(sheet.columns)
  return sheet.rows.map((row, index) => {
    const data: Record<string, unknown> = {}
    keys.forEach((key, i) => {
      const value = row[i]
      data[key] = typeof value === 'string' ? clean(value) : (value ?? null)
    })
    // 0-based like the chunks' `metadata.rows`, so a chunk's row range finds its rows
    return { sheet: clean(sheet.name), row_number: index, data }
  })
}

/** The embedder for the organization, or undefined when it has no embedding model. */
export async function embedderFor(
  deps: KnowledgeJobDeps,
  organizationId: string,
  settings: PipelineSettings,
): Promise<EmbeddingPort | undefined> {
  const config = await loadAiProviderConfig(deps.db, organizationId, deps.encryptionKey)
  if (!config || !embeddingModelId(config)) return undefined
  const create = deps.createEmbedder ?? createAiSdkEmbedder
  // The pipeline runs `embeddingConcurrency` batches itself (to report progress per batch), so each call is one batch.
  return create(config, { batchSize: settings.embeddingBatchSize, concurrency: 1 })
}

/** Moves the row on, only while it is still in the pipeline; throws `Superseded` when it is not. */
async function advance(q: Queryable, documentId: string, set: string, params: unknown[] = []): Promise<void> {
  const rows = await q.query(
    `update knowledge_documents set ${set}, updated_at = now()
      where id = $1 and status in ('parsing', 'embedding') returning id`,
    [documentId, ...params],
  )
  if (rows.length === 0) throw new Superseded()
}

/**
 * Ends the document `failed`. What an earlier run indexed goes too: a failed document is not in the knowledge base,
 * so search never answers from content its list shows as failed.
 */
async function markFailed(db: Database, documentId: string, code: string, message: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [failed] = await tx.query(
      `update knowledge_documents
          set status = 'failed', error_code = $2, error = $3, chunk_count = 0, row_count = 0, embedding_model = null,
              embedding_dimensions = null, updated_at = now()
        where id = $1 and status in ('queued', 'parsing', 'embedding')
        returning id`,
      [documentId, code, message.slice(0, MAX_ERROR_LENGTH)],
    )
    if (!failed) return
    await tx.query('delete from knowledge_chunks where document_id = $1', [documentId])
    await tx.query('delete from knowledge_rows where document_id = $1', [documentId])
  })
}

async function readContent(deps: KnowledgeJobDeps, doc: DocumentRow): Promise<ParsedDocument> {
  if (doc.kind === 'context') {
    const [row] = await deps.db.query<{ published: unknown }>(
      'select published from knowledge_contexts where workspace_id = $1 and organization_id = $2',
      [doc.workspace_id, doc.organization_id],
    )
    const sections = contextSectionsSchema.safeParse(row?.published ?? [])
    if (!sections.success || sections.data.length === 0) {
      throw new DocumentError('empty_file', 'The published contexts are empty; publish at least one section.')
    }
    return contextsToParsedDocument(sections.data)
  }
  if (!doc.storage_key) throw new DocumentError('corrupt_file', 'The uploaded file was not stored; upload it again.')
  const bytes = await deps.storage.get(doc.storage_key)
  if (!bytes) throw new DocumentError('corrupt_file', 'The uploaded file is no longer in storage; upload it again.')
  const parse = deps.parse ?? parseDocument
  return parse(bytes, { fileName: doc.file_name ?? doc.name })
}

/** Replaces the document's chunks and rows in one transaction; resolves the new chunk ids in ordinal order. */
async function writeChunksAndRows(
  db: Database,
  doc: DocumentRow,
  chunks: ChunkDraft[],
  parsed: ParsedDocument,
  embedding: boolean,
): Promise<{ chunkIds: string[]; rowCount: number }> {
  const config = textSearchConfig(doc.language)
  const documentMetadata: Record<string, unknown> = { tags: doc.tags ?? [] }
  if (doc.source) documentMetadata.source = doc.source
  if (doc.subject) documentMetadata.subject = doc.subject
  if (doc.language) documentMetadata.language = doc.language
  const rows = (parsed.sheets ?? []).flatMap(sheetRows)

  return db.transaction(async (tx) => {
    const [locked] = await tx.query<{ status: string }>(
      'select status from knowledge_documents where id = $1 for update',
      [doc.id],
    )
    if (locked?.status !== 'parsing') throw new Superseded()
    await tx.query('delete from knowledge_chunks where document_id = $1', [doc.id])
    await tx.query('delete from knowledge_rows where document_id = $1', [doc.id])

    const ids: string[] = new Array(chunks.length)
    const indexOf = new Map(chunks.map((chunk, index) => [chunk.ordinal, index]))
    for (let start = 0; start < chunks.length; start += CHUNK_INSERT_BATCH) {
      const batch = chunks.slice(start, start + CHUNK_INSERT_BATCH).map((chunk) => ({
        ordinal: chunk.ordinal,
        content: clean(chunk.content),
        token_count: chunk.tokenCount,
        metadata: { ...documentMetadata, ...chunk.metadata },
      }))
      const inserted = await tx.query<{ id: string; ordinal: number }>(
        `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
                                       metadata, text_config, search_vector)
         select $1, $2, $3, c.ordinal, c.content, c.token_count, c.metadata, $4::regconfig,
                to_tsvector($4::regconfig, c.content)
           from jsonb_to_recordset($5::jsonb) as c(ordinal integer, content text, token_count integer, metadata jsonb)
         returning id, ordinal`,
        [doc.organization_id, doc.workspace_id, doc.id, config, batch],
      )
      for (const row of inserted) ids[indexOf.get(row.ordinal) as number] = row.id
    }
    for (let start = 0; start < rows.length; start += ROW_INSERT_BATCH) {
      await tx.query(
        `insert into knowledge_rows (organization_id, workspace_id, document_id, sheet, row_number, data)
         select $1, $2, $3, r.sheet, r.row_number, r.data
           from jsonb_to_recordset($4::jsonb) as r(sheet text, row_number integer, data jsonb)`,
        [doc.organization_id, doc.workspace_id, doc.id, rows.slice(start, start + ROW_INSERT_BATCH)],
      )
    }
    await tx.query(
      `update knowledge_documents
          set status = $2, progress = $3, chunk_count = $4, row_count = $5, detected_format = $6,
              embedding_model = null, embedding_dimensions = null, error_code = null, error = null, updated_at = now()
        where id = $1`,
      [
        doc.id,
        embedding ? 'embedding' : 'ready',
        embedding ? PROGRESS.embedding : PROGRESS.ready,
        chunks.length,
        rows.length,
        parsed.format,
      ],
    )
    return { chunkIds: ids, rowCount: rows.length }
  })
}

/**
 * Embeds the chunks batch by batch (`embeddingConcurrency` at once), writing each batch's vectors and the progress
 * as it lands. Resolves the dimension.
 */
export async function embedChunks(
  deps: Pick<KnowledgeJobDeps, 'db'>,
  embedder: EmbeddingPort,
  scope: { organizationId: string; documentId?: string },
  chunks: readonly { id: string; content: string }[],
  settings: PipelineSettings,
  options: { signal?: AbortSignal; onBatch?: (done: number, total: number) => Promise<void> } = {},
): Promise<number> {
  const batchSize = settings.embeddingBatchSize
  const batches = Math.ceil(chunks.length / batchSize)
  let dimensions: number | undefined
  let indexReady: Promise<boolean> | undefined
  let done = 0
  await runPool(batches, settings.embeddingConcurrency, async (index) => {
    options.signal?.throwIfAborted()
    const batch = chunks.slice(index * batchSize, (index + 1) * batchSize)
    const result = await embedder.embed(
      batch.map((c) => c.content),
      options.signal ? { signal: options.signal } : undefined,
    )
    if (dimensions === undefined) dimensions = result.dimensions
    else if (dimensions !== result.dimensions) {
      throw new AppError(
        'ai_provider_invalid_response',
        `The embedding model changed its dimension mid-document (${dimensions}, then ${result.dimensions}).`,
        502,
      )
    }
    // one index build per dimension, before the first vectors of that dimension are written
    indexReady ??= ensureVectorIndex(deps.db, result.dimensions)
    await indexReady
    await writeChunkVectors(
      deps.db,
      scope,
      batch.map((chunk, i) => ({ chunkId: chunk.id, vector: result.vectors[i] as number[] })),
      { model: embedder.model, dimensions: result.dimensions },
    )
    done += batch.length
    await options.onBatch?.(done, chunks.length)
  })
  return dimensions ?? 0
}

async function runPipeline(
  deps: KnowledgeJobDeps,
  doc: DocumentRow,
  ctx: Pick<JobContext, 'signal' | 'log'>,
): Promise<IngestOutcome> {
  const settings = await getPipelineSettings(deps.db)
  const embedder = await embedderFor(deps, doc.organization_id, settings)

  const parsed = await readContent(deps, doc)
  ctx.signal.throwIfAborted()
  const chunks = chunkDocument(parsed, {
    chunkSizeTokens: settings.chunkSizeTokens,
    chunkOverlapTokens: settings.chunkOverlapTokens,
  })
  if (chunks.length === 0) throw new DocumentError('empty_file')
  await advance(deps.db, doc.id, 'progress = $2', [PROGRESS.chunked])

  const { chunkIds, rowCount } = await writeChunksAndRows(deps.db, doc, chunks, parsed, embedder !== undefined)
  if (!embedder) {
    ctx.log.info('document ingested without embeddings: no embedding provider', {
      documentId: doc.id,
      chunks: chunks.length,
      rows: rowCount,
    })
    return { outcome: 'ready', chunks: chunks.length, rows: rowCount, embeddingModel: null }
  }

  let lastProgress: number = PROGRESS.embedding
  const dimensions = await embedChunks(
    deps,
    embedder,
    { organizationId: doc.organization_id, documentId: doc.id },
    chunks.map((chunk, i) => ({ id: chunkIds[i] as string, content: clean(chunk.content) })),
    settings,
    {
      signal: ctx.signal,
      onBatch: async (done, total) => {
        const progress = PROGRESS.embedding + Math.floor(((PROGRESS.embedded - PROGRESS.embedding) * done) / total)
        if (progress === lastProgress) return
        lastProgress = progress
        await advance(deps.db, doc.id, 'progress = greatest(progress, $2)', [progress])
      },
    },
  )
  await advance(deps.db, doc.id, `status = 'ready', progress = $2, embedding_model = $3, embedding_dimensions = $4`, [
    PROGRESS.ready,
    embedder.model,
    dimensions,
  ])
  // the dimension is learned from real use when the save-time check did not record it
  await deps.db.query(
    `update ai_providers set embedding_dimensions = $2
      where organization_id = $1 and embedding_dimensions is null`,
    [doc.organization_id, dimensions],
  )
  ctx.log.info('document ingested', {
    documentId: doc.id,
    chunks: chunks.length,
    rows: rowCount,
    model: embedder.model,
    dimensions,
  })
  return { outcome: 'ready', chunks: chunks.length, rows: rowCount, embeddingModel: embedder.model }
}

/** The `knowledge.ingest` handler. */
export async function ingestDocument(
  deps: KnowledgeJobDeps,
  documentId: string,
  ctx: Pick<JobContext, 'attempt' | 'maxAttempts' | 'signal' | 'log'>,
): Promise<IngestOutcome> {
  const log = ctx.log.child({ documentId })
  // A retry may find the row where the failed attempt left it (a timed-out attempt never reached its catch); a first
  // attempt only takes a queued row, so a duplicate delivery cannot run beside the job that already took it.
  const [doc] = await deps.db.query<DocumentRow>(
    `update knowledge_documents
        set status = 'parsing', progress = $3, error_code = null, error = null, updated_at = now()
      where id = $1 and (status = 'queued' or ($2::boolean and status in ('parsing', 'embedding')))
      returning id, organization_id, workspace_id, kind, name, source, subject, language, tags, file_name,
                storage_key, status`,
    [documentId, ctx.attempt > 1, PROGRESS.parsing],
  )
  if (!doc) {
    const [exists] = await deps.db.query<{ status: string }>('select status from knowledge_documents where id = $1', [
      documentId,
    ])
    log.info(exists ? 'document is not queued; nothing to do' : 'document no longer exists; nothing to do', {
      status: exists?.status,
    })
    return { outcome: 'skipped', reason: exists ? 'not_queued' : 'missing' }
  }

  try {
    return await runPipeline(deps, doc, { signal: ctx.signal, log })
  } catch (error) {
    if (error instanceof Superseded) {
      log.info('document changed during ingestion; leaving it to the newer job')
      return { outcome: 'skipped', reason: 'superseded' }
    }
    if (error instanceof DocumentError) {
      await markFailed(deps.db, doc.id, error.code, error.message)
      log.info('document could not be read', { errorCode: error.code })
      return { outcome: 'failed', errorCode: error.code }
    }
    const final = ctx.attempt >= ctx.maxAttempts
    const code = error instanceof AppError ? error.code : 'ingest_failed'
    try {
      if (final) {
        await markFailed(
          deps.db,
          doc.id,
          code,
          `The document could not be processed after ${ctx.attempt} attempts: ${errorMessage(error)}`,
        )
      } else {
        await deps.db.query(
          `update knowledge_documents set status = 'queued', progress = 0, updated_at = now()
            where id = $1 and status in ('parsing', 'embedding')`,
          [doc.id],
        )
      }
    } catch (recordError) {
      // the pipeline's error is the one that matters; the sweep finds the row later
      log.error('could not record an ingestion failure on its document', { error: recordError })
    }
    log.warn(final ? 'ingestion failed on its last attempt' : 'ingestion failed; it will be retried', {
      attempt: ctx.attempt,
      error,
    })
    throw error
  }
}
