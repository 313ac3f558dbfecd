/**
 * Rate limiter on Redis over TCP (ioredis), shared by every API instance. One EVAL of `FIXED_WINDOW_SCRIPT`
 * per hit. Plain EVAL rather than EVALSHA: the script is a few hundred bytes, Redis caches it by hash anyway,
 * and there is no NOSCRIPT round trip after a restart or failover.
 * When Redis cannot be reached the limiter counts per process; see the failure policy in
 * `rate-limit/remote-rate-limiter.ts`.
 */
import { Redis } from 'ioredis'
import { withTimeout } from '../errors.ts'
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

export interface RedisRateLimiterOptions {
  /** `redis://` or `rediss://` URL: the limiter opens, tunes and closes its own connection. */
  url?: string
  /** An existing connection instead: used as it is configured and never closed by the limiter. */
  client?: Redis
  /** Prepended to every counter key; default `prodgy:rl:`. */
  prefix?: string
  /** Most a hit waits for Redis before counting in process instead; default 1000 ms. */
  timeoutMs?: number
  /** How long after a failure hits stay in process before Redis is tried again; default 5000 ms. */
  retryAfterMs?: number
  logger?: Logger
}

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RemoteRateLimiter {
  if (!options.client && !options.url) throw new Error('createRedisRateLimiter needs a `url` or a `client`.')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const owned = !options.client
  const client =
    options.client ??
    new Redis(options.url as string, {
      // A late answer is worth nothing to a limiter, and a command queued while disconnected would still
      // land after its caller moved on and count twice. So: no offline queue, no resending, and each
      // command bounded by commandTimeout.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(2000, timeoutMs),
      retryStrategy: (times) => Math.min(times * 200, 2000),
    })

  // Without the offline queue a command sent while the connection is still opening fails at once, so a
  // hit waits (within the limiter's time budget) for `ready`. One shared wait, so a burst adds one set of
  // listeners, not one per request.
  let readyWait: Promise<void> | undefined
  const ready = (): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve()
    if (client.status === 'end') return Promise.reject(new Error('The Redis connection is closed.'))
    readyWait ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        client.off('ready', onReady)
        client.off('error', onError)
        client.off('end', onEnd)
        readyWait = undefined
        if (error) reject(error)
        else resolve()
      }
      const onReady = () => settle()
      const onError = (error: Error) => settle(error)
      const onEnd = () => settle(new Error('The Redis connection is closed.'))
      client.on('ready', onReady)
      client.on('error', onError)
      client.on('end', onEnd)
      if (client.status === 'wait') client.connect().catch(() => undefined)
    })
    return readyWait
  }

  const counter: RemoteCounter = {
    async increment(key, windowMs) {
      await ready()
      return parseScriptReply(await client.eval(FIXED_WINDOW_SCRIPT, 1, key, String(windowMs)))
    },
    async ping() {
      await ready()
      return (await client.ping()) === 'PONG'
    },
    async close() {
      client.off('error', onClientError)
      if (!owned) return
      // Keep a listener: ioredis prints errors that have none, and one may still come while closing.
      client.on('error', () => undefined)
      if (client.status === 'ready') {
        try {
          await withTimeout(client.quit(), timeoutMs, 'Redis QUIT')
        } catch {
          // A QUIT that fails or hangs leaves the socket to disconnect() below.
        }
      }
      client.disconnect()
    },
  }

  const limiter = createRemoteRateLimiter({
    kind: 'redis',
    counter,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    timeoutMs,
    retryAfterMs: options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS,
    logger: options.logger ?? createLogger({ bindings: { component: 'rate-limiter' } }),
  })
  // ioredis reports every failed reconnect as an `error` event; route them through the throttled warning.
  const onClientError = (error: Error) => limiter.reportFailure(error)
  client.on('error', onClientError)
  return limiter
}
