/**
 * The knowledge base under load, on PGlite and (when PRODGY_TEST_DATABASE_URL is set, as `npm test` and
 * `node scripts/test-services.mjs start postgres` provide) on PostgreSQL, printed side by side:
 *
 * 1. Ingestion throughput in chunks per second: one long text document through the real pipeline (parse, chunk,
 *    index, embed, write), without a provider and with the OpenAI test server (local, deterministic, so provider
 *    latency is out of the picture and the number is the platform's own cost).
 * 2. Search latency at `--chunks` chunks (100,000 by default): synthetic chunks with clustered unit vectors and
 *    text are inserted directly, the HNSW index is built, then p50/p99 of
 *    - exact nearest neighbours (index scans off: the ground truth),
 *    - the HNSW index alone (the same ORDER BY with the index),
 *    - the platform's search in `vector` and in `hybrid` mode (`searchKnowledge`, filters, fusion and all),
 *    and HNSW recall@10 of both index paths against the exact answer.
 *
 * Every number is printed, none is judged. Run time is bounded by the flags: about three minutes with the defaults on
 * a 2-core machine for both databases, most of it building the two HNSW indexes; `--only`, `--skip-search` and fewer
 * `--chunks` shorten it.
 *
 *   npx tsx bench/knowledge.ts [--chunks 100000] [--dims 128] [--queries 200] [--exact-queries 50]
 *                              [--ingest-paragraphs 800] [--ingest-dims 1536] [--only pglite|postgres]
 */
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import {
  createMemoryFileStorage,
  type Database,
  type EmbeddingPort,
  encryptSecret,
  ensureVectorIndex,
  type Platform,
  type Principal,
  searchKnowledge,
  silentLogger,
  vectorIndexName,
} from '@prodgy/core'
import { type TestDatabaseKind, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { ingestDocument } from '../workers/service/src/knowledge/ingest.ts'
import { positiveInt } from './support.ts'

const { values: flags } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    dims: { type: 'string', default: '128' },
    queries: { type: 'string', default: '200' },
    'exact-queries': { type: 'string', default: '50' },
    'ingest-paragraphs': { type: 'string', default: '800' },
    'ingest-dims': { type: 'string', default: '1536' },
    only: { type: 'string' },
    'skip-search': { type: 'boolean', default: false },
  },
})
const CHUNKS = positiveInt('chunks', flags.chunks)
const DIMS = positiveInt('dims', flags.dims)
const QUERIES = positiveInt('queries', flags.queries)
const EXACT_QUERIES = Math.min(positiveInt('exact-queries', flags['exact-queries']), QUERIES)
const INGEST_PARAGRAPHS = positiveInt('ingest-paragraphs', flags['ingest-paragraphs'])
const INGEST_DIMS = positiveInt('ingest-dims', flags['ingest-dims'])
const ENCRYPTION_KEY = 'bench-encryption-key-0123456789-abcdefghij'
const MODEL = 'bench:synthetic'

// ---------------------------------------------------------------- data

/** A small deterministic PRNG (mulberry32), so every run inserts the same chunks and asks the same questions. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(20261126)
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
const normalise = (v: number[]) => {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1
  return v.map((x) => x / n)
}

/** Clustered unit vectors: like real embeddings, neighbours exist (uniform random vectors have none). */
const CLUSTERS = 500
const centroids = Array.from({ length: CLUSTERS }, () => normalise(Array.from({ length: DIMS }, gaussian)))
/**
 * Per-coordinate noise (standard deviation): a point sits about 0.9 away from its unit centroid, so clusters overlap
 * and nearest neighbours are not trivially the cluster's members.
 */
const SPREAD = 0.9 / Math.sqrt(DIMS)
function vectorNear(centroid: number[], spread: number): number[] {
  return normalise(centroid.map((x) => x + gaussian() * spread))
}
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `term${i}`)
function sentence(words: number): string {
  return Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(' ')
}

// ---------------------------------------------------------------- helpers

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '—')

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - started }
}

