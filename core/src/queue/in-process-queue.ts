/**
 * The queue for the embedded one-process mode (`npm start` with no Redis): jobs live in memory and run
 * in this process, with the same retries, backoff, delays, per-name concurrency and timeouts as BullMQ.
 * Runtime-neutral: timers and web standards only.
 *
 * Memory stays bounded by the work itself: finished jobs are forgotten beyond `keepCompleted` and
 * `keepFailed`. Jobs that have not started when the queue closes are dropped with the process, as a
 * crash would drop them; the database is the truth, and sweepers such as `requeueStaleOutbox` enqueue
 * again whatever a row says is still pending.
 */
import { UnavailableError } from '../errors.ts'
import type { Logger } from '../log.ts'
import { backoffDelayMs, type JobDefinition, type JobRegistry, type Jobs, jobs as platformJobs } from './jobs.ts'
import type { EnqueueOptions, JobHandler, JobHandlers, QueuePort, QueueStats, WorkOptions } from './queue-port.ts'
import { checkEnqueue, parseStoredPayload, runAttempt } from './run-job.ts'

export interface InProcessQueueOptions<R extends JobRegistry> {
  log: Logger
  /** The job definitions; the platform's `jobs` by default (tests pass their own). */
  jobs?: R
  /** Finished jobs remembered for `stats` and `jobId` deduplication. */
  keepCompleted?: number
  keepFailed?: number
}

type State = 'waiting' | 'delayed' | 'active'

interface Entry {
  id: string
  definition: JobDefinition
  data: unknown
  failures: number
  state: State
  timer?: ReturnType<typeof setTimeout>
  cancel?: AbortController
}

/** A FIFO without `Array.shift`, whose cost grows with the backlog. */
class Fifo<T> {
  private items: T[] = []
  private head = 0
  get size(): number {
    return this.items.length - this.head
  }
  push(item: T): void {
    this.items.push(item)
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head] as T
    this.head++
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }
}

/** Insertion-ordered ids that forget the oldest beyond `limit`. */
class BoundedIds {
  private readonly ids = new Set<string>()
  constructor(private readonly limit: number) {}
  get size(): number {
    return this.ids.size
  }
  has(id: string): boolean {
    return this.ids.has(id)
  }
  add(id: string): void {
    this.ids.add(id)
    while (this.ids.size > this.limit) {
      const oldest = this.ids.values().next().value as string
      this.ids.delete(oldest)
    }
  }
}

