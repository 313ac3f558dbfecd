/**
 * Retrieval quality on a small labelled set: 20 passages, 15 questions worded differently from the passage that
 * answers them, and 5 questions that reuse its exact words. Prints recall@5 for full text alone and for hybrid
 * search, and checks hybrid is never worse. Embeddings come from the OpenAI-compatible test server (deterministic,
 * synonym-aware) through the same AI SDK adapter production uses.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createEmbedder } from '../adapters/ai-sdk.ts'
import type { Principal } from '../auth/principal.ts'
import type { Platform } from '../services/platform.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { type OpenAiTestServer, startOpenAiTestServer } from '../testing/openai-test-server.ts'
import { createTenant, testPlatform } from '../testing/tenants.ts'
import type { EmbeddingPort } from './embeddings.ts'
import { searchKnowledge } from './search.ts'
import { ensureVectorIndex } from './text-search.ts'

const DIMENSIONS = 128
const K = 5

const PASSAGES = [
  'Annual plans can be refunded in full within 30 days of the first payment.',
  'Our sedans are serviced every six months at the Lisbon garage.',
  'The pricing page lists the monthly fee for every tier.',
  'Clients can purchase extra seats from the billing screen.',
  'When the importer crashes, the log shows the failing row number.',
  'Uploads are fast because files stream straight to storage.',
  'Very large spreadsheets are split into sheets before indexing.',
  'Onboarding begins with a short call with the success team.',
  'Trials finish after fourteen days unless a card is added.',
  'The support desk answers tickets within four business hours.',
  'Physicians in the pilot program get a discounted licence.',
  'Employees can work remotely from any residence in the EU.',
  'Deleting a workspace erases its documents, chunks and tokens.',
  'Passwords must have at least twelve characters and a digit.',
  'Orders ship from the Porto warehouse every weekday.',
  'Small teams of up to five people use the free plan.',
  'Happy customers are invited to write a review after ninety days.',
  'Cash payments are not accepted at events; use a card.',
  "Invoices include the VAT number of the buyer's company.",
  'Error code PRD-4711 means the API token has expired.',
]

/** [question, index of the passage that answers it]. */
const PARAPHRASED: [string, number][] = [
  ['Can I get a reimbursement on a yearly subscription?', 0],
  ['How often are the automobiles maintained?', 1],
  ['Where do I see what each level costs?', 2],
  ['How can a shopper buy additional users?', 3],
  ['What does the system record after a failure?', 4],
  ['Why are transfers so quick?', 5],
  ['What is done with huge workbooks?', 6],
  ['How does the welcome process commence?', 7],
  ['When does the evaluation period conclude?', 8],
  ['Who can aid me with a request?', 9],
  ['Do medics pay less?', 10],
  ['Can staff do their job from home?', 11],
  ['What gets removed along with a project space?', 12],
  ['How long must a passphrase be?', 13],
  ['Which days do you dispatch purchases?', 14],
]
const EXACT: [string, number][] = [
  ['PRD-4711', 19],
  ['VAT number on invoices', 18],
  ['Porto warehouse', 14],
  ['Lisbon garage', 1],
  ['fourteen days trial card', 8],
]

for (const kind of testDatabaseKinds()) {
  describe(`retrieval quality on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let server: OpenAiTestServer
    let embedder: EmbeddingPort
    let platform: Platform
    let principal: Principal
    let workspaceId: string
    const chunkIds: string[] = []

    before(async () => {
      handle = await kind.create({ migrated: true })
      server = await startOpenAiTestServer({ dimensions: DIMENSIONS })
      embedder = createEmbedder({
        provider: 'openai_compatible',
        embeddingModel: 'test-embed',
        baseUrl: server.url,
        apiKey: server.apiKey,
      })
      const db = handle.db
      platform = testPlatform(db)
      const tenant = await createTenant(db)
      const organizationId = tenant.organizationId
      workspaceId = tenant.workspaceId
      principal = tenant.principal
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, language, content_hash, status)
         values ($1, $2, 'Handbook', 'en', 'h', 'ready') returning id`,
        [organizationId, workspaceId],
      )
      await ensureVectorIndex(db, DIMENSIONS)
      const { vectors, dimensions } = await embedder.embed(PASSAGES)
      assert.equal(dimensions, DIMENSIONS)
      for (const [ordinal, content] of PASSAGES.entries()) {
        const [chunk] = await db.query<{ id: string }>(
          `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
                  text_config, search_vector, embedding, embedding_dimensions, embedding_model)
           values ($1, $2, $3, $4, $5, 20, 'english', to_tsvector('english', $5), $6::vector, $7, $8)
           returning id`,
          [
            organizationId,
            workspaceId,
            doc?.id,
            ordinal,
            content,
            `[${(vectors[ordinal] as number[]).join(',')}]`,
            dimensions,
            embedder.model,
          ],
        )
        chunkIds.push(chunk?.id as string)
      }
    })
    after(async () => {
      await server?.close()
      await handle?.drop()
    })

    async function recallAt5(questions: readonly [string, number][], mode: 'text' | 'hybrid'): Promise<number> {
      let found = 0
      for (const [query, answer] of questions) {
        const result = await searchKnowledge(platform, { embedder }, principal, workspaceId, { query, mode, limit: K })
        assert.equal(result.mode, mode)
        if (result.hits.some((hit) => hit.chunkId === chunkIds[answer])) found++
      }
      return found / questions.length
    }

    it('finds more with hybrid search than with full text alone', async () => {
      const figures: Record<string, Record<string, number>> = {}
      for (const [name, questions] of [
        ['paraphrased', PARAPHRASED],
        ['exact words', EXACT],
        ['all', [...PARAPHRASED, ...EXACT]],
      ] as const) {
        figures[name] = { text: await recallAt5(questions, 'text'), hybrid: await recallAt5(questions, 'hybrid') }
      }
      const line = Object.entries(figures)
        .map(([name, f]) => `${name}: text ${f.text?.toFixed(2)}, hybrid ${f.hybrid?.toFixed(2)}`)
        .join('; ')
      console.log(`recall@${K} on ${kind.name} (${PARAPHRASED.length + EXACT.length} questions) — ${line}`)
      for (const f of Object.values(figures)) assert.ok((f.hybrid as number) >= (f.text as number), line)
      assert.equal(figures['exact words']?.text, 1, 'full text finds every exact-word question')
      assert.equal(figures['exact words']?.hybrid, 1, 'fusion keeps the exact-word hits')
      assert.ok((figures.paraphrased?.hybrid as number) >= 0.8, line)
    })
  })
}
