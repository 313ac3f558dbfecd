/**
 * The rate-limit port: counts hits per key and rule, and says whether one more is allowed.
 * Three adapters implement it and pass one contract suite (`rate-limiter.contract.ts`): in process
 * (`memory-rate-limiter.ts`), Redis over TCP and Upstash over REST (`@prodgy/core/adapters/*`).
 *
 * Algorithm: a fixed window that opens at a key's first hit and lasts `windowSeconds`.
 * - It is exact: `remaining` is an integer count, and `resetSeconds` is the true time until the counter
 *   starts again, which is what the `RateLimit-*` and `Retry-After` headers promise. A sliding-window
 *   counter weights the previous window, so its `remaining` is an estimate and its reset time is not a
 *   single instant.
 * - On Redis it is one key per caller and rule, and one atomic script that INCRs and sets the TTL only when
 *   the key has none, so 50 concurrent hits allow exactly `limit`. Redis' TTL is the only clock, so
 *   instances with skewed clocks still agree.
 * - The price is a burst at a window edge of at most 2 × `limit` across two adjacent windows, which is
 *   acceptable for the rules here (a brute-force budget of 10/60 becomes at worst 20 in a minute).
 * - Blocked hits still count but never extend the window, so a caller who keeps hammering is let in again
 *   when the window ends.
 */
import { AppError } from '../errors.ts'

export interface RateLimitRule {
  /** Hits allowed per window; an integer ≥ 1. */
  limit: number
  /** Window length; an integer ≥ 1. */
  windowSeconds: number
}

export interface RateLimitResult {
  allowed: boolean
  limit: number
  /** Hits still allowed in this window after this one (0 when blocked). */
  remaining: number
  /** Whole seconds until the window ends and the count starts again, 1..windowSeconds. */
  resetSeconds: number
}

export interface RateLimiterPort {
  /** Counts one hit for `key` under `rule`. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>
  /** True when the backend answers within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>
}

export type RateLimiterKind = 'memory' | 'redis' | 'upstash'

/** What the factories return: the port, plus what composition code needs for logs, `/health` and shutdown. */
export interface RateLimiter extends RateLimiterPort {
  readonly kind: RateLimiterKind
  /** Releases connections the limiter opened itself (never a client the caller passed in). Safe to call twice. */
  close(): Promise<void>
}

/** Rules come from configuration and code, not from requests, so a bad one is a programming error. */
export function assertValidRule(rule: RateLimitRule): void {
  const ok = (n: number) => Number.isSafeInteger(n) && n >= 1
  if (!ok(rule.limit) || !ok(rule.windowSeconds)) {
    throw new AppError(
      'invalid_rate_limit_rule',
      `A rate-limit rule needs whole numbers ≥ 1; got limit ${rule.limit} per ${rule.windowSeconds} s.`,
      500,
    )
  }
}

/**
 * The storage key of one counter. The window length is part of it, so two rules with different windows on
 * the same caller never share (and never corrupt the TTL of) one counter.
 */
export function counterKey(prefix: string, key: string, rule: RateLimitRule): string {
  return `${prefix}${rule.windowSeconds}:${key}`
}

/** Turns a counter value and the time left in its window into the port's answer. */
export function toResult(count: number, ttlMs: number, rule: RateLimitRule): RateLimitResult {
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetSeconds: Math.min(rule.windowSeconds, Math.max(1, Math.ceil(ttlMs / 1000))),
  }
}

/**
 * The fixed-window step, run atomically inside Redis (EVAL on Redis and on Upstash).
 * KEYS[1] = counter key, ARGV[1] = window in ms. Returns { count, ttl in ms }.
 * `ttl < 0` covers both a fresh key and a key that somehow lost its TTL, so no counter can block forever.
 */
export const FIXED_WINDOW_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`

/** Reads the script's reply, which each client decodes its own way, into numbers. */
export function parseScriptReply(reply: unknown): { count: number; ttlMs: number } {
  if (Array.isArray(reply) && reply.length === 2) {
    const count = Number(reply[0])
    const ttlMs = Number(reply[1])
    if (Number.isFinite(count) && Number.isFinite(ttlMs)) return { count, ttlMs }
  }
  throw new Error(`Unexpected rate-limit script reply: ${JSON.stringify(reply)}`)
}
