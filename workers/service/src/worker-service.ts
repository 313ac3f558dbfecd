/**
 * The service worker: consumes the platform's background jobs (email today; ingestion and schedules
 * join here). It runs on its own (`prodgy worker`, see `main.ts`) or inside the one-process `npm start`,
 * which builds the same service over the in-process queue.
 */
import {
  type Database,
  deliverOutboxMessage,
  type Logger,
  type MailTransport,
  type QueuePort,
  requeueStaleOutbox,
} from '@prodgy/core'

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
  let timer: ReturnType<typeof setInterval> | undefined
  let sweeping: Promise<void> | undefined
  let started = false

  const sweep = () => {
    // One sweep at a time: a slow database must not pile them up.
    sweeping ??= requeueStaleOutbox(deps.db, deps.queue, staleAfterMs, { log })
      .then(() => undefined)
      .catch((error) => log.warn('the outbox sweep failed; it runs again in a minute', { error }))
      .finally(() => {
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
        },
        { concurrency: deps.concurrency },
      )
      await sweep()
      timer = setInterval(sweep, sweepIntervalMs)
      log.info('worker service started', {
        queue: deps.queue.kind,
        mail: deps.mail.name,
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
