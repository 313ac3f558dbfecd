/**
 * Rate limiter on Upstash Redis over its REST API (`@upstash/redis`), for edge runtimes without TCP sockets.
 * Same algorithm as the Redis adapter: one EVAL of `FIXED_WINDOW_SCRIPT` per hit, atomic inside Redis, and
 * one billed command. Plain EVAL for the same reasons as there (no NOSCRIPT round trip).
 * When Upstash cannot be reached the limiter counts per process; see the failure policy in
 * `rate-limit/remote-rate-limiter.ts`.
 */
import { Redis } from '@upstash/redis'
import { createLogger, type Logger } from '../log.ts'
import { FIXED_WINDOW_SCRIPT, parseScriptReply } from '../rate-limit/rate-limiter.ts'
import {
  createRemoteRateLimiter,
  DEFAULT_PREFIX,
  DEFAULT_RETRY_AFTER_MS,
  DEFAULT_TIMEOUT_MS,
  type RemoteCounter,
  type RemoteRateLimiter,
} from '../rate-limit/remote-rate-limiter.ts'

export interface UpstashRateLimiterOptions {
  /** `UPSTASH_REDIS_REST_URL` */
  url: string
  /** `UPSTASH_REDIS_REST_TOKEN` */
  token: string
  /** Prepended to every counter key; default `prodgy:rl:`. */
  prefix?: string
  /** Most a hit waits for Upstash before counting in process instead; default 1000 ms. */
  timeoutMs?: number
  /** How long after a failure hits stay in process before Upstash is tried again; default 5000 ms. */
  retryAfterMs?: number
  logger?: Logger
}

export function createUpstashRateLimiter(options: UpstashRateLimiterOptions): RemoteRateLimiter {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const client = new Redis({
    url: options.url,
    token: options.token,
    // The client's default is five retries with exponential backoff (seconds in all); a limiter answer
    // is needed now, and the limiter falls back on its own. `false` would still mean two attempts.
    retry: { retries: 0 },
    // A function, so every request gets a fresh deadline; a plain signal, once aborted, is also turned
    // into a fake successful reply by the client instead of an error.
    signal: () => AbortSignal.timeout(timeoutMs),
    automaticDeserialization: false,
    enableTelemetry: false,
    // Hits made in the same tick travel in one /pipeline request; each EVAL stays atomic on its own.
    enableAutoPipelining: true,
  })

  const counter: RemoteCounter = {
    async increment(key, windowMs) {
      return parseScriptReply(await client.eval(FIXED_WINDOW_SCRIPT, [key], [String(windowMs)]))
    },
    async ping() {
      return (await client.ping()) === 'PONG'
    },
    async close() {
      // Plain fetch requests: there is no connection to release.
    },
  }

  return createRemoteRateLimiter({
    kind: 'upstash',
    counter,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    timeoutMs,
    retryAfterMs: options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS,
    logger: options.logger ?? createLogger({ bindings: { component: 'rate-limiter' } }),
  })
}
