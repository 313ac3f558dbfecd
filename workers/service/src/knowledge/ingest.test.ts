import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import {
  createDevOutboxTransport,
  createInProcessQueue,
  createMemoryFileStorage,
  type Database,
  defineJob,
  defineJobRegistry,
  emailSendJob,
  encryptSecret,
  knowledgeIngestJob,
  knowledgeReembedJob,
  type MemoryFileStorage,
  type QueuePort,
  silentLogger,
  vectorIndexName,
} from '@prodgy/core'
import { createBullmqQueue } from '@prodgy/core/adapters/bullmq'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { type OpenAiTestServer, startOpenAiTestServer } from '@prodgy/core/testing/openai-test-server'
import { testService } from '@prodgy/core/testing/services'
import { createWorkerService, type WorkerService } from '../worker-service.ts'
import { parseDocument } from './parse-document.ts'
import { sweepKnowledge } from './sweep.ts'

const ENCRYPTION_KEY = 'ingest-test-encryption-key-0123456789-abcdef'
const redis = testService('redis')

/** The platform's jobs with short backoffs, so retries happen within a test. */
const fastJobs = defineJobRegistry(
  emailSendJob,
  defineJob('knowledge.ingest', knowledgeIngestJob.schema, {
    ...knowledgeIngestJob.policy,
    backoff: { type: 'fixed', delayMs: 20 },
  }),
  defineJob('knowledge.reembed', knowledgeReembedJob.schema, {
    ...knowledgeReembedJob.policy,
    backoff: { type: 'fixed', delayMs: 20 },
  }),
)

const CARS_TEXT = [
  'Our dealership sells new and used cars. The price of a compact car starts at 18,000 euros, and every price ' +
    'includes registration and a full tank.',
  'Opening hours: the showroom opens at nine in the morning and closes at seven in the evening, Monday to Saturday.',
  'Financing: customers can pay in monthly instalments over four years. A deposit of ten percent is required.',
  'Service: every vehicle bought here gets three free inspections. Book them online or call the workshop.',
  'Returns: a purchase can be returned within fourteen days for a full refund, if the odometer shows less than ' +
    'five hundred kilometres more than at delivery.',
].join('\n\n')

const MARKDOWN = `# Handbook

## Passwords

Change your password every year. Never share it with a colleague, a manager or anyone from the help desk, who will
never ask for it. Use a password manager to keep a different password for every service you sign in to.

## Expenses

Submit expenses within thirty days with the receipt attached. Travel is booked through the travel desk, and meals are
reimbursed up to the daily allowance of the country you travel to. Keep paper receipts until the claim is paid.
`

const CSV = 'name,price,category\nCivic,20000,car\nGolf,24000,car\nVespa,4000,scooter\n'

interface Doc {
  id: string
  status: string
  progress: number
  error_code: string | null
  error: string | null
  chunk_count: number
  row_count: number
  embedding_model: string | null
  embedding_dimensions: number | null
  detected_format: string | null
}

