import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { Principal } from '../auth/principal.ts'
import type { Platform } from '../services/platform.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { createTenant, testPlatform } from '../testing/tenants.ts'
import { compileStructuredQuery, queryRows } from './structured-query.ts'
import { type StructuredQuery, structuredQuerySchema } from './types.ts'

const SCOPE = { organizationId: 'org', workspaceId: 'ws', sheet: 'Sheet1' }
const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in'] as const
const FNS = ['count', 'sum', 'avg', 'min', 'max'] as const

/**
 * A query's shape: everything but the names and values. Two queries of one shape must compile to the same SQL text,
 * whatever names and values fill them.
 */
const shape = fc.record({
  where: fc.array(
    fc.record({ op: fc.constantFrom(...OPS), numeric: fc.boolean(), listLength: fc.integer({ min: 1, max: 4 }) }),
    { maxLength: 5 },
  ),
  groupBy: fc.integer({ min: 0, max: 3 }),
  aggregates: fc.array(fc.record({ fn: fc.constantFrom(...FNS), withColumn: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  }),
  orderBy: fc.array(
    fc.record({ index: fc.nat(), direction: fc.constantFrom('asc', 'desc') as fc.Arbitrary<'asc' | 'desc'> }),
    {
      maxLength: 3,
    },
  ),
  limit: fc.integer({ min: 1, max: 1000 }),
})
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never

/** Names and values, including the nastiest strings fast-check can think of. */
const anyText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom("'; drop table knowledge_rows; --", '$1', '"', '\\', '%', '_', '->>', ')) or 1=1 --', '\u0000x'),
)
const names = fc.array(anyText, { minLength: 40, maxLength: 40 })
const numbers = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 40, maxLength: 40 })

function build(s: Shape, text: string[], nums: number[]): StructuredQuery {
  let i = 0
  const nextName = () => `${text[i++ % text.length]}${i}` // distinct, so output names never collide
  const groupBy = Array.from({ length: s.groupBy }, nextName)
  const aggregates = s.aggregates.map((a, k) => ({
    fn: a.fn === 'count' || a.withColumn ? a.fn : 'count',
    ...(a.fn !== 'count' || a.withColumn ? { column: nextName() } : {}),
    as: `a_${k}`,
  }))
  const outputs = [...groupBy, ...aggregates.map((a) => a.as)]
  const where = s.where.map((w, k) => {
    const value = (j: number) =>
      w.numeric ? (nums[(k + j) % nums.length] as number) : (text[(k + j) % text.length] as string)
    return {
      column: nextName(),
      op: w.op,
      value: w.op === 'in' ? Array.from({ length: w.listLength }, (_, j) => value(j)) : value(0),
    }
  })
  return structuredQuerySchema.parse({
    documentId: '00000000-0000-4000-8000-000000000000',
    where,
    groupBy,
    aggregates,
    orderBy: s.orderBy.map((o) => ({ key: outputs[o.index % outputs.length], direction: o.direction })),
    limit: s.limit,
  })
}

describe('structured query compilation', () => {
  it('never lets a column name or value change the SQL text', () => {
    fc.assert(
      fc.property(shape, names, names, numbers, numbers, (s, textA, textB, numA, numB) => {
        const a = compileStructuredQuery(build(s, textA, numA), SCOPE)
        const b = compileStructuredQuery(build(s, textB, numB), SCOPE)
        assert.equal(a.text, b.text)
        // and every name and value is among the parameters
        const query = build(s, textA, numA)
        for (const w of query.where) assert.ok(a.params.includes(w.column))
        for (const g of query.groupBy) assert.ok(a.params.includes(g))
      }),
      { numRuns: 300 },
    )
  })

  it('names outputs from the query, never from SQL', () => {
    const compiled = compileStructuredQuery(
      structuredQuerySchema.parse({
        documentId: '00000000-0000-4000-8000-000000000000',
        groupBy: ['Region'],
        aggregates: [{ fn: 'sum', column: 'Revenue' }, { fn: 'count' }, { fn: 'avg', column: 'Revenue', as: 'mean' }],
      }),
      SCOPE,
    )
    assert.deepEqual(compiled.columns, ['Region', 'sum_Revenue', 'count', 'mean'])
    assert.ok(!compiled.text.includes('Region') && !compiled.text.includes('Revenue'))
  })

  it('orders only by group keys and aggregate names', () => {
    const query = (key: string) =>
      structuredQuerySchema.parse({
        documentId: '00000000-0000-4000-8000-000000000000',
        groupBy: ['Region'],
        aggregates: [{ fn: 'count', as: 'n' }],
        orderBy: [{ key, direction: 'desc' }],
      })
    assert.match(compileStructuredQuery(query('n'), SCOPE).text, /order by a0 desc/)
    assert.match(compileStructuredQuery(query('Region'), SCOPE).text, /order by g0 desc/)
    assert.throws(() => compileStructuredQuery(query('Revenue; drop'), SCOPE), { code: 'validation_failed' })
  })
})

