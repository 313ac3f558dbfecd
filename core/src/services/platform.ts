/**
 * What every service function needs, built once by the composition root (the CLI or a runtime entry)
 * and passed down. Nothing here is global, so tests build as many platforms as they like.
 */

import type { Env } from '../config/env.ts'
import type { Database } from '../db/database.ts'
import { seedBuiltinTemplates } from '../integrations/templates.ts'
import type { Logger } from '../log.ts'
import type { JobName, JobPayload } from '../queue/jobs.ts'

export interface PlatformSettings {
  /** Base address of the Web app, for links in emails (no trailing slash). */
  publicUrl: string
  jwtSecret: string
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  allowSignup: boolean
  /** Service keys accepted in `X-Api-Key`, by service name. */
  serviceKeys: Record<string, string>
  /** Encrypts stored secrets (AES-256-GCM); undefined when none is configured, and saving a secret then fails. */
  encryptionKey: string | undefined
  /** Largest knowledge-base upload, in bytes. */
  maxUploadBytes: number
  /** The MCP Gateway's address when PRODGY_MCP_URL sets one; otherwise it is `${publicUrl}/mcp`. */
  mcpUrl?: string | undefined
}

export interface Platform {
  db: Database
  log: Logger
  settings: PlatformSettings
  /** Hands an outbox message to the mail job after the transaction that wrote it has committed. */
  dispatchEmail(outboxId: string): Promise<void>
  /**
   * Queues a job after the transaction that recorded its work has committed. Never throws for a queue outage:
   * the database row is the truth and the workers' sweep picks up work whose enqueue was lost.
   */
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void>
}

/** Reads the signing key from the environment, or from the database where the first start stored a generated one. */
export async function resolveJwtSecret(db: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured
  const generated = crypto.randomUUID().replaceAll('-', '') + crypto.randomUUID().replaceAll('-', '')
  await db.query(`insert into platform_settings (key, value) values ('jwt_secret', $1) on conflict (key) do nothing`, [
    generated,
  ])
  const rows = await db.query<{ value: string }>(`select value from platform_settings where key = 'jwt_secret'`)
  const value = rows[0]?.value
  if (!value) throw new Error('The access-token signing key could not be stored.')
  return value
}

/** Builds the platform settings from the parsed environment, generating the signing key on first start if needed. */
export async function createPlatform(input: {
  db: Database
  log: Logger
  env: Env
  dispatchEmail: (outboxId: string) => Promise<void>
  enqueue?: Platform['enqueue']
  encryptionKey?: string
}): Promise<Platform> {
  const { env } = input
  const serviceKeys: Record<string, string> = {}
  if (env.PRODGY_API_TOKEN) serviceKeys.api = env.PRODGY_API_TOKEN
  if (env.PRODGY_AGENTIC_TOKEN) serviceKeys.agentic = env.PRODGY_AGENTIC_TOKEN
  // the built-in integration templates follow the code: a newer version in the repository replaces the stored one
  await seedBuiltinTemplates(input.db)
  return {
    db: input.db,
    log: input.log,
    dispatchEmail: input.dispatchEmail,
    enqueue: input.enqueue ?? (async () => undefined),
    settings: {
      publicUrl: env.PRODGY_PUBLIC_URL.replace(/\/+$/, ''),
      jwtSecret: await resolveJwtSecret(input.db, env.PRODGY_JWT_SECRET),
      accessTokenTtlSeconds: env.PRODGY_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.PRODGY_REFRESH_TOKEN_TTL_SECONDS,
      allowSignup: env.PRODGY_ALLOW_SIGNUP,
      serviceKeys,
      encryptionKey: input.encryptionKey ?? env.PRODGY_ENCRYPTION_KEY,
      maxUploadBytes: env.PRODGY_KB_MAX_UPLOAD_MB * 1024 * 1024,
      mcpUrl: env.PRODGY_MCP_URL?.replace(/\/+$/, ''),
    },
  }
}