async function seedTenant(db: Database) {
  const [org] = await db.query<{ id: string }>(`insert into organizations (name) values ('Bench') returning id`)
  const [ws] = await db.query<{ id: string }>(
    `insert into workspaces (organization_id, name, slug) values ($1, 'Bench', 'bench') returning id`,
    [org?.id],
  )
  const [user] = await db.query<{ id: string }>(
    `insert into users (email, full_name) values ('bench@example.com', 'Bench') returning id`,
  )
  return { organizationId: org?.id as string, workspaceId: ws?.id as string, userId: user?.id as string }
}

function platformFor(db: Database): Platform {
  return {
    db,
    log: silentLogger,
    dispatchEmail: async () => undefined,
    enqueue: async () => undefined,
    settings: {
      publicUrl: 'http://localhost:3000',
      jwtSecret: 'x'.repeat(40),
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 3600,
      allowSignup: false,
      serviceKeys: {},
      encryptionKey: ENCRYPTION_KEY,
      maxUploadBytes: 50 * 1024 * 1024,
    },
  }
}

// ---------------------------------------------------------------- 1. ingestion

interface IngestResult {
  chunks: number
  seconds: number
  chunksPerSecond: number
}

/**
 * The OpenAI test server in a child process: in this process it would share the JavaScript thread with PGlite, whose
 * queries block it, and the benchmark would measure the two taking turns instead of the pipeline.
 */
async function startServerProcess(
  dimensions: number,
): Promise<{ url: string; apiKey: string; close(): Promise<void> }> {
  const script = `
    import { startOpenAiTestServer } from '@prodgy/core/testing/openai-test-server'
    const server = await startOpenAiTestServer({ dimensions: ${dimensions} })
    console.log(JSON.stringify({ url: server.url, apiKey: server.apiKey }))
    process.stdin.resume()
    process.stdin.on('end', () => server.close().then(() => process.exit(0)))`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const started = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the OpenAI test server did not start within 30 s')), 30_000)
    child.stdout.once('data', (data: Buffer) => {
      clearTimeout(timer)
      resolve(JSON.parse(data.toString()) as { url: string; apiKey: string })
    })
    child.once('exit', (code) => reject(new Error(`the OpenAI test server exited with ${code}`)))
  })
  return {
    ...started,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          resolve()
        }, 5_000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.stdin.end()
      }),
  }
}

