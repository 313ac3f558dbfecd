// Tests for `config/rate-limit-config.ts` and `adapters/rate-limiter-from-env.ts`.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRateLimiterFromEnv } from '../adapters/rate-limiter-from-env.ts'
import { parseRateLimitRule, rateLimitConfigFromEnv, selectRateLimiterBackend } from '../config/rate-limit-config.ts'
import { ValidationError } from '../errors.ts'
import { silentLogger } from '../log.ts'
import { testService } from '../testing/services.ts'
import { startUpstashTestServer } from '../testing/upstash-server.ts'

const redisService = testService('redis')

describe('rate-limit config', () => {
  it('defaults to 10/60 on authentication and 600/60 on the rest of the API', () => {
    assert.deepEqual(rateLimitConfigFromEnv({}), {
      auth: { limit: 10, windowSeconds: 60 },
      api: { limit: 600, windowSeconds: 60 },
    })
    assert.deepEqual(rateLimitConfigFromEnv({ PRODGY_RATE_LIMIT_AUTH: '  ', PRODGY_RATE_LIMIT_API: '' }).auth, {
      limit: 10,
      windowSeconds: 60,
    })
  })

  it('reads <requests>/<seconds>', () => {
    const config = rateLimitConfigFromEnv({ PRODGY_RATE_LIMIT_AUTH: '5/300', PRODGY_RATE_LIMIT_API: ' 1000 / 60 ' })
    assert.deepEqual(config.auth, { limit: 5, windowSeconds: 300 })
    assert.deepEqual(config.api, { limit: 1000, windowSeconds: 60 })
  })

  it('accepts the object parseEnv returns, whose other values are not strings', () => {
    const parsed = {
      PRODGY_RATE_LIMIT_AUTH: '3/60',
      PRODGY_API_PORT: 4000,
      PRODGY_TRUST_PROXY: true,
      REDIS_URL: undefined,
    }
    assert.deepEqual(rateLimitConfigFromEnv(parsed).auth, { limit: 3, windowSeconds: 60 })
    assert.deepEqual(selectRateLimiterBackend(parsed), { kind: 'memory' })
  })

  it('refuses a malformed value with a message naming the variable', () => {
    for (const value of ['10', '10/', '/60', 'ten/60', '10/60s', '0/60', '10/0', '-1/60', '1.5/60', '10/60/1']) {
      assert.throws(
        () => rateLimitConfigFromEnv({ PRODGY_RATE_LIMIT_AUTH: value }),
        (e) =>
          e instanceof ValidationError &&
          e.message.startsWith('PRODGY_RATE_LIMIT_AUTH must be <requests>/<seconds>') &&
          e.message.includes(`"${value}"`),
        value,
      )
    }
    assert.throws(() => parseRateLimitRule('x', 'PRODGY_RATE_LIMIT_API'), /PRODGY_RATE_LIMIT_API/)
  })

  it('picks Redis, then Upstash, then the in-process limiter', () => {
    const upstash = { UPSTASH_REDIS_REST_URL: 'https://eu1.example.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'tok' }
    assert.deepEqual(selectRateLimiterBackend({ REDIS_URL: 'redis://r:6379', ...upstash }), {
      kind: 'redis',
      url: 'redis://r:6379',
    })
    assert.deepEqual(selectRateLimiterBackend(upstash), {
      kind: 'upstash',
      url: 'https://eu1.example.upstash.io',
      token: 'tok',
    })
    assert.deepEqual(selectRateLimiterBackend({ REDIS_URL: ' ' }), { kind: 'memory' })
  })

  it('refuses half an Upstash configuration', () => {
    assert.throws(
      () => selectRateLimiterBackend({ UPSTASH_REDIS_REST_URL: 'https://eu1.example.upstash.io' }),
      /UPSTASH_REDIS_REST_TOKEN is required/,
    )
    assert.throws(
      () => selectRateLimiterBackend({ UPSTASH_REDIS_REST_TOKEN: 'tok' }),
      /UPSTASH_REDIS_REST_URL is required/,
    )
  })
})

describe('createRateLimiterFromEnv', () => {
  it('builds the in-process limiter without a store', async () => {
    const limiter = await createRateLimiterFromEnv({})
    assert.equal(limiter.kind, 'memory')
    assert.equal((await limiter.hit('k', { limit: 1, windowSeconds: 60 })).allowed, true)
    await limiter.close()
  })

  it('builds the Redis limiter from REDIS_URL', { skip: redisService.skip }, async () => {
    const limiter = await createRateLimiterFromEnv({ REDIS_URL: redisService.url }, { logger: silentLogger })
    try {
      assert.equal(limiter.kind, 'redis')
      assert.equal(await limiter.ping(1000), true)
    } finally {
      await limiter.close()
    }
  })

  it('builds the Upstash limiter from the two Upstash variables', { skip: redisService.skip }, async () => {
    const server = await startUpstashTestServer({ redisUrl: redisService.url as string, token: 'from-env-token' })
    const limiter = await createRateLimiterFromEnv(
      { UPSTASH_REDIS_REST_URL: server.url, UPSTASH_REDIS_REST_TOKEN: 'from-env-token' },
      { logger: silentLogger },
    )
    try {
      assert.equal(limiter.kind, 'upstash')
      assert.equal(await limiter.ping(1000), true)
    } finally {
      await limiter.close()
      await server.close()
    }
  })
})
