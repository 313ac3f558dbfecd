/**
 * Full-text and vector index helpers shared by the ingestion pipeline and search.
 *
 * - `textSearchConfig(language)` picks the PostgreSQL text-search configuration for a document's language, so a
 *   chunk's `search_vector` is stemmed in its own language and a query can be parsed with the same configuration.
 * - `ensureVectorIndex(q, n)` creates, once, the HNSW index for vectors of dimension `n`. Chunks store `embedding
 *   vector` without a fixed dimension (an organization may change models), and pgvector indexes only a fixed
 *   dimension, so there is one partial expression index per dimension in use.
 */
import type { Queryable, Session } from '../db/database.ts'
import { ValidationError } from '../errors.ts'

/**
 * ISO 639-1 language → text-search configuration. Only configurations that ship with PostgreSQL 15 (the oldest
 * supported server) are listed, so a chunk written on PGlite (newer) reads the same on PostgreSQL.
 */
const CONFIG_BY_LANGUAGE: Readonly<Record<string, string>> = {
  ar: 'arabic',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  ga: 'irish',
  hi: 'hindi',
  hu: 'hungarian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  nb: 'norwegian',
  ne: 'nepali',
  nl: 'dutch',
  nn: 'norwegian',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
}

/** Every configuration `textSearchConfig` can return, for callers that validate a stored `regconfig`. */
export const TEXT_SEARCH_CONFIGS: readonly string[] = ['simple', ...new Set(Object.values(CONFIG_BY_LANGUAGE))]

/**
 * The text-search configuration for a language tag (`en`, `pt-BR`, `EN_us`); `simple` (no stemming, no stop words)
 * for an unknown or missing language, which still matches exact words in any language.
 */
export function textSearchConfig(language: string | null | undefined): string {
  if (!language) return 'simple'
  const primary = language.trim().toLowerCase().split(/[-_]/)[0] ?? ''
  return CONFIG_BY_LANGUAGE[primary] ?? 'simple'
}

/** pgvector's HNSW index takes vectors of at most 2,000 dimensions; larger ones are searched exactly. */
export const MAX_INDEXED_DIMENSIONS = 2000
/** The schema's bound on a stored embedding's dimension. */
export const MAX_EMBEDDING_DIMENSIONS = 16_000

const VECTOR_INDEX_LOCK = 'knowledge-vector-index'
const LOCK_TIMEOUT_MS = 60_000

export function assertDimensions(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_EMBEDDING_DIMENSIONS) {
    throw new ValidationError(`An embedding dimension must be an integer from 1 to ${MAX_EMBEDDING_DIMENSIONS}.`)
  }
  return n
}

/** The name of the HNSW index over vectors of dimension `n`. */
export function vectorIndexName(n: number): string {
  return `knowledge_chunks_embedding_${assertDimensions(n)}_idx`
}

function isSession(q: Queryable): q is Session {
  return typeof (q as Partial<Session>).transaction === 'function'
}

// Indexes known to exist, per database handle: after the first check a dimension costs nothing.
const known = new WeakMap<Queryable, Set<number>>()

/**
 * Makes sure the HNSW index for dimension `n` exists; resolves `true` when one exists (or was just built), `false`
 * when `n` is above pgvector's HNSW limit and search stays exact. `n` is validated as an integer before it reaches
 * the statement (DDL cannot take parameters). Concurrent callers take turns on a transaction-level advisory lock,
 * because two `create index if not exists` racing on one name fail on the catalog's unique key. Given a database
 * (or session) it runs in its own transaction; given a transaction, the lock lasts until that transaction ends.
 */
export async function ensureVectorIndex(q: Queryable, n: number): Promise<boolean> {
  const dimensions = assertDimensions(n)
  if (dimensions > MAX_INDEXED_DIMENSIONS) return false
  const seen = known.get(q)
  if (seen?.has(dimensions)) return true
  const name = vectorIndexName(dimensions)
  const create = async (tx: Queryable) => {
    await tx.query(`set local lock_timeout = ${LOCK_TIMEOUT_MS}`)
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [VECTOR_INDEX_LOCK])
    const [exists] = await tx.query<{ found: boolean }>(
      `select exists (select 1 from pg_class where relname = $1 and relkind = 'i') as found`,
      [name],
    )
    if (exists?.found) return
    await tx.query(
      `create index if not exists ${name} on knowledge_chunks
         using hnsw ((embedding::vector(${dimensions})) vector_cosine_ops)
         where embedding_dimensions = ${dimensions}`,
    )
  }
  const [present] = await q.query<{ found: boolean }>(
    `select exists (select 1 from pg_class where relname = $1 and relkind = 'i') as found`,
    [name],
  )
  if (!present?.found) {
    if (isSession(q)) await q.transaction(create)
    else await create(q)
  }
  const set = seen ?? new Set<number>()
  set.add(dimensions)
  known.set(q, set)
  return true
}

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38

/**
 * pgvector's text form of a vector. pgvector stores 4-byte floats, and 9 significant digits name every 4-byte float
 * exactly, so each value is written that way: the statement is a third shorter than JavaScript's 17-digit doubles
 * and parses faster, with nothing lost. Values below the smallest normal float become 0 (the server would refuse
 * them as out of range); values that are not finite are refused here.
 */
export function vectorLiteral(vector: readonly number[]): string {
  let text = '['
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i] as number
    if (!Number.isFinite(value)) throw new ValidationError('An embedding holds a value that is not a finite number.')
    const single = Math.fround(value)
    if (!Number.isFinite(single)) throw new ValidationError('An embedding holds a value too large for a 4-byte float.')
    if (i > 0) text += ','
    text += Math.abs(single) < FLOAT32_MIN_NORMAL ? '0' : single.toPrecision(9)
  }
  return `${text}]`
}

/**
 * Writes the vectors of some chunks in one statement, with their dimension and model, so search can compare only
 * vectors of one model. Only chunks of `documentId` (when given) or of `organizationId` are touched: a vector never
 * lands on another tenant's chunk whatever ids a caller passes. Resolves the number of chunks written.
 */
export async function writeChunkVectors(
  q: Queryable,
  scope: { organizationId: string; documentId?: string | undefined },
  items: readonly { chunkId: string; vector: readonly number[] }[],
  embedding: { model: string; dimensions: number },
): Promise<number> {
  if (items.length === 0) return 0
  const dimensions = assertDimensions(embedding.dimensions)
  const rows = items.map((item) => {
    if (item.vector.length !== dimensions) {
      throw new ValidationError(`An embedding has ${item.vector.length} dimensions where ${dimensions} were expected.`)
    }
    return { id: item.chunkId, embedding: vectorLiteral(item.vector) }
  })
  const updated = await q.query<{ id: string }>(
    `update knowledge_chunks c
        set embedding = v.embedding::vector, embedding_dimensions = $2, embedding_model = $3
       from jsonb_to_recordset($1::jsonb) as v(id uuid, embedding text)
      where c.id = v.id and c.organization_id = $4 and ($5::uuid is null or c.document_id = $5)
      returning c.id`,
    [rows, dimensions, embedding.model, scope.organizationId, scope.documentId ?? null],
  )
  return updated.length
}