async function benchIngestion(kind: TestDatabaseKind): Promise<{ text: IngestResult; embedded: IngestResult }> {
  const handle = await kind.create({ migrated: true })
  const server = await startServerProcess(INGEST_DIMS)
  try {
    const db = handle.db
    const tenant = await seedTenant(db)
    const storage = createMemoryFileStorage()
    const paragraphs = Array.from({ length: INGEST_PARAGRAPHS }, () => `${sentence(60)}.`)
    const run = async (name: string): Promise<IngestResult> => {
      const key = `${tenant.organizationId}/${tenant.workspaceId}/${crypto.randomUUID()}/${name}`
      await storage.put(key, new TextEncoder().encode(paragraphs.join('\n\n')), 'text/plain')
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, file_name, content_hash, storage_key,
                                          language)
         values ($1, $2, $3, $3, $4, $5, 'en') returning id`,
        [tenant.organizationId, tenant.workspaceId, name, crypto.randomUUID(), key],
      )
      const controller = new AbortController()
      const { value, ms: elapsed } = await timed(() =>
        ingestDocument({ db, storage, encryptionKey: ENCRYPTION_KEY, log: silentLogger }, doc?.id as string, {
          attempt: 1,
          maxAttempts: 1,
          signal: controller.signal,
          log: silentLogger,
        }),
      )
      if (value.outcome !== 'ready') throw new Error(`ingestion of ${name} ended ${JSON.stringify(value)}`)
      return { chunks: value.chunks, seconds: elapsed / 1000, chunksPerSecond: value.chunks / (elapsed / 1000) }
    }
    const text = await run('without-provider.txt')
    await db.query(
      `insert into ai_providers (organization_id, provider, embedding_model, base_url, api_key_ciphertext)
       values ($1, 'openai_compatible', 'bench-embed', $2, $3)`,
      [tenant.organizationId, server.url, await encryptSecret(server.apiKey, ENCRYPTION_KEY)],
    )
    const embedded = await run('with-provider.txt')
    return { text, embedded }
  } finally {
    await server.close()
    await handle.drop()
  }
}

// ---------------------------------------------------------------- 2. search

interface SearchBench {
  insertSeconds: number
  indexSeconds: number
  exact: number[]
  hnsw: number[]
  serviceVector: number[]
  serviceHybrid: number[]
  recallHnsw: number
  recallService: number
  planUsesIndex: boolean
}

async function benchSearch(kind: TestDatabaseKind): Promise<SearchBench> {
  const handle = await kind.create({ migrated: true })
  try {
    const db = handle.db
    const tenant = await seedTenant(db)
    const documents: string[] = []
    for (let i = 0; i < 10; i++) {
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, content_hash, status, embedding_model,
                                          embedding_dimensions)
         values ($1, $2, $3, $4, 'ready', $5, $6) returning id`,
        [tenant.organizationId, tenant.workspaceId, `Document ${i}`, `hash-${i}`, MODEL, DIMS],
      )
      documents.push(doc?.id as string)
    }

    // Insert, as a bulk load: the rows are generated inside the database, so the measurement is the database's and
    // not a 150 MB JSON parameter's. A vector is a cluster centroid plus one of 2,003 noise vectors (500 and 2,003 are
    // coprime, so no two chunks share a pair); a text is two of 997 and 991 twenty-word fragments. The full-text index
    // is dropped for the load and built again after it, as one would load a large knowledge base.
    const NOISE = 2003
    await db.query('create table bench_centroids (id integer primary key, v vector not null)')
    await db.query('create table bench_noise (id integer primary key, v vector not null)')
    await db.query('create table bench_fragments (id integer primary key, t text not null)')
    await db.query(
      `insert into bench_centroids (id, v) select c.id, c.v::vector from jsonb_to_recordset($1::jsonb) as c(id integer, v text)`,
      [centroids.map((v, id) => ({ id, v: `[${v.join(',')}]` }))],
    )
    await db.query(
      `insert into bench_noise (id, v) select c.id, c.v::vector from jsonb_to_recordset($1::jsonb) as c(id integer, v text)`,
      [
        Array.from({ length: NOISE }, (_, id) => ({
          id,
          v: `[${centroids[0]?.map(() => gaussian() * SPREAD).join(',')}]`,
        })),
      ],
    )
    await db.query(
      `insert into bench_fragments (id, t) select f.id, f.t from jsonb_to_recordset($1::jsonb) as f(id integer, t text)`,
      [Array.from({ length: 997 }, (_, id) => ({ id, t: sentence(20) }))],
    )
    const BATCH = 20_000
    const insert = await timed(async () => {
      await db.query('drop index knowledge_chunks_search_idx')
      for (let start = 0; start < CHUNKS; start += BATCH) {
        await db.query(
          `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
                                         metadata, text_config, search_vector, embedding, embedding_dimensions,
                                         embedding_model)
           select $1, $2, ($5::uuid[])[1 + g % 10], g / 10, t.content, 60, '{}'::jsonb, 'simple',
                  to_tsvector('simple', t.content), c.v + n.v, $3, $4
             from generate_series($6::integer, $7::integer) as g
             join bench_centroids c on c.id = g % ${CLUSTERS}
             join bench_noise n on n.id = g % ${NOISE}
             cross join lateral (
               select a.t || ' ' || b.t as content
                 from bench_fragments a, bench_fragments b
                where a.id = g % 997 and b.id = (g / 997) % 991
             ) t`,
          [
            tenant.organizationId,
            tenant.workspaceId,
            DIMS,
            MODEL,
            documents,
            start,
            Math.min(CHUNKS, start + BATCH) - 1,
          ],
        )
      }
      await db.query('create index knowledge_chunks_search_idx on knowledge_chunks using gin (search_vector)')
      await db.query('analyze knowledge_chunks')
    })

    // The index build, as the pipeline makes it, given room to build the graph in memory as an operator would.
    const index = await timed(() =>
      db.transaction(async (tx) => {
        await tx.query(`set local maintenance_work_mem = '512MB'`)
        return ensureVectorIndex(tx, DIMS)
      }),
    )

    const queries = Array.from({ length: QUERIES }, (_, i) =>
      vectorNear(centroids[Math.floor(random() * CLUSTERS)] as number[], SPREAD * (1 + (i % 3) * 0.25)),
    )
    const literal = (v: number[]) => `[${v.join(',')}]`
    const nearest = (exact: boolean, vector: number[]) =>
      db.transaction(async (tx) => {
        if (exact) await tx.query('set local enable_indexscan = off')
        const rows = await tx.query<{ id: string }>(
          `select id from knowledge_chunks
            where embedding_dimensions = ${DIMS}
            order by embedding::vector(${DIMS}) <=> $1::vector(${DIMS})
            limit 10`,
          [literal(vector)],
        )
        return rows.map((r) => r.id)
      })

    const plan = await db.query<Record<string, string>>(
      `explain select id from knowledge_chunks where embedding_dimensions = ${DIMS}
        order by embedding::vector(${DIMS}) <=> $1::vector(${DIMS}) limit 10`,
      [literal(queries[0] as number[])],
    )
    const planUsesIndex = plan.some((r) => Object.values(r).join(' ').includes(vectorIndexName(DIMS)))

    const exact: number[] = []
    const truth: string[][] = []
    for (const vector of queries.slice(0, EXACT_QUERIES)) {
      const { value, ms: elapsed } = await timed(() => nearest(true, vector))
      exact.push(elapsed)
      truth.push(value)
    }
    const hnsw: number[] = []
    let hnswHits = 0
    for (const [i, vector] of queries.entries()) {
      const { value, ms: elapsed } = await timed(() => nearest(false, vector))
      hnsw.push(elapsed)
      if (i < truth.length) hnswHits += value.filter((id) => truth[i]?.includes(id)).length
    }

    const platform = platformFor(db)
    const principal: Principal = {
      kind: 'session',
      user: { id: tenant.userId, email: 'bench@example.com', fullName: 'Bench', isSuperAdmin: false },
      organizationId: tenant.organizationId,
      role: 'admin',
      workspaceId: undefined,
      tokenId: undefined,
      sessionFamilyId: undefined,
      service: undefined,
      ip: undefined,
    }
    const serviceVector: number[] = []
    const serviceHybrid: number[] = []
    let serviceHits = 0
    for (const [i, vector] of queries.entries()) {
      // the query's embedding is the synthetic vector itself: provider latency stays out of the numbers
      const embedder: EmbeddingPort = { model: MODEL, embed: async () => ({ vectors: [vector], dimensions: DIMS }) }
      const words = sentence(2)
      const v = await timed(() =>
        searchKnowledge(platform, { embedder }, principal, tenant.workspaceId, {
          query: words,
          limit: 10,
          mode: 'vector',
        }),
      )
      serviceVector.push(v.ms)
      if (i < truth.length) serviceHits += v.value.hits.filter((h) => truth[i]?.includes(h.chunkId)).length
      const h = await timed(() =>
        searchKnowledge(platform, { embedder }, principal, tenant.workspaceId, {
          query: words,
          limit: 10,
          mode: 'hybrid',
        }),
      )
      serviceHybrid.push(h.ms)
    }

    const sort = (a: number[]) => [...a].sort((x, y) => x - y)
    return {
      insertSeconds: insert.ms / 1000,
      indexSeconds: index.ms / 1000,
      exact: sort(exact),
      hnsw: sort(hnsw),
      serviceVector: sort(serviceVector),
      serviceHybrid: sort(serviceHybrid),
      recallHnsw: hnswHits / (truth.length * 10),
      recallService: serviceHits / (truth.length * 10),
      planUsesIndex,
    }
  } finally {
    await handle.drop()
  }
}

