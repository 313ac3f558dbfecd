/**
 * Hybrid search over a workspace's knowledge base: full-text ranking and vector nearest neighbours, each taking its
 * own candidates with every filter applied inside the query, fused with reciprocal rank fusion.
 *
 * Full text and languages. Each chunk's `search_vector` was built with its own `text_config` (the document's
 * language), so a query only matches a chunk when parsed with that same config: `websearch_to_tsquery(english,
 * 'running')` is `'run'`, with `simple` it is `'running'`. Parsing per row (`websearch_to_tsquery(c.text_config, q)`)
 * is exact but cannot use the GIN index, so the query is parsed once with every text-search config the database has
 * (about 30; microseconds each), the distinct results are OR-ed into one tsquery for the index, and each candidate is
 * then checked and ranked exactly with its own config. The OR of all configs is a superset of every chunk's own
 * query, so nothing is lost, nothing depends on knowing which languages the workspace uses, and no scan of the
 * chunks is needed to find out.
 *
 * `websearch_to_tsquery` wants every word (AND). A question phrased in more words than the passage then finds
 * nothing, so when a plain query (no quotes, `-` or `or`) yields fewer candidates than wanted, a second pass takes
 * chunks matching any of its words, ranked after those matching all of them.
 */
import type { z } from 'zod'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { withTimeout } from '../errors.ts'
import type { Platform } from '../services/platform.ts'
import { parseInput, resolveKnowledgeWorkspace } from './documents.ts'
import type { EmbeddingPort } from './embeddings.ts'
import { type SearchFilters, type SearchHit, type SearchResult, searchRequestSchema } from './types.ts'

/** The usual constant of reciprocal rank fusion: large enough that one list's top rank does not dominate. */
export const RRF_K = 60
const MIN_CANDIDATES = 40
const EMBED_TIMEOUT_MS = 15_000

export const NO_PROVIDER_NOTICE =
  'Hybrid search needs an embedding provider, so these are full-text results only. An administrator can add one in the AI provider settings.'
const EMBED_FAILED_NOTICE = 'The embedding provider did not answer, so these are full-text results only.'

export interface SearchDeps {
  embedder?: EmbeddingPort | undefined
}

/** How many candidates each ranking contributes before fusion. */
export function candidateCount(limit: number): number {
  return Math.max(MIN_CANDIDATES, limit * 4)
}

interface CandidateRow {
  id: string
  document_id: string
  document_name: string
  content: string
  metadata: Record<string, unknown>
  score: number
}

/** `and …` conditions for the filters, over `c` (chunk) and `d` (document), with parameters from `params`. */
function filterSql(filters: SearchFilters, params: unknown[]): string {
  const parts: string[] = []
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (filters.source?.length) {
    const p = param(filters.source)
    parts.push(`(d.source = any(${p}::text[]) or c.metadata->>'source' = any(${p}::text[]))`)
  }
  if (filters.tags?.length) {
    const p = param(filters.tags)
    parts.push(`(d.tags && ${p}::text[] or coalesce(c.metadata->'tags', '[]'::jsonb) ?| ${p}::text[])`)
  }
  if (filters.language?.length) {
    // `en` matches documents in en-US and en-GB; `en-US` only those
    const p = param(filters.language.map((l) => l.toLowerCase()))
    parts.push(
      `(lower(d.language) = any(${p}::text[]) or lower(split_part(d.language, '-', 1)) = any(${p}::text[])
        or lower(c.metadata->>'language') = any(${p}::text[]))`,
    )
  }
  if (filters.documentIds?.length) parts.push(`c.document_id = any(${param(filters.documentIds)}::uuid[])`)
  return parts.map((p) => `and ${p}`).join('\n')
}

