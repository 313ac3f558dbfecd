/**
 * Rate-limit settings from the environment:
 * - `PRODGY_RATE_LIMIT_AUTH` (default `10/60`): requests per seconds per client IP on authentication endpoints;
 * - `PRODGY_RATE_LIMIT_API` (default `600/60`): requests per seconds per principal (or IP when anonymous) on
 *   the rest of the API;
 * - the backend: `REDIS_URL`, else `UPSTASH_REDIS_REST_URL` with `UPSTASH_REDIS_REST_TOKEN`, else in process.
 * A malformed value stops start-up with a message naming the variable, rather than running unprotected.
 */
import { ValidationError } from '../errors.ts'
import type { RateLimitRule } from '../rate-limit/rate-limiter.ts'

/** `process.env`, or the object `parseEnv` returns; only string values are read. */
type Env = Readonly<Record<string, unknown>>

export interface RateLimitConfig {
  auth: RateLimitRule
  api: RateLimitRule
}

export const DEFAULT_AUTH_RATE_LIMIT = '10/60'
export const DEFAULT_API_RATE_LIMIT = '600/60'

const RULE = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/

/** Parses `<requests>/<seconds>`, e.g. `10/60`; both whole numbers ≥ 1. */
export function parseRateLimitRule(value: string, variable: string): RateLimitRule {
  const match = RULE.exec(value)
  const limit = Number(match?.[1])
  const windowSeconds = Number(match?.[2])
  if (!match || limit < 1 || windowSeconds < 1) {
    const problem = `must be <requests>/<seconds> with whole numbers ≥ 1, such as 10/60; got "${value}"`
    throw new ValidationError(`${variable} ${problem}.`, { [variable]: [problem] })
  }
  return { limit, windowSeconds }
}

export function rateLimitConfigFromEnv(env: Env): RateLimitConfig {
  const read = (variable: string, fallback: string) => parseRateLimitRule(present(env[variable]) ?? fallback, variable)
  return {
    auth: read('PRODGY_RATE_LIMIT_AUTH', DEFAULT_AUTH_RATE_LIMIT),
    api: read('PRODGY_RATE_LIMIT_API', DEFAULT_API_RATE_LIMIT),
  }
}

export type RateLimiterBackend =
  | { kind: 'redis'; url: string }
  | { kind: 'upstash'; url: string; token: string }
  | { kind: 'memory' }

/**
 * Which store counts hits. Only one of the two Upstash variables is a configuration mistake, not a choice of
 * the in-process limiter, so it fails loudly: silently counting per process would weaken limits on a
 * deployment that scales out.
 */
export function selectRateLimiterBackend(env: Env): RateLimiterBackend {
  const redisUrl = present(env.REDIS_URL)
  if (redisUrl) return { kind: 'redis', url: redisUrl }
  const url = present(env.UPSTASH_REDIS_REST_URL)
  const token = present(env.UPSTASH_REDIS_REST_TOKEN)
  if (url && token) return { kind: 'upstash', url, token }
  if (url || token) {
    const missing = url ? 'UPSTASH_REDIS_REST_TOKEN' : 'UPSTASH_REDIS_REST_URL'
    const problem = 'is required when the other Upstash variable is set'
    throw new ValidationError(`${missing} ${problem}.`, { [missing]: [problem] })
  }
  return { kind: 'memory' }
}

/** Unset and blank are the same to a person editing an env file. */
function present(value: unknown): string | undefined {
  const trimmed = typeof value === 'string' ? value.trim() : undefined
  return trimmed ? trimmed : undefined
}
