import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { type OpenAiTestServer, startOpenAiTestServer } from '@prodgy/core/testing/openai-test-server'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../testing/harness.ts'
import { createChatTextGenerator } from './chat-text.ts'

const pglite = testDatabaseKinds().find((k) => k.name === 'pglite')!
const loadAiSdk = () => Promise.all([import('@prodgy/core/adapters/ai-sdk'), import('ai')])

describe("the organization's default model", () => {
  let handle: TestDatabaseHandle
  let api: TestApi
  let server: OpenAiTestServer
  let admin: string
  let organizationId: string

  before(async () => {
    handle = await pglite.create({ migrated: true })
    server = await startOpenAiTestServer({ reply: () => 'Hello from the default model.' })
    api = await createTestApi(handle.db, {
      env: { PRODGY_ENCRYPTION_KEY: 'k'.repeat(48), PRODGY_OUTBOUND_ALLOWLIST: '127.0.0.1' },
    })
    const setup = await api.request('/api/setup', {
      body: { email: 'root@acme.test', password: STRONG_PASSWORD, fullName: 'Root', organizationName: 'Acme' },
    })
    admin = (setup.body.data as { accessToken: string }).accessToken
    organizationId = ((await api.request('/api/organizations/current', { token: admin })).body.data as { id: string })
      .id
  })
  after(async () => {
    await server?.close()
    await handle?.drop()
  })

  it('generates text with a global LLM integration chosen as the default model', async () => {
    const generate = createChatTextGenerator(api.platform, loadAiSdk)
    await assert.rejects(generate(organizationId, 'hi'), /No chat model is configured/)
    const catalog = (await api.request('/api/integration-templates?class=llm', { token: admin })).body.data as {
      items: { id: string; key: string }[]
    }
    assert.deepEqual(catalog.items.map((t) => t.key).sort(), [
      'anthropic',
      'azure_openai',
      'google_gemini',
      'openai',
      'openai_compatible',
      'openrouter',
    ])
    const template = catalog.items.find((t) => t.key === 'openai_compatible') as { id: string }
    const installed = await api.request('/api/integrations-base', {
      token: admin,
      body: {
        templateId: template.id,
        title: 'Local model',
        settings: { base_url: server.url, completion: 'test-chat' },
        credentials: { api_key: server.apiKey },
      },
    })
    assert.equal(installed.status, 201, JSON.stringify(installed.body))
    const id = (installed.body.data as { id: string }).id
    const set = await api.request('/api/organizations/current/default-model', {
      method: 'PUT',
      token: admin,
      body: { integrationId: id },
    })
    assert.equal(set.status, 200, JSON.stringify(set.body))
    const chats = server.calls.chat
    assert.equal(await generate(organizationId, 'Say hello'), 'Hello from the default model.')
    assert.equal(server.calls.chat, chats + 1)

    // a deactivated default is refused as a choice and skipped when generating
    await api.request(`/api/integrations-base/${id}`, { method: 'PUT', token: admin, body: { active: false } })
    await assert.rejects(generate(organizationId, 'hi'), /No chat model is configured/)
    const refused = await api.request('/api/organizations/current/default-model', {
      method: 'PUT',
      token: admin,
      body: { integrationId: id },
    })
    assert.equal(refused.status, 409)
  })

  it('refuses integrations that are not global LLM integrations', async () => {
    const github = (
      (await api.request('/api/integration-templates?search=github', { token: admin })).body.data as {
        items: { id: string }[]
      }
    ).items[0] as { id: string }
    const workspace = (await api.request('/api/workspaces', { token: admin, body: { name: 'Rocket' } })).body.data as {
      id: string
    }
    const local = await handle.db.query<{ id: string }>(
      `insert into integrations (organization_id, workspace_id, template_id, title) values ($1, $2, $3, 'Repo') returning id`,
      [organizationId, workspace.id, github.id],
    )
    const res = await api.request('/api/organizations/current/default-model', {
      method: 'PUT',
      token: admin,
      body: { integrationId: local[0]?.id },
    })
    assert.equal(res.status, 400)
    assert.equal(res.body.error, 'not_a_model')
  })
})
