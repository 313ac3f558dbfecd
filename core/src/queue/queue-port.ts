/**
 * The queue port: background jobs with retries, delays and bounded concurrency. Two adapters implement it
 * and pass one contract suite (`queue.contract.ts`): the in-process queue for the one-process embedded mode,
 * and BullMQ on Redis when services scale out.
 *
 * Delivery is at least once: a job may run twice (a worker dies mid-job, an enqueue that timed out still
 * lands), so handlers re-check the database row their payload points to and make their effect idempotent.
 */
import type { Logger } from '../log.ts'
import type { JobInputOf, JobNameOf, JobPayloadOf, JobRegistry, Jobs } from './jobs.ts'

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number
  /**
   * Deduplicates: while a job with this id is still known (waiting, delayed, active, or kept after it
   * finished), enqueueing it again returns the same id and adds nothing. Letters, digits, `.`, `_`, `-`.
   */
  jobId?: string
}

export interface JobContext {
  jobId: string
  /** 1 on the first try. */
  attempt: number
  /** The job's total tries, so a handler knows when `attempt` is the last one. */
  maxAttempts: number
  /** Bound to the job's name, id and attempt. */
  log: Logger
  /** Aborted when the attempt passes the job's `timeoutMs`, or when shutdown stops waiting for it. */
  signal: AbortSignal
}

export type JobHandler<Payload> = (payload: Payload, ctx: JobContext) => Promise<void>

export type JobHandlers<R extends JobRegistry = Jobs> = {
  [N in JobNameOf<R>]?: JobHandler<JobPayloadOf<R, N>>
}

export interface WorkOptions<R extends JobRegistry = Jobs> {
  /** How many jobs of one name run at the same time in this process. */
  concurrency: number
  /** Overrides `concurrency` for some job names (heavy work such as ingestion runs fewer at once). */
  concurrencyByJob?: { [N in JobNameOf<R>]?: number }
}

/**
 * Jobs per state, summed over every job name. `completed` and `failed` count the finished jobs still kept
 * (both adapters keep a bounded number), not every job ever run.
 */
export interface QueueStats {
  waiting: number
  active: number
  completed: number
  failed: number
  delayed: number
}

export interface QueuePort<R extends JobRegistry = Jobs> {
  /** `in-process` or `bullmq`, for logs and `/health`. */
  readonly kind: string
  /**
   * Validates the payload against the job's schema (`ValidationError` when it does not match) and stores
   * the job; resolves with its id. Fails with `UnavailableError` within a few seconds when the queue's
   * backend cannot be reached or the queue is closed.
   */
  enqueue<N extends JobNameOf<R>>(name: N, payload: JobInputOf<R, N>, options?: EnqueueOptions): Promise<string>
  /**
   * Starts consuming the jobs that have a handler. Call it once per queue instance. A payload that no
   * longer matches its schema fails the job at once (no retries) with a logged reason.
   */
  work(handlers: JobHandlers<R>, options: WorkOptions<R>): Promise<void>
  stats(): Promise<QueueStats>
  /** True when the backend answers within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>
  /**
   * Stops taking jobs, waits up to `timeoutMs` for the active ones, then aborts their signals and lets
   * go. Later `enqueue` calls fail with `UnavailableError`. Safe to call twice.
   */
  close(options?: { timeoutMs?: number }): Promise<void>
}

/** Job ids become Redis key segments: no colons, and BullMQ refuses ids that are plain integers. */
const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/

export function isValidJobId(id: string): boolean {
  return JOB_ID.test(id) && !/^\d+$/.test(id)
}
