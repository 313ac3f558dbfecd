/**
 * File storage in process memory: for tests and throwaway demos, where nothing must outlive the process.
 * Bytes are copied on the way in and out, so a caller mutating its buffer cannot change what was stored; keys are
 * checked like every other adapter's, so a test on memory catches a key the real stores would refuse.
 */
import { assertStorageKey, FileStorageError, type FileStoragePort } from './file-storage.ts'

export interface MemoryFileStorage extends FileStoragePort {
  readonly kind: 'memory'
  /** The stored keys, for tests that check a file was written or removed. */
  keys(): string[]
  /** The content type the key was stored with. */
  contentTypeOf(key: string): string | undefined
  /** Makes the next `put` calls fail, for tests of the paths that must leave nothing behind. */
  failNextPuts(count: number, error?: Error): void
}

export function createMemoryFileStorage(): MemoryFileStorage {
  const files = new Map<string, { body: Uint8Array; contentType: string }>()
  let failures = 0
  let failure: Error = new FileStorageError('The file store is unavailable.')
  return {
    kind: 'memory',
    async put(key, body, contentType) {
      assertStorageKey(key)
      if (failures > 0) {
        failures--
        throw failure
      }
      files.set(key, { body: body.slice(), contentType })
    },
    async get(key) {
      return files.get(assertStorageKey(key))?.body.slice()
    },
    async delete(key) {
      files.delete(assertStorageKey(key))
    },
    keys: () => [...files.keys()].sort(),
    contentTypeOf: (key) => files.get(key)?.contentType,
    failNextPuts(count, error) {
      failures = count
      if (error) failure = error
    },
  }
}
