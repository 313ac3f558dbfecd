/**
 * In-process rate limiter, for the one-process embedded mode and as the per-process fallback of the Redis and
 * Upstash limiters. Same fixed-window semantics as the script in `rate-limiter.ts`. JavaScript runs one hit at a
 * time, so counts are exact without locks.
 *
 * Memory stays bounded without a timer (which would keep a process alive and needs no `close()`): hits sweep
 * expired windows at most once per `sweepIntervalMs`, and beyond `maxKeys` live windows the oldest are
 * dropped. Dropping one forgets that caller's count (it fails open for them); that only happens when more
 * distinct callers than `maxKeys` hit within one window, and it is the price of not growing without limit
 * under a flood of spoofed keys.
 */
import { assertValidRule, counterKey, type RateLimiter, type RateLimitRule, toResult } from './rate-limiter.ts'

export interface MemoryRateLimiterOptions {
  /** Live windows kept at most. */
  maxKeys?: number
  sweepIntervalMs?: number
  /** Milliseconds from a monotonic clock; tests pass a fake one. */
  now?: () => number
}

export interface MemoryRateLimiter extends RateLimiter {
  /** Windows currently held, for tests and diagnostics. */
  size(): number
}

interface Window {
  count: number
  endsAt: number
}

export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  const maxKeys = options.maxKeys ?? 100_000
  const sweepIntervalMs = options.sweepIntervalMs ?? 10_000
  // performance.now does not jump when the wall clock is corrected, so a window never lasts too long or too little.
  const now = options.now ?? (() => performance.now())
  // A Map iterates in insertion order and every new window is re-inserted, so the first entries are the oldest.
  const windows = new Map<string, Window>()
  let nextSweepAt = now() + sweepIntervalMs

  const sweep = (at: number) => {
    for (const [key, window] of windows) if (window.endsAt <= at) windows.delete(key)
    nextSweepAt = at + sweepIntervalMs
  }

  return {
    kind: 'memory',
    async hit(key: string, rule: RateLimitRule) {
      assertValidRule(rule)
      const at = now()
      if (at >= nextSweepAt) sweep(at)
      const id = counterKey('', key, rule)
      let window = windows.get(id)
      if (!window || window.endsAt <= at) {
        windows.delete(id)
        if (windows.size >= maxKeys) {
          sweep(at)
          for (const oldest of windows.keys()) {
            if (windows.size < maxKeys) break
            windows.delete(oldest)
          }
        }
        window = { count: 0, endsAt: at + rule.windowSeconds * 1000 }
        windows.set(id, window)
      }
      window.count += 1
      return toResult(window.count, window.endsAt - at, rule)
    },
    async ping() {
      return true
    },
    async close() {
      windows.clear()
    },
    size: () => windows.size,
  }
}