for (const kind of testDatabaseKinds()) {
  describe(`structured queries on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let platform: Platform
    let principal: Principal
    let workspaceId: string
    let otherWorkspaceId: string
    let sales: string
    let workbook: string
    let notes: string

    before(async () => {
      handle = await kind.create({ migrated: true })
      const db = handle.db
      platform = testPlatform(db)
      const tenant = await createTenant(db)
      const organizationId = tenant.organizationId
      workspaceId = tenant.workspaceId
      principal = tenant.principal
      const [other] = await db.query<{ id: string }>(
        `insert into workspaces (organization_id, name, slug) values ($1, 'Other', 'other') returning id`,
        [organizationId],
      )
      otherWorkspaceId = other?.id as string
      const document = async (name: string, workspace = workspaceId) =>
        (
          await db.query<{ id: string }>(
            `insert into knowledge_documents (organization_id, workspace_id, name, content_hash) values ($1, $2, $3, $4) returning id`,
            [organizationId, workspace, name, crypto.randomUUID()],
          )
        )[0]?.id as string
      sales = await document('sales.csv')
      workbook = await document('book.xlsx')
      notes = await document('notes.md')
      const rows: [string, string, Record<string, unknown>][] = [
        [sales, 'sales', { Region: 'EU', Revenue: 100, Product: 'Rocket' }],
        [sales, 'sales', { Region: 'EU', Revenue: '250.5', Product: 'Rocket Pro' }],
        [sales, 'sales', { Region: 'US', Revenue: 400, Product: 'Rocket' }],
        [sales, 'sales', { Region: 'US', Revenue: 'n/a', Product: 'Lander' }],
        [sales, 'sales', { Region: 'APAC', Revenue: -50, Product: 'Lander' }],
        [sales, 'sales', { Region: "O'Brien; drop", Revenue: 1 }],
        [workbook, 'Q1', { Team: 'A', Hours: 5 }],
        [workbook, 'Q2', { Team: 'A', Hours: 7 }],
      ]
      for (const [i, [documentId, sheet, data]] of rows.entries()) {
        await db.query(
          `insert into knowledge_rows (organization_id, workspace_id, document_id, sheet, row_number, data)
           values ($1, $2, $3, $4, $5, $6::jsonb)`,
          [organizationId, workspaceId, documentId, sheet, i + 1, data],
        )
      }
      await document('elsewhere.csv', otherWorkspaceId)
    })
    after(async () => {
      await handle?.drop()
    })

    it('sums by group, ignoring values that are not numbers', async () => {
      const result = await queryRows(platform, principal, workspaceId, {
        documentId: sales,
        groupBy: ['Region'],
        aggregates: [
          { fn: 'sum', column: 'Revenue', as: 'revenue' },
          { fn: 'count', as: 'rows' },
          { fn: 'avg', column: 'Revenue', as: 'average' },
        ],
        orderBy: [{ key: 'revenue', direction: 'desc' }],
      })
      assert.deepEqual(result.columns, ['Region', 'revenue', 'rows', 'average'])
      assert.deepEqual(result.rows, [
        { Region: 'US', revenue: 400, rows: 2, average: 400 },
        { Region: 'EU', revenue: 350.5, rows: 2, average: 175.25 },
        { Region: "O'Brien; drop", revenue: 1, rows: 1, average: 1 },
        { Region: 'APAC', revenue: -50, rows: 1, average: -50 },
      ])
    })

    it('filters with every operator', async () => {
      const count = async (where: unknown[]) =>
        (
          await queryRows(platform, principal, workspaceId, {
            documentId: sales,
            where: where as never,
            aggregates: [{ fn: 'count', as: 'n' }],
          })
        ).rows[0]?.n
      assert.equal(await count([{ column: 'Region', op: 'eq', value: 'EU' }]), 2)
      assert.equal(await count([{ column: 'Region', op: 'neq', value: 'EU' }]), 4)
      assert.equal(await count([{ column: 'Revenue', op: 'gt', value: 100 }]), 2)
      assert.equal(await count([{ column: 'Revenue', op: 'gte', value: 100 }]), 3)
      assert.equal(await count([{ column: 'Revenue', op: 'lt', value: 0 }]), 1)
      assert.equal(await count([{ column: 'Revenue', op: 'lte', value: 1 }]), 2)
      assert.equal(await count([{ column: 'Product', op: 'contains', value: 'rocket' }]), 3)
      assert.equal(await count([{ column: 'Region', op: 'in', value: ['EU', 'APAC'] }]), 3)
      assert.equal(await count([{ column: 'Revenue', op: 'in', value: [100, 400] }]), 2)
      assert.equal(await count([{ column: "Region'); drop table knowledge_rows; --", op: 'eq', value: 'x' }]), 0)
    })

    it('asks for the sheet of a workbook with several, and refuses unknown ones', async () => {
      await assert.rejects(
        queryRows(platform, principal, workspaceId, { documentId: workbook, aggregates: [{ fn: 'count' }] }),
        (error: Error & { code?: string }) => error.code === 'validation_failed' && /Q1, Q2/.test(error.message),
      )
      const q2 = await queryRows(platform, principal, workspaceId, {
        documentId: workbook,
        sheet: 'Q2',
        aggregates: [{ fn: 'sum', column: 'Hours' }],
      })
      assert.deepEqual(q2.rows, [{ sum_Hours: 7 }])
      await assert.rejects(
        queryRows(platform, principal, workspaceId, {
          documentId: workbook,
          sheet: 'Q9',
          aggregates: [{ fn: 'count' }],
        }),
        { status: 404, code: 'sheet_not_found' },
      )
    })

    it('answers 404 for a document that is not in the workspace, 409 for one without rows', async () => {
      await assert.rejects(
        queryRows(platform, principal, otherWorkspaceId, { documentId: sales, aggregates: [{ fn: 'count' }] }),
        { status: 404, code: 'document_not_found' },
      )
      await assert.rejects(
        queryRows(platform, principal, workspaceId, { documentId: crypto.randomUUID(), aggregates: [{ fn: 'count' }] }),
        { status: 404 },
      )
      await assert.rejects(
        queryRows(platform, principal, workspaceId, { documentId: notes, aggregates: [{ fn: 'count' }] }),
        { status: 409, code: 'no_rows' },
      )
    })
  })
}