export function createInProcessQueue<R extends JobRegistry = Jobs>(options: InProcessQueueOptions<R>): QueuePort<R> {
  const registry: JobRegistry = options.jobs ?? platformJobs
  const log = options.log.child({ queue: 'in-process' })
  const live = new Map<string, Entry>()
  const waiting = new Map<string, Fifo<Entry>>()
  const activeCount = new Map<string, number>()
  const running = new Set<Promise<void>>()
  const completed = new BoundedIds(options.keepCompleted ?? 1000)
  const failed = new BoundedIds(options.keepFailed ?? 1000)
  let handlers: Record<string, JobHandler<unknown> | undefined> | undefined
  let limits: Record<string, number> = {}
  let closing = false
  let closed: Promise<void> | undefined

  const fifo = (name: string) => {
    let queue = waiting.get(name)
    if (!queue) {
      queue = new Fifo<Entry>()
      waiting.set(name, queue)
    }
    return queue
  }

  const makeWaiting = (entry: Entry) => {
    entry.state = 'waiting'
    entry.timer = undefined
    fifo(entry.definition.name).push(entry)
    pump(entry.definition.name)
  }

  const schedule = (entry: Entry, delayMs: number) => {
    if (delayMs <= 0) return makeWaiting(entry)
    entry.state = 'delayed'
    entry.timer = setTimeout(() => makeWaiting(entry), delayMs)
  }

  const finish = (entry: Entry, outcome: 'completed' | 'failed') => {
    live.delete(entry.id)
    if (outcome === 'completed') completed.add(entry.id)
    else failed.add(entry.id)
  }

  const execute = async (entry: Entry, handler: JobHandler<unknown>) => {
    const { definition } = entry
    const parsed = parseStoredPayload(definition, entry.data)
    if (!parsed.ok) {
      log.error('job failed without retry: its payload is invalid', {
        job: definition.name,
        jobId: entry.id,
        reason: parsed.reason,
      })
      return finish(entry, 'failed')
    }
    const attempt = entry.failures + 1
    entry.cancel = new AbortController()
    try {
      await runAttempt({
        definition,
        handler,
        payload: parsed.payload,
        jobId: entry.id,
        attempt,
        log,
        cancel: entry.cancel.signal,
      })
      finish(entry, 'completed')
    } catch (error) {
      entry.failures = attempt
      const fields = { job: definition.name, jobId: entry.id, attempt, error }
      if (attempt >= definition.policy.attempts) {
        log.error('job failed after its last attempt', fields)
        finish(entry, 'failed')
      } else if (closing) {
        // Nobody will run the retry; the database sweepers pick the work up after a restart.
        log.warn('job failed while the queue was closing; its retry is dropped', fields)
        live.delete(entry.id)
      } else {
        const delayMs = backoffDelayMs(definition.policy.backoff, attempt)
        log.warn('job failed; it will be retried', { ...fields, retryInMs: delayMs })
        schedule(entry, delayMs)
      }
    } finally {
      entry.cancel = undefined
    }
  }

  function pump(name: string) {
    const handler = handlers?.[name]
    if (!handler || closing) return
    const limit = limits[name] ?? 1
    const queue = fifo(name)
    while ((activeCount.get(name) ?? 0) < limit) {
      const entry = queue.shift()
      if (!entry) return
      entry.state = 'active'
      activeCount.set(name, (activeCount.get(name) ?? 0) + 1)
      const run: Promise<void> = execute(entry, handler).finally(() => {
        running.delete(run)
        activeCount.set(name, (activeCount.get(name) ?? 1) - 1)
        pump(name)
      })
      running.add(run)
    }
  }

  return {
    kind: 'in-process',

    async enqueue(name, payload, enqueueOptions?: EnqueueOptions) {
      const checked = checkEnqueue(registry, name, payload, enqueueOptions)
      if (closing) throw new UnavailableError('The job queue is closed.', 'queue_closed')
      const id = checked.jobId ?? crypto.randomUUID()
      if (live.has(id) || completed.has(id) || failed.has(id)) return id
      const entry: Entry = { id, definition: checked.definition, data: checked.data, failures: 0, state: 'waiting' }
      live.set(id, entry)
      schedule(entry, checked.delayMs)
      return id
    },

    async work(given: JobHandlers<R>, workOptions: WorkOptions<R>) {
      if (handlers) throw new Error('work() was already called on this queue.')
      if (closing) throw new UnavailableError('The job queue is closed.', 'queue_closed')
      const byName = given as Record<string, JobHandler<unknown> | undefined>
      for (const name of Object.keys(byName)) {
        if (!Object.hasOwn(registry, name)) throw new Error(`There is no job named "${name}" to handle.`)
      }
      const overrides = (workOptions.concurrencyByJob ?? {}) as Record<string, number | undefined>
      limits = {}
      for (const name of Object.keys(registry)) {
        limits[name] = Math.max(1, Math.floor(overrides[name] ?? workOptions.concurrency))
      }
      handlers = { ...byName }
      for (const name of Object.keys(handlers)) pump(name)
    },

    async stats(): Promise<QueueStats> {
      const stats: QueueStats = { waiting: 0, active: 0, completed: completed.size, failed: failed.size, delayed: 0 }
      for (const entry of live.values()) stats[entry.state]++
      return stats
    },

    async ping() {
      return !closing
    },

    close(closeOptions?: { timeoutMs?: number }) {
      if (closed) return closed
      closing = true
      closed = (async () => {
        for (const entry of live.values()) {
          if (entry.state === 'active') continue
          clearTimeout(entry.timer)
          live.delete(entry.id)
        }
        const timeoutMs = closeOptions?.timeoutMs ?? 10_000
        let timer: ReturnType<typeof setTimeout> | undefined
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs)
        })
        const outcome = await Promise.race([Promise.allSettled([...running]).then(() => 'done' as const), timedOut])
        clearTimeout(timer)
        if (outcome === 'timeout') {
          log.warn('closing without waiting any longer for active jobs', { active: running.size, timeoutMs })
          for (const entry of live.values())
            entry.cancel?.abort(new UnavailableError('The job queue is shutting down.'))
        }
      })()
      return closed
    },
  }
}
