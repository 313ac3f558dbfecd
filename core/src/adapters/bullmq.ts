/**
 * The queue port on BullMQ and Redis (ioredis), for services that scale out.
 *
 * One BullMQ queue per job name, not one queue with named jobs: a backlog of slow jobs (document
 * ingestion) then never delays quick ones (a password-reset email), each name gets its own worker and
 * concurrency, and `stats` or a Redis browser shows the backlog per kind of work. All the queues share one
 * producer connection; the workers share one connection plus the blocking one BullMQ opens per worker.
 *
 * Redis must not grow without end (peers' queues filled Redis until it ran out of memory): every job is
 * added with `removeOnComplete` and `removeOnFail` bounded by age and count, and the events stream is
 * capped. Every wait is bounded: an enqueue that Redis does not take within `enqueueTimeoutMs` fails with
 * `UnavailableError` (it may still land later if Redis comes back at that moment: handlers are idempotent).
 */
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { AppError, UnavailableError, withTimeout } from '../errors.ts'
import { type Logger, redactText } from '../log.ts'
import { type JobDefinition, type JobRegistry, type Jobs, jobs as platformJobs } from '../queue/jobs.ts'
import type { JobHandler, JobHandlers, QueuePort, QueueStats, WorkOptions } from '../queue/queue-port.ts'
import { checkEnqueue, parseStoredPayload, runAttempt } from '../queue/run-job.ts'

export interface Retention {
  /** Finished jobs older than this are removed when a later job of the same name finishes. */
  ageSeconds: number
  /** At most this many finished jobs are kept per job name. */
  count: number
}