// ---------------------------------------------------------------- run

const kinds = testDatabaseKinds().filter((k) => !k.skip && (!flags.only || k.name === flags.only))
if (kinds.length === 0) throw new Error(`No database to run on (--only ${flags.only ?? ''}).`)
const skipped = testDatabaseKinds().filter((k) => k.skip)
for (const k of skipped) console.log(`(${k.name} skipped: ${k.skip})`)

const started = performance.now()
const ingestion = new Map<string, Awaited<ReturnType<typeof benchIngestion>>>()
const search = new Map<string, SearchBench>()
for (const kind of kinds) {
  process.stdout.write(`${kind.name}: ingestion… `)
  ingestion.set(kind.name, await benchIngestion(kind))
  if (!flags['skip-search']) {
    process.stdout.write(`search at ${CHUNKS} chunks… `)
    search.set(kind.name, await benchSearch(kind))
  }
  console.log('done')
}

const names = kinds.map((k) => k.name)
const row = (label: string, values: string[]) =>
  `| ${label.padEnd(44)} | ${values.map((v) => v.padStart(10)).join(' | ')} |`
const header = () => {
  console.log(row('', names))
  console.log(`|${'-'.repeat(46)}|${names.map(() => `${'-'.repeat(11)}:`).join('|')}|`)
}

