import assert from 'node:assert/strict'
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { createRedisRateLimiter } from '../adapters/redis-rate-limiter.ts'
import { createUpstashRateLimiter } from '../adapters/upstash-rate-limiter.ts'
import { createLogger, silentLogger } from '../log.ts'
import { testService } from '../testing/services.ts'
import { startUpstashTestServer, type UpstashTestServer } from '../testing/upstash-server.ts'
import { createMemoryRateLimiter } from './memory-rate-limiter.ts'
import { rateLimiterContract } from './rate-limiter.contract.ts'
import type { RateLimiter } from './rate-limiter.ts'

const redisService = testService('redis')
const UPSTASH_TOKEN = 'upstash-test-token'

rateLimiterContract({
  name: 'memory',
  skip: false,
  async create() {
    const limiter = createMemoryRateLimiter()
    return { limiter, cleanup: () => limiter.close() }
  },
})

rateLimiterContract({
  name: 'redis',
  skip: redisService.skip,
  async create() {
    const limiter = createRedisRateLimiter({ url: redisService.url as string, logger: silentLogger })
    return { limiter, cleanup: () => limiter.close() }
  },
})

rateLimiterContract({
  name: 'upstash (REST shim over the real Redis)',
  skip: redisService.skip,
  async create() {
    const server = await startUpstashTestServer({ redisUrl: redisService.url as string, token: UPSTASH_TOKEN })
    const limiter = createUpstashRateLimiter({ url: server.url, token: UPSTASH_TOKEN, logger: silentLogger })
    return {
      limiter,
      async cleanup() {
        await limiter.close()
        await server.close()
      },
    }
  },
})

describe('memory rate limiter bounds its memory', () => {
  it('sweeps expired windows', async () => {
    let clock = 0
    const limiter = createMemoryRateLimiter({ now: () => clock, sweepIntervalMs: 1000 })
    for (let i = 0; i < 500; i++) await limiter.hit(`ip-${i}`, { limit: 5, windowSeconds: 2 })
    assert.equal(limiter.size(), 500)
    clock = 2500
    await limiter.hit('late', { limit: 5, windowSeconds: 2 })
    assert.equal(limiter.size(), 1)
  })

  it('drops the oldest windows beyond maxKeys, and only them', async () => {
    let clock = 0
    const limiter = createMemoryRateLimiter({ now: () => clock, maxKeys: 3 })
    const rule = { limit: 1, windowSeconds: 60 }
    for (const key of ['a', 'b', 'c']) {
      await limiter.hit(key, rule)
      clock += 10
    }
    await limiter.hit('d', rule)
    assert.equal(limiter.size(), 3)
    assert.equal((await limiter.hit('a', rule)).allowed, true, 'the oldest window was forgotten')
    assert.equal((await limiter.hit('d', rule)).allowed, false, 'a recent window was kept')
  })
})

/** Accepts TCP connections and never answers: a Redis or HTTP server that hangs. */
async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function collectingLogger() {
  const lines: Record<string, unknown>[] = []
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) })
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 'warn') }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - start }
}

/**
 * Failure policy (remote-rate-limiter.ts): an unreachable store is replaced by per-process counting with the
 * same rule, within the time budget, with at most one warning a minute.
 */
