/**
 * File storage in a local folder (PRODGY_FILES_DIR): the embedded mode's default. Keys map to paths under the root
 * after `assertStorageKey`, and the resolved path is checked to stay inside the root as a second guard. A write goes
 * to a temporary file in the same folder and is renamed into place, so a reader never sees half a file and a crash
 * mid-write leaves the previous content (or nothing).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, resolve, sep } from 'node:path'
import { assertStorageKey, FileStorageError, type FileStoragePort } from '../storage/file-storage.ts'

export interface LocalFileStorageOptions {
  /** The folder that holds every file; created on the first write. */
  root: string
}

export function createLocalFileStorage(options: LocalFileStorageOptions): FileStoragePort & { readonly root: string } {
  const root = resolve(options.root)

  const pathOf = (key: string) => {
    const path = resolve(root, assertStorageKey(key))
    if (!path.startsWith(root + sep)) throw new FileStorageError('The storage key points outside the files folder.')
    return path
  }

  return {
    kind: 'local',
    root,

    async put(key, body) {
      const path = pathOf(key)
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      const temporary = `${path}.${crypto.randomUUID()}.tmp`
      try {
        await writeFile(temporary, body, { mode: 0o600, flag: 'wx' })
        await rename(temporary, path)
      } catch (error) {
        await rm(temporary, { force: true }).catch(() => undefined)
        throw new FileStorageError(`The file could not be written to ${root}: ${(error as Error).message}`)
      }
    },

    async get(key) {
      const path = pathOf(key)
      try {
        return new Uint8Array(await readFile(path))
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
        throw new FileStorageError(`The file could not be read from ${root}: ${(error as Error).message}`)
      }
    },

    async delete(key) {
      const path = pathOf(key)
      try {
        await rm(path, { force: true })
      } catch (error) {
        throw new FileStorageError(`The file could not be removed from ${root}: ${(error as Error).message}`)
      }
    },
  }
}
