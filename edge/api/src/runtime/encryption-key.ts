/**
 * The key that encrypts stored secrets (provider API keys), resolved once at start:
 * - PRODGY_ENCRYPTION_KEY when set (required with PostgreSQL, where several processes share the secrets);
 * - in the embedded mode (no DATABASE_URL), a key generated on first start into PRODGY_KEY_FILE (mode 0600) and read
 *   back on later starts, so a single-machine install works without configuration; an in-memory database gets an
 *   in-memory key, since its secrets die with it;
 * - otherwise undefined: the platform runs, and saving a secret fails with a message saying what to set.
 * Uses `node:fs`, which Node, Bun and Deno all provide.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { AppError, type Env, type Logger, randomAlphanumeric } from '@prodgy/core'

const GENERATED_LENGTH = 48
const MIN_LENGTH = 32

function isMemory(dir: string | undefined): boolean {
  return dir === 'memory://' || dir === ':memory:'
}

export function resolveEncryptionKey(
  env: Pick<Env, 'PRODGY_ENCRYPTION_KEY' | 'PRODGY_KEY_FILE' | 'DATABASE_URL'> & { PRODGY_DATA_DIR?: string },
  options: { log?: Logger } = {},
): string | undefined {
  if (env.PRODGY_ENCRYPTION_KEY) return env.PRODGY_ENCRYPTION_KEY
  // With a shared database every API and worker process must hold the same key, so none may invent its own.
  if (env.DATABASE_URL) return undefined
  if (isMemory(env.PRODGY_DATA_DIR)) return randomAlphanumeric(GENERATED_LENGTH)

  const path = resolve(env.PRODGY_KEY_FILE)
  try {
    const existing = readFileSync(path, 'utf8').trim()
    if (existing.length < MIN_LENGTH) {
      throw new AppError(
        'encryption_key_invalid',
        `The key file ${path} holds fewer than ${MIN_LENGTH} characters. Restore it from a backup, or set ` +
          'PRODGY_ENCRYPTION_KEY; deleting it makes every stored secret unreadable.',
        500,
      )
    }
    // A key readable by other users of the machine is tightened rather than refused: refusing would stop the platform.
    if ((statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600)
      options.log?.warn('the encryption key file was readable by others; its mode is now 0600', { path })
    }
    return existing
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }

  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const generated = randomAlphanumeric(GENERATED_LENGTH)
  try {
    // `wx`: two processes starting at once must not both write; the loser reads the winner's key.
    writeFileSync(path, `${generated}\n`, { flag: 'wx', mode: 0o600 })
    options.log?.info('generated an encryption key for stored secrets; back it up with the data folder', { path })
    return generated
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return readFileSync(path, 'utf8').trim()
  }
}
