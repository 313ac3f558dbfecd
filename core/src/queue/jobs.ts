/**
 * Every background job the platform runs, declared once: its name, the zod schema of its payload and its
 * default retry policy. A queue message carries ids, never the state itself: the database row is the truth
 * and the handler reads it, so a retried or duplicated job re-checks that row instead of trusting the queue.
 *
 * Adding a job: declare it with `defineJob` below and list it in `jobs`. Payload schemas describe JSON
 * (no transforms, dates as ISO strings): the payload crosses Redis as JSON and is parsed again before the
 * handler runs.
 */
import { z } from 'zod'

export interface JobBackoff {
  /** `exponential` waits `delayMs * 2^(failures - 1)` before the next attempt; `fixed` always `delayMs`. */
  type: 'exponential' | 'fixed'
  delayMs: number
}

export interface JobPolicy {
  /** Total tries, the first one included. */
  attempts: number
  backoff: JobBackoff
  /** One attempt that runs longer fails (and is retried); its handler's `signal` is aborted. */
  timeoutMs: number
}

export interface JobDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly name: Name
  readonly schema: Schema
  readonly policy: JobPolicy
}

/** A set of job definitions keyed by name. Adapters take one; the platform's is `jobs`. */
export type JobRegistry = { readonly [name: string]: JobDefinition }

export type JobNameOf<R extends JobRegistry> = keyof R & string
/** What a caller passes to `enqueue`. */
export type JobInputOf<R extends JobRegistry, N extends JobNameOf<R>> = z.input<R[N]['schema']>
/** What a handler receives, after validation. */
export type JobPayloadOf<R extends JobRegistry, N extends JobNameOf<R>> = z.output<R[N]['schema']>

const JOB_NAME = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/

export function defineJob<const Name extends string, Schema extends z.ZodType>(
  name: Name,
  schema: Schema,
  policy: JobPolicy,
): JobDefinition<Name, Schema> {
  // Names become Redis key segments, so they stay short, lowercase and colon-free.
  if (!JOB_NAME.test(name)) throw new Error(`Job name "${name}" must look like "area.action" (lowercase, dotted).`)
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new Error(`Job ${name}: attempts must be >= 1.`)
  if (!(policy.backoff.delayMs >= 0)) throw new Error(`Job ${name}: backoff.delayMs must be >= 0.`)
  if (!(policy.timeoutMs > 0)) throw new Error(`Job ${name}: timeoutMs must be > 0.`)
  return Object.freeze({ name, schema, policy: Object.freeze({ ...policy, backoff: { ...policy.backoff } }) })
}

/** Builds a registry keyed by each definition's name, so the name is written once. */
export function defineJobRegistry<const D extends readonly JobDefinition[]>(
  ...definitions: D
): { readonly [K in D[number] as K['name']]: K } {
  const registry: Record<string, JobDefinition> = {}
  for (const definition of definitions) {
    if (registry[definition.name]) throw new Error(`Job ${definition.name} is defined twice.`)
    registry[definition.name] = definition
  }
  return Object.freeze(registry) as { readonly [K in D[number] as K['name']]: K }
}

/** Sends one `mail_outbox` row. Five tries over about a minute ride out a short SMTP outage. */
export const emailSendJob = defineJob('email.send', z.object({ outboxId: z.uuid() }), {
  attempts: 5,
  backoff: { type: 'exponential', delayMs: 4_000 },
  timeoutMs: 60_000,
})

/**
 * Runs a document through the pipeline (store → parse → chunk → embed → index). The document row holds the state;
 * a retry starts over from the stored file, and every step is idempotent for its document.
 */
export const knowledgeIngestJob = defineJob('knowledge.ingest', z.object({ documentId: z.uuid() }), {
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 5_000 },
  timeoutMs: 15 * 60_000,
})

/** Embeds again the chunks of an organization whose embedding model changed (or that had none). */
export const knowledgeReembedJob = defineJob('knowledge.reembed', z.object({ organizationId: z.uuid() }), {
  attempts: 5,
  backoff: { type: 'exponential', delayMs: 10_000 },
  timeoutMs: 60 * 60_000,
})

export const jobs = defineJobRegistry(emailSendJob, knowledgeIngestJob, knowledgeReembedJob)

export type Jobs = typeof jobs
export type JobName = JobNameOf<Jobs>
export type JobPayload<N extends JobName> = JobPayloadOf<Jobs, N>

/** Job names as constants, for call sites that prefer not to repeat the string. */
export const JOB = { emailSend: emailSendJob.name } as const

/** The wait before retry number `failures` (1 = after the first failure). */
export function backoffDelayMs(backoff: JobBackoff, failures: number): number {
  if (backoff.type === 'fixed') return backoff.delayMs
  return backoff.delayMs * 2 ** Math.max(0, failures - 1)
}