function unreachableStoreSuite(
  name: string,
  make: (target: { refusedPort: number; hangingPort: number; logger: ReturnType<typeof createLogger> }) => {
    refused: RateLimiter
    hanging: RateLimiter
  },
) {
  describe(`${name} rate limiter when the store is unreachable`, () => {
    let blackhole: Awaited<ReturnType<typeof startBlackhole>>
    let refused: RateLimiter
    let hanging: RateLimiter
    const log = collectingLogger()

    before(async () => {
      blackhole = await startBlackhole()
      ;({ refused, hanging } = make({
        refusedPort: await closedPort(),
        hangingPort: blackhole.port,
        logger: log.logger,
      }))
    })
    after(async () => {
      await refused.close()
      await hanging.close()
      await blackhole.close()
    })

    it('keeps limiting per process when the connection is refused, and warns once', async () => {
      const rule = { limit: 3, windowSeconds: 60 }
      const { value: results, ms } = await timed(async () => {
        const out = []
        for (let i = 0; i < 20; i++) out.push(await refused.hit('ip-1', rule))
        return out
      })
      assert.ok(ms < 1500, `20 hits took ${Math.round(ms)} ms`)
      assert.deepEqual(
        results.slice(0, 4).map((r) => [r.allowed, r.remaining]),
        [
          [true, 2],
          [true, 1],
          [true, 0],
          [false, 0],
        ],
      )
      assert.ok(results.slice(3).every((r) => !r.allowed))
      assert.equal((await refused.hit('ip-2', rule)).allowed, true)
      const warnings = log.warnings()
      assert.equal(warnings.length, 1, JSON.stringify(warnings))
      assert.equal(warnings[0]?.msg, 'rate limiter store unreachable; counting per process until it answers')
    })

    it('answers within the 1 s budget when the store hangs, then without waiting', async () => {
      const rule = { limit: 2, windowSeconds: 60 }
      const first = await timed(() => hanging.hit('ip-1', rule))
      assert.ok(first.ms < 1600, `first hit took ${Math.round(first.ms)} ms`)
      assert.equal(first.value.allowed, true)
      const next = await timed(async () => [await hanging.hit('ip-1', rule), await hanging.hit('ip-1', rule)])
      assert.ok(next.ms < 100, `later hits took ${Math.round(next.ms)} ms`)
      assert.deepEqual(
        next.value.map((r) => r.allowed),
        [true, false],
      )
    })

    it('reports the store as down to ping within its timeout', async () => {
      const { value, ms } = await timed(() => hanging.ping(300))
      assert.equal(value, false)
      assert.ok(ms < 800, `ping took ${Math.round(ms)} ms`)
      assert.equal(await refused.ping(300), false)
    })
  })
}

unreachableStoreSuite('redis', ({ refusedPort, hangingPort, logger }) => ({
  refused: createRedisRateLimiter({ url: `redis://127.0.0.1:${refusedPort}`, logger }),
  hanging: createRedisRateLimiter({ url: `redis://127.0.0.1:${hangingPort}`, logger: silentLogger }),
}))

unreachableStoreSuite('upstash', ({ refusedPort, hangingPort, logger }) => ({
  refused: createUpstashRateLimiter({ url: `http://127.0.0.1:${refusedPort}`, token: 't', logger }),
  hanging: createUpstashRateLimiter({ url: `http://127.0.0.1:${hangingPort}`, token: 't', logger: silentLogger }),
}))

