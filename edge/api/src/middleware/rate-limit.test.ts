import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLogger, createMemoryRateLimiter, type Principal, silentLogger } from '@prodgy/core'
import { Hono } from 'hono'
import type { ApiEnv } from '../context.ts'
import { ipKey, principalOrIpKey, type RateLimitOptions, rateLimit } from './rate-limit.ts'
import { requestContext } from './request-context.ts'

const peer = (ip: string) => ({ 'x-test-peer': ip })

/** A tiny app; the `x-test-peer` header stands in for the runtime's connection address. */
function makeApp(options: Partial<RateLimitOptions> = {}) {
  const raw: string[] = []
  const logger = createLogger({ write: (line) => raw.push(line) })
  const clientIp = options.clientIp ?? ((c) => c.req.header('x-test-peer'))
  let handled = 0
  const app = new Hono<ApiEnv>()
  app.use(requestContext({ logger, clientIp }))
  app.use(async (c, next) => {
    const as = c.req.header('x-test-user')
    c.set('principal', as ? principal(as) : undefined)
    await next()
  })
  app.use(
    '/api/*',
    rateLimit({
      limiter: createMemoryRateLimiter(),
      rule: { limit: 2, windowSeconds: 60 },
      keyPrefix: 'api',
      clientIp,
      ...options,
    }),
  )
  app.on(['GET', 'OPTIONS'], '/api/things', (c) => {
    handled += 1
    return c.json({ success: true, data: [] })
  })
  return { app, raw, handled: () => handled }
}

function principal(userId: string): Principal {
  return {
    kind: 'session',
    user: { id: userId, email: `${userId}@example.com`, fullName: userId, isSuperAdmin: false },
    organizationId: 'org-1',
    role: 'user',
    workspaceId: undefined,
    tokenId: undefined,
    sessionFamilyId: undefined,
    service: undefined,
    ip: undefined,
  }
}

const limitHeaders = (res: Response) => ({
  limit: res.headers.get('RateLimit-Limit'),
  remaining: res.headers.get('RateLimit-Remaining'),
  reset: Number(res.headers.get('RateLimit-Reset')),
})

