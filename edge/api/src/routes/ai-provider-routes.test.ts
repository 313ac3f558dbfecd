import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { type OpenAiTestServer, startOpenAiTestServer } from '@prodgy/core/testing/openai-test-server'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../testing/harness.ts'

const pglite = testDatabaseKinds().find((k) => k.name === 'pglite')!

describe('the AI provider settings over HTTP', () => {
  let handle: TestDatabaseHandle
  let api: TestApi
  let server: OpenAiTestServer
  let admin: string

  before(async () => {
    handle = await pglite.create({ migrated: true })
    server = await startOpenAiTestServer({ dimensions: 32 })
    api = await createTestApi(handle.db, { env: { PRODGY_ENCRYPTION_KEY: 'k'.repeat(48) } })
    const setup = await api.request('/api/setup', {
      body: { email: 'root@acme.test', password: STRONG_PASSWORD, fullName: 'Root', organizationName: 'Acme' },
    })
    admin = (setup.body.data as { accessToken: string }).accessToken
  })
  after(async () => {
    await server?.close()
    await handle?.drop()
  })

  it('has no provider at first', async () => {
    const res = await api.request('/api/organizations/current/ai-provider', { token: admin })
    assert.equal(res.status, 200)
    assert.equal(res.body.data, null)
  })

  it('checks the provider with one embedding, stores the key encrypted, and never returns it', async () => {
    const res = await api.request('/api/organizations/current/ai-provider', {
      method: 'PUT',
      token: admin,
      body: {
        provider: 'openai_compatible',
        baseUrl: server.url,
        embeddingModel: 'test-embed',
        chatModel: 'test-chat',
        apiKey: server.apiKey,
      },
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    const data = res.body.data as { hasApiKey: boolean; embeddingDimensions: number }
    assert.equal(data.hasApiKey, true)
    assert.equal(data.embeddingDimensions, 32)
    assert.equal(JSON.stringify(res.body).includes(server.apiKey), false)
    assert.ok(server.calls.embeddings >= 1)
    const [row] = await handle.db.query<{ api_key_ciphertext: string }>('select api_key_ciphertext from ai_providers')
    assert.ok(row?.api_key_ciphertext)
    assert.equal(row.api_key_ciphertext.includes(server.apiKey), false)
    const read = await api.request('/api/organizations/current/ai-provider', { token: admin })
    assert.equal(JSON.stringify(read.body).includes(server.apiKey), false)
  })

  it('refuses settings the provider rejects, with a clear error, and keeps the previous ones', async () => {
    const res = await api.request('/api/organizations/current/ai-provider', {
      method: 'PUT',
      token: admin,
      body: { provider: 'openai_compatible', baseUrl: server.url, embeddingModel: 'test-embed', apiKey: 'wrong-key' },
    })
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`)
    assert.equal(res.body.success, false)
    assert.ok(res.body.message)
    const read = await api.request('/api/organizations/current/ai-provider', { token: admin })
    assert.equal((read.body.data as { hasApiKey: boolean }).hasApiKey, true)
  })

  it('is for administrators only, and can be removed', async () => {
    await api.request('/api/invitations', {
      token: admin,
      body: { email: 'dev@acme.test', fullName: 'Dev', role: 'user' },
    })
    const token = api.tokenFromLink(await api.lastLink('dev@acme.test'))
    const accepted = await api.request('/api/invitations/accept', {
      body: { token, fullName: 'Dev', password: STRONG_PASSWORD },
    })
    const user = (accepted.body.data as { accessToken: string }).accessToken
    assert.equal((await api.request('/api/organizations/current/ai-provider', { token: user })).status, 403)
    const removed = await api.request('/api/organizations/current/ai-provider', { method: 'DELETE', token: admin })
    assert.equal(removed.status, 200)
    const read = await api.request('/api/organizations/current/ai-provider', { token: admin })
    assert.equal(read.body.data, null)
  })
})