describe('redis rate limiter storage', { skip: redisService.skip }, () => {
  let redis: Redis
  let limiter: RateLimiter
  const prefix = `test:rl:${crypto.randomUUID()}:`

  before(() => {
    redis = new Redis(redisService.url as string)
    limiter = createRedisRateLimiter({ url: redisService.url as string, prefix, logger: silentLogger })
  })
  after(async () => {
    await limiter.close()
    await redis.quit()
  })

  it('keeps one counter per key and window, expiring with the window', async () => {
    await limiter.hit('ip-1', { limit: 5, windowSeconds: 30 })
    await limiter.hit('ip-1', { limit: 5, windowSeconds: 30 })
    assert.equal(await redis.get(`${prefix}30:ip-1`), '2')
    const ttl = await redis.pttl(`${prefix}30:ip-1`)
    assert.ok(ttl > 28_000 && ttl <= 30_000, `pttl ${ttl}`)
  })

  it('gives a counter that lost its expiry a new window instead of blocking forever', async () => {
    await redis.set(`${prefix}60:stuck`, '99')
    const result = await limiter.hit('stuck', { limit: 5, windowSeconds: 60 })
    assert.equal(result.allowed, false)
    const ttl = await redis.pttl(`${prefix}60:stuck`)
    assert.ok(ttl > 0 && ttl <= 60_000, `pttl ${ttl}`)
  })

  it('uses a client passed in without closing it', async () => {
    const shared = createRedisRateLimiter({ client: redis, prefix, logger: silentLogger })
    assert.equal((await shared.hit('shared', { limit: 1, windowSeconds: 60 })).allowed, true)
    assert.equal((await limiter.hit('shared', { limit: 1, windowSeconds: 60 })).allowed, false)
    await shared.close()
    assert.equal(await redis.ping(), 'PONG')
  })

  it('goes back to Redis when it answers again, and says so', async () => {
    const port = await closedPort()
    const log = collectingLogger()
    const recovering = createRedisRateLimiter({
      url: `redis://127.0.0.1:${port}`,
      prefix,
      retryAfterMs: 100,
      logger: log.logger,
    })
    const target = new URL(redisService.url as string)
    let forward: { close(): Promise<void> } | undefined
    try {
      assert.equal((await recovering.hit('back', { limit: 5, windowSeconds: 60 })).allowed, true)
      assert.equal(await redis.exists(`${prefix}60:back`), 0, 'counted in process while Redis was away')
      forward = await startForwarder(port, target.hostname, Number(target.port))
      // ioredis reconnects on its own backoff (up to 2 s between attempts here).
      const deadline = Date.now() + 8000
      while ((await redis.exists(`${prefix}60:back`)) === 0 && Date.now() < deadline) {
        await recovering.hit('back', { limit: 5, windowSeconds: 60 })
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      assert.equal(await redis.exists(`${prefix}60:back`), 1)
      assert.ok(log.lines.some((l) => l.msg === 'rate limiter store answers again'))
    } finally {
      await recovering.close()
      await forward?.close()
    }
  })
})

/** A TCP forwarder on a fixed port, standing in for a Redis that comes back. */
async function startForwarder(port: number, host: string, targetPort: number) {
  const sockets = new Set<Socket>()
  const server = createTcpServer((client) => {
    const upstream = connect(targetPort, host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => sockets.delete(s))
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describe('upstash rate limiter against the shim', { skip: redisService.skip }, () => {
  let server: UpstashTestServer

  before(async () => {
    server = await startUpstashTestServer({ redisUrl: redisService.url as string, token: UPSTASH_TOKEN })
  })
  after(async () => {
    await server.close()
  })

  it('counts per process and warns when the token is refused', async () => {
    const log = collectingLogger()
    const limiter = createUpstashRateLimiter({ url: server.url, token: 'wrong', logger: log.logger })
    const rule = { limit: 1, windowSeconds: 60 }
    assert.equal((await limiter.hit('ip', rule)).allowed, true)
    assert.equal((await limiter.hit('ip', rule)).allowed, false)
    assert.equal(log.warnings().length, 1)
    assert.match(JSON.stringify(log.warnings()[0]), /Unauthorized/)
    assert.equal(await limiter.ping(500), false)
  })

  it('shares counters with the Redis adapter when they use the same Redis and prefix', async () => {
    const prefix = `test:rl:${crypto.randomUUID()}:`
    const upstash = createUpstashRateLimiter({ url: server.url, token: UPSTASH_TOKEN, prefix, logger: silentLogger })
    const redis = createRedisRateLimiter({ url: redisService.url as string, prefix, logger: silentLogger })
    try {
      const rule = { limit: 2, windowSeconds: 60 }
      assert.equal((await upstash.hit('ip', rule)).remaining, 1)
      assert.equal((await redis.hit('ip', rule)).remaining, 0)
      assert.equal((await upstash.hit('ip', rule)).allowed, false)
    } finally {
      await redis.close()
    }
  })
})
