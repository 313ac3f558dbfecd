import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/database.ts'
import type { Platform } from '../services/platform.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { principalFor, testPlatform } from '../testing/tenants.ts'
import type { EmbeddingPort } from './embeddings.ts'
import {
  candidateCount,
  fuseRankings,
  NO_PROVIDER_NOTICE,
  relaxedQuery,
  searchKnowledge,
  vectorQuery,
} from './search.ts'
import { ensureVectorIndex } from './text-search.ts'

const DIMENSIONS = 16
const CONCEPTS: Record<string, string> = {
  refund: 'money-back',
  reimbursement: 'money-back',
  repay: 'money-back',
  cancel: 'stop',
  terminate: 'stop',
  car: 'vehicle',
  automobile: 'vehicle',
}

/** A small deterministic embedder: words (folded to a concept) hashed into signed dimensions, normalised. */
function wordVector(text: string): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0)
  for (const raw of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    if (raw.length < 3) continue
    const word = CONCEPTS[raw] ?? raw
    let h = 2166136261
    for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
    v[h % DIMENSIONS] = (v[h % DIMENSIONS] as number) + ((h >> 8) & 1 ? 1 : -1)
  }
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}

const embedder: EmbeddingPort = {
  model: 'test:words',
  async embed(texts) {
    return { vectors: texts.map(wordVector), dimensions: DIMENSIONS }
  },
}

function platformOf(db: Database): Platform {
  return testPlatform(db, { settings: { maxUploadBytes: 1024 * 1024 } })
}

function principalOf(organizationId: string, userId: string): Principal {
  return principalFor({ id: userId, email: `${userId.slice(0, 8)}@acme.test`, fullName: 'Tester' }, organizationId)
}

