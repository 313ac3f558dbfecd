import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { createBullmqQueue } from '../adapters/bullmq.ts'
import { UnavailableError } from '../errors.ts'
import { silentLogger } from '../log.ts'
import { testService } from '../testing/services.ts'
import { createInProcessQueue } from './in-process-queue.ts'
import { contractJobs, queueContract, sleep, waitFor } from './queue.contract.ts'

const redis = testService('redis')
const runPrefix = `prodgy-test-${crypto.randomUUID().slice(0, 8)}`
let prefixes = 0
const nextPrefix = () => `${runPrefix}-${++prefixes}`

queueContract({
  name: 'the in-process queue',
  skip: false,
  create: async () => createInProcessQueue({ log: silentLogger, jobs: contractJobs }),
})

queueContract({
  name: 'BullMQ on Redis',
  skip: redis.skip,
  create: async () =>
    createBullmqQueue({ url: redis.url as string, prefix: nextPrefix(), log: silentLogger, jobs: contractJobs }),
})

describe('in-process queue memory', () => {
  it('forgets finished jobs beyond its limits', async () => {
    const queue = createInProcessQueue({ log: silentLogger, jobs: contractJobs, keepCompleted: 5 })
    try {
      let done = 0
      await queue.work(
        {
          'test.echo': async () => {
            done++
          },
        },
        { concurrency: 4 },
      )
      for (let i = 0; i < 50; i++) await queue.enqueue('test.echo', { value: `v${i}` })
      await waitFor('fifty jobs', () => done === 50)
      assert.equal((await queue.stats()).completed, 5)
    } finally {
      await queue.close()
    }
  })
})

describe('BullMQ queue on Redis', { skip: redis.skip }, () => {
  const admin = redis.url ? new Redis(redis.url) : undefined
  after(async () => {
    if (!admin) return
    // Leave the shared test Redis as we found it.
    let cursor = '0'
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${runPrefix}-*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await admin.del(...keys)
    } while (cursor !== '0')
    await admin.quit()
  })

  const countKeys = async (prefix: string) => {
    let cursor = '0'
    let count = 0
    do {
      const [next, keys] = await (admin as Redis).scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      count += keys.length
    } while (cursor !== '0')
    return count
  }

  it('keeps the number of Redis keys bounded however many jobs complete', async () => {
    const prefix = nextPrefix()
    const queue = createBullmqQueue({
      url: redis.url as string,
      prefix,
      log: silentLogger,
      jobs: contractJobs,
      keepCompleted: { ageSeconds: 3600, count: 5 },
    })
    try {
      let done = 0
      await queue.work(
        {
          'test.echo': async () => {
            done++
          },
        },
        { concurrency: 5 },
      )
      const runBatch = async (size: number) => {
        const target = done + size
        await Promise.all(Array.from({ length: size }, (_, i) => queue.enqueue('test.echo', { value: `v${i}` })))
        await waitFor(`${size} jobs`, () => done >= target)
        await waitFor('the completed set to be trimmed', async () => (await queue.stats()).completed === 5)
      }
      await runBatch(20)
      const afterTwenty = await countKeys(prefix)
      await runBatch(200)
      const afterTwoHundredTwenty = await countKeys(prefix)
      assert.ok(
        afterTwoHundredTwenty <= afterTwenty,
        `keys grew from ${afterTwenty} to ${afterTwoHundredTwenty} after 200 more jobs`,
      )
      assert.ok(afterTwoHundredTwenty < 40, `${afterTwoHundredTwenty} keys for 5 kept jobs`)
    } finally {
      await queue.close()
    }
  })

  it('fails a stored job whose payload no longer matches, without retrying it', async () => {
    const prefix = nextPrefix()
    const queue = createBullmqQueue({ url: redis.url as string, prefix, log: silentLogger, jobs: contractJobs })
    const raw = new Queue('test.flaky', { connection: { url: redis.url as string }, prefix })
    try {
      let calls = 0
      await queue.work(
        {
          'test.flaky': async () => {
            calls++
          },
        },
        { concurrency: 1 },
      )
      const job = await raw.add('test.flaky', { failTimes: 'not a number' }, { attempts: 3 })
      await waitFor('the job to fail', async () => (await queue.stats()).failed === 1)
      const stored = await raw.getJob(String(job.id))
      assert.equal(calls, 0)
      assert.equal(stored?.attemptsMade, 1)
      assert.match(String(stored?.failedReason), /payload of job test\.flaky is invalid/)
    } finally {
      await raw.close()
      await queue.close()
    }
  })

  it('fails an enqueue within its timeout when Redis is not listening', async () => {
    const queue = createBullmqQueue({ url: 'redis://127.0.0.1:1', prefix: nextPrefix(), log: silentLogger })
    try {
      const started = Date.now()
      await assert.rejects(
        queue.enqueue('email.send', { outboxId: crypto.randomUUID() }),
        (error: unknown) => error instanceof UnavailableError,
      )
      const took = Date.now() - started
      assert.ok(took < 4_000, `enqueue failed after ${took} ms`)
      assert.equal(await queue.ping(300), false)
    } finally {
      const started = Date.now()
      await queue.close({ timeoutMs: 1_000 })
      assert.ok(Date.now() - started < 5_000)
    }
  })

  it('leaves a job that was waiting at close in Redis for the next worker', async () => {
    const prefix = nextPrefix()
    const first = createBullmqQueue({ url: redis.url as string, prefix, log: silentLogger, jobs: contractJobs })
    await first.enqueue('test.echo', { value: 'kept' }, { delayMs: 50 })
    await first.close()
    await sleep(100)
    const second = createBullmqQueue({ url: redis.url as string, prefix, log: silentLogger, jobs: contractJobs })
    try {
      const seen: string[] = []
      await second.work(
        {
          'test.echo': async (payload) => {
            seen.push(payload.value)
          },
        },
        { concurrency: 1 },
      )
      await waitFor('the kept job', () => seen.length === 1)
      assert.deepEqual(seen, ['kept'])
    } finally {
      await second.close()
    }
  })
})
