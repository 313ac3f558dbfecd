import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { envSchema, parseEnv } from './env.ts'

describe('configuration', () => {
  it('documents every variable in .env.example, and only those', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8')
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]))
    const read = new Set(Object.keys(envSchema.shape).filter((k) => k !== 'NODE_ENV'))
    assert.deepEqual(
      [...read].filter((k) => !documented.has(k)),
      [],
      'read but not documented',
    )
    assert.deepEqual(
      [...documented].filter((k) => !read.has(k as string)),
      [],
      'documented but never read',
    )
  })

  it('starts with no configuration at all', () => {
    const env = parseEnv({})
    assert.equal(env.PRODGY_WEB_PORT, 3000)
    assert.equal(env.PRODGY_DATA_DIR, './.prodgy/data')
    assert.equal(env.DATABASE_URL, undefined)
    assert.equal(env.PRODGY_ALLOW_SIGNUP, true)
    assert.equal(env.PRODGY_FILES_DIR, './.prodgy/files')
    assert.equal(env.PRODGY_KEY_FILE, './.prodgy/encryption.key')
  })

  it('keeps an embedded installation in one folder: files and key beside the data folder', () => {
    const env = parseEnv({ PRODGY_DATA_DIR: '/srv/prodgy/data' })
    assert.equal(env.PRODGY_FILES_DIR, '/srv/prodgy/files')
    assert.equal(env.PRODGY_KEY_FILE, '/srv/prodgy/encryption.key')
    assert.equal(
      parseEnv({ PRODGY_DATA_DIR: '/srv/prodgy/data', PRODGY_FILES_DIR: '/mnt/files' }).PRODGY_FILES_DIR,
      '/mnt/files',
    )
  })

  it('names the variable when a value is wrong', () => {
    assert.throws(() => parseEnv({ PRODGY_WEB_PORT: 'eighty' }), /PRODGY_WEB_PORT/)
    assert.throws(() => parseEnv({ PRODGY_JWT_SECRET: 'short' }), /PRODGY_JWT_SECRET: must be at least 32 characters/)
    assert.throws(() => parseEnv({ PRODGY_ALLOW_SIGNUP: 'maybe' }), /PRODGY_ALLOW_SIGNUP/)
  })
})