for (const kind of testDatabaseKinds()) {
  describe(`knowledge search on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let platform: Platform
    let me: Principal
    let other: Principal
    let main: string
    let side: string
    let otherWorkspace: string
    const docs: Record<string, string> = {}

    async function addDocument(
      organizationId: string,
      workspaceId: string,
      name: string,
      meta: { language?: string; source?: string; tags?: string[] },
      chunks: { content: string; config: string }[],
    ) {
      const db = handle.db
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, language, source, tags, content_hash, status)
         values ($1, $2, $3, $4, $5, $6::text[], $7, 'ready') returning id`,
        [
          organizationId,
          workspaceId,
          name,
          meta.language ?? null,
          meta.source ?? null,
          meta.tags ?? [],
          crypto.randomUUID(),
        ],
      )
      const documentId = doc?.id as string
      for (const [ordinal, chunk] of chunks.entries()) {
        await db.query(
          `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
                  metadata, text_config, search_vector, embedding, embedding_dimensions, embedding_model)
           values ($1, $2, $3, $4, $5, 10, $6::jsonb, $7::regconfig, to_tsvector($7::regconfig, $5), $8::vector, $9, $10)`,
          [
            organizationId,
            workspaceId,
            documentId,
            ordinal,
            chunk.content,
            { tags: meta.tags ?? [], language: meta.language ?? null },
            chunk.config,
            `[${wordVector(chunk.content).join(',')}]`,
            DIMENSIONS,
            embedder.model,
          ],
        )
      }
      docs[name] = documentId
      return documentId
    }

    before(async () => {
      handle = await kind.create({ migrated: true })
      platform = platformOf(handle.db)
      const db = handle.db
      const orgs = await db.query<{ id: string }>(
        `insert into organizations (name) values ('Acme'), ('Globex') returning id`,
      )
      const [acme, globex] = orgs.map((o) => o.id) as [string, string]
      const ws = await db.query<{ id: string }>(
        `insert into workspaces (organization_id, name, slug) values ($1, 'Main', 'main'), ($1, 'Side', 'side'), ($2, 'Theirs', 'theirs')
         returning id`,
        [acme, globex],
      )
      ;[main, side, otherWorkspace] = ws.map((w) => w.id) as [string, string, string]
      const users = await db.query<{ id: string }>(
        `insert into users (email, full_name) values ('me@acme.test', 'Me'), ('them@globex.test', 'Them') returning id`,
      )
      me = principalOf(acme, users[0]?.id as string)
      other = principalOf(globex, users[1]?.id as string)
      await ensureVectorIndex(db, DIMENSIONS)

      await addDocument(acme, main, 'Billing policy', { language: 'en', source: 'handbook', tags: ['billing'] }, [
        { content: 'Customers who cancel within 30 days get a full refund of the annual plan.', config: 'english' },
        { content: 'Invoices are sent on the first business day of every month.', config: 'english' },
      ])
      await addDocument(acme, main, 'Fleet notes', { language: 'en', source: 'wiki', tags: ['ops'] }, [
        { content: 'Every automobile in the fleet is serviced twice a year.', config: 'english' },
        { content: 'Drivers are running the night routes this quarter.', config: 'english' },
      ])
      await addDocument(acme, main, 'Política', { language: 'pt-BR', source: 'wiki', tags: ['billing'] }, [
        { content: 'Os clientes recebem reembolsos integrais quando cancelam o plano anual.', config: 'portuguese' },
      ])
      await addDocument(acme, main, 'Codes', {}, [
        { content: 'Error code PRD-4711 means the token expired.', config: 'simple' },
      ])
      await addDocument(acme, side, 'Side secret', { language: 'en' }, [
        { content: 'The side project also has a refund policy for the annual plan.', config: 'english' },
      ])
      await addDocument(globex, otherWorkspace, 'Their refunds', { language: 'en' }, [
        { content: 'Globex gives a refund for any annual plan.', config: 'english' },
      ])
    })
    after(async () => {
      await handle?.drop()
    })

    const search = (query: string, extra: Record<string, unknown> = {}, deps: { embedder?: EmbeddingPort } = {}) =>
      searchKnowledge(platform, deps, me, main, { query, ...extra })

    it('matches each chunk with its own language: English stems, Portuguese stems, exact words in simple', async () => {
      const english = await search('run', { mode: 'text' })
      assert.deepEqual(
        english.hits.map((h) => h.documentName),
        ['Fleet notes'],
      )
      const portuguese = await search('reembolso cancelar', { mode: 'text' })
      assert.equal(portuguese.hits[0]?.documentName, 'Política')
      const code = await search('PRD-4711', { mode: 'text' })
      assert.equal(code.hits[0]?.documentName, 'Codes')
      assert.equal(code.mode, 'text')
      assert.equal(code.notice, undefined, 'text mode asked for says nothing')
    })

    it('ranks chunks with every word first, then chunks with some of them', async () => {
      const result = await search('refund annual invoices', { mode: 'text' })
      assert.ok(result.hits.length >= 2)
      // no chunk has all three words: both tiers come from the relaxed pass, ranked by how much they match
      const both = await search('refund annual', { mode: 'text' })
      assert.equal(both.hits[0]?.documentName, 'Billing policy')
      assert.ok((both.hits[0]?.score ?? 0) > 0.5, 'a chunk with every word scores above one half')
      const loose = await search('annual refund for the drivers', { mode: 'text' })
      const names = loose.hits.map((h) => h.documentName)
      assert.ok(names.includes('Billing policy') && names.includes('Fleet notes'), names.join(','))
      for (const hit of loose.hits) assert.ok(hit.score < 0.5)
    })

    it('applies the filters inside the candidate queries', async () => {
      // "plan quarter" also matches the fleet notes (quarter) and, stemmed in Portuguese, "plano"
      const tagged = await search('plan quarter', { mode: 'text', filters: { tags: ['billing'] } })
      assert.deepEqual(new Set(tagged.hits.map((h) => h.documentName)), new Set(['Billing policy', 'Política']))
      const bySource = await search('refund automobile', { mode: 'text', filters: { source: ['wiki'] } })
      assert.deepEqual(new Set(bySource.hits.map((h) => h.documentName)), new Set(['Fleet notes']))
      const byLanguage = await search('plano anual', { mode: 'text', filters: { language: ['pt'] } })
      assert.deepEqual(
        byLanguage.hits.map((h) => h.documentName),
        ['Política'],
      )
      const byDocument = await search(
        'car refund',
        {
          filters: { documentIds: [docs['Fleet notes']] },
        },
        { embedder },
      )
      assert.ok(byDocument.hits.length > 0)
      for (const hit of byDocument.hits) assert.equal(hit.documentName, 'Fleet notes')
    })

    it('fuses vector and full-text ranks; a synonym is found by the vectors alone', async () => {
      const result = await search('reimbursement', {}, { embedder })
      assert.equal(result.mode, 'hybrid')
      assert.equal(result.notice, undefined)
      const top = result.hits[0]
      assert.equal(top?.documentName, 'Billing policy')
      assert.equal(top?.ranks.text, undefined, 'the word is not in the passage')
      assert.equal(top?.ranks.vector, 1)
      const car = await search('car service', {}, { embedder })
      const fleet = car.hits.find((h) => h.content.includes('automobile'))
      assert.ok(fleet, 'the automobile passage is found for "car"')
      assert.ok(fleet.ranks.vector !== undefined)
      const both = await search('refund', {}, { embedder })
      const hit = both.hits[0]
      assert.ok(hit?.ranks.text && hit.ranks.vector, 'a passage found by both rankings')
      assert.ok(Math.abs((hit.score ?? 0) - (1 / (60 + hit.ranks.text) + 1 / (60 + hit.ranks.vector))) < 1e-12)
      const vectorOnly = await search('reimbursement', { mode: 'vector' }, { embedder })
      assert.equal(vectorOnly.mode, 'vector')
      assert.ok((vectorOnly.hits[0]?.score ?? 0) > 0)
    })

    it('falls back to full text with a notice when there is no provider or it fails', async () => {
      const none = await search('refund')
      assert.equal(none.mode, 'text')
      assert.equal(none.notice, NO_PROVIDER_NOTICE)
      const broken: EmbeddingPort = { model: 'x', embed: () => Promise.reject(new Error('down')) }
      const failed = await search('refund', {}, { embedder: broken })
      assert.equal(failed.mode, 'text')
      assert.match(failed.notice ?? '', /did not answer/)
      assert.ok(failed.hits.length > 0)
    })

    it('never returns chunks of another workspace or organization', async () => {
      for (const deps of [{}, { embedder }]) {
        const result = await search('refund policy annual plan', { limit: 50 }, deps)
        for (const hit of result.hits) assert.notEqual(hit.documentName, 'Side secret')
        for (const hit of result.hits) assert.notEqual(hit.documentName, 'Their refunds')
      }
      await assert.rejects(searchKnowledge(platform, {}, other, main, { query: 'refund' }), { status: 404 })
      const theirs = await searchKnowledge(platform, { embedder }, other, otherWorkspace, { query: 'refund' })
      assert.deepEqual(
        theirs.hits.map((h) => h.documentName),
        ['Their refunds'],
      )
    })

    it('validates the request', async () => {
      await assert.rejects(search('   '), { code: 'validation_failed' })
      await assert.rejects(search('x', { limit: 500 }), { code: 'validation_failed' })
      await assert.rejects(searchKnowledge(platform, {}, me, undefined, { query: 'x' }), { code: 'validation_failed' })
    })

    // the planner check needs a real PostgreSQL's statistics; PGlite is covered by every other test here
    const onPostgres = kind.name === 'postgres' ? it : () => undefined
    onPostgres('plans the vector query on the per-dimension HNSW index', async () => {
      const { text, params } = vectorQuery(
        { organizationId: me.organizationId as string, workspaceId: main },
        { vector: wordVector('refund'), dimensions: DIMENSIONS, model: embedder.model },
        {},
        candidateCount(10),
      )
      const plan = await handle.db.transaction(async (tx) => {
        await tx.query('set local enable_seqscan = off')
        return tx.query<{ 'QUERY PLAN': string }>(`explain ${text}`, params)
      })
      const lines = plan.map((row) => row['QUERY PLAN']).join('\n')
      assert.match(lines, /knowledge_chunks_embedding_16_idx/, lines)
    })
  })
}

describe('search helpers', () => {
  it('relaxes only plain queries of several words', () => {
    assert.equal(relaxedQuery('refund annual plan'), 'refund or annual or plan')
    assert.equal(relaxedQuery('refund'), undefined)
    assert.equal(relaxedQuery('"annual plan" refund'), undefined)
    assert.equal(relaxedQuery('refund -trial'), undefined)
    assert.equal(relaxedQuery('refund or credit'), undefined)
  })

  it('fuses by reciprocal rank and keeps the limit', () => {
    const row = (id: string) => ({ id, document_id: 'd', document_name: 'D', content: id, metadata: {}, score: 1 })
    const hits = fuseRankings([row('a'), row('b'), row('c')], [row('c'), row('a')], 2)
    assert.deepEqual(
      hits.map((h) => h.chunkId),
      ['a', 'c'],
    )
    assert.deepEqual(hits[0]?.ranks, { text: 1, vector: 2 })
    assert.equal(candidateCount(5), 40)
    assert.equal(candidateCount(50), 200)
  })
})
