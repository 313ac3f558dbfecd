import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/database.ts'
import type { Platform } from '../services/platform.ts'
import { createMemoryFileStorage } from '../storage/memory-file-storage.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { createTenant, testPlatform } from '../testing/tenants.ts'
import { declaredFormatOf, documentChanges, importDocument, safeFileName } from './documents.ts'

describe('document import helpers', () => {
  it('reads the announced format from the extension', () => {
    assert.equal(declaredFormatOf('Report.PDF'), 'pdf')
    assert.equal(declaredFormatOf('notes.mdx'), 'md')
    assert.equal(declaredFormatOf('page.htm'), 'html')
    assert.equal(declaredFormatOf('README'), undefined)
    assert.throws(() => declaredFormatOf('tool.exe'), { code: 'unsupported_format', status: 415 })
  })

  it('makes storage-safe file names', () => {
    assert.equal(safeFileName('Relatório final (v2).pdf'), 'Relatorio_final_v2_.pdf')
    assert.equal(safeFileName('../../etc/passwd'), 'passwd')
    assert.equal(safeFileName('..'), 'file')
    assert.equal(safeFileName(`${'a'.repeat(300)}.xlsx`).length, 120)
    assert.ok(safeFileName(`${'a'.repeat(300)}.xlsx`).endsWith('.xlsx'))
  })
})

for (const kind of testDatabaseKinds()) {
  describe(`document import on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let principal: Principal
    let organizationId: string
    let workspaceId: string
    const queued: string[] = []

    const platformWith = (db: Database): Platform =>
      testPlatform(db, {
        settings: { maxUploadBytes: 1000 },
        enqueue: async (_name, payload) => {
          queued.push((payload as { documentId: string }).documentId)
        },
      })
    const input = (text: string) => ({
      workspaceId,
      fileName: 'notes.md',
      bytes: new TextEncoder().encode(text),
      metadata: { tags: ['a'] },
    })
    const count = async () =>
      (await handle.db.query<{ n: number }>('select count(*)::int as n from knowledge_documents'))[0]?.n

    before(async () => {
      handle = await kind.create({ migrated: true })
      ;({ organizationId, workspaceId, principal } = await createTenant(handle.db))
    })
    after(async () => {
      await handle?.drop()
    })

    it('leaves no row when the file cannot be stored', async () => {
      const storage = createMemoryFileStorage()
      storage.failNextPuts(1)
      await assert.rejects(
        importDocument(platformWith(handle.db), { storage }, principal, input('first')),
        /unavailable/,
      )
      assert.equal(await count(), 0)
      assert.deepEqual(storage.keys(), [])
      assert.deepEqual(queued, [])
    })

    it('removes the stored file when the row cannot be written', async () => {
      const storage = createMemoryFileStorage()
      const failing: Database = {
        ...handle.db,
        transaction: () => Promise.reject(new Error('the database went away')),
      }
      await assert.rejects(importDocument(platformWith(failing), { storage }, principal, input('second')), /went away/)
      assert.deepEqual(storage.keys(), [])
      assert.equal(await count(), 0)
      assert.deepEqual(queued, [])
    })

    it('stores under <org>/<workspace>/<document>/<file>, records the row and queues it after commit', async () => {
      const storage = createMemoryFileStorage()
      const doc = await importDocument(platformWith(handle.db), { storage }, principal, input('third'))
      assert.deepEqual(storage.keys(), [`${organizationId}/${workspaceId}/${doc.id}/notes.md`])
      assert.equal(storage.contentTypeOf(storage.keys()[0] as string), 'text/markdown')
      assert.deepEqual(queued, [doc.id])
      assert.equal(doc.status, 'queued')
      assert.equal(doc.format, 'md')
      assert.deepEqual(doc.tags, ['a'])
      const again = importDocument(platformWith(handle.db), { storage }, principal, {
        ...input('third'),
        fileName: 'copy.md',
      })
      await assert.rejects(
        again,
        (error: Error & { code?: string; status?: number; details?: { documentId?: string } }) => {
          assert.equal(error.code, 'duplicate_document')
          assert.equal(error.status, 409)
          assert.equal(error.details?.documentId, doc.id)
          assert.match(error.message, /"notes\.md"/)
          return true
        },
      )
      assert.equal(storage.keys().length, 1, 'the duplicate was not stored')
    })

    it('refuses files over the limit and invalid metadata', async () => {
      const storage = createMemoryFileStorage()
      await assert.rejects(
        importDocument(platformWith(handle.db), { storage }, principal, { ...input('x'.repeat(1001)) }),
        { status: 413, code: 'file_too_large' },
      )
      await assert.rejects(
        importDocument(platformWith(handle.db), { storage }, principal, {
          ...input('other'),
          metadata: { language: 'not a language', tags: [] },
        }),
        { code: 'validation_failed' },
      )
      assert.deepEqual(storage.keys(), [])
    })

    it('feeds changes from the database clock', async () => {
      const first = await documentChanges(handle.db, organizationId, workspaceId, null)
      assert.equal(first.changes.length, 1, 'the queued document is in flight')
      await handle.db.query(`update knowledge_documents set status = 'ready', progress = 100, updated_at = now()`)
      const next = await documentChanges(handle.db, organizationId, workspaceId, first.cursor)
      assert.equal(next.changes[0]?.status, 'ready')
      assert.equal(next.changes[0]?.progress, 100)
      const none = await documentChanges(handle.db, crypto.randomUUID(), workspaceId, first.cursor)
      assert.deepEqual(none.changes, [])
    })
  })
}
