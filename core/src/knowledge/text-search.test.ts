import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Database } from '../db/database.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import {
  ensureVectorIndex,
  MAX_INDEXED_DIMENSIONS,
  TEXT_SEARCH_CONFIGS,
  textSearchConfig,
  vectorIndexName,
  vectorLiteral,
  writeChunkVectors,
} from './text-search.ts'

describe('textSearchConfig', () => {
  it('maps language tags to PostgreSQL configurations', () => {
    assert.equal(textSearchConfig('en'), 'english')
    assert.equal(textSearchConfig('en-US'), 'english')
    assert.equal(textSearchConfig('pt-BR'), 'portuguese')
    assert.equal(textSearchConfig('ES'), 'spanish')
    assert.equal(textSearchConfig('fr'), 'french')
    assert.equal(textSearchConfig('de_AT'), 'german')
    assert.equal(textSearchConfig('it'), 'italian')
    assert.equal(textSearchConfig('nl'), 'dutch')
    assert.equal(textSearchConfig('nb-NO'), 'norwegian')
  })

  it('falls back to simple for unknown or missing languages', () => {
    assert.equal(textSearchConfig(undefined), 'simple')
    assert.equal(textSearchConfig(null), 'simple')
    assert.equal(textSearchConfig(''), 'simple')
    assert.equal(textSearchConfig('ja'), 'simple')
    assert.equal(textSearchConfig('xx-YY'), 'simple')
  })
})

describe('vectorLiteral', () => {
  it('writes each value as its exact 4-byte float, in 9 significant digits', () => {
    const values = [0.1, -0.333333343267, 1, 0, 1e-3, 123456.789, -2.5e-20]
    const literal = vectorLiteral(values)
    const back = literal.slice(1, -1).split(',').map(Number)
    back.forEach((value, i) => {
      assert.equal(Math.fround(value), Math.fround(values[i] as number))
    })
  })

  it('flushes values below the smallest normal float to zero and refuses non-finite ones', () => {
    assert.equal(vectorLiteral([1e-40, -1e-45, 0.5]), '[0,0,0.500000000]')
    assert.throws(() => vectorLiteral([1, Number.NaN]), /finite/)
    assert.throws(() => vectorLiteral([Number.POSITIVE_INFINITY]), /finite/)
    assert.throws(() => vectorLiteral([1e39]), /4-byte float/)
  })
})

