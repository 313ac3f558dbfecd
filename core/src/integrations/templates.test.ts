import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { seedBuiltinTemplates } from './templates.ts'

const pglite = testDatabaseKinds().find((k) => k.name === 'pglite') as ReturnType<typeof testDatabaseKinds>[number]
const template = (version: number, description: string) => ({
  key: 'seed_check',
  version,
  name: 'Seed check',
  class: 'other' as const,
  description,
})

describe('seeding the built-in templates', () => {
  let handle: TestDatabaseHandle
  before(async () => {
    handle = await pglite.create({ migrated: true })
  })
  after(async () => {
    await handle?.drop()
  })

  const stored = async () =>
    (
      await handle.db.query<{ version: number; description: string }>(
        `select version, definition->>'description' as description from integration_templates where key = 'seed_check'`,
      )
    )[0]

  it('inserts a new template, replaces it only with a higher version, and writes nothing when current', async () => {
    assert.equal(await seedBuiltinTemplates(handle.db, [template(1, 'First.')]), 1)
    assert.deepEqual(await stored(), { version: 1, description: 'First.' })
    assert.equal(await seedBuiltinTemplates(handle.db, [template(1, 'Same version, other text.')]), 0)
    assert.deepEqual(await stored(), { version: 1, description: 'First.' })
    assert.equal(await seedBuiltinTemplates(handle.db, [template(2, 'Second.')]), 1)
    assert.deepEqual(await stored(), { version: 2, description: 'Second.' })
    assert.equal(await seedBuiltinTemplates(handle.db, [template(1, 'Older.')]), 0)
    assert.deepEqual(await stored(), { version: 2, description: 'Second.' })
  })
})
