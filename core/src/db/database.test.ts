import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { migrations } from './migrations.generated.ts'
import { migrate } from './migrator.ts'

for (const kind of testDatabaseKinds()) {
  describe(`database contract on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle

    before(async () => {
      handle = await kind.create()
    })
    after(async () => {
      await handle?.drop()
    })

    it('returns the same value shapes on every driver', async () => {
      const [row] = await handle.db.query<Record<string, unknown>>(
        `select 7::int8 as big, 3::int4 as small, 1.5::numeric as num, now() as at, '{"a":[1]}'::jsonb as doc,
                gen_random_uuid() as id, $1::text[] as list, $2::jsonb as param_doc`,
        [['x', 'y'], { b: true }],
      )
      assert.equal(row?.big, 7)
      assert.equal(row?.small, 3)
      assert.equal(row?.num, '1.5')
      assert.ok(row?.at instanceof Date)
      assert.deepEqual(row?.doc, { a: [1] })
      assert.match(String(row?.id), /^[0-9a-f-]{36}$/)
      assert.deepEqual(row?.list, ['x', 'y'])
      assert.deepEqual(row?.param_doc, { b: true })
    })

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await handle.db.exec('create table contract_items (id int primary key, label text not null)')
      await handle.db.transaction(async (tx) => {
        await tx.query('insert into contract_items values ($1, $2)', [1, 'kept'])
      })
      await assert.rejects(
        handle.db.transaction(async (tx) => {
          await tx.query('insert into contract_items values ($1, $2)', [2, 'lost'])
          throw new Error('boom')
        }),
        /boom/,
      )
      const rows = await handle.db.query<{ id: number }>('select id from contract_items order by id')
      assert.deepEqual(
        rows.map((r) => r.id),
        [1],
      )
    })

    it('applies migrations once when three migrators start at the same time', async () => {
      const fresh = await kind.create()
      try {
        const dbs = [fresh.db, fresh.connectAgain(), fresh.connectAgain()]
        const results = await Promise.all(dbs.map((db) => migrate(db, migrations)))
        const appliedCounts = results.map((r) => r.applied.length).sort()
        assert.deepEqual(appliedCounts, [0, 0, migrations.length])
        const [count] = await fresh.db.query<{ n: number }>(
          'select count(*)::int as n from supabase_migrations.schema_migrations',
        )
        assert.equal(count?.n, migrations.length)
        const again = await migrate(fresh.db, migrations)
        assert.equal(again.applied.length, 0)
      } finally {
        await fresh.drop()
      }
    })

    it('reports liveness', async () => {
      assert.equal(await handle.db.ping(2000), true)
    })
  })
}
