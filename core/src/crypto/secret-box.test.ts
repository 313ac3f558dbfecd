import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decryptSecret,
  EncryptionKeyMissingError,
  encryptSecret,
  fromBase64Url,
  requireEncryptionKey,
  SecretDecryptionError,
  toBase64Url,
} from './secret-box.ts'

const KEY = 'kkkkkkkkkkkkkkkk-an-operator-chosen-secret-value'
const OTHER_KEY = 'another-operator-chosen-secret-value-0123'

describe('secret box', () => {
  it('round-trips text, including non-ASCII and empty strings', async () => {
    for (const plain of ['sk-test-1234567890', 'ção ✓ 鍵', '', 'x'.repeat(10_000)]) {
      const sealed = await encryptSecret(plain, KEY)
      assert.equal(await decryptSecret(sealed, KEY), plain)
    }
  })

  it('writes the versioned format with a 12-byte IV and never the plain text', async () => {
    const sealed = await encryptSecret('sk-visible-secret', KEY)
    const [version, iv, data] = sealed.split('.')
    assert.equal(version, 'v1')
    assert.equal(fromBase64Url(iv as string).length, 12)
    // ciphertext of 17 bytes plus the 16-byte tag
    assert.equal(fromBase64Url(data as string).length, 17 + 16)
    assert.ok(!sealed.includes('sk-visible-secret'))
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('uses a fresh IV every time', async () => {
    const a = await encryptSecret('same', KEY)
    const b = await encryptSecret('same', KEY)
    assert.notEqual(a, b)
    assert.notEqual(a.split('.')[1], b.split('.')[1])
  })

  it('refuses another key with a clear error', async () => {
    const sealed = await encryptSecret('secret', KEY)
    await assert.rejects(decryptSecret(sealed, OTHER_KEY), (error: unknown) => {
      assert.ok(error instanceof SecretDecryptionError)
      assert.equal(error.code, 'secret_decryption_failed')
      assert.match(error.message, /PRODGY_ENCRYPTION_KEY/)
      return true
    })
  })

  it('detects any change to the IV, the ciphertext, the tag or the version', async () => {
    const sealed = await encryptSecret('secret value', KEY)
    const [version, iv, data] = sealed.split('.') as [string, string, string]
    const flip = (text: string, index: number) => {
      const bytes = fromBase64Url(text)
      bytes[index] = (bytes[index] as number) ^ 1
      return toBase64Url(bytes)
    }
    const dataBytes = fromBase64Url(data)
    const tampered = [
      `${version}.${flip(iv, 0)}.${data}`,
      `${version}.${iv}.${flip(data, 0)}`,
      `${version}.${iv}.${flip(data, dataBytes.length - 1)}`,
      `v2.${iv}.${data}`,
      `${version}.${iv}.${toBase64Url(dataBytes.slice(0, 10))}`,
      `${version}.${iv}`,
      `${version}.${iv}.${data}!`,
      'plain-text-key',
    ]
    for (const value of tampered) {
      await assert.rejects(decryptSecret(value, KEY), SecretDecryptionError, value)
    }
  })

  it('refuses keys shorter than 32 characters', async () => {
    await assert.rejects(encryptSecret('x', 'short'), /at least 32 characters/)
  })

  it('names the variable to set when no key is configured', () => {
    assert.throws(
      () => requireEncryptionKey(undefined),
      (error: unknown) => {
        assert.ok(error instanceof EncryptionKeyMissingError)
        assert.match(error.message, /PRODGY_ENCRYPTION_KEY/)
        return true
      },
    )
    assert.equal(requireEncryptionKey(KEY), KEY)
  })
})
