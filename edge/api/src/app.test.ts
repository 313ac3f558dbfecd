import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createTestApi, type TestApi } from './testing/harness.ts'

const pglite = testDatabaseKinds().find((k) => k.name === 'pglite')!

describe('the API surface', () => {
  let handle: TestDatabaseHandle
  let api: TestApi

  before(async () => {
    handle = await pglite.create({ migrated: true })
    api = await createTestApi(handle.db)
  })
  after(async () => {
    await handle?.drop()
  })

  it('answers liveness and readiness', async () => {
    const live = await api.request('/health')
    assert.equal(live.status, 200)
    const ready = await api.request('/health/ready')
    assert.equal(ready.status, 200)
    assert.deepEqual((ready.body.data as { checks: unknown }).checks, { database: true })
  })

  it('reports not ready when the database stops answering', async () => {
    const broken = await pglite.create({ migrated: true })
    const brokenApi = await createTestApi(broken.db)
    await broken.db.close()
    const ready = await brokenApi.request('/health/ready')
    assert.equal(ready.status, 503)
    assert.deepEqual((ready.body.details as { checks: unknown }).checks, { database: false })
  })

  it('serves an OpenAPI 3.1 document that names every route', async () => {
    const doc = await api.request('/api/openapi.json')
    const body = doc.body as unknown as { openapi: string; paths: Record<string, unknown> }
    assert.equal(body.openapi, '3.1.0')
    for (const path of [
      '/api/setup',
      '/api/auth/login',
      '/api/me',
      '/api/workspaces/{id}',
      '/api/workspaces/{id}/api-tokens',
      '/api/api-tokens/{id}/revoke',
      '/api/invitations/accept',
      '/api/admin/outbox',
    ]) {
      assert.ok(body.paths[path], `missing ${path}`)
    }
    const swagger = await api.app.request('/swagger')
    assert.equal(swagger.status, 200)
  })

  it('answers bad input with the error envelope and a message per field', async () => {
    const res = await api.request('/api/auth/signup', { body: { email: 'not-an-email', fullName: '' } })
    assert.equal(res.status, 400)
    assert.equal(res.body.success, false)
    assert.equal(res.body.error, 'validation_failed')
    const fields = (res.body.details as { fields: Record<string, string[]> }).fields
    assert.deepEqual(Object.keys(fields).sort(), ['email', 'fullName'])
    const notJson = await api.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    })
    assert.equal(notJson.status, 400)
    const unknown = await api.request('/api/nowhere')
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.error, 'not_found')
    const anonymous = await api.request('/api/me')
    assert.equal(anonymous.status, 401)
    assert.equal(anonymous.body.error, 'unauthorized')
  })

  it('refuses bodies over 1 MB', async () => {
    const res = await api.request('/api/auth/login', { body: { email: 'a@b.co', password: 'x'.repeat(1_100_000) } })
    assert.equal(res.status, 413)
    assert.equal(res.body.error, 'payload_too_large')
  })

  it('rate-limits authentication per address with RateLimit headers', async () => {
    const limited = await createTestApi(handle.db, { authLimit: { limit: 3, windowSeconds: 60 } })
    const attempt = () => limited.request('/api/auth/login', { body: { email: 'a@b.co', password: 'Wrong-pass-1' } })
    const first = await attempt()
    assert.equal(first.headers.get('ratelimit-limit'), '3')
    assert.equal(first.headers.get('ratelimit-remaining'), '2')
    await attempt()
    await attempt()
    const blocked = await attempt()
    assert.equal(blocked.status, 429)
    assert.equal(blocked.body.error, 'rate_limited')
    assert.ok(Number(blocked.headers.get('ratelimit-reset')) > 0)
    assert.ok(Number(blocked.headers.get('retry-after')) > 0)
    // reading is not signing in, and refreshing needs an unguessable token: the general limit applies there
    assert.equal((await limited.request('/api/setup')).status, 200)
    assert.equal((await limited.request('/api/auth/refresh', { body: {} })).status, 401)
  })

  it('echoes a request id and logs one line per request without query strings', async () => {
    const res = await api.app.request('/api/setup?token=secret-in-query', { headers: { 'x-request-id': 'abc-123' } })
    assert.equal(res.headers.get('x-request-id'), 'abc-123')
    const line = api.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === 'abc-123' && l.path)
    assert.equal(line?.path, '/api/setup')
    assert.equal(api.logLines.join('\n').includes('secret-in-query'), false)
  })
})
