/**
 * The behaviour every queue adapter must show, run by `queue.test.ts` against the in-process queue and
 * against BullMQ on a real Redis. A new adapter starts by passing this suite.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { UnavailableError, ValidationError } from '../errors.ts'
import { defineJob, defineJobRegistry } from './jobs.ts'
import type { JobContext, QueuePort } from './queue-port.ts'

/** Short backoffs and timeouts so the suite runs in seconds. */
export const contractJobs = defineJobRegistry(
  defineJob('test.echo', z.object({ value: z.string(), count: z.number().int().optional() }), {
    attempts: 1,
    backoff: { type: 'fixed', delayMs: 0 },
    timeoutMs: 5_000,
  }),
  defineJob('test.flaky', z.object({ failTimes: z.number().int() }), {
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 150 },
    timeoutMs: 5_000,
  }),
  defineJob('test.slow', z.object({ label: z.string(), ms: z.number().int() }), {
    attempts: 1,
    backoff: { type: 'fixed', delayMs: 0 },
    timeoutMs: 10_000,
  }),
  defineJob('test.hang', z.object({}), { attempts: 1, backoff: { type: 'fixed', delayMs: 0 }, timeoutMs: 200 }),
)

export type ContractJobs = typeof contractJobs

export interface QueueContractTarget {
  name: string
  /** A reason to skip (the backend is not available), or false. */
  skip: string | false
  /** A new queue over `contractJobs`, isolated from queues made by other calls. */
  create(): Promise<QueuePort<ContractJobs>>
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** Creates a queue, hands it to `fn`, and always closes it. */
async function withQueue(target: QueueContractTarget, fn: (queue: QueuePort<ContractJobs>) => Promise<void>) {
  const queue = await target.create()
  try {
    await fn(queue)
  } finally {
    await queue.close({ timeoutMs: 2_000 })
  }
}

export function queueContract(target: QueueContractTarget): void {
  describe(`queue contract on ${target.name}`, { skip: target.skip }, () => {
    it('runs a job with its payload and context', async () => {
      await withQueue(target, async (queue) => {
        const seen: Array<{ payload: unknown; ctx: JobContext }> = []
        await queue.work(
          {
            'test.echo': async (payload, ctx) => {
              seen.push({ payload, ctx })
            },
          },
          { concurrency: 1 },
        )
        const id = await queue.enqueue('test.echo', { value: 'hello', count: 3 })
        await waitFor('the job to run', () => seen.length === 1)
        assert.deepEqual(seen[0]?.payload, { value: 'hello', count: 3 })
        assert.equal(seen[0]?.ctx.jobId, id)
        assert.equal(seen[0]?.ctx.attempt, 1)
        assert.equal(seen[0]?.ctx.maxAttempts, 1)
        assert.equal(seen[0]?.ctx.signal.aborted, false)
        await waitFor('the job to count as completed', async () => (await queue.stats()).completed === 1)
      })
    })

    it('rejects an invalid payload, an unknown job and a bad job id when enqueueing', async () => {
      await withQueue(target, async (queue) => {
        await assert.rejects(queue.enqueue('test.echo', { value: 42 } as never), (error: unknown) => {
          assert.ok(error instanceof ValidationError)
          assert.match(error.message, /test\.echo/)
          assert.deepEqual(Object.keys((error.details?.fields ?? {}) as object), ['value'])
          return true
        })
        await assert.rejects(queue.enqueue('test.nope' as never, {} as never), ValidationError)
        await assert.rejects(queue.enqueue('test.echo', { value: 'x' }, { jobId: 'a:b' }), ValidationError)
        await assert.rejects(queue.enqueue('test.echo', { value: 'x' }, { jobId: '123' }), ValidationError)
        await assert.rejects(queue.enqueue('test.echo', { value: 'x' }, { delayMs: -1 }), ValidationError)
        const stats = await queue.stats()
        assert.equal(stats.waiting + stats.delayed + stats.active, 0)
      })
    })

    it('retries a failing job with exponential backoff until it succeeds', async () => {
      await withQueue(target, async (queue) => {
        const attempts: Array<{ attempt: number; at: number }> = []
        let succeeded = false
        await queue.work(
          {
            'test.flaky': async (payload, ctx) => {
              attempts.push({ attempt: ctx.attempt, at: Date.now() })
              if (ctx.attempt <= payload.failTimes) throw new Error(`planned failure ${ctx.attempt}`)
              succeeded = true
            },
          },
          { concurrency: 1 },
        )
        await queue.enqueue('test.flaky', { failTimes: 2 })
        await waitFor('the third attempt to succeed', () => succeeded)
        assert.deepEqual(
          attempts.map((a) => a.attempt),
          [1, 2, 3],
        )
        const [first, second, third] = attempts.map((a) => a.at) as [number, number, number]
        // 150 ms after the first failure, 300 ms after the second (a little slack for timer granularity).
        assert.ok(second - first >= 140, `first retry waited ${second - first} ms`)
        assert.ok(third - second >= 290, `second retry waited ${third - second} ms`)
        await waitFor('the job to count as completed', async () => (await queue.stats()).completed === 1)
        assert.equal((await queue.stats()).failed, 0)
      })
    })

    it('ends a job that always fails as failed after its attempts', async () => {
      await withQueue(target, async (queue) => {
        let calls = 0
        await queue.work(
          {
            'test.flaky': async () => {
              calls++
              throw new Error('always broken')
            },
          },
          { concurrency: 1 },
        )
        await queue.enqueue('test.flaky', { failTimes: 99 })
        await waitFor('the job to count as failed', async () => (await queue.stats()).failed === 1)
        await sleep(400)
        assert.equal(calls, 3)
        assert.deepEqual(await queue.stats(), { waiting: 0, active: 0, completed: 0, failed: 1, delayed: 0 })
      })
    })

    it('fails an attempt that passes its timeout and aborts its signal', async () => {
      await withQueue(target, async (queue) => {
        let aborted: unknown
        await queue.work(
          {
            'test.hang': (_payload, ctx) =>
              new Promise<void>((resolve) => {
                ctx.signal.addEventListener('abort', () => {
                  aborted = ctx.signal.reason
                  resolve()
                })
              }),
          },
          { concurrency: 1 },
        )
        await queue.enqueue('test.hang', {})
        await waitFor('the job to count as failed', async () => (await queue.stats()).failed === 1)
        assert.ok(aborted instanceof Error)
        assert.match(aborted.message, /test\.hang ran longer than its 200 ms limit/)
      })
    })

    it('runs a delayed job no earlier than its delay', async () => {
      await withQueue(target, async (queue) => {
        let ranAt = 0
        await queue.work(
          {
            'test.echo': async () => {
              ranAt = Date.now()
            },
          },
          { concurrency: 1 },
        )
        const enqueuedAt = Date.now()
        await queue.enqueue('test.echo', { value: 'later' }, { delayMs: 500 })
        assert.equal((await queue.stats()).delayed, 1)
        await waitFor('the delayed job to run', () => ranAt > 0)
        assert.ok(ranAt - enqueuedAt >= 490, `ran after ${ranAt - enqueuedAt} ms`)
      })
    })

    it('adds a job with a known job id only once', async () => {
      await withQueue(target, async (queue) => {
        const first = await queue.enqueue('test.echo', { value: 'a' }, { jobId: 'dedupe-me', delayMs: 60_000 })
        const second = await queue.enqueue('test.echo', { value: 'b' }, { jobId: 'dedupe-me', delayMs: 60_000 })
        assert.equal(first, 'dedupe-me')
        assert.equal(second, 'dedupe-me')
        assert.equal((await queue.stats()).delayed, 1)
      })
    })

    it('never runs more jobs of one name at once than the concurrency', async () => {
      await withQueue(target, async (queue) => {
        let running = 0
        let peak = 0
        let done = 0
        await queue.work(
          {
            'test.slow': async (payload) => {
              running++
              peak = Math.max(peak, running)
              await sleep(payload.ms)
              running--
              done++
            },
          },
          { concurrency: 2 },
        )
        await Promise.all(Array.from({ length: 6 }, (_, i) => queue.enqueue('test.slow', { label: `j${i}`, ms: 150 })))
        await waitFor('all six jobs', () => done === 6)
        assert.equal(peak, 2)
      })
    })

    it('on close waits for the active job, then takes no new ones', async () => {
      const queue = await target.create()
      const events: string[] = []
      try {
        await queue.work(
          {
            'test.slow': async (payload) => {
              events.push(`start ${payload.label}`)
              await sleep(payload.ms)
              events.push(`end ${payload.label}`)
            },
          },
          { concurrency: 1 },
        )
        await queue.enqueue('test.slow', { label: 'a', ms: 400 })
        await queue.enqueue('test.slow', { label: 'b', ms: 10 })
        await waitFor('job a to start', () => events.includes('start a'))
        await queue.close({ timeoutMs: 5_000 })
        events.push('closed')
        await sleep(300)
        assert.deepEqual(events, ['start a', 'end a', 'closed'])
        await assert.rejects(queue.enqueue('test.echo', { value: 'late' }), UnavailableError)
        assert.equal(await queue.ping(500), false)
      } finally {
        await queue.close({ timeoutMs: 1_000 })
      }
    })

    it('on close stops waiting for a job that outlives the timeout and aborts its signal', async () => {
      const queue = await target.create()
      let aborted = false
      try {
        await queue.work(
          {
            'test.slow': (_payload, ctx) =>
              new Promise<void>((resolve) => {
                ctx.signal.addEventListener('abort', () => {
                  aborted = true
                  resolve()
                })
              }),
          },
          { concurrency: 1 },
        )
        await queue.enqueue('test.slow', { label: 'stuck', ms: 0 })
        await waitFor('the job to start', async () => (await queue.stats()).active === 1)
        const started = Date.now()
        await queue.close({ timeoutMs: 300 })
        const took = Date.now() - started
        assert.ok(took < 3_000, `close took ${took} ms`)
        assert.equal(aborted, true)
      } finally {
        await queue.close({ timeoutMs: 1_000 })
      }
    })

    it('answers ping while open', async () => {
      await withQueue(target, async (queue) => {
        assert.equal(await queue.ping(2_000), true)
      })
    })
  })
}
