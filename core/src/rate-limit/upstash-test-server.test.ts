// Tests for `testing/upstash-server.ts`: the shim must look like Upstash to `@upstash/redis`, or the Upstash
// rate-limiter suite would prove nothing.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Redis } from '@upstash/redis'
import { testService } from '../testing/services.ts'
import { startUpstashTestServer, type UpstashTestServer } from '../testing/upstash-server.ts'

const redisService = testService('redis')
const TOKEN = 'shim-token'

describe('Upstash REST test server', { skip: redisService.skip }, () => {
  let server: UpstashTestServer
  let client: Redis
  const run = crypto.randomUUID()
  const key = (name: string) => `test:shim:${run}:${name}`

  before(async () => {
    server = await startUpstashTestServer({ redisUrl: redisService.url as string, token: TOKEN })
    client = new Redis({ url: server.url, token: TOKEN, enableTelemetry: false })
  })
  after(async () => {
    await server.close()
  })

  it('round-trips JSON and non-ASCII text through base64 replies', async () => {
    await client.set(key('doc'), { name: 'Zoë ✓ 日本' })
    assert.deepEqual(await client.get(key('doc')), { name: 'Zoë ✓ 日本' })
  })

  it('also answers clients that do not ask for base64', async () => {
    const plain = new Redis({ url: server.url, token: TOKEN, enableTelemetry: false, responseEncoding: false })
    await plain.set(key('plain'), 'héllo')
    assert.equal(await plain.get(key('plain')), 'héllo')
  })

  it('flattens hash replies', async () => {
    await client.hset(key('hash'), { a: 1, b: 'two' })
    assert.deepEqual(await client.hgetall(key('hash')), { a: 1, b: 'two' })
  })

  it('runs pipelines with per-command errors, and transactions', async () => {
    const pipeline = client.pipeline()
    pipeline.set(key('p'), 'text')
    pipeline.incr(key('p'))
    pipeline.get(key('p'))
    const results = await pipeline.exec({ keepErrors: true })
    assert.deepEqual(
      results.map((r) => [r.result, r.error !== undefined]),
      [
        ['OK', false],
        [undefined, true],
        ['text', false],
      ],
    )
    const multi = client.multi()
    multi.incr(key('m'))
    multi.incr(key('m'))
    assert.deepEqual(await multi.exec(), [1, 2])
  })

  it('runs Lua scripts', async () => {
    assert.deepEqual(await client.eval('return {KEYS[1], tonumber(ARGV[1]) + 1}', [key('lua')], ['41']), [
      key('lua'),
      42,
    ])
  })

  it('answers a command error with { error }', async () => {
    await assert.rejects(
      client.eval('return redis.call("nosuchcommand")', [], []),
      /Unknown Redis command|unknown command/i,
    )
  })

  it('refuses a wrong token', async () => {
    const stranger = new Redis({ url: server.url, token: 'nope', enableTelemetry: false, retry: { retries: 0 } })
    await assert.rejects(stranger.get(key('doc')), /Unauthorized/)
    const res = await fetch(server.url, { method: 'POST', body: '["ping"]' })
    assert.equal(res.status, 401)
    assert.deepEqual(await res.json(), { error: 'Unauthorized' })
  })
})