console.log(
  `\nIngestion: ${INGEST_PARAGRAPHS} paragraphs of 60 words, default pipeline settings, vectors of ${INGEST_DIMS}`,
)
header()
console.log(
  row(
    'chunks',
    names.map((n) => String(ingestion.get(n)?.text.chunks)),
  ),
)
console.log(
  row(
    'full text only: seconds',
    names.map((n) => ingestion.get(n)?.text.seconds.toFixed(2) ?? ''),
  ),
)
console.log(
  row(
    'full text only: chunks/s',
    names.map((n) => ingestion.get(n)?.text.chunksPerSecond.toFixed(0) ?? ''),
  ),
)
console.log(
  row(
    'with embeddings (test server): seconds',
    names.map((n) => ingestion.get(n)?.embedded.seconds.toFixed(2) ?? ''),
  ),
)
console.log(
  row(
    'with embeddings (test server): chunks/s',
    names.map((n) => ingestion.get(n)?.embedded.chunksPerSecond.toFixed(0) ?? ''),
  ),
)

if (flags['skip-search']) {
  console.log(`\nTotal run time ${((performance.now() - started) / 1000).toFixed(0)} s`)
  process.exit(0)
}
console.log(
  `\nSearch: ${CHUNKS} chunks, ${DIMS} dimensions, ${CLUSTERS} clusters; ${QUERIES} queries, ${EXACT_QUERIES} exact`,
)
header()
const s = (n: string) => search.get(n) as SearchBench
console.log(
  row(
    'insert (s)',
    names.map((n) => s(n).insertSeconds.toFixed(1)),
  ),
)
console.log(
  row(
    'HNSW index build (s)',
    names.map((n) => s(n).indexSeconds.toFixed(1)),
  ),
)
console.log(
  row(
    'plan uses the HNSW index',
    names.map((n) => (s(n).planUsesIndex ? 'yes' : 'NO')),
  ),
)
for (const [label, key] of [
  ['exact (index off)', 'exact'],
  ['HNSW (ORDER BY … LIMIT 10)', 'hnsw'],
  ['searchKnowledge, vector mode', 'serviceVector'],
  ['searchKnowledge, hybrid mode', 'serviceHybrid'],
] as const) {
  console.log(
    row(
      `${label}: p50 ms`,
      names.map((n) => ms(percentile(s(n)[key], 50))),
    ),
  )
  console.log(
    row(
      `${label}: p99 ms`,
      names.map((n) => ms(percentile(s(n)[key], 99))),
    ),
  )
}
console.log(
  row(
    'recall@10, HNSW vs exact',
    names.map((n) => s(n).recallHnsw.toFixed(3)),
  ),
)
console.log(
  row(
    'recall@10, searchKnowledge vector vs exact',
    names.map((n) => s(n).recallService.toFixed(3)),
  ),
)
console.log(`\nTotal run time ${((performance.now() - started) / 1000).toFixed(0)} s`)
