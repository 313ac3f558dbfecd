/**
 * Password hashing with argon2id (memory-hard) compiled to WASM, so the same hash verifies on every runtime.
 * Parameters follow OWASP's argon2id recommendation (19 MiB, 2 iterations, 1 lane). The encoded PHC
 * string carries its parameters, so they can be raised later without breaking stored hashes.
 */
import { argon2id, argon2Verify } from 'hash-wasm'

export interface PasswordHashParameters {
  memoryKiB: number
  iterations: number
  parallelism: number
}

export const DEFAULT_PASSWORD_HASH: PasswordHashParameters = { memoryKiB: 19_456, iterations: 2, parallelism: 1 }

export async function hashPassword(password: string, parameters = DEFAULT_PASSWORD_HASH): Promise<string> {
  const salt = new Uint8Array(16)
  crypto.getRandomValues(salt)
  return argon2id({
    password,
    salt,
    iterations: parameters.iterations,
    memorySize: parameters.memoryKiB,
    parallelism: parameters.parallelism,
    hashLength: 32,
    outputType: 'encoded',
  })
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash: encoded })
  } catch {
    return false
  }
}

/**
 * A hash of a random password, verified against when the account does not exist, so that a login for an
 * unknown email takes as long as one for a known email.
 */
let decoy: Promise<string> | undefined
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomUUID())
  return decoy
}
