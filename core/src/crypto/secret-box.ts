/**
 * Encrypts stored secrets (provider API keys) with AES-256-GCM over Web Crypto, so the same ciphertext opens on
 * every runtime. The AES key is derived from the configured string (PRODGY_ENCRYPTION_KEY) with HKDF-SHA-256 and a
 * fixed label, so any 32+ character string works and the key is never the raw configured text.
 *
 * Output: `v1.<base64url iv>.<base64url ciphertext+tag>`. The version names the derivation and the cipher; it is
 * also bound as additional authenticated data, so a value cannot be relabelled to another version undetected.
 */
import { AppError } from '../errors.ts'

const VERSION = 'v1'
const HKDF_INFO = new TextEncoder().encode('prodgy secret-box v1 aes-256-gcm')
// A fixed salt: the input is a high-entropy operator secret, and a stored salt would add a field for no gain.
const HKDF_SALT = new TextEncoder().encode('prodgy')
const IV_BYTES = 12
const TAG_BYTES = 16

/** Thrown when a stored secret cannot be opened: another key, a truncated value, or a value that was altered. */
export class SecretDecryptionError extends AppError {
  constructor(message: string) {
    super('secret_decryption_failed', message, 500)
    this.name = 'SecretDecryptionError'
  }
}

/** Thrown when a secret has to be saved or read but no encryption key is configured. */
export class EncryptionKeyMissingError extends AppError {
  constructor() {
    super(
      'encryption_key_missing',
      'Secrets cannot be stored because no encryption key is configured. Set PRODGY_ENCRYPTION_KEY ' +
        '(32 or more random characters) in the environment of the API and the workers, then try again.',
      503,
    )
    this.name = 'EncryptionKeyMissingError'
  }
}

/** Returns the key, or throws the error that tells the operator what to set. */
export function requireEncryptionKey(key: string | undefined): string {
  if (!key) throw new EncryptionKeyMissingError()
  return key
}

// Deriving is cheap but not free; one process uses one or two keys, so the cache stays tiny.
const derived = new Map<string, Promise<CryptoKey>>()

function deriveKey(secret: string): Promise<CryptoKey> {
  let key = derived.get(secret)
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
        'deriveKey',
      ])
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: HKDF_INFO },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      )
    })()
    if (derived.size > 8) derived.clear()
    derived.set(secret, key)
  }
  return key
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length < 32) {
    throw new AppError('encryption_key_invalid', 'The encryption key must be at least 32 characters long.', 500)
  }
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url')
  const padded = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Encrypts `plain` under `key`; every call uses a fresh random IV, so equal inputs give different outputs. */
export async function encryptSecret(plain: string, key: string): Promise<string> {
  assertKey(key)
  const iv = new Uint8Array(IV_BYTES)
  crypto.getRandomValues(iv)
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(VERSION), tagLength: TAG_BYTES * 8 },
    await deriveKey(key),
    new TextEncoder().encode(plain),
  )
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`
}

/** Opens a value made by `encryptSecret`; throws `SecretDecryptionError` for another key or any alteration. */
export async function decryptSecret(ciphertext: string, key: string): Promise<string> {
  assertKey(key)
  const parts = typeof ciphertext === 'string' ? ciphertext.split('.') : []
  if (parts.length !== 3 || parts[0] !== VERSION) {
    throw new SecretDecryptionError(`The stored secret is not in the expected format (${VERSION}.<iv>.<data>).`)
  }
  let iv: Uint8Array<ArrayBuffer>
  let sealed: Uint8Array<ArrayBuffer>
  try {
    iv = fromBase64Url(parts[1] as string)
    sealed = fromBase64Url(parts[2] as string)
  } catch {
    throw new SecretDecryptionError('The stored secret is not valid base64url.')
  }
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
    throw new SecretDecryptionError('The stored secret is truncated.')
  }
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(VERSION), tagLength: TAG_BYTES * 8 },
      await deriveKey(key),
      sealed,
    )
    return new TextDecoder('utf-8', { fatal: true }).decode(plain)
  } catch {
    // GCM does not say which: the key differs from the one that sealed it, or the value was altered.
    throw new SecretDecryptionError(
      'The stored secret could not be decrypted: PRODGY_ENCRYPTION_KEY differs from the key it was saved with, ' +
        'or the stored value was altered. Save the secret again.',
    )
  }
}