for (const kind of testDatabaseKinds()) {
  describe(`text search and vector indexes on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let db: Database
    let workspace: { organizationId: string; workspaceId: string; documentId: string }

    before(async () => {
      handle = await kind.create({ migrated: true })
      db = handle.db
      const [org] = await db.query<{ id: string }>(`insert into organizations (name) values ('Acme') returning id`)
      const [ws] = await db.query<{ id: string }>(
        `insert into workspaces (organization_id, name, slug) values ($1, 'Main', 'main') returning id`,
        [org?.id],
      )
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, content_hash)
         values ($1, $2, 'Doc', 'h1') returning id`,
        [org?.id, ws?.id],
      )
      workspace = { organizationId: org?.id as string, workspaceId: ws?.id as string, documentId: doc?.id as string }
    })
    after(async () => {
      await handle?.drop()
    })

    it('knows every configuration it can return', async () => {
      const rows = await db.query<{ cfgname: string }>('select cfgname from pg_ts_config')
      const available = new Set(rows.map((r) => r.cfgname))
      for (const config of TEXT_SEARCH_CONFIGS) assert.ok(available.has(config), config)
    })

    it('stems in the document language', async () => {
      const [row] = await db.query<{ matched: boolean }>(
        `select to_tsvector($1::regconfig, 'Os carros vermelhos') @@ plainto_tsquery($1::regconfig, 'carro') as matched`,
        [textSearchConfig('pt-BR')],
      )
      assert.equal(row?.matched, true)
    })

    it('creates the HNSW index for a dimension once, and the search expression uses it', async () => {
      assert.equal(await ensureVectorIndex(db, 3), true)
      // a second call and concurrent calls are no-ops
      const again = await Promise.all([ensureVectorIndex(db, 3), ensureVectorIndex(handle.connectAgain(), 3)])
      assert.deepEqual(again, [true, true])
      const indexes = await db.query<{ indexname: string; indexdef: string }>(
        `select indexname, indexdef from pg_indexes where tablename = 'knowledge_chunks' and indexname = $1`,
        [vectorIndexName(3)],
      )
      assert.equal(indexes.length, 1)
      assert.match(indexes[0]?.indexdef ?? '', /hnsw/)
      assert.match(indexes[0]?.indexdef ?? '', /embedding_dimensions = 3/)

      for (let i = 0; i < 30; i++) {
        await db.query(
          `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
             search_vector, embedding, embedding_dimensions, embedding_model)
           values ($1, $2, $3, $4, 'c', 1, to_tsvector('simple', 'c'), $5::vector, 3, 'test:m')`,
          [workspace.organizationId, workspace.workspaceId, workspace.documentId, i, `[${i},1,${30 - i}]`],
        )
      }
      const plan = await db.transaction(async (tx) => {
        await tx.query('set local enable_seqscan = off')
        return tx.query<Record<string, string>>(
          `explain select id from knowledge_chunks
            where embedding_dimensions = 3
            order by embedding::vector(3) <=> '[1,1,1]'::vector(3) limit 5`,
        )
      })
      const text = plan.map((r) => Object.values(r).join(' ')).join('\n')
      assert.match(text, new RegExp(vectorIndexName(3)))
    })

    it('creates indexes for two dimensions side by side', async () => {
      await Promise.all([ensureVectorIndex(db, 8), ensureVectorIndex(handle.connectAgain(), 16)])
      const rows = await db.query<{ indexname: string }>(
        `select indexname from pg_indexes where indexname in ($1, $2) order by 1`,
        [vectorIndexName(16), vectorIndexName(8)],
      )
      assert.equal(rows.length, 2)
    })

    it('writes vectors exactly, only on chunks of the given tenant and document', async () => {
      const [other] = await db.query<{ id: string }>(`insert into organizations (name) values ('Other') returning id`)
      const [chunk] = await db.query<{ id: string }>(
        `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
           search_vector)
         values ($1, $2, $3, 1000, 'c', 1, to_tsvector('simple', 'c')) returning id`,
        [workspace.organizationId, workspace.workspaceId, workspace.documentId],
      )
      const vector = [0.1, -0.2, 0.30000001]
      // another organization's scope touches nothing
      assert.equal(
        await writeChunkVectors(
          db,
          { organizationId: other?.id as string },
          [{ chunkId: chunk?.id as string, vector }],
          {
            model: 'test:m',
            dimensions: 3,
          },
        ),
        0,
      )
      assert.equal(
        await writeChunkVectors(
          db,
          { organizationId: workspace.organizationId, documentId: workspace.documentId },
          [{ chunkId: chunk?.id as string, vector }],
          { model: 'test:m', dimensions: 3 },
        ),
        1,
      )
      const [row] = await db.query<{ embedding: string; embedding_dimensions: number; embedding_model: string }>(
        'select embedding::text as embedding, embedding_dimensions, embedding_model from knowledge_chunks where id = $1',
        [chunk?.id],
      )
      assert.deepEqual((JSON.parse(row?.embedding ?? '[]') as number[]).map(Math.fround), vector.map(Math.fround))
      assert.equal(row?.embedding_dimensions, 3)
      assert.equal(row?.embedding_model, 'test:m')
      await assert.rejects(
        writeChunkVectors(
          db,
          { organizationId: workspace.organizationId },
          [{ chunkId: chunk?.id as string, vector }],
          {
            model: 'test:m',
            dimensions: 4,
          },
        ),
        /3 dimensions where 4/,
      )
    })

    it('validates the dimension and leaves dimensions above the HNSW limit unindexed', async () => {
      for (const bad of [0, -1, 1.5, Number.NaN, 20_000]) {
        await assert.rejects(ensureVectorIndex(db, bad), /integer from 1 to/)
      }
      assert.equal(await ensureVectorIndex(db, MAX_INDEXED_DIMENSIONS + 1), false)
      const rows = await db.query(`select 1 from pg_indexes where indexname = $1`, [
        vectorIndexName(MAX_INDEXED_DIMENSIONS + 1),
      ])
      assert.equal(rows.length, 0)
    })
  })
}
