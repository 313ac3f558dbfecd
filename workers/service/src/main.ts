/**
 * The worker as its own process, for scaled-out installs: `prodgy worker` calls `runWorkerFromEnv`.
 * It needs PostgreSQL and Redis, because a separate process cannot share the embedded database or the
 * in-process queue; with neither configured, `npm start` already runs the worker inside its one process.
 *
 * Order matters: migrations first (under their advisory lock, so several workers booting at once migrate
 * once), then the job consumers, then the health server. SIGTERM or SIGINT stops taking jobs, gives the
 * active ones a grace period, and exits.
 */
import { pathToFileURL } from 'node:url'
import { type ServerType, serve } from '@hono/node-server'
import {
  createDevOutboxTransport,
  createLogger,
  type Logger,
  type MailTransport,
  migrate,
  migrations,
  parseEnv,
  ValidationError,
  withTimeout,
} from '@prodgy/core'
import { createBullmqQueue } from '@prodgy/core/adapters/bullmq'
import { createFileStorageFromEnv } from '@prodgy/core/adapters/file-storage-from-env'
import { createPostgresDatabase } from '@prodgy/core/adapters/postgres'
import { createHealthApp } from './health.ts'
import { createSmtpTransport } from './smtp-transport.ts'
import { createWorkerService } from './worker-service.ts'

export interface RunWorkerOptions {
  /** Defaults to JSON lines on stdout at `LOG_LEVEL`. */
  log?: Logger
  /** Stop on SIGTERM and SIGINT, then exit. Embedding callers and tests turn it off and call `stop`. */
  handleSignals?: boolean
  /** Grace period for active jobs when stopping. */
  stopTimeoutMs?: number
  /** Redis key prefix of the job queues; the API must use the same one. */
  queuePrefix?: string
}

export interface RunningWorker {
  /** The port `/health` listens on. */
  port: number
  stop(): Promise<void>
}

export async function runWorkerFromEnv(
  env: Record<string, string | undefined>,
  options: RunWorkerOptions = {},
): Promise<RunningWorker> {
  const config = parseEnv(env)
  if (!config.DATABASE_URL || !config.REDIS_URL) {
    const missing = [config.DATABASE_URL ? '' : 'DATABASE_URL', config.REDIS_URL ? '' : 'REDIS_URL'].filter(Boolean)
    throw new ValidationError(
      `The worker as a separate service needs ${missing.join(' and ')}: it shares the database (PostgreSQL) and the job ` +
        'queue (Redis) with the API. Without them, `npm start` already runs the worker inside its one process.',
    )
  }
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL, bindings: { service: 'service' } })
  const stopTimeoutMs = options.stopTimeoutMs ?? 25_000

  const db = createPostgresDatabase({ url: config.DATABASE_URL, max: config.PRODGY_DATABASE_POOL_SIZE })
  let queue: ReturnType<typeof createBullmqQueue> | undefined
  try {
    const result = await migrate(db, migrations, { log: (message) => log.info(message) })
    log.info('database schema is up to date', { applied: result.applied.length })

    queue = createBullmqQueue({
      url: config.REDIS_URL,
      log,
      ...(options.queuePrefix ? { prefix: options.queuePrefix } : {}),
    })
    let mail: MailTransport
    if (config.SMTP_HOST) {
      mail = createSmtpTransport({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        user: config.SMTP_USER,
        password: config.SMTP_PASSWORD,
        from: config.MAIL_FROM,
      })
    } else {
      log.warn('SMTP_HOST is not set: emails stay in the outbox and their links are logged, nothing is sent')
      mail = createDevOutboxTransport({ log })
    }

    // The API stores uploads where the same environment points; a separate worker must read them from there.
    const files = createFileStorageFromEnv(config)
    if (files.storage.kind === 'local') {
      log.warn('documents are read from a local folder: the API must write to the same folder (a shared volume)', {
        storage: files.description,
      })
    }
    // With PostgreSQL the key must come from the environment: every API and worker process shares the secrets.
    const encryptionKey = config.PRODGY_ENCRYPTION_KEY
    if (!encryptionKey) {
      log.warn('PRODGY_ENCRYPTION_KEY is not set: providers with a stored API key cannot embed documents')
    }
    const service = createWorkerService({
      db,
      queue,
      mail,
      log,
      concurrency: config.PRODGY_WORKER_CONCURRENCY,
      storage: files.storage,
      encryptionKey,
    })
    await service.start()

    const app = createHealthApp({ db, queue })
    const listening = await withTimeout(
      new Promise<ServerType>((resolve, reject) => {
        const created = serve(
          { fetch: app.fetch, port: config.PRODGY_SERVICE_PORT, hostname: config.PRODGY_HOST },
          () => resolve(created),
        )
        created.once('error', reject)
      }),
      10_000,
      'The health server',
    )
    log.info('health server listening', { host: config.PRODGY_HOST, port: config.PRODGY_SERVICE_PORT })

    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= (async () => {
        log.info('stopping the worker service')
        await new Promise<void>((resolve) => {
          listening.close(() => resolve())
          // Keep-alive sockets of health probes would hold close() open until they idle out.
          ;(listening as { closeAllConnections?: () => void }).closeAllConnections?.()
        })
        await service.stop({ timeoutMs: stopTimeoutMs })
        await db.close()
      })()
      return stopping
    }

    if (options.handleSignals ?? true) {
      const onSignal = (signal: NodeJS.Signals) => {
        log.info('signal received', { signal })
        // Whatever still holds the event loop after the grace period must not keep a stopped worker alive.
        setTimeout(() => process.exit(1), stopTimeoutMs + 10_000).unref()
        stop().then(
          () => process.exit(0),
          (error) => {
            log.error('the worker service did not stop cleanly', { error })
            process.exit(1)
          },
        )
      }
      process.once('SIGTERM', onSignal)
      process.once('SIGINT', onSignal)
    }

    return { port: config.PRODGY_SERVICE_PORT, stop }
  } catch (error) {
    await queue?.close({ timeoutMs: 1_000 })
    await db.close()
    throw error
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runWorkerFromEnv(process.env).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
