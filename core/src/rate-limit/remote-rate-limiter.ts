/**
 * What the Redis and Upstash limiters share: key layout, the time budget per hit, and the failure policy.
 *
 * Failure policy: when the store cannot be reached (or does not answer within `timeoutMs`, 1 s by default), the
 * limiter does not fail open and does not fail closed; it keeps limiting with an in-process counter and the
 * same rule, and logs one warning per minute at most.
 * - Failing open would lift the brute-force budget on login, signup and password reset for as long as a cache
 *   is down, which an attacker can provoke or simply wait for.
 * - Failing closed would make every API call, sign-in included, depend on a cache that holds nothing of
 *   value: a Redis restart would lock every user out.
 * - Counting in process keeps both properties. The only loss is that with N API instances a caller may get up
 *   to N × limit while the store is down, which is still bounded.
 * - After a failure the store is left alone for `retryAfterMs` (default 5 s), so an outage costs at most one
 *   timeout per period instead of one per request, then it is tried again and a recovery is logged.
 */
import { withTimeout } from '../errors.ts'
import type { Logger } from '../log.ts'
import { createMemoryRateLimiter } from './memory-rate-limiter.ts'
import {
  assertValidRule,
  counterKey,
  type RateLimiter,
  type RateLimiterKind,
  type RateLimitRule,
  toResult,
} from './rate-limiter.ts'

/** One network store's primitive operations; both may reject or hang, the caller bounds them. */
export interface RemoteCounter {
  /** Runs `FIXED_WINDOW_SCRIPT` on one counter key. */
  increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>
  ping(): Promise<boolean>
  close(): Promise<void>
}

export interface RemoteRateLimiterOptions {
  kind: Exclude<RateLimiterKind, 'memory'>
  counter: RemoteCounter
  prefix: string
  timeoutMs: number
  retryAfterMs: number
  logger: Logger
  /** Milliseconds from a monotonic clock. */
  now?: () => number
}

export const DEFAULT_PREFIX = 'prodgy:rl:'
export const DEFAULT_TIMEOUT_MS = 1000
export const DEFAULT_RETRY_AFTER_MS = 5000
const WARN_EVERY_MS = 60_000

export interface RemoteRateLimiter extends RateLimiter {
  /** Logs a store failure seen outside `hit` (connection errors), throttled like the ones seen inside. */
  reportFailure(error: unknown): void
}

export function createRemoteRateLimiter(options: RemoteRateLimiterOptions): RemoteRateLimiter {
  const { kind, counter, prefix, timeoutMs, retryAfterMs, logger } = options
  const now = options.now ?? (() => performance.now())
  const fallback = createMemoryRateLimiter({ now })
  let skipUntil = Number.NEGATIVE_INFINITY
  let degraded = false
  let lastWarnAt = Number.NEGATIVE_INFINITY
  let unreported = 0
  let closed = false

  const reportFailure = (error: unknown) => {
    degraded = true
    const at = now()
    if (at - lastWarnAt < WARN_EVERY_MS) {
      unreported += 1
      return
    }
    logger.warn('rate limiter store unreachable; counting per process until it answers', {
      backend: kind,
      error,
      failuresSinceLastWarning: unreported,
    })
    lastWarnAt = at
    unreported = 0
  }

  return {
    kind,
    reportFailure,
    async hit(key: string, rule: RateLimitRule) {
      assertValidRule(rule)
      if (now() < skipUntil) return fallback.hit(key, rule)
      try {
        const { count, ttlMs } = await withTimeout(
          counter.increment(counterKey(prefix, key, rule), rule.windowSeconds * 1000),
          timeoutMs,
          `The ${kind} rate limiter`,
        )
        if (degraded) {
          degraded = false
          logger.info('rate limiter store answers again', { backend: kind })
        }
        return toResult(count, ttlMs, rule)
      } catch (error) {
        skipUntil = now() + retryAfterMs
        reportFailure(error)
        return fallback.hit(key, rule)
      }
    },
    async ping(pingTimeoutMs: number) {
      try {
        return await withTimeout(counter.ping(), pingTimeoutMs, `The ${kind} rate limiter`)
      } catch {
        return false
      }
    },
    async close() {
      if (closed) return
      closed = true
      await fallback.close()
      await counter.close()
    },
  }
}
