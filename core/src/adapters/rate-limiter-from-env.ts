/**
 * Builds the rate limiter the environment asks for (see `config/rate-limit-config.ts`). The Redis and Upstash
 * adapters are imported only when chosen: ioredis needs TCP sockets that edge runtimes do not have, and the
 * embedded mode needs neither client.
 */
import { selectRateLimiterBackend } from '../config/rate-limit-config.ts'
import type { Logger } from '../log.ts'
import { createMemoryRateLimiter } from '../rate-limit/memory-rate-limiter.ts'
import type { RateLimiter } from '../rate-limit/rate-limiter.ts'

export interface RateLimiterFromEnvOptions {
  logger?: Logger
  /** Counter key prefix for the Redis and Upstash stores; default `prodgy:rl:`. */
  prefix?: string
}

export async function createRateLimiterFromEnv(
  env: Readonly<Record<string, unknown>>,
  options: RateLimiterFromEnvOptions = {},
): Promise<RateLimiter> {
  const backend = selectRateLimiterBackend(env)
  switch (backend.kind) {
    case 'redis': {
      const { createRedisRateLimiter } = await import('./redis-rate-limiter.ts')
      return createRedisRateLimiter({ url: backend.url, prefix: options.prefix, logger: options.logger })
    }
    case 'upstash': {
      const { createUpstashRateLimiter } = await import('./upstash-rate-limiter.ts')
      return createUpstashRateLimiter({
        url: backend.url,
        token: backend.token,
        prefix: options.prefix,
        logger: options.logger,
      })
    }
    case 'memory':
      return createMemoryRateLimiter()
  }
}
