/**
 * The file-storage contract: what every `FileStoragePort` adapter must do, run against each of them
 * (`file-storage.test.ts`: local folder, S3 path-style and virtual-host, Supabase Storage, memory).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ValidationError } from '../errors.ts'
import type { FileStoragePort } from './file-storage.ts'

export interface FileStorageTarget {
  name: string
  skip?: string | false
  /** A fresh, empty store; `close` releases whatever it started. */
  open(): Promise<{ storage: FileStoragePort; close(): Promise<void> }>
}

const bytes = (...values: number[]) => new Uint8Array(values)

export function fileStorageContract(target: FileStorageTarget): void {
  describe(`file storage contract: ${target.name}`, { skip: target.skip ?? false }, () => {
    let storage: FileStoragePort
    let close: () => Promise<void>
    const prefix = `org-${crypto.randomUUID()}/ws-1`

    before(async () => {
      const opened = await target.open()
      storage = opened.storage
      close = opened.close
    })
    after(async () => {
      await close?.()
    })

    it('stores and returns every byte value', async () => {
      const body = new Uint8Array(256).map((_, i) => i)
      await storage.put(`${prefix}/doc-1/all-bytes.bin`, body, 'application/octet-stream')
      assert.deepEqual(await storage.get(`${prefix}/doc-1/all-bytes.bin`), body)
    })

    it('keeps what was stored when the caller later changes its buffer', async () => {
      const body = bytes(1, 2, 3)
      await storage.put(`${prefix}/doc-2/copy.txt`, body, 'text/plain')
      body[0] = 9
      const first = await storage.get(`${prefix}/doc-2/copy.txt`)
      assert.deepEqual(first, bytes(1, 2, 3))
      ;(first as Uint8Array)[1] = 9
      assert.deepEqual(await storage.get(`${prefix}/doc-2/copy.txt`), bytes(1, 2, 3))
    })

    it('replaces an existing key', async () => {
      await storage.put(`${prefix}/doc-3/file.md`, new TextEncoder().encode('# one'), 'text/markdown')
      await storage.put(`${prefix}/doc-3/file.md`, new TextEncoder().encode('# two'), 'text/markdown')
      assert.equal(new TextDecoder().decode(await storage.get(`${prefix}/doc-3/file.md`)), '# two')
    })

    it('answers undefined for a missing key', async () => {
      assert.equal(await storage.get(`${prefix}/missing/nothing.txt`), undefined)
    })

    it('deletes, and deleting a missing key is not an error', async () => {
      await storage.put(`${prefix}/doc-4/gone.csv`, bytes(65), 'text/csv')
      await storage.delete(`${prefix}/doc-4/gone.csv`)
      assert.equal(await storage.get(`${prefix}/doc-4/gone.csv`), undefined)
      await storage.delete(`${prefix}/doc-4/gone.csv`)
      await storage.delete(`${prefix}/never/was.txt`)
    })

    it('keeps keys that share a prefix apart', async () => {
      await storage.put(`${prefix}/doc-5/a.txt`, bytes(1), 'text/plain')
      await storage.put(`${prefix}/doc-5/a.txt.bak`, bytes(2), 'text/plain')
      await storage.put(`${prefix}/doc-5b/a.txt`, bytes(3), 'text/plain')
      assert.deepEqual(await storage.get(`${prefix}/doc-5/a.txt`), bytes(1))
      assert.deepEqual(await storage.get(`${prefix}/doc-5/a.txt.bak`), bytes(2))
      assert.deepEqual(await storage.get(`${prefix}/doc-5b/a.txt`), bytes(3))
    })

    it('round-trips a 5 MB file', async () => {
      const body = new Uint8Array(5 * 1024 * 1024)
      for (let i = 0; i < body.length; i += 4096) body[i] = (i / 4096) % 251
      await storage.put(`${prefix}/doc-6/large.pdf`, body, 'application/pdf')
      const back = await storage.get(`${prefix}/doc-6/large.pdf`)
      assert.equal(back?.byteLength, body.byteLength)
      assert.deepEqual(back, body)
    })

    it('handles concurrent writes to different keys', async () => {
      const keys = Array.from({ length: 12 }, (_, i) => `${prefix}/doc-7/part-${i}.txt`)
      await Promise.all(keys.map((key, i) => storage.put(key, bytes(i, i, i), 'text/plain')))
      const back = await Promise.all(keys.map((key) => storage.get(key)))
      back.forEach((body, i) => {
        assert.deepEqual(body, bytes(i, i, i))
      })
    })

    it('refuses keys that could escape or be misread, before touching the store', async () => {
      const invalid = ['', '../x', 'a/../../b', '/abs', 'a//b', 'a/./b', 'a b', 'é.txt', 'a\\b', 'a/', 'a?b', 'a%2e']
      for (const key of invalid) {
        await assert.rejects(storage.put(key, bytes(1), 'text/plain'), ValidationError, `put ${JSON.stringify(key)}`)
        await assert.rejects(storage.get(key), ValidationError, `get ${JSON.stringify(key)}`)
        await assert.rejects(storage.delete(key), ValidationError, `delete ${JSON.stringify(key)}`)
      }
    })
  })
}
