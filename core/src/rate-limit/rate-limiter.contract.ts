/**
 * The behaviour every rate limiter must show, run once per backend by `rate-limiter.test.ts`.
 * Keys carry a random run id, so runs sharing one Redis never see each other's counters.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AppError } from '../errors.ts'
import type { RateLimiterPort, RateLimitRule } from './rate-limiter.ts'

export interface RateLimiterContractTarget {
  name: string
  /** A reason to skip (a missing service outside CI), or false. */
  skip: string | false
  create(): Promise<{ limiter: RateLimiterPort; cleanup(): Promise<void> }>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function rateLimiterContract(target: RateLimiterContractTarget): void {
  describe(`rate limiter contract on ${target.name}`, { skip: target.skip }, () => {
    let limiter: RateLimiterPort
    let cleanup: (() => Promise<void>) | undefined
    const run = crypto.randomUUID()
    const key = (label: string) => `${run}:${label}`

    before(async () => {
      const created = await target.create()
      limiter = created.limiter
      cleanup = created.cleanup
    })
    after(async () => {
      await cleanup?.()
    })

    it('answers a ping', async () => {
      assert.equal(await limiter.ping(1000), true)
    })

    it('counts remaining hits down to zero', async () => {
      const rule = { limit: 3, windowSeconds: 60 }
      const results = [await limiter.hit(key('down'), rule), await limiter.hit(key('down'), rule)]
      results.push(await limiter.hit(key('down'), rule))
      assert.deepEqual(
        results.map((r) => [r.allowed, r.limit, r.remaining]),
        [
          [true, 3, 2],
          [true, 3, 1],
          [true, 3, 0],
        ],
      )
    })

    it('blocks every hit after the limit until the window ends', async () => {
      const rule = { limit: 2, windowSeconds: 60 }
      await limiter.hit(key('block'), rule)
      await limiter.hit(key('block'), rule)
      for (let i = 0; i < 3; i++) {
        const blocked = await limiter.hit(key('block'), rule)
        assert.equal(blocked.allowed, false)
        assert.equal(blocked.remaining, 0)
        assert.equal(blocked.limit, 2)
      }
    })

    it('reports the seconds left in the window, never more than the window', async () => {
      const rule = { limit: 5, windowSeconds: 60 }
      const first = await limiter.hit(key('reset'), rule)
      assert.ok(first.resetSeconds >= 59 && first.resetSeconds <= 60, `resetSeconds ${first.resetSeconds}`)
      await sleep(1100)
      const later = await limiter.hit(key('reset'), rule)
      assert.ok(
        later.resetSeconds >= 1 && later.resetSeconds < first.resetSeconds,
        `resetSeconds ${later.resetSeconds}`,
      )
    })

    it('starts counting again when the window ends, and blocked hits do not extend it', async () => {
      // 2 s rather than 1 s: the "still blocked" check then has a full second of slack on a busy machine.
      const rule = { limit: 2, windowSeconds: 2 }
      assert.equal((await limiter.hit(key('window'), rule)).allowed, true)
      assert.equal((await limiter.hit(key('window'), rule)).allowed, true)
      const blocked = await limiter.hit(key('window'), rule)
      assert.equal(blocked.allowed, false)
      assert.equal(blocked.resetSeconds, 2)
      await sleep(1000)
      assert.equal((await limiter.hit(key('window'), rule)).allowed, false)
      await sleep(1100)
      const fresh = await limiter.hit(key('window'), rule)
      assert.deepEqual([fresh.allowed, fresh.remaining], [true, 1])
    })

    it('allows exactly `limit` of 50 concurrent hits on one key', async () => {
      const rule = { limit: 10, windowSeconds: 60 }
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key('burst'), rule)))
      const allowed = results.filter((r) => r.allowed)
      assert.equal(allowed.length, 10)
      // Each allowed hit saw a distinct count: no two hits read the same counter value.
      assert.deepEqual(
        allowed.map((r) => r.remaining).sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      )
      assert.ok(results.filter((r) => !r.allowed).every((r) => r.remaining === 0))
    })

    it('keeps separate keys independent', async () => {
      const rule = { limit: 1, windowSeconds: 60 }
      assert.equal((await limiter.hit(key('a'), rule)).allowed, true)
      assert.equal((await limiter.hit(key('a'), rule)).allowed, false)
      assert.equal((await limiter.hit(key('b'), rule)).allowed, true)
      const [c, d] = await Promise.all([limiter.hit(key('c'), rule), limiter.hit(key('d'), rule)])
      assert.deepEqual([c.allowed, d.allowed], [true, true])
    })

    it('counts rules with different windows on one key separately', async () => {
      const perMinute = { limit: 1, windowSeconds: 60 }
      const perHour = { limit: 1, windowSeconds: 3600 }
      assert.equal((await limiter.hit(key('rules'), perMinute)).allowed, true)
      assert.equal((await limiter.hit(key('rules'), perMinute)).allowed, false)
      const hourly = await limiter.hit(key('rules'), perHour)
      assert.equal(hourly.allowed, true)
      assert.ok(hourly.resetSeconds > 3500)
    })

    it('refuses rules that are not whole numbers ≥ 1', async () => {
      const bad: RateLimitRule[] = [
        { limit: 0, windowSeconds: 60 },
        { limit: 5, windowSeconds: 0 },
        { limit: 1.5, windowSeconds: 60 },
        { limit: Number.NaN, windowSeconds: 60 },
      ]
      for (const rule of bad) {
        await assert.rejects(
          limiter.hit(key('bad'), rule),
          (e) => e instanceof AppError && e.code === 'invalid_rate_limit_rule',
        )
      }
    })
  })
}
