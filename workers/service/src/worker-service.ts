/**
 * The service worker: consumes the platform's background jobs (email, knowledge-base ingestion and re-embedding;
 * schedules join here). It runs on its own (`prodgy worker`, see `main.ts`) or inside the one-process `npm start`,
 * which builds the same service over the in-process queue.
 */
import {
  type Database,
  deliverOutboxMessage,
  type FileStoragePort,
  type Logger,
  type MailTransport,
  type QueuePort,
  requeueStaleOutbox,
} from '@prodgy/core'
import { type CreateEmbedder, ingestDocument, type ParseDocument } from './knowledge/ingest.ts'
import { reembedOrganization } from './knowledge/reembed.ts'
import { sweepKnowledge } from './knowledge/sweep.ts'

export interface WorkerServiceDeps {
  db: Database
  queue: QueuePort
  mail: MailTransport
  log: Logger
  /** Jobs of one name running at once in this process. */
  concurrency: number
  /**
   * A still-queued outbox row older than this is enqueued again (its enqueue after commit may have been
   * lost). Well above one delivery's retries, so a sweep rarely meets a row whose job is still alive; and
   * when it does, the job id makes the second enqueue a no-op.
   */
  staleOutboxAfterMs?: number
  sweepIntervalMs?: number
  /** Where uploaded documents are read from: the same store the API writes to. */
  storage: FileStoragePort
  /** Decrypts the organizations' provider keys to embed; without it only providers without a key work. */
  encryptionKey?: string | undefined
  /** Documents ingested at once in this process (parsing and embedding are heavy); 2 by default. */
  ingestConcurrency?: number
  /** A document `queued` longer than this is enqueued again; 5 minutes by default. */
  staleDocumentAfterMs?: number
  /** How often the sweep also looks for organizations whose chunks need re-embedding; 10 minutes by default. */
  reembedCheckIntervalMs?: number
  /** The AI SDK embedder and the format parsers by default (tests and benchmarks pass their own). */
  createEmbedder?: CreateEmbedder
  parse?: ParseDocument
}

export interface WorkerService {
  /** Registers the job handlers, sweeps the outbox once, then every `sweepIntervalMs`. */
  start(): Promise<void>
  /**
   * Stops the sweep and closes the queue: no new jobs, active ones get up to `timeoutMs`. Call it after
   * the producers sharing the queue (the API in one-process mode) have stopped. The database stays open.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>
}

export function createWorkerService(deps: WorkerServiceDeps): WorkerService {
  const log = deps.log.child({ service: 'service' })
  const staleAfterMs = deps.staleOutboxAfterMs ?? 5 * 60_000
  const sweepIntervalMs = deps.sweepIntervalMs ?? 60_000
  const reembedCheckMs = deps.reembedCheckIntervalMs ?? 10 * 60_000
  let timer: ReturnType<typeof setInterval> | undefined
  let sweeping: Promise<void> | undefined
  let started = false
  let lastReembedCheck = 0
  const knowledge = {
    db: deps.db,
    storage: deps.storage,
    encryptionKey: deps.encryptionKey,
    log,
    ...(deps.createEmbedder ? { createEmbedder: deps.createEmbedder } : {}),
    ...(deps.parse ? { parse: deps.parse } : {}),
  }

  const sweep = () => {
    // One sweep at a time: a slow database must not pile them up. Each part fails on its own.
    sweeping ??= (async () => {
      await requeueStaleOutbox(deps.db, deps.queue, staleAfterMs, { log }).catch((error) =>
        log.warn('the outbox sweep failed; it runs again in a minute', { error }),
      )
      const checkReembed = Date.now() - lastReembedCheck >= reembedCheckMs
      if (checkReembed) lastReembedCheck = Date.now()
      await sweepKnowledge(deps.db, deps.queue, {
        queuedAfterMs: deps.staleDocumentAfterMs,
        checkReembed,
        log,
      }).catch((error) => log.warn('the knowledge sweep failed; it runs again in a minute', { error }))
    })().finally(() => {
      sweeping = undefined
    })
    return sweeping
  }

  return {
    async start() {
      if (started) throw new Error('The worker service was already started.')
      started = true
      await deps.queue.work(
        {
          'email.send': async (payload, ctx) => {
            await deliverOutboxMessage({ db: deps.db, transport: deps.mail, log: ctx.log }, payload.outboxId, {
              finalAttempt: ctx.attempt >= ctx.maxAttempts,
            })
          },
          'knowledge.ingest': async (payload, ctx) => {
            await ingestDocument(knowledge, payload.documentId, ctx)
          },
          'knowledge.reembed': async (payload, ctx) => {
            await reembedOrganization(knowledge, payload.organizationId, ctx)
          },
        },
        {
          concurrency: deps.concurrency,
          concurrencyByJob: {
            'knowledge.ingest': Math.max(1, deps.ingestConcurrency ?? Math.min(2, deps.concurrency)),
            // one organization's re-embedding at a time per process: it already runs its batches in parallel
            'knowledge.reembed': 1,
          },
        },
      )
      await sweep()
      timer = setInterval(sweep, sweepIntervalMs)
      log.info('worker service started', {
        queue: deps.queue.kind,
        mail: deps.mail.name,
        storage: deps.storage.kind,
        concurrency: deps.concurrency,
      })
    },

    async stop(options) {
      clearInterval(timer)
      timer = undefined
      const timeoutMs = options?.timeoutMs ?? 10_000
      if (sweeping) {
        let wait: ReturnType<typeof setTimeout> | undefined
        await Promise.race([sweeping, new Promise((resolve) => (wait = setTimeout(resolve, timeoutMs)))])
        clearTimeout(wait)
      }
      await deps.queue.close({ timeoutMs })
      log.info('worker service stopped')
    },
  }
}