export interface BullmqQueueOptions<R extends JobRegistry> {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` */
  url: string
  /** Namespaces every key, so several installations (or test runs) can share one Redis. */
  prefix?: string
  log: Logger
  /** The job definitions; the platform's `jobs` by default (tests pass their own). */
  jobs?: R
  /** How long `enqueue` waits for Redis before failing with `UnavailableError`. */
  enqueueTimeoutMs?: number
  /** Kept for inspection and `jobId` deduplication: a day of completed jobs, a week of failed ones by default. */
  keepCompleted?: Retention
  keepFailed?: Retention
}

const DEFAULT_KEEP_COMPLETED: Retention = { ageSeconds: 24 * 3600, count: 1000 }
const DEFAULT_KEEP_FAILED: Retention = { ageSeconds: 7 * 24 * 3600, count: 5000 }
const CONNECT_TIMEOUT_MS = 5_000
/** A Redis error repeats on every reconnect attempt; one line per source in this window is enough. */
const ERROR_LOG_INTERVAL_MS = 30_000

export function createBullmqQueue<R extends JobRegistry = Jobs>(options: BullmqQueueOptions<R>): QueuePort<R> {
  const registry: JobRegistry = options.jobs ?? platformJobs
  const prefix = options.prefix ?? 'prodgy'
  const log = options.log.child({ queue: 'bullmq', prefix })
  const enqueueTimeoutMs = options.enqueueTimeoutMs ?? 3_000
  const keepCompleted = options.keepCompleted ?? DEFAULT_KEEP_COMPLETED
  const keepFailed = options.keepFailed ?? DEFAULT_KEEP_FAILED

  const lastErrorAt = new Map<string, number>()
  const reportError = (source: string) => (error: Error) => {
    const now = Date.now()
    if (now - (lastErrorAt.get(source) ?? 0) < ERROR_LOG_INTERVAL_MS) return
    lastErrorAt.set(source, now)
    log.error('Redis error in the job queue', { source, error: redactText(error.message) })
  }

  const connectionOptions: RedisOptions = { connectTimeout: CONNECT_TIMEOUT_MS }
  // A producer command issued while Redis is away fails after two reconnect attempts instead of waiting
  // in ioredis' offline queue for as long as the outage lasts.
  const producer = new Redis(options.url, { ...connectionOptions, maxRetriesPerRequest: 2 })
  producer.on('error', reportError('producer'))

  const queues = new Map<string, Queue>()
  for (const name of Object.keys(registry)) {
    const queue = new Queue(name, { connection: producer, prefix, streams: { events: { maxLen: 1000 } } })
    queue.on('error', reportError(`queue ${name}`))
    queues.set(name, queue)
  }

  let workerConnection: Redis | undefined
  const workers: Worker[] = []
  const activeCancels = new Set<AbortController>()
  let closing = false
  let closed: Promise<void> | undefined

  const processorFor = (definition: JobDefinition, handler: JobHandler<unknown>) => {
    // Three parameters: BullMQ passes its cancellation signal only to processors that declare it.
    return async (job: Job, _token?: string, signal?: AbortSignal) => {
      const jobId = String(job.id)
      const parsed = parseStoredPayload(definition, job.data)
      if (!parsed.ok) {
        log.error('job failed without retry: its payload is invalid', {
          job: definition.name,
          jobId,
          reason: parsed.reason,
        })
        throw new UnrecoverableError(parsed.reason)
      }
      const attempt = job.attemptsMade + 1
      const cancel = new AbortController()
      const onSignal = () => cancel.abort(signal?.reason)
      signal?.addEventListener('abort', onSignal, { once: true })
      activeCancels.add(cancel)
      try {
        await runAttempt({ definition, handler, payload: parsed.payload, jobId, attempt, log, cancel: cancel.signal })
      } catch (error) {
        const fields = { job: definition.name, jobId, attempt, error }
        if (attempt >= (job.opts.attempts ?? 1)) log.error('job failed after its last attempt', fields)
        else log.warn('job failed; it will be retried', fields)
        throw error instanceof Error ? error : new Error(String(error))
      } finally {
        activeCancels.delete(cancel)
        signal?.removeEventListener('abort', onSignal)
      }
    }
  }

  const closeQuietly = async (what: string, fn: () => Promise<unknown>, timeoutMs: number) => {
    try {
      await withTimeout(fn(), timeoutMs, what)
    } catch (error) {
      log.warn('closing did not finish cleanly', { what, error })
    }
  }

  const quitConnection = async (connection: Redis) => {
    if (connection.status === 'end') return
    try {
      await withTimeout(connection.quit(), 1_000, 'Redis QUIT')
    } catch {
      connection.disconnect()
    }
  }

  return {
    kind: 'bullmq',

    async enqueue(name, payload, enqueueOptions) {
      const checked = checkEnqueue(registry, name, payload, enqueueOptions)
      const queue = queues.get(name)
      if (closing || !queue) throw new UnavailableError('The job queue is closed.', 'queue_closed')
      const { policy } = checked.definition
      try {
        const job = await withTimeout(
          queue.add(name, checked.data, {
            jobId: checked.jobId,
            delay: checked.delayMs,
            attempts: policy.attempts,
            backoff: { type: policy.backoff.type, delay: policy.backoff.delayMs },
            removeOnComplete: { age: keepCompleted.ageSeconds, count: keepCompleted.count },
            removeOnFail: { age: keepFailed.ageSeconds, count: keepFailed.count },
          }),
          enqueueTimeoutMs,
          'Redis (the job queue)',
        )
        return String(job.id)
      } catch (error) {
        if (error instanceof AppError) throw error
        throw new UnavailableError(
          `The job queue (Redis) did not accept job ${name}: ${redactText(error instanceof Error ? error.message : String(error))}`,
        )
      }
    },

    async work(given: JobHandlers<R>, workOptions: WorkOptions<R>) {
      if (workerConnection) throw new Error('work() was already called on this queue.')
      if (closing) throw new UnavailableError('The job queue is closed.', 'queue_closed')
      const byName = given as Record<string, JobHandler<unknown> | undefined>
      const overrides = (workOptions.concurrencyByJob ?? {}) as Record<string, number | undefined>
      const selected: Array<[JobDefinition, JobHandler<unknown>]> = []
      for (const [name, handler] of Object.entries(byName)) {
        const definition = Object.hasOwn(registry, name) ? registry[name] : undefined
        if (!definition) throw new Error(`There is no job named "${name}" to handle.`)
        if (handler) selected.push([definition, handler])
      }
      // BullMQ requires `maxRetriesPerRequest: null` on worker connections: a blocking fetch must survive
      // reconnects instead of failing after a fixed number of retries.
      workerConnection = new Redis(options.url, { ...connectionOptions, maxRetriesPerRequest: null })
      workerConnection.on('error', reportError('worker connection'))
      for (const [definition, handler] of selected) {
        const worker = new Worker(definition.name, processorFor(definition, handler), {
          connection: workerConnection,
          prefix,
          concurrency: Math.max(1, Math.floor(overrides[definition.name] ?? workOptions.concurrency)),
          autorun: true,
        })
        worker.on('error', reportError(`worker ${definition.name}`))
        workers.push(worker)
      }
      try {
        await withTimeout(
          Promise.all(workers.map((w) => w.waitUntilReady())),
          CONNECT_TIMEOUT_MS,
          'Redis (job workers)',
        )
      } catch (error) {
        // The workers keep reconnecting on their own; `/health/ready` reports the outage meanwhile.
        log.warn('job workers are waiting for Redis', { error })
      }
    },

    async stats(): Promise<QueueStats> {
      const counts = await withTimeout(
        Promise.all(
          [...queues.values()].map((q) =>
            q.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'),
          ),
        ),
        enqueueTimeoutMs,
        'Redis (job counts)',
      )
      const stats: QueueStats = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 }
      for (const c of counts) {
        stats.waiting += (c.waiting ?? 0) + (c.prioritized ?? 0)
        stats.active += c.active ?? 0
        stats.completed += c.completed ?? 0
        stats.failed += c.failed ?? 0
        stats.delayed += c.delayed ?? 0
      }
      return stats
    },

    async ping(timeoutMs: number) {
      if (closing) return false
      try {
        return (await withTimeout(producer.ping(), timeoutMs, 'Redis')) === 'PONG'
      } catch {
        return false
      }
    },

    close(closeOptions?: { timeoutMs?: number }) {
      if (closed) return closed
      closing = true
      closed = (async () => {
        const timeoutMs = closeOptions?.timeoutMs ?? 10_000
        if (workers.length > 0) {
          // Worker.close stops fetching and waits for the active jobs.
          const workersClosed = Promise.all(workers.map((w) => w.close()))
          try {
            await withTimeout(workersClosed, timeoutMs, 'Active jobs')
          } catch {
            workersClosed.catch(() => undefined)
            log.warn('closing without waiting any longer for active jobs', { active: activeCancels.size, timeoutMs })
            // Their locks expire and BullMQ's stalled-job check hands them to another worker.
            for (const cancel of activeCancels) cancel.abort(new UnavailableError('The job queue is shutting down.'))
            await closeQuietly('job workers', () => Promise.all(workers.map((w) => w.disconnect())), 2_000)
          }
        }
        await closeQuietly('queues', () => Promise.all([...queues.values()].map((q) => q.close())), 2_000)
        await Promise.all([producer, workerConnection].flatMap((c) => (c ? [quitConnection(c)] : [])))
      })()
      return closed
    },
  }
}
