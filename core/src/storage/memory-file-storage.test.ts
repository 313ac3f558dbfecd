import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileStorageContract } from './file-storage.contract.ts'
import { createMemoryFileStorage } from './memory-file-storage.ts'

fileStorageContract({
  name: 'memory',
  async open() {
    return { storage: createMemoryFileStorage(), close: async () => undefined }
  },
})

describe('memory file storage extras', () => {
  it('lists keys, remembers content types and fails on request', async () => {
    const storage = createMemoryFileStorage()
    await storage.put('org/ws/doc/b.txt', new Uint8Array([1]), 'text/plain')
    await storage.put('org/ws/doc/a.md', new Uint8Array([2]), 'text/markdown')
    assert.deepEqual(storage.keys(), ['org/ws/doc/a.md', 'org/ws/doc/b.txt'])
    assert.equal(storage.contentTypeOf('org/ws/doc/a.md'), 'text/markdown')
    storage.failNextPuts(1)
    await assert.rejects(storage.put('org/ws/doc/c.txt', new Uint8Array([3]), 'text/plain'), /unavailable/)
    await storage.put('org/ws/doc/c.txt', new Uint8Array([3]), 'text/plain')
    assert.equal(storage.keys().length, 3)
  })
})
