import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLogger, type Principal } from '@prodgy/core'
import { Hono } from 'hono'
import type { ApiEnv } from '../context.ts'
import { normalizeIp, type RequestContextOptions, requestContext } from './request-context.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function principal(overrides: Partial<Principal>): Principal {
  return {
    kind: 'session',
    user: { id: 'u-1', email: 'ada@example.com', fullName: 'Ada', isSuperAdmin: false },
    organizationId: 'org-1',
    role: 'user',
    workspaceId: undefined,
    tokenId: undefined,
    sessionFamilyId: undefined,
    service: undefined,
    ip: undefined,
    ...overrides,
  }
}

/** A tiny app; the `x-test-peer` header stands in for the runtime's connection address. */
function makeApp(options: Partial<RequestContextOptions> = {}) {
  const raw: string[] = []
  const logger = createLogger({ write: (line) => raw.push(line) })
  const app = new Hono<ApiEnv>()
  app.use(requestContext({ logger, clientIp: (c) => c.req.header('x-test-peer'), ...options }))
  app.use(async (c, next) => {
    const as = c.req.header('x-test-principal')
    c.set('principal', as ? (JSON.parse(as) as Principal) : undefined)
    await next()
  })
  app.get('/api/echo', (c) => {
    c.get('log').info('inside the handler')
    return c.json({ success: true, data: { requestId: c.get('requestId') } })
  })
  app.get('/api/raw', () => new Response('plain', { status: 202 }))
  app.get('/api/boom', () => {
    throw new Error('kaput')
  })
  app.onError((_error, c) => c.json({ success: false, error: 'internal', message: 'Something went wrong.' }, 500))
  const lines = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>)
  const accessLines = () => lines().filter((l) => l.msg === 'request')
  return { app, raw, lines, accessLines }
}

