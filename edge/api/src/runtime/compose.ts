/**
 * Builds a running API from the environment: the database (migrated), the rate limiter, the queue that hands
 * emails to the workers, and the Hono app. Each runtime entry file calls this with its own way of reading
 * the client address; the CLI calls it for `prodgy api`.
 */
import {
  createLogger,
  createPlatform,
  type EmbeddingPort,
  enqueueOutboxMessage,
  type FileStoragePort,
  type Logger,
  loadAiProviderConfig,
  migrate,
  migrations,
  outboundPolicyFromEnv,
  type Platform,
  parseEnv,
  type QueuePort,
  rateLimitConfigFromEnv,
} from '@prodgy/core'
import { createBullmqQueue } from '@prodgy/core/adapters/bullmq'
import { createDatabaseFromEnv, type ReleaseLock } from '@prodgy/core/adapters/database-from-env'
import { resolveHostAddresses } from '@prodgy/core/adapters/dns-resolver'
import { createFileStorageFromEnv } from '@prodgy/core/adapters/file-storage-from-env'
import { createRateLimiterFromEnv } from '@prodgy/core/adapters/rate-limiter-from-env'
import type { Context } from 'hono'
import { createApiApp } from '../app.ts'
import { createChatTextGenerator } from './chat-text.ts'
import { resolveEncryptionKey } from './encryption-key.ts'
import { createSwaggerAssets } from './swagger-assets.ts'

export interface RunningApi {
  app: ReturnType<typeof createApiApp>
  logger: Logger
  platform: Platform
  /** The file store uploads go to; the one-process mode hands the same one to the workers. */
  storage: FileStoragePort
  close(): Promise<void>
}

export interface ApiRuntime {
  clientIp?: (c: Context) => string | undefined
  lockDataDir?: (dir: string) => Promise<ReleaseLock>
  /** A queue owned by the caller (the one-process mode passes its in-process queue). */
  queue?: QueuePort
  logger?: Logger
}

export async function createApiFromEnv(
  source: Record<string, string | undefined>,
  runtime: ApiRuntime = {},
): Promise<RunningApi> {
  const env = parseEnv(source)
  const rateLimits = rateLimitConfigFromEnv(source)
  const logger = runtime.logger ?? createLogger({ level: env.LOG_LEVEL, bindings: { service: 'api' } })
  const database = await createDatabaseFromEnv(env, { lockDataDir: runtime.lockDataDir })
  const closers: (() => Promise<void>)[] = [() => database.close()]
  try {
    const result = await migrate(database.db, migrations, { log: (m) => logger.info(m) })
    logger.info('database ready', { database: database.description, appliedMigrations: result.applied.length })
    // Without a queue the outbox row waits for the worker's sweep, which finds queued rows within a minute.
    let queue = runtime.queue
    if (!queue && env.REDIS_URL) {
      queue = createBullmqQueue({ url: env.REDIS_URL, log: logger })
      const owned = queue
      closers.push(() => owned.close({ timeoutMs: 5000 }))
    }
    // The embedded mode generates one into PRODGY_KEY_FILE; with PostgreSQL it must be configured.
    const encryptionKey = resolveEncryptionKey(env, { log: logger })
    if (!encryptionKey) {
      logger.warn('PRODGY_ENCRYPTION_KEY is not set: AI provider keys cannot be saved until it is')
    }
    const platform = await createPlatform({
      db: database.db,
      log: logger,
      env,
      encryptionKey,
      dispatchEmail: async (outboxId) => {
        if (!queue) return
        try {
          await enqueueOutboxMessage(queue, outboxId)
        } catch (error) {
          logger.warn('email queued in the outbox; the worker sweep will send it', { outboxId, error })
        }
      },
      enqueue: async (name, payload) => {
        if (!queue) return
        try {
          await queue.enqueue(name, payload as never)
        } catch (error) {
          logger.warn('job recorded but not queued; the worker sweep will pick it up', { job: name, error })
        }
      },
    })
    const rateLimiter = await createRateLimiterFromEnv(source, { logger })
    closers.push(() => rateLimiter.close())
    const readinessChecks: Record<string, (t: number) => Promise<boolean>> = {}
    if (queue && env.REDIS_URL) readinessChecks.queue = (t) => (queue as QueuePort).ping(t)
    if (rateLimiter.kind !== 'memory') readinessChecks.rateLimiter = (t) => rateLimiter.ping(t)
    const files = createFileStorageFromEnv(env)
    logger.info('file storage ready', { storage: files.description })
    const db = database.db
    // The AI SDK is loaded on first use: it is large, and on Deno its OIDC helper reads the host name at import,
    // which needs --allow-sys; an install without an AI provider never loads it.
    let aiSdk: Promise<[typeof import('@prodgy/core/adapters/ai-sdk'), typeof import('ai')]> | undefined
    const loadAiSdk = () => {
      aiSdk ??= Promise.all([import('@prodgy/core/adapters/ai-sdk'), import('ai')])
      return aiSdk
    }
    // The provider row is read on every call, so a change in the settings takes effect on the next search.
    const embedderFor = async (organizationId: string): Promise<EmbeddingPort | undefined> => {
      const config = await loadAiProviderConfig(db, organizationId, platform.settings.encryptionKey)
      if (!config?.embeddingModel) return undefined
      const [{ createEmbedder }] = await loadAiSdk()
      // interactive calls fail fast: search falls back to full text rather than keep a person waiting
      return createEmbedder(config, { timeoutMs: 15_000, attempts: 1, maxRetries: 1 })
    }
    const generateChatText = createChatTextGenerator(platform, loadAiSdk)
    const app = createApiApp({
      platform,
      logger,
      rateLimiter,
      rateLimits,
      clientIp: runtime.clientIp,
      trustProxy: env.PRODGY_TRUST_PROXY,
      readinessChecks,
      secureCookies: env.PRODGY_PUBLIC_URL.startsWith('https:'),
      swaggerAsset: createSwaggerAssets(),
      storage: files.storage,
      embedderFor,
      generateText: generateChatText,
      embedderFactory: async () => (await loadAiSdk())[0].createEmbedder,
      outbound: outboundPolicyFromEnv(env, { resolveHost: resolveHostAddresses }),
    })
    return {
      app,
      logger,
      platform,
      storage: files.storage,
      async close() {
        for (const close of closers.reverse()) {
          await close().catch((error) => logger.warn('shutdown step failed', { error }))
        }
      },
    }
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined)
    throw error
  }
}
