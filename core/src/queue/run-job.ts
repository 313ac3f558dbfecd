/**
 * The parts of running a job that both adapters share, so they validate and time out identically:
 * checking an enqueue, parsing a payload again before its handler, and running one attempt under the
 * job's timeout with an abort signal.
 */
import type { z } from 'zod'
import { AppError, fieldErrors, ValidationError } from '../errors.ts'
import type { Logger } from '../log.ts'
import type { JobDefinition, JobRegistry } from './jobs.ts'
import { type EnqueueOptions, isValidJobId, type JobContext, type JobHandler } from './queue-port.ts'

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'payload'}: ${i.message}`).join('; ')
}

export interface CheckedEnqueue {
  definition: JobDefinition
  /** The validated payload as plain JSON, the form both adapters store. */
  data: unknown
  delayMs: number
  jobId: string | undefined
}

/** Validates an enqueue call; throws `ValidationError` naming what is wrong. */
export function checkEnqueue(
  registry: JobRegistry,
  name: string,
  payload: unknown,
  options: EnqueueOptions | undefined,
): CheckedEnqueue {
  const definition = Object.hasOwn(registry, name) ? registry[name] : undefined
  if (!definition) throw new ValidationError(`There is no job named "${name}".`)
  const parsed = definition.schema.safeParse(payload)
  if (!parsed.success) {
    throw new ValidationError(
      `The payload of job ${name} is invalid: ${describeIssues(parsed.error)}.`,
      fieldErrors(parsed.error.issues, '(payload)'),
    )
  }
  const delayMs = options?.delayMs ?? 0
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new ValidationError('delayMs must be a number >= 0.')
  const jobId = options?.jobId
  if (jobId !== undefined && !isValidJobId(jobId)) {
    throw new ValidationError('jobId must be 1-200 letters, digits, ".", "_" or "-", and not only digits.')
  }
  // A JSON round trip here makes the in-process queue hand handlers exactly what BullMQ would.
  return { definition, data: JSON.parse(JSON.stringify(parsed.data)), delayMs: Math.floor(delayMs), jobId }
}

export type ParsedPayload = { ok: true; payload: unknown } | { ok: false; reason: string }

/** Parses a stored payload again before its handler runs (it may predate a schema change). */
export function parseStoredPayload(definition: JobDefinition, data: unknown): ParsedPayload {
  const parsed = definition.schema.safeParse(data)
  if (parsed.success) return { ok: true, payload: parsed.data }
  return { ok: false, reason: `The payload of job ${definition.name} is invalid: ${describeIssues(parsed.error)}.` }
}

export class JobTimeoutError extends AppError {
  constructor(name: string, timeoutMs: number) {
    super('job_timeout', `Job ${name} ran longer than its ${timeoutMs} ms limit.`, 504)
    this.name = 'JobTimeoutError'
  }
}

export interface AttemptInput {
  definition: JobDefinition
  handler: JobHandler<unknown>
  payload: unknown
  jobId: string
  attempt: number
  log: Logger
  /** Aborted by the adapter when shutdown stops waiting; linked to the handler's signal. */
  cancel?: AbortSignal
}

/** Runs one attempt; rejects with the handler's error or `JobTimeoutError`. */
export async function runAttempt(input: AttemptInput): Promise<void> {
  const { definition } = input
  const controller = new AbortController()
  const onCancel = () => controller.abort(input.cancel?.reason)
  if (input.cancel?.aborted) onCancel()
  input.cancel?.addEventListener('abort', onCancel, { once: true })
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new JobTimeoutError(definition.name, definition.policy.timeoutMs)
      controller.abort(error)
      reject(error)
    }, definition.policy.timeoutMs)
  })
  const ctx: JobContext = {
    jobId: input.jobId,
    attempt: input.attempt,
    maxAttempts: definition.policy.attempts,
    log: input.log.child({ job: definition.name, jobId: input.jobId, attempt: input.attempt }),
    signal: controller.signal,
  }
  try {
    await Promise.race([Promise.resolve().then(() => input.handler(input.payload, ctx)), timeout])
  } finally {
    clearTimeout(timer)
    input.cancel?.removeEventListener('abort', onCancel)
  }
}