describe('rateLimit', () => {
  it('sets the RateLimit headers on every allowed answer', async () => {
    const { app } = makeApp()
    const first = await app.request('/api/things', { headers: peer('203.0.113.1') })
    const second = await app.request('/api/things', { headers: peer('203.0.113.1') })
    assert.equal(first.status, 200)
    assert.equal(second.status, 200)
    assert.deepEqual([limitHeaders(first).limit, limitHeaders(first).remaining], ['2', '1'])
    assert.deepEqual([limitHeaders(second).limit, limitHeaders(second).remaining], ['2', '0'])
    for (const res of [first, second]) {
      const { reset } = limitHeaders(res)
      assert.ok(reset >= 1 && reset <= 60, `RateLimit-Reset ${reset}`)
      assert.equal(res.headers.get('Retry-After'), null)
    }
  })

  it('answers 429 with Retry-After and the envelope after the limit, without running the handler', async () => {
    const { app, handled } = makeApp()
    for (let i = 0; i < 2; i++) await app.request('/api/things', { headers: peer('203.0.113.2') })
    const blocked = await app.request('/api/things', { headers: peer('203.0.113.2') })
    assert.equal(blocked.status, 429)
    assert.equal(handled(), 2)
    const { limit, remaining, reset } = limitHeaders(blocked)
    assert.deepEqual([limit, remaining], ['2', '0'])
    assert.equal(blocked.headers.get('Retry-After'), String(reset))
    assert.match(blocked.headers.get('X-Request-Id') ?? '', /./, 'the 429 still carries the request id')
    assert.deepEqual(await blocked.json(), {
      success: false,
      error: 'rate_limited',
      message: `Too many requests. Try again in ${reset} seconds.`,
      details: { retryAfterSeconds: reset },
    })
  })

  it('says "1 second", not "1 seconds"', async () => {
    const { app } = makeApp({ rule: { limit: 1, windowSeconds: 1 } })
    await app.request('/api/things', { headers: peer('203.0.113.3') })
    const blocked = await app.request('/api/things', { headers: peer('203.0.113.3') })
    assert.equal(((await blocked.json()) as { message: string }).message, 'Too many requests. Try again in 1 second.')
  })

  it('counts each client address separately', async () => {
    const { app } = makeApp({ rule: { limit: 1, windowSeconds: 60 } })
    assert.equal((await app.request('/api/things', { headers: peer('203.0.113.4') })).status, 200)
    assert.equal((await app.request('/api/things', { headers: peer('203.0.113.4') })).status, 429)
    assert.equal((await app.request('/api/things', { headers: peer('203.0.113.5') })).status, 200)
  })

  it('is not fooled by a forged X-Forwarded-For', async () => {
    const { app } = makeApp({ rule: { limit: 1, windowSeconds: 60 } })
    const forged = (n: number) => ({ ...peer('203.0.113.6'), 'X-Forwarded-For': `198.51.100.${n}` })
    assert.equal((await app.request('/api/things', { headers: forged(1) })).status, 200)
    assert.equal((await app.request('/api/things', { headers: forged(2) })).status, 429, 'header ignored')

    const proxied = makeApp({ rule: { limit: 1, windowSeconds: 60 }, trustProxy: true })
    const viaProxy = (n: number) => ({ ...peer('10.0.0.1'), 'X-Forwarded-For': `198.51.100.${n}, 192.0.2.44` })
    assert.equal((await proxied.app.request('/api/things', { headers: viaProxy(1) })).status, 200)
    assert.equal(
      (await proxied.app.request('/api/things', { headers: viaProxy(2) })).status,
      429,
      'the entry the proxy appended counts, not the ones the client sent',
    )
  })

  it('shares one budget among requests whose address cannot be found', async () => {
    const { app } = makeApp({ rule: { limit: 1, windowSeconds: 60 }, clientIp: () => undefined })
    assert.equal((await app.request('/api/things')).status, 200)
    assert.equal((await app.request('/api/things', { headers: peer('203.0.113.7') })).status, 429)
  })

  it('counts signed-in callers by principal with principalOrIpKey', async () => {
    const { app } = makeApp({ rule: { limit: 1, windowSeconds: 60 }, key: principalOrIpKey })
    const as = (user: string, ip: string) => ({ headers: { ...peer(ip), 'x-test-user': user } })
    assert.equal((await app.request('/api/things', as('ada', '203.0.113.8'))).status, 200)
    assert.equal((await app.request('/api/things', as('bob', '203.0.113.8'))).status, 200, 'same NAT, own budget')
    assert.equal((await app.request('/api/things', as('ada', '198.51.100.9'))).status, 429, 'new address, same user')
    assert.equal((await app.request('/api/things', { headers: peer('203.0.113.8') })).status, 200, 'anonymous by IP')
  })

  it('does not count CORS preflights', async () => {
    const { app } = makeApp({ rule: { limit: 1, windowSeconds: 60 } })
    for (let i = 0; i < 3; i++) {
      assert.equal((await app.request('/api/things', { method: 'OPTIONS', headers: peer('203.0.113.10') })).status, 200)
    }
    assert.equal((await app.request('/api/things', { headers: peer('203.0.113.10') })).status, 200)
  })

  it('shows the tighter of two stacked rules', async () => {
    const limiter = createMemoryRateLimiter()
    const app = new Hono<ApiEnv>()
    app.use(requestContext({ logger: silentLogger }))
    const clientIp = () => '203.0.113.11'
    app.use('/api/*', rateLimit({ limiter, rule: { limit: 100, windowSeconds: 60 }, keyPrefix: 'api', clientIp }))
    app.use('/api/auth/*', rateLimit({ limiter, rule: { limit: 3, windowSeconds: 60 }, keyPrefix: 'auth', clientIp }))
    app.post('/api/auth/login', (c) => c.json({ success: true, data: null }))
    app.get('/api/things', (c) => c.json({ success: true, data: [] }))
    const login = await app.request('/api/auth/login', { method: 'POST' })
    assert.deepEqual([limitHeaders(login).limit, limitHeaders(login).remaining], ['3', '2'])
    const things = await app.request('/api/things')
    assert.deepEqual([limitHeaders(things).limit, limitHeaders(things).remaining], ['100', '98'])
  })

  it('logs a blocked request like any other, status 429', async () => {
    const { app, raw } = makeApp({ rule: { limit: 1, windowSeconds: 60 } })
    await app.request('/api/things?token=abc', { headers: peer('203.0.113.12') })
    await app.request('/api/things?token=abc', { headers: peer('203.0.113.12') })
    const lines = raw.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    assert.deepEqual(
      lines.map((l) => [l.path, l.status]),
      [
        ['/api/things', 200],
        ['/api/things', 429],
      ],
    )
  })
  it('refuses a bad rule when it is mounted, not on each request', () => {
    assert.throws(
      () => rateLimit({ limiter: createMemoryRateLimiter(), rule: { limit: 0, windowSeconds: 60 }, keyPrefix: 'api' }),
      /whole numbers/,
    )
  })
})

describe('ipKey', () => {
  it('keys IPv4 by address and IPv6 by its /64 network', () => {
    assert.equal(ipKey('203.0.113.1'), 'ip:203.0.113.1')
    assert.equal(ipKey('::ffff:203.0.113.1'), 'ip:203.0.113.1')
    assert.equal(ipKey('2001:db8:abcd:12:1:2:3:4'), 'ip:2001:db8:abcd:12::/64')
    assert.equal(ipKey('2001:db8:abcd:0012:ffff::9'), 'ip:2001:db8:abcd:12::/64')
    assert.equal(ipKey('2001:db8::1'), 'ip:2001:db8:0:0::/64')
    assert.equal(ipKey('::1'), 'ip:0:0:0:0::/64')
    assert.equal(ipKey('64:ff9b::192.0.2.1'), 'ip:64:ff9b:0:0::/64')
    assert.equal(ipKey('unknown'), 'ip:unknown')
  })
})