async function waitForDocument(db: Database, id: string, statuses: string[], timeoutMs = 30_000): Promise<Doc> {
  const started = Date.now()
  for (;;) {
    const [row] = await db.query<Doc>('select * from knowledge_documents where id = $1', [id])
    if (row && statuses.includes(row.status)) return row
    if (Date.now() - started > timeoutMs) {
      throw new Error(`document ${id} is ${row?.status} (${row?.error ?? ''}), expected ${statuses.join('/')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0)
const parseVector = (text: string) => JSON.parse(text) as number[]
/** pgvector stores float4, so a vector read back equals the sent one to about 1e-7. */
function assertSameVector(actual: number[], expected: number[]) {
  assert.equal(actual.length, expected.length)
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs((actual[i] as number) - (expected[i] as number)) < 1e-6)
}

for (const kind of testDatabaseKinds()) {
  describe(`knowledge ingestion on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let db: Database
    let server: OpenAiTestServer
    let storage: MemoryFileStorage
    let queue: QueuePort
    let service: WorkerService
    let organizationId: string
    let workspaceId: string
    let parseCalls: Map<string, number>

    const setProvider = async (model: string | null, apiKey = server.apiKey) => {
      await db.query('delete from ai_providers where organization_id = $1', [organizationId])
      if (!model) return
      await db.query(
        `insert into ai_providers (organization_id, provider, embedding_model, base_url, api_key_ciphertext)
         values ($1, 'openai_compatible', $2, $3, $4)`,
        [organizationId, model, server.url, await encryptSecret(apiKey, ENCRYPTION_KEY)],
      )
    }

    const addDocument = async (
      input: { fileName: string; content: string | Uint8Array; language?: string; tags?: string[] },
      options: { enqueue?: boolean } = {},
    ): Promise<string> => {
      const id = crypto.randomUUID()
      const key = `${organizationId}/${workspaceId}/${id}/${input.fileName}`
      const bytes = typeof input.content === 'string' ? new TextEncoder().encode(input.content) : input.content
      await storage.put(key, bytes, 'application/octet-stream')
      await db.query(
        `insert into knowledge_documents (id, organization_id, workspace_id, name, source, subject, language, tags,
                                          file_name, size_bytes, content_hash, storage_key)
         values ($1, $2, $3, $4, 'manual', 'Testing', $5, $6, $4, $7, $8, $9)`,
        [
          id,
          organizationId,
          workspaceId,
          input.fileName,
          input.language ?? null,
          input.tags ?? [],
          bytes.byteLength,
          crypto.randomUUID(),
          key,
        ],
      )
      if (options.enqueue ?? true) await queue.enqueue('knowledge.ingest', { documentId: id })
      return id
    }

    before(async () => {
      handle = await kind.create({ migrated: true })
      db = handle.db
      server = await startOpenAiTestServer({ dimensions: 64 })
      storage = createMemoryFileStorage()
      const [org] = await db.query<{ id: string }>(`insert into organizations (name) values ('Acme') returning id`)
      organizationId = org?.id as string
      const [ws] = await db.query<{ id: string }>(
        `insert into workspaces (organization_id, name, slug) values ($1, 'Main', 'main') returning id`,
        [organizationId],
      )
      workspaceId = ws?.id as string
      // small chunks and batches, so a short text goes through several batches in parallel
      await db.query(
        `update knowledge_pipeline_settings
            set chunk_size_tokens = 60, chunk_overlap_tokens = 10, embedding_batch_size = 2, embedding_concurrency = 2`,
      )
      queue = createInProcessQueue({ log: silentLogger, jobs: fastJobs }) as unknown as QueuePort
      parseCalls = new Map()
      service = createWorkerService({
        db,
        queue,
        mail: createDevOutboxTransport({ log: silentLogger }),
        log: silentLogger,
        concurrency: 2,
        storage,
        encryptionKey: ENCRYPTION_KEY,
        sweepIntervalMs: 3_600_000,
        parse: async (bytes, options) => {
          parseCalls.set(options.fileName, (parseCalls.get(options.fileName) ?? 0) + 1)
          return parseDocument(bytes, options)
        },
      })
      await service.start()
    })
    beforeEach(async () => {
      server.failNext(0)
      await setProvider('embed-a')
    })
    after(async () => {
      await service?.stop({ timeoutMs: 2_000 })
      await server?.close()
      await handle?.drop()
    })

    it('takes a TXT document from queued to ready with chunks, vectors and full text', async () => {
      const id = await addDocument({ fileName: 'dealership.txt', content: CARS_TEXT, language: 'en', tags: ['cars'] })
      const doc = await waitForDocument(db, id, ['ready', 'failed'])
      assert.equal(doc.status, 'ready', doc.error ?? '')
      assert.equal(doc.progress, 100)
      assert.equal(doc.embedding_model, 'openai_compatible:embed-a')
      assert.equal(doc.embedding_dimensions, 64)
      assert.equal(doc.detected_format, 'txt')
      assert.equal(doc.row_count, 0)
      assert.ok(doc.chunk_count >= 3, `chunks: ${doc.chunk_count}`)

      const chunks = await db.query<{
        ordinal: number
        content: string
        metadata: Record<string, unknown>
        text_config: string
        embedding: string
        embedding_dimensions: number
        embedding_model: string
      }>(
        `select ordinal, content, metadata, text_config::text as text_config, embedding::text as embedding,
                embedding_dimensions, embedding_model
           from knowledge_chunks where document_id = $1 order by ordinal`,
        [id],
      )
      assert.equal(chunks.length, doc.chunk_count)
      chunks.forEach((chunk, index) => {
        assert.equal(chunk.ordinal, index)
        assert.equal(chunk.text_config, 'english')
        assert.equal(chunk.embedding_dimensions, 64)
        assert.equal(chunk.embedding_model, 'openai_compatible:embed-a')
        assert.equal(chunk.metadata.source, 'manual')
        assert.equal(chunk.metadata.subject, 'Testing')
        assert.equal(chunk.metadata.language, 'en')
        assert.deepEqual(chunk.metadata.tags, ['cars'])
        assertSameVector(parseVector(chunk.embedding), server.vectorFor(chunk.content, 'embed-a'))
      })

      const [index] = await db.query('select 1 from pg_indexes where indexname = $1', [vectorIndexName(64)])
      assert.ok(index, 'the HNSW index of dimension 64 exists')

      // full text in the document's language: "prices" is stemmed, so "price" finds it
      const [text] = await db.query<{ content: string }>(
        `select content from knowledge_chunks
          where document_id = $1 and search_vector @@ websearch_to_tsquery('english', 'purchases returned')`,
        [id],
      )
      assert.match(text?.content ?? '', /returned/)

      // nearest neighbour of a question worded differently from the passage
      const question = server.vectorFor('How much does a vehicle cost?', 'embed-a')
      const [nearest] = await db.query<{ content: string; embedding: string }>(
        `select content, embedding::text as embedding from knowledge_chunks
          where document_id = $1 and embedding_dimensions = 64
          order by embedding::vector(64) <=> $2::vector(64) limit 1`,
        [id, `[${question.join(',')}]`],
      )
      assert.match(nearest?.content ?? '', /price/)
      assert.ok(cosine(question, parseVector(nearest?.embedding ?? '[]')) > 0.3)
    })

    it('keeps headings with Markdown chunks and spreadsheet rows as objects', async () => {
      const md = await addDocument({ fileName: 'handbook.md', content: MARKDOWN, language: 'en' })
      const csv = await addDocument({ fileName: 'catalogue.csv', content: CSV })
      const mdDoc = await waitForDocument(db, md, ['ready', 'failed'])
      const csvDoc = await waitForDocument(db, csv, ['ready', 'failed'])
      assert.equal(mdDoc.status, 'ready', mdDoc.error ?? '')
      assert.equal(csvDoc.status, 'ready', csvDoc.error ?? '')
      assert.equal(mdDoc.detected_format, 'md')
      const mdChunks = await db.query<{ metadata: { headings?: string[] } }>(
        'select metadata from knowledge_chunks where document_id = $1 order by ordinal',
        [md],
      )
      assert.ok(mdChunks.some((c) => c.metadata.headings?.some((h) => /Passwords/.test(h))))

      assert.equal(csvDoc.detected_format, 'csv')
      assert.equal(csvDoc.row_count, 3)
      const rows = await db.query<{ sheet: string; row_number: number; data: Record<string, unknown> }>(
        'select sheet, row_number, data from knowledge_rows where document_id = $1 order by row_number',
        [csv],
      )
      assert.deepEqual(
        rows.map((r) => r.row_number),
        [0, 1, 2],
      )
      assert.deepEqual(Object.keys(rows[0]?.data ?? {}).sort(), ['category', 'name', 'price'])
      assert.equal(rows[0]?.data.name, 'Civic')
      assert.equal(String(rows[2]?.data.price), '4000')
      const [csvChunk] = await db.query<{ metadata: { sheet?: string; rows?: number[] }; embedding_model: string }>(
        'select metadata, embedding_model from knowledge_chunks where document_id = $1 order by ordinal limit 1',
        [csv],
      )
      assert.equal(csvChunk?.metadata.sheet, rows[0]?.sheet)
      assert.deepEqual(csvChunk?.metadata.rows, [0, 2])
      assert.equal(csvChunk?.embedding_model, 'openai_compatible:embed-a')
      // the spreadsheet's text uses the simple configuration: no language was given
      const [config] = await db.query<{ text_config: string }>(
        'select text_config::text as text_config from knowledge_chunks where document_id = $1 limit 1',
        [csv],
      )
      assert.equal(config?.text_config, 'simple')
    })

    it('ingests full text only when there is no provider, and says so', async () => {
      await setProvider(null)
      const before = server.calls.embeddings
      const id = await addDocument({ fileName: 'no-provider.txt', content: CARS_TEXT, language: 'en' })
      const doc = await waitForDocument(db, id, ['ready', 'failed'])
      assert.equal(doc.status, 'ready', doc.error ?? '')
      assert.equal(doc.progress, 100)
      assert.equal(doc.embedding_model, null)
      assert.equal(server.calls.embeddings, before)
      const [counts] = await db.query<{ total: number; embedded: number; matched: number }>(
        `select count(*)::int as total, count(embedding)::int as embedded,
                count(*) filter (where search_vector @@ websearch_to_tsquery('english', 'instalments'))::int as matched
           from knowledge_chunks where document_id = $1`,
        [id],
      )
      assert.equal(counts?.total, doc.chunk_count)
      assert.equal(counts?.embedded, 0)
      assert.equal(counts?.matched, 1)
    })

    it('fails a bad file without retrying, and the next document still ingests', async () => {
      const bad = await addDocument({ fileName: 'report.pdf', content: 'this is not a PDF at all' })
      const good = await addDocument({ fileName: 'after-the-bad-one.txt', content: CARS_TEXT })
      const failed = await waitForDocument(db, bad, ['ready', 'failed'])
      assert.equal(failed.status, 'failed')
      assert.ok(
        failed.error_code === 'format_mismatch' || failed.error_code === 'corrupt_file',
        failed.error_code ?? '',
      )
      assert.ok(failed.error && failed.error.length > 0)
      const ok = await waitForDocument(db, good, ['ready', 'failed'])
      assert.equal(ok.status, 'ready', ok.error ?? '')
      // give a (wrong) retry time to show up
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.equal(parseCalls.get('report.pdf'), 1)
      const [chunks] = await db.query<{ n: number }>(
        'select count(*)::int as n from knowledge_chunks where document_id = $1',
        [bad],
      )
      assert.equal(chunks?.n, 0)
    })

    it('retries provider failures, recovers from a short outage, and ends failed with a redacted message', async () => {
      // a short outage: more 500s than the adapter absorbs, so the queue retries the job
      server.failNext(12, { status: 500 })
      const flaky = await addDocument({ fileName: 'flaky.txt', content: CARS_TEXT })
      const recovered = await waitForDocument(db, flaky, ['ready', 'failed'], 60_000)
      assert.equal(recovered.status, 'ready', recovered.error ?? '')
      server.failNext(0)

      await setProvider('embed-a', 'sk-this-key-is-wrong-0123456789')
      const before = server.calls.unauthorized
      const id = await addDocument({ fileName: 'refused.txt', content: CARS_TEXT })
      const doc = await waitForDocument(db, id, ['ready', 'failed'], 60_000)
      assert.equal(doc.status, 'failed')
      assert.equal(doc.error_code, 'ai_provider_unauthorized')
      assert.match(doc.error ?? '', /after 3 attempts/)
      assert.ok(!(doc.error ?? '').includes('sk-this-key-is-wrong'))
      // one refused call per attempt and batch in flight (two run at once), never a retry of a 401 within an attempt
      const refused = server.calls.unauthorized - before
      const attempts = knowledgeIngestJob.policy.attempts
      assert.ok(refused >= attempts && refused <= attempts * 2, `refused calls: ${refused}`)
    })

    it('re-embeds the organization when the model changes, once', async () => {
      const id = await addDocument({ fileName: 'to-reembed.txt', content: CARS_TEXT, language: 'en' })
      await waitForDocument(db, id, ['ready'])
      await setProvider('embed-b')
      await queue.enqueue('knowledge.reembed', { organizationId })
      await waitUntil(async () => {
        const [row] = await db.query<{ n: number }>(
          `select count(*)::int as n from knowledge_chunks
            where organization_id = $1 and embedding_model is distinct from 'openai_compatible:embed-b'`,
          [organizationId],
        )
        return row?.n === 0
      }, 'every chunk to carry embed-b')
      await waitUntil(async () => {
        const [doc] = await db.query<Doc>('select * from knowledge_documents where id = $1', [id])
        return doc?.embedding_model === 'openai_compatible:embed-b'
      }, 'the document to record embed-b')
      const chunks = await db.query<{ content: string; embedding: string }>(
        'select content, embedding::text as embedding from knowledge_chunks where document_id = $1',
        [id],
      )
      for (const chunk of chunks) {
        assertSameVector(parseVector(chunk.embedding), server.vectorFor(chunk.content, 'embed-b'))
      }
      // a second run finds nothing left to do
      const before = server.calls.embeddedTexts
      await queue.enqueue('knowledge.reembed', { organizationId })
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(server.calls.embeddedTexts, before)
    })

    it('lets one of two deliveries of a job ingest the document', async () => {
      const id = await addDocument({ fileName: 'twice.txt', content: CARS_TEXT })
      await queue.enqueue('knowledge.ingest', { documentId: id })
      const doc = await waitForDocument(db, id, ['ready', 'failed'])
      assert.equal(doc.status, 'ready', doc.error ?? '')
      await new Promise((resolve) => setTimeout(resolve, 200))
      const [chunks] = await db.query<{ n: number; ordinals: number }>(
        'select count(*)::int as n, count(distinct ordinal)::int as ordinals from knowledge_chunks where document_id = $1',
        [id],
      )
      assert.equal(chunks?.n, doc.chunk_count)
      assert.equal(chunks?.ordinals, doc.chunk_count)
      assert.equal(parseCalls.get('twice.txt'), 1)
    })

    it('ingests the published contexts of a workspace', async () => {
      const sections = [
        { id: 's1', title: 'Mission', type: 'plain_text', content: 'We help teams ship better products faster.' },
        { id: 's2', title: 'Values', type: 'list', items: ['Honesty', 'Craft', 'Speed'] },
      ]
      await db.query(
        `insert into knowledge_contexts (workspace_id, organization_id, published, version, published_at)
         values ($1, $2, $3::jsonb, 1, now())
         on conflict (workspace_id) do update set published = excluded.published`,
        [workspaceId, organizationId, sections],
      )
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, kind, name, source, content_hash)
         values ($1, $2, 'context', 'Contexts', 'contexts', 'ctx-1') returning id`,
        [organizationId, workspaceId],
      )
      await queue.enqueue('knowledge.ingest', { documentId: doc?.id as string })
      const ready = await waitForDocument(db, doc?.id as string, ['ready', 'failed'])
      assert.equal(ready.status, 'ready', ready.error ?? '')
      const [chunk] = await db.query<{ content: string }>(
        `select string_agg(content, ' ') as content from knowledge_chunks where document_id = $1`,
        [doc?.id],
      )
      assert.match(chunk?.content ?? '', /ship better products/)
      assert.match(chunk?.content ?? '', /Craft/)
    })

    it('sweeps documents left queued, and documents whose worker died', async () => {
      const lost = await addDocument({ fileName: 'lost-enqueue.txt', content: CARS_TEXT }, { enqueue: false })
      const stuck = await addDocument({ fileName: 'stuck.txt', content: CARS_TEXT }, { enqueue: false })
      const fresh = await addDocument({ fileName: 'fresh.txt', content: CARS_TEXT }, { enqueue: false })
      await db.query(`update knowledge_documents set updated_at = now() - interval '10 minutes' where id = $1`, [lost])
      await db.query(
        `update knowledge_documents set status = 'embedding', progress = 60, updated_at = now() - interval '1 hour'
          where id = $1`,
        [stuck],
      )
      const result = await sweepKnowledge(db, queue, { checkReembed: false })
      assert.equal(result.requeued, 1)
      assert.equal(result.unstuck, 1)
      assert.equal((await waitForDocument(db, lost, ['ready', 'failed'])).status, 'ready')
      assert.equal((await waitForDocument(db, stuck, ['ready', 'failed'])).status, 'ready')
      const [still] = await db.query<Doc>('select * from knowledge_documents where id = $1', [fresh])
      assert.equal(still?.status, 'queued')
      // a second sweep of the same state adds nothing new
      await db.query(`update knowledge_documents set updated_at = now() - interval '10 minutes' where id = $1`, [fresh])
      const again = await sweepKnowledge(db, queue, { checkReembed: false })
      assert.equal(again.requeued, 1)
      assert.equal((await waitForDocument(db, fresh, ['ready', 'failed'])).status, 'ready')
    })

    it('finds organizations whose chunks carry another model', async () => {
      const id = await addDocument({ fileName: 'stale-model.txt', content: CARS_TEXT })
      await waitForDocument(db, id, ['ready'])
      await db.query(`update knowledge_chunks set embedding_model = 'openai_compatible:old' where document_id = $1`, [
        id,
      ])
      const result = await sweepKnowledge(db, queue, { checkReembed: true })
      assert.equal(result.reembed, 1)
      await waitUntil(async () => {
        const [row] = await db.query<{ n: number }>(
          `select count(*)::int as n from knowledge_chunks where document_id = $1
              and embedding_model = 'openai_compatible:old'`,
          [id],
        )
        return row?.n === 0
      }, 'the stale chunks to be re-embedded')
    })
  })
}

describe('knowledge ingestion through BullMQ', { skip: redis.skip }, () => {
  it('ingests a document end to end with the queue on Redis', async () => {
    const [kind] = testDatabaseKinds()
    const handle = await (kind as NonNullable<typeof kind>).create({ migrated: true })
    const server = await startOpenAiTestServer()
    const storage = createMemoryFileStorage()
    const queue = createBullmqQueue({
      url: redis.url as string,
      prefix: `prodgy-test-ingest-${crypto.randomUUID().slice(0, 8)}`,
      log: silentLogger,
    })
    const service = createWorkerService({
      db: handle.db,
      queue,
      mail: createDevOutboxTransport({ log: silentLogger }),
      log: silentLogger,
      concurrency: 2,
      storage,
      encryptionKey: ENCRYPTION_KEY,
      sweepIntervalMs: 3_600_000,
    })
    try {
      await service.start()
      const db = handle.db
      const [org] = await db.query<{ id: string }>(`insert into organizations (name) values ('Acme') returning id`)
      const [ws] = await db.query<{ id: string }>(
        `insert into workspaces (organization_id, name, slug) values ($1, 'Main', 'main') returning id`,
        [org?.id],
      )
      await db.query(
        `insert into ai_providers (organization_id, provider, embedding_model, base_url, api_key_ciphertext)
         values ($1, 'openai', 'text-embedding-test', $2, $3)`,
        [org?.id, server.url, await encryptSecret(server.apiKey, ENCRYPTION_KEY)],
      )
      const key = `${org?.id}/${ws?.id}/doc/notes.txt`
      await storage.put(key, new TextEncoder().encode(CARS_TEXT), 'text/plain')
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, file_name, content_hash, storage_key)
         values ($1, $2, 'notes.txt', 'notes.txt', 'h', $3) returning id`,
        [org?.id, ws?.id, key],
      )
      await queue.enqueue('knowledge.ingest', { documentId: doc?.id as string })
      const ready = await waitForDocument(db, doc?.id as string, ['ready', 'failed'])
      assert.equal(ready.status, 'ready', ready.error ?? '')
      assert.equal(ready.embedding_model, 'openai:text-embedding-test')
    } finally {
      await service.stop({ timeoutMs: 2_000 })
      await server.close()
      await handle.drop()
    }
  })
})