/** The query's words OR-ed in websearch syntax, or undefined when the query has operators or a single word. */
export function relaxedQuery(query: string): string | undefined {
  if (/["]|(^|\s)-\S|(^|\s)or(\s|$)/i.test(query)) return undefined
  const words = query.split(/\s+/).filter(Boolean)
  return words.length > 1 ? words.join(' or ') : undefined
}

/** One full-text pass: chunks matching `query` under their own config, ranked by cover density. */
async function textPass(
  q: Queryable,
  scope: { organizationId: string; workspaceId: string },
  query: string,
  filters: SearchFilters,
  limit: number,
  excludeIds: string[],
): Promise<CandidateRow[]> {
  const params: unknown[] = [scope.organizationId, scope.workspaceId, query, excludeIds]
  const filterClause = filterSql(filters, params)
  params.push(limit)
  return q.query<CandidateRow>(
    `select c.id, c.document_id, d.name as document_name, c.content, c.metadata,
            ts_rank_cd(c.search_vector, websearch_to_tsquery(c.text_config, $3), 32)::float8 as score
       from knowledge_chunks c
       join knowledge_documents d on d.id = c.document_id
      where c.organization_id = $1 and c.workspace_id = $2
        and c.search_vector @@ (
          select string_agg('(' || t.q || ')', ' | ')::tsquery
            from (select distinct websearch_to_tsquery(cfg.oid::regconfig, $3)::text as q from pg_ts_config cfg) t
           where t.q <> ''
        )
        and c.search_vector @@ websearch_to_tsquery(c.text_config, $3)
        and not (c.id = any($4::uuid[]))
        ${filterClause}
      order by score desc, c.id
      limit $${params.length}`,
    params,
  )
}

async function textCandidates(
  q: Queryable,
  scope: { organizationId: string; workspaceId: string },
  query: string,
  filters: SearchFilters,
  limit: number,
): Promise<CandidateRow[]> {
  // scores in (0, 1): above one half when every word matched, below when only some did
  const strict = (await textPass(q, scope, query, filters, limit, [])).map((r) => ({ ...r, score: 0.5 + r.score / 2 }))
  const relaxed = relaxedQuery(query)
  if (strict.length >= limit || !relaxed) return strict
  const more = await textPass(
    q,
    scope,
    relaxed,
    filters,
    limit - strict.length,
    strict.map((r) => r.id),
  )
  return [...strict, ...more.map((r) => ({ ...r, score: r.score / 2 }))]
}

const vectorSupport = new WeakMap<Queryable, Promise<{ hnsw: boolean; iterative: boolean }>>()

/** What the installed pgvector can be told: `hnsw.ef_search` (0.5) and iterative index scans (0.8). */
function pgvectorFeatures(db: Queryable): Promise<{ hnsw: boolean; iterative: boolean }> {
  let pending = vectorSupport.get(db)
  if (!pending) {
    pending = db
      .query<{ extversion: string }>(`select extversion from pg_extension where extname = 'vector'`)
      .then(([row]) => {
        const [major = 0, minor = 0] = (row?.extversion ?? '0.0').split('.').map(Number)
        const at = (m: number, n: number) => major > m || (major === m && minor >= n)
        return { hnsw: at(0, 5), iterative: at(0, 8) }
      })
    pending.catch(() => vectorSupport.delete(db))
    vectorSupport.set(db, pending)
  }
  return pending
}

async function vectorCandidates(
  q: Queryable,
  features: { hnsw: boolean; iterative: boolean },
  scope: { organizationId: string; workspaceId: string },
  embedding: { vector: number[]; dimensions: number; model: string },
  filters: SearchFilters,
  limit: number,
): Promise<CandidateRow[]> {
  if (features.hnsw) {
    // the index scan returns ef_search rows before the filters run; ask for at least as many as we keep
    await q.query(`select set_config('hnsw.ef_search', $1, true)`, [String(Math.min(1000, Math.max(limit, 40)))])
  }
  if (features.iterative) {
    // pgvector 0.8+: keep scanning the index until enough rows pass the tenant and metadata filters
    await q.query(`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`)
  }
  const { text, params } = vectorQuery(scope, embedding, filters, limit)
  return q.query<CandidateRow>(text, params)
}

/**
 * The nearest-neighbour statement. The dimension is written into the text, not passed: `vector(n)` takes no
 * parameter, and the per-dimension partial HNSW index (`where embedding_dimensions = n`) is only matched against a
 * literal. Exported so a test can check the plan uses that index.
 */
export function vectorQuery(
  scope: { organizationId: string; workspaceId: string },
  embedding: { vector: number[]; dimensions: number; model: string },
  filters: SearchFilters,
  limit: number,
): { text: string; params: unknown[] } {
  const n = embedding.dimensions
  if (!Number.isInteger(n) || n < 1 || n > 16000) throw new Error(`Invalid embedding dimension ${n}.`)
  const params: unknown[] = [
    scope.organizationId,
    scope.workspaceId,
    `[${embedding.vector.join(',')}]`,
    embedding.model,
  ]
  const filterClause = filterSql(filters, params)
  params.push(limit)
  // relaxed_order may return rows slightly out of order; the materialized CTE sorted again makes it exact
  const text = `with nearest as materialized (
       select c.id, (c.embedding::vector(${n})) <=> $3::vector(${n}) as distance
         from knowledge_chunks c
         join knowledge_documents d on d.id = c.document_id
        where c.organization_id = $1 and c.workspace_id = $2
          and c.embedding_dimensions = ${n} and c.embedding_model = $4
          ${filterClause}
        order by (c.embedding::vector(${n})) <=> $3::vector(${n})
        limit $${params.length}
     )
     select c.id, c.document_id, d.name as document_name, c.content, c.metadata,
            (1 - nearest.distance)::float8 as score
       from nearest
       join knowledge_chunks c on c.id = nearest.id
       join knowledge_documents d on d.id = c.document_id
      order by nearest.distance, c.id`
  return { text, params }
}

/** Reciprocal rank fusion: each list contributes 1 / (k + rank) for every chunk it ranked. */
export function fuseRankings(text: CandidateRow[], vector: CandidateRow[], limit: number): SearchHit[] {
  const hits = new Map<string, SearchHit>()
  const add = (rows: CandidateRow[], key: 'text' | 'vector') => {
    rows.forEach((row, index) => {
      const rank = index + 1
      const hit = hits.get(row.id) ?? toHit(row, 0)
      hit.ranks[key] = rank
      hit.score += 1 / (RRF_K + rank)
      hits.set(row.id, hit)
    })
  }
  add(text, 'text')
  add(vector, 'vector')
  const best = (h: SearchHit) =>
    Math.min(h.ranks.text ?? Number.POSITIVE_INFINITY, h.ranks.vector ?? Number.POSITIVE_INFINITY)
  return [...hits.values()]
    .sort((a, b) => b.score - a.score || best(a) - best(b) || a.chunkId.localeCompare(b.chunkId))
    .slice(0, limit)
}

function toHit(row: CandidateRow, score: number): SearchHit {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    documentName: row.document_name,
    content: row.content,
    score,
    ranks: {},
    metadata: row.metadata ?? {},
  }
}

async function embedQuery(
  embedder: EmbeddingPort,
  query: string,
): Promise<{ vector: number[]; dimensions: number; model: string }> {
  const controller = new AbortController()
  try {
    const result = await withTimeout(
      embedder.embed([query], { signal: controller.signal }),
      EMBED_TIMEOUT_MS,
      'The embedding provider',
    )
    const vector = result.vectors[0]
    if (!vector || vector.length !== result.dimensions || !vector.every(Number.isFinite)) {
      throw new Error('The embedding provider returned no usable vector.')
    }
    return { vector, dimensions: result.dimensions, model: embedder.model }
  } finally {
    controller.abort()
  }
}

/**
 * Searches the caller's workspace. `hybrid` (the default) fuses full text and vectors; without an embedding provider
 * (or when it fails) it answers with full text alone and says so in `notice`.
 */
export async function searchKnowledge(
  platform: Platform,
  deps: SearchDeps,
  principal: Principal | undefined,
  workspaceId: string | undefined,
  input: z.input<typeof searchRequestSchema>,
): Promise<SearchResult> {
  const request = parseInput(searchRequestSchema, input)
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, workspaceId)
  const candidates = candidateCount(request.limit)
  let notice: string | undefined
  let embedding: Awaited<ReturnType<typeof embedQuery>> | undefined
  if (request.mode !== 'text') {
    if (!deps.embedder) {
      notice = NO_PROVIDER_NOTICE
    } else {
      try {
        embedding = await embedQuery(deps.embedder, request.query)
      } catch (error) {
        platform.log.warn('query embedding failed; answering with full-text search', { error })
        notice = EMBED_FAILED_NOTICE
      }
    }
  }
  const mode: SearchResult['mode'] = embedding ? request.mode : 'text'
  const features = embedding ? await pgvectorFeatures(platform.db) : { hnsw: false, iterative: false }
  const hits = await platform.db.transaction(async (tx) => {
    const text = mode === 'vector' ? [] : await textCandidates(tx, scope, request.query, request.filters, candidates)
    const vector = embedding ? await vectorCandidates(tx, features, scope, embedding, request.filters, candidates) : []
    if (mode === 'hybrid') return fuseRankings(text, vector, request.limit)
    const single = mode === 'vector' ? vector : text
    return single.slice(0, request.limit).map((row, index) => {
      const hit = toHit(row, row.score)
      hit.ranks[mode === 'vector' ? 'vector' : 'text'] = index + 1
      return hit
    })
  })
  return { hits, mode, ...(notice ? { notice } : {}) }
}