describe('requestContext', () => {
  it('generates a request id, echoes it, and binds it to the request logger', async () => {
    const { app, lines } = makeApp()
    const res = await app.request('/api/echo')
    const id = res.headers.get('X-Request-Id')
    assert.match(id ?? '', UUID)
    assert.deepEqual(await res.json(), { success: true, data: { requestId: id } })
    assert.ok(lines().every((l) => l.requestId === id))
    assert.deepEqual(
      lines().map((l) => l.msg),
      ['inside the handler', 'request'],
    )
  })

  it('gives every request its own id', async () => {
    const { app } = makeApp()
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await app.request('/api/echo')).headers.get('X-Request-Id')),
    )
    assert.equal(new Set(ids).size, 3)
  })

  it('keeps a sane incoming X-Request-Id and replaces anything else', async () => {
    const { app } = makeApp()
    const sane = ['abc-123', 'trace.Id_9', 'x'.repeat(128)]
    for (const id of sane) {
      const res = await app.request('/api/echo', { headers: { 'X-Request-Id': id } })
      assert.equal(res.headers.get('X-Request-Id'), id)
    }
    const insane = ['x'.repeat(129), 'has space', 'semi;colon', '<script>', 'ünï', 'a/b', '']
    for (const id of insane) {
      const res = await app.request('/api/echo', { headers: { 'X-Request-Id': id } })
      assert.match(res.headers.get('X-Request-Id') ?? '', UUID, `replaced ${JSON.stringify(id)}`)
    }
  })

  it('echoes the id on a Response built by hand and on an error answer', async () => {
    const { app, accessLines } = makeApp()
    const raw = await app.request('/api/raw', { headers: { 'X-Request-Id': 'raw-1' } })
    assert.equal(raw.status, 202)
    assert.equal(raw.headers.get('X-Request-Id'), 'raw-1')
    const boom = await app.request('/api/boom', { headers: { 'X-Request-Id': 'boom-1' } })
    assert.equal(boom.status, 500)
    assert.equal(boom.headers.get('X-Request-Id'), 'boom-1')
    const line = accessLines().find((l) => l.requestId === 'boom-1')
    assert.equal(line?.status, 500)
    assert.equal(line?.level, 'warn')
  })

  it('logs one line per request with method, path, status, duration and client IP', async () => {
    const { app, accessLines } = makeApp()
    await app.request('/api/echo', { headers: { 'x-test-peer': '203.0.113.9' } })
    await app.request('/api/missing', { method: 'POST' })
    const [ok, missing] = accessLines()
    assert.equal(accessLines().length, 2)
    assert.deepEqual(
      { method: ok?.method, path: ok?.path, status: ok?.status, ip: ok?.ip, level: ok?.level },
      { method: 'GET', path: '/api/echo', status: 200, ip: '203.0.113.9', level: 'info' },
    )
    assert.equal(typeof ok?.durationMs, 'number')
    assert.deepEqual(
      [missing?.method, missing?.path, missing?.status, 'ip' in (missing ?? {})],
      ['POST', '/api/missing', 404, false],
    )
  })

  it('never logs the query string, headers or credentials', async () => {
    const { app, raw } = makeApp()
    const secretQuery = 'invite-secret-7f3a'
    const bearer = 'eyJhbGciOiJIUzI1NiJ9.session-secret.sig'
    await app.request(`/api/echo?token=${secretQuery}&x=1`, {
      headers: {
        Authorization: `Bearer ${bearer}`,
        Cookie: 'prodgy_refresh=cookie-secret-91',
        'X-Api-Key': 'service-key-secret-55',
        'User-Agent': 'agent-marker-12',
      },
    })
    const text = raw.join('\n')
    for (const secret of [secretQuery, bearer, 'session-secret', 'cookie-secret-91', 'service-key-secret-55']) {
      assert.ok(!text.includes(secret), `a log line contains ${secret}`)
    }
    assert.ok(!text.includes('agent-marker-12'), 'headers are not logged')
    assert.ok(!text.includes('?'), 'no query string')
  })

  it('logs who called: the user, and the API token or service key used', async () => {
    const { app, accessLines } = makeApp()
    const as = (p: Principal) => ({ headers: { 'x-test-principal': JSON.stringify(p) } })
    await app.request('/api/echo', as(principal({})))
    await app.request('/api/echo', as(principal({ kind: 'api_token', tokenId: 'tok-uuid-1', workspaceId: 'ws-1' })))
    await app.request('/api/echo', as(principal({ kind: 'service', user: undefined, service: 'agentic' })))
    await app.request('/api/echo')
    assert.deepEqual(
      accessLines().map((l) => [l.userId, l.auth, l.authId]),
      [
        ['u-1', 'session', undefined],
        ['u-1', 'api_token', 'tok-uuid-1'],
        [undefined, 'service', 'agentic'],
        [undefined, undefined, undefined],
      ],
    )
  })

  it('takes the client IP from X-Forwarded-For only behind trusted proxies', async () => {
    const ipOf = async (options: Partial<RequestContextOptions>, headers: Record<string, string>) => {
      const { app, accessLines } = makeApp(options)
      await app.request('/api/echo', { headers })
      return accessLines()[0]?.ip
    }
    const forwarded = { 'X-Forwarded-For': '198.51.100.66, 192.0.2.10', 'x-test-peer': '10.0.0.2' }
    assert.equal(await ipOf({}, forwarded), '10.0.0.2', 'ignored without trustProxy')
    assert.equal(await ipOf({ trustProxy: true }, forwarded), '192.0.2.10', 'the address the proxy appended')
    assert.equal(await ipOf({ trustProxy: 2 }, forwarded), '198.51.100.66', 'two proxies deep')
    assert.equal(await ipOf({ trustProxy: 5 }, forwarded), '198.51.100.66', 'a shorter chain gives its first entry')
    assert.equal(
      await ipOf({ trustProxy: true }, { 'X-Forwarded-For': 'not-an-ip', 'x-test-peer': '10.0.0.2' }),
      '10.0.0.2',
      'garbage falls back to the connection',
    )
  })

  it('normalises addresses', () => {
    assert.equal(normalizeIp(' 203.0.113.5 '), '203.0.113.5')
    assert.equal(normalizeIp('203.0.113.5:51234'), '203.0.113.5')
    assert.equal(normalizeIp('[2001:DB8::1]:443'), '2001:db8::1')
    assert.equal(normalizeIp('::ffff:127.0.0.1'), '::ffff:127.0.0.1')
    assert.equal(normalizeIp('unknown'), undefined)
    assert.equal(normalizeIp('1'), undefined)
    assert.equal(normalizeIp(undefined), undefined)
  })
})
