import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { resolveEncryptionKey } from './encryption-key.ts'

const dir = mkdtempSync(join(tmpdir(), 'prodgy-key-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('resolveEncryptionKey', () => {
  it('prefers PRODGY_ENCRYPTION_KEY', () => {
    const key = 'x'.repeat(40)
    const file = join(dir, 'unused.key')
    assert.equal(
      resolveEncryptionKey({ PRODGY_ENCRYPTION_KEY: key, PRODGY_KEY_FILE: file, DATABASE_URL: 'postgres://h/db' }),
      key,
    )
    assert.throws(() => statSync(file))
  })

  it('generates a 0600 key file once in the embedded mode and reads it back', () => {
    const file = join(dir, 'nested', 'encryption.key')
    const env = { PRODGY_ENCRYPTION_KEY: undefined, PRODGY_KEY_FILE: file, DATABASE_URL: undefined }
    const first = resolveEncryptionKey(env)
    assert.ok(first)
    assert.match(first, /^[A-Za-z0-9]{48}$/)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(resolveEncryptionKey(env), first)
    assert.equal(readFileSync(file, 'utf8').trim(), first)
  })

  it('gives no key with PostgreSQL and no PRODGY_ENCRYPTION_KEY, and writes no file', () => {
    const file = join(dir, 'never.key')
    const key = resolveEncryptionKey({
      PRODGY_ENCRYPTION_KEY: undefined,
      PRODGY_KEY_FILE: file,
      DATABASE_URL: 'postgres://h/db',
    })
    assert.equal(key, undefined)
    assert.throws(() => statSync(file))
  })

  it('keeps an in-memory database on an in-memory key', () => {
    const file = join(dir, 'memory.key')
    const key = resolveEncryptionKey({
      PRODGY_ENCRYPTION_KEY: undefined,
      PRODGY_KEY_FILE: file,
      DATABASE_URL: undefined,
      PRODGY_DATA_DIR: 'memory://',
    })
    assert.ok(key && key.length >= 32)
    assert.throws(() => statSync(file))
  })

  it('refuses a key file that is too short', () => {
    const file = join(dir, 'short.key')
    writeFileSync(file, 'short\n', { mode: 0o600 })
    assert.throws(
      () => resolveEncryptionKey({ PRODGY_ENCRYPTION_KEY: undefined, PRODGY_KEY_FILE: file, DATABASE_URL: undefined }),
      /fewer than 32 characters/,
    )
  })
})
