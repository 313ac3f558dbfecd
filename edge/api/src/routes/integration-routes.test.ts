import assert from 'node:assert/strict'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { slackSignature } from '@prodgy/core'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../testing/harness.ts'

type Session = { accessToken: string; user: { id: string } }
type Integration = {
  id: string
  title: string
  scope: string
  credentialNames: string[]
  active: boolean
  webhookUrl: string | null
}
type Tool = {
  name: string
  inputSchema: { properties: Record<string, unknown>; required?: string[] }
  providers: { integrationId: string }[]
}

const SECRET_TOKEN = 'tracker-secret-token-123'

/** A small issue tracker standing in for a SaaS API: bearer auth, JSON bodies, and the requests it received. */
function startTracker() {
  const received: { method: string; url: string; auth: string | undefined; body: unknown }[] = []
  const items = new Map<string, { id: string; title: string; state: string }>()
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = ''
      req.on('data', (c) => {
        data += c
      })
      req.on('end', () => resolve(data))
    })
  const server = createServer(async (req, res) => {
    const text = await read(req)
    const body = text ? JSON.parse(text) : undefined
    received.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body })
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    if (req.headers.authorization !== `Bearer ${SECRET_TOKEN}`) {
      return json(401, { message: `Bad credentials for token ${String(req.headers.authorization).slice(7)}` })
    }
    if (req.url === '/api/me') return json(200, { login: 'octo' })
    if (req.method === 'POST' && req.url === '/api/items') {
      const id = String(items.size + 1)
      items.set(id, { id, title: body.title, state: 'open' })
      return json(201, { item: { id, title: body.title, state: 'open', html: `https://tracker.test/i/${id}` } })
    }
    const match = /^\/api\/items\/([^/?]+)/.exec(req.url ?? '')
    if (match && req.method === 'GET') {
      const item = items.get(decodeURIComponent(match[1] as string))
      return item ? json(200, { item }) : json(404, { message: 'Item not found' })
    }
    json(404, { message: 'No such route' })
  })
  return new Promise<{ url: string; received: typeof received; close(): void }>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        received,
        close: () => {
          server.closeAllConnections()
          server.close()
        },
      }),
    )
  })
}

function trackerTemplate(key: string, name: string) {
  return {
    key,
    name,
    class: 'devops',
    description: `${name}: a work tracker.`,
    baseUrl: '{{settings.api_url}}',
    credentials: [{ name: 'token', label: 'API token', secret: true }],
    settings: [{ name: 'api_url', label: 'API address', type: 'url', required: true }],
    auth: { type: 'bearer', token: '{{credentials.token}}' },
    validation: { request: { method: 'GET', url: '/api/me' } },
    tools: [
      {
        name: 'create_work_item',
        description: 'Create a work item.',
        inputSchema: {
          type: 'object',
          properties: { title: { type: 'string', description: 'Title' }, points: { type: 'number' } },
          required: ['title'],
        },
        request: { method: 'POST', url: '/api/items', body: { title: '{{input.title}}', points: '{{input.points}}' } },
        response: { root: 'item', fields: { id: 'id', title: 'title', url: 'html' } },
      },
      {
        name: 'get_work_item',
        description: 'Read a work item.',
        annotations: { readOnly: true },
        inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        request: { method: 'GET', url: '/api/items/{{input.id}}' },
        response: { root: 'item' },
      },
    ],
  }
}

const slackTemplate = {
  key: 'team_chat',
  name: 'Team chat',
  class: 'communicator',
  description: 'Slack-style events.',
  credentials: [{ name: 'signing_secret', label: 'Signing secret', secret: true }],
  settings: [{ name: 'audience', label: 'Audience' }],
  webhook: { kind: 'slack', secretField: 'signing_secret' },
}

for (const kind of testDatabaseKinds()) {
  describe(`integrations over HTTP on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let api: TestApi
    let tracker: Awaited<ReturnType<typeof startTracker>>
    let root: Session
    let workspaceId: string
    let otherWorkspaceId: string
    let templateId: string
    let secondTemplateId: string
    let globalId: string
    let chatKeys: Awaited<ReturnType<typeof generateKeyPair>>
    let apiToken: string
    const drafted = { ...trackerTemplate('drafted_tracker', 'Drafted tracker') }

    before(async () => {
      handle = await kind.create({ migrated: true })
      tracker = await startTracker()
      chatKeys = await generateKeyPair('RS256')
      const jwk = { ...(await exportJWK(chatKeys.publicKey)), kid: 'k1', alg: 'RS256' }
      api = await createTestApi(handle.db, {
        env: { PRODGY_ENCRYPTION_KEY: 'k'.repeat(48), PRODGY_OUTBOUND_ALLOWLIST: '127.0.0.1' },
        generateText: async () => `Here it is:\n\`\`\`json\n${JSON.stringify(drafted)}\n\`\`\``,
        communicator: { googleChatKeys: createLocalJWKSet({ keys: [jwk] }) },
      })
      const setup = await api.request('/api/setup', {
        body: { email: 'root@acme.test', password: STRONG_PASSWORD, fullName: 'Root', organizationName: 'Acme' },
      })
      root = setup.body.data as Session
      workspaceId = (
        (await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Rocket' } })).body.data as {
          id: string
        }
      ).id
      otherWorkspaceId = (
        (await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Moon' } })).body.data as {
          id: string
        }
      ).id
      const created = await api.request(`/api/workspaces/${workspaceId}/api-tokens`, {
        token: root.accessToken,
        body: { name: 'mcp' },
      })
      apiToken = (created.body.data as { token: string }).token
    })
    after(async () => {
      tracker?.close()
      await handle?.drop()
    })

    it('creates organization templates, with a message per invalid field', async () => {
      const bad = await api.request('/api/integration-templates', {
        token: root.accessToken,
        body: { ...trackerTemplate('Bad Key', ''), tools: [{ name: 'x' }] },
      })
      assert.equal(bad.status, 400)
      assert.equal(bad.body.error, 'validation_failed')
      assert.ok((bad.body.details as { fields: Record<string, string[]> }).fields.key)
      const typo = trackerTemplate('typo', 'Typo')
      typo.tools[0]!.request.body = { title: '{{input.titel}}', points: '{{input.points}}' }
      const refused = await api.request('/api/integration-templates', { token: root.accessToken, body: typo })
      assert.equal(refused.status, 400)
      assert.match(refused.body.message ?? '', /input titel/)
      const res = await api.request('/api/integration-templates', {
        token: root.accessToken,
        body: trackerTemplate('tracker', 'Tracker'),
      })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      templateId = (res.body.data as { id: string }).id
      const second = await api.request('/api/integration-templates', {
        token: root.accessToken,
        body: trackerTemplate('tracker_two', 'Tracker Two'),
      })
      secondTemplateId = (second.body.data as { id: string }).id
      const list = await api.request('/api/integration-templates?search=tracker', { token: root.accessToken })
      const items = (list.body.data as { items: { key: string; toolCount: number }[] }).items
      assert.deepEqual(items.map((i) => i.key).sort(), ['tracker', 'tracker_two'])
      assert.equal(items[0]?.toolCount, 2)
    })

    it('checks credentials with the service before installing, and never stores or returns them in clear', async () => {
      const wrong = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: { templateId, title: 'Tracker', settings: { api_url: tracker.url }, credentials: { token: 'nope-nope' } },
      })
      assert.equal(wrong.status, 400)
      assert.equal(wrong.body.error, 'integration_validation_failed')
      assert.match(wrong.body.message ?? '', /401/)
      assert.equal(JSON.stringify(wrong.body).includes('nope-nope'), false, 'the refused secret is redacted')
      const missing = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: { templateId, title: 'Tracker', settings: {}, credentials: {} },
      })
      assert.equal(missing.status, 400)
      const fields = (missing.body.details as { fields: Record<string, string[]> }).fields
      assert.ok(fields['settings.api_url'])
      assert.equal((await handle.db.query('select id from integrations')).length, 0)

      const ok = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: {
          templateId,
          title: 'Tracker',
          settings: { api_url: `${tracker.url}/` },
          credentials: { token: SECRET_TOKEN },
        },
      })
      assert.equal(ok.status, 201, JSON.stringify(ok.body))
      const integration = ok.body.data as Integration
      globalId = integration.id
      assert.equal(integration.scope, 'global')
      assert.deepEqual(integration.credentialNames, ['token'])
      assert.equal(JSON.stringify(ok.body).includes(SECRET_TOKEN), false)
      const [row] = await handle.db.query<{ credentials_ciphertext: string }>(
        'select credentials_ciphertext from integrations where id = $1',
        [globalId],
      )
      assert.ok(row?.credentials_ciphertext.startsWith('v1.'))
      if (!row) return
      assert.equal(row.credentials_ciphertext.includes(SECRET_TOKEN), false)
      assert.equal(api.logLines.join('\n').includes(SECRET_TOKEN), false)
    })

    it('calls a tool with its input checked, maps the response and audits the call', async () => {
      const invalid = await api.request(`/api/integrations-base/product/${workspaceId}/tools/create_work_item/call`, {
        token: apiToken,
        body: { arguments: { points: 'many' } },
      })
      assert.equal(invalid.status, 400)
      assert.equal(invalid.body.error, 'tool_input_invalid')
      const before = tracker.received.length
      const res = await api.request(`/api/integrations-base/product/${workspaceId}/tools/create_work_item/call`, {
        token: apiToken,
        body: { arguments: { title: 'Login fails on Safari' } },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const data = res.body.data as { result: unknown; integrationId: string; status: number }
      assert.deepEqual(data.result, { id: '1', title: 'Login fails on Safari', url: 'https://tracker.test/i/1' })
      assert.equal(data.integrationId, globalId)
      assert.equal(data.status, 201)
      const sent = tracker.received.slice(before)
      assert.deepEqual(sent, [
        { method: 'POST', url: '/api/items', auth: `Bearer ${SECRET_TOKEN}`, body: { title: 'Login fails on Safari' } },
      ])
      const missing = await api.request(`/api/integrations-base/product/${workspaceId}/tools/get_work_item/call`, {
        token: apiToken,
        body: { arguments: { id: '../../me' } },
      })
      assert.equal(missing.status, 502)
      assert.equal(missing.body.error, 'tool_upstream_error')
      assert.equal(tracker.received.at(-1)?.url, '/api/items/..%2F..%2Fme', 'input is encoded into the path')
      const audit = await handle.db.query<{ metadata: { tool: string; ok: boolean } }>(
        `select metadata from audit_log where action = 'integration.tool_called' order by created_at`,
      )
      assert.deepEqual(
        audit.map((a) => [a.metadata.tool, a.metadata.ok]),
        [
          ['create_work_item', false],
          ['create_work_item', true],
          ['get_work_item', false],
        ],
      )
    })

    it('adds _integration when two integrations provide a name, and a local one shadows a global one', async () => {
      const second = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: {
          templateId: secondTemplateId,
          title: 'Tracker Two',
          product_id: workspaceId,
          settings: { api_url: tracker.url },
          credentials: { token: SECRET_TOKEN },
        },
      })
      assert.equal(second.status, 201, JSON.stringify(second.body))
      const secondId = (second.body.data as Integration).id
      const tools = (await api.request(`/api/integrations-base/product/${workspaceId}/tools`, { token: apiToken })).body
        .data as { tools: Tool[] }
      const create = tools.tools.find((t) => t.name === 'create_work_item') as Tool
      assert.equal(create.providers.length, 2)
      assert.ok(create.inputSchema.properties._integration)
      assert.deepEqual(create.inputSchema.required, ['_integration', 'title'])
      const ambiguous = await api.request(`/api/integrations-base/product/${workspaceId}/tools/create_work_item/call`, {
        token: apiToken,
        body: { arguments: { title: 'x' } },
      })
      assert.equal(ambiguous.status, 400)
      assert.equal(ambiguous.body.error, 'ambiguous_integration')
      const chosen = await api.request(`/api/integrations-base/product/${workspaceId}/tools/create_work_item/call`, {
        token: apiToken,
        body: { arguments: { title: 'Pick two', _integration: 'Tracker Two' } },
      })
      assert.equal((chosen.body.data as { integrationId: string }).integrationId, secondId)

      // a local instance of the same template hides the global one in that workspace only
      const local = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: {
          templateId,
          title: 'Rocket tracker',
          product_id: workspaceId,
          settings: { api_url: tracker.url },
          credentials: { token: SECRET_TOKEN },
        },
      })
      const localId = (local.body.data as Integration).id
      const active = (await api.request(`/api/integrations-base/product/${workspaceId}/active`, { token: apiToken }))
        .body.data as { items: Integration[] }
      assert.deepEqual(active.items.map((i) => i.id).sort(), [localId, secondId].sort())
      const moon = (
        await api.request(`/api/integrations-base/product/${otherWorkspaceId}/active`, { token: root.accessToken })
      ).body.data as { items: Integration[] }
      assert.deepEqual(
        moon.items.map((i) => i.id),
        [globalId],
      )
      // the token is bound to its workspace
      const elsewhere = await api.request(`/api/integrations-base/product/${otherWorkspaceId}/tools`, {
        token: apiToken,
      })
      assert.equal(elsewhere.status, 403)
    })

    it('updates without resending secrets, deactivates, and refuses to delete an installed template', async () => {
      const renamed = await api.request(`/api/integrations-base/${globalId}`, {
        method: 'PUT',
        token: root.accessToken,
        body: { title: 'Acme tracker' },
      })
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body))
      assert.deepEqual((renamed.body.data as Integration).credentialNames, ['token'])
      const wrong = await api.request(`/api/integrations-base/${globalId}`, {
        method: 'PUT',
        token: root.accessToken,
        body: { credentials: { token: 'another-wrong-token' } },
      })
      assert.equal(wrong.status, 400)
      const off = await api.request(`/api/integrations-base/${globalId}`, {
        method: 'PUT',
        token: root.accessToken,
        body: { active: false },
      })
      assert.equal((off.body.data as Integration).active, false)
      const moon = (
        await api.request(`/api/integrations-base/product/${otherWorkspaceId}/tools`, { token: root.accessToken })
      ).body.data as { tools: Tool[] }
      assert.equal(moon.tools.length, 0)
      const inUse = await api.request(`/api/integration-templates/${templateId}`, {
        method: 'DELETE',
        token: root.accessToken,
      })
      assert.equal(inUse.status, 409)
      assert.equal(inUse.body.error, 'template_in_use')
    })

    it('refuses private addresses that the operator did not allow', async () => {
      const template = await api.request('/api/integration-templates', {
        token: root.accessToken,
        body: {
          ...trackerTemplate('metadata', 'Metadata'),
          validation: undefined,
          baseUrl: 'http://169.254.169.254/latest',
        },
      })
      const installed = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: {
          templateId: (template.body.data as { id: string }).id,
          title: 'Metadata',
          product_id: otherWorkspaceId,
          settings: { api_url: 'https://example.com' },
          credentials: { token: 'x-token' },
        },
      })
      assert.equal(installed.status, 201, JSON.stringify(installed.body))
      const res = await api.request(`/api/integrations-base/product/${otherWorkspaceId}/tools/get_work_item/call`, {
        token: root.accessToken,
        body: { arguments: { id: '1' } },
      })
      assert.equal(res.status, 403)
      assert.equal(res.body.error, 'outbound_blocked')
    })

    it('keeps another organization out of templates, integrations and tools', async () => {
      await api.request('/api/auth/signup', { body: { email: 'owner@globex.test', fullName: 'Owner' } })
      const token = api.tokenFromLink(await api.lastLink('owner@globex.test'))
      const other = (await api.request('/api/auth/confirm', { body: { token, password: STRONG_PASSWORD } })).body
        .data as Session
      await api.request('/api/organizations', { token: other.accessToken, body: { name: 'Globex' } })
      const templates = (await api.request('/api/integration-templates', { token: other.accessToken })).body.data as {
        items: { key: string }[]
      }
      assert.equal(
        templates.items.some((t) => t.key.startsWith('tracker')),
        false,
      )
      assert.equal(
        (await api.request(`/api/integration-templates/${templateId}`, { token: other.accessToken })).status,
        404,
      )
      assert.equal((await api.request(`/api/integrations-base/${globalId}`, { token: other.accessToken })).status, 404)
      const list = (await api.request('/api/integrations-base', { token: other.accessToken })).body.data as {
        items: unknown[]
      }
      assert.equal(list.items.length, 0)
      const tools = await api.request(`/api/integrations-base/product/${workspaceId}/tools`, {
        token: other.accessToken,
      })
      assert.equal(tools.status, 404)
      const install = await api.request('/api/integrations-base', {
        token: other.accessToken,
        body: { templateId, title: 'Steal', settings: { api_url: tracker.url }, credentials: { token: SECRET_TOKEN } },
      })
      assert.equal(install.status, 404)
      const update = await api.request(`/api/integrations-base/${globalId}`, {
        method: 'PUT',
        token: other.accessToken,
        body: { title: 'Pwned' },
      })
      assert.equal(update.status, 404)
    })

    it('drafts a template with the organization model for review, without saving it', async () => {
      const count = (await handle.db.query('select id from integration_templates')).length
      const res = await api.request('/api/integration-templates/draft', {
        token: root.accessToken,
        body: { description: 'A tracker with a bearer token at https://tracker.example/api' },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const draft = res.body.data as { definition: { key: string }; problems: string[] }
      assert.equal(draft.definition.key, 'drafted_tracker')
      assert.deepEqual(draft.problems, [])
      assert.equal((await handle.db.query('select id from integration_templates')).length, count)
    })

    it('keeps MCP settings for admins and gives the Gateway the caller context', async () => {
      const saved = await api.request('/api/mcp/settings', {
        method: 'PUT',
        token: root.accessToken,
        body: { instructions: 'Call get_my_profile first.', templateRules: 'Use snake_case.' },
      })
      assert.equal(saved.status, 200, JSON.stringify(saved.body))
      const context = await api.request('/api/mcp/context', { token: apiToken })
      assert.equal(context.status, 200, JSON.stringify(context.body))
      const data = context.body.data as {
        user: { email: string }
        workspace: { id: string; activeIntegrations: { id: string }[] }
        instructions: string
        aiPreferences: { confirmDestructiveActions: boolean }
      }
      assert.equal(data.user.email, 'root@acme.test')
      assert.equal(data.workspace.id, workspaceId)
      assert.equal(data.instructions, 'Call get_my_profile first.')
      assert.equal(data.aiPreferences.confirmDestructiveActions, true)
      assert.equal(data.workspace.activeIntegrations.length, 2)
      const sessionId = 'a'.repeat(32)
      const first = await api.request(`/api/mcp/sessions/${sessionId}/context`, { token: apiToken, method: 'POST' })
      assert.deepEqual(first.body.data, { firstDelivery: true })
      const again = await api.request(`/api/mcp/sessions/${sessionId}/context`, { token: apiToken, method: 'POST' })
      assert.deepEqual(again.body.data, { firstDelivery: false })
      const stolen = await api.request(`/api/mcp/sessions/${sessionId}/context`, {
        token: root.accessToken,
        method: 'POST',
      })
      assert.equal(stolen.status, 403)
    })

    it('accepts communicator events only with a valid signature, once per event id', async () => {
      const template = await api.request('/api/integration-templates', { token: root.accessToken, body: slackTemplate })
      const installed = await api.request('/api/integrations-base', {
        token: root.accessToken,
        body: {
          templateId: (template.body.data as { id: string }).id,
          title: 'Team chat',
          credentials: { signing_secret: 'slack-signing-secret' },
        },
      })
      const integration = installed.body.data as Integration
      assert.equal(integration.webhookUrl, `http://prodgy.test/api/communicator/webhook/${integration.id}`)
      const post = async (body: unknown, secret = 'slack-signing-secret', ts = Math.floor(Date.now() / 1000)) => {
        const raw = JSON.stringify(body)
        return api.app.request(`/api/communicator/webhook/${integration.id}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': await slackSignature(secret, String(ts), raw),
          },
          body: raw,
        })
      }
      const challenge = await post({ type: 'url_verification', challenge: 'abc123' })
      assert.equal(challenge.status, 200)
      assert.deepEqual(await challenge.json(), { challenge: 'abc123' })
      assert.equal((await post({ type: 'url_verification', challenge: 'x' }, 'wrong-secret')).status, 401)
      assert.equal(
        (await post({ type: 'url_verification' }, undefined, Math.floor(Date.now() / 1000) - 600)).status,
        401,
      )
      const event = { type: 'event_callback', event_id: 'Ev01', event: { type: 'message', text: 'hi' } }
      assert.equal((await post(event)).status, 200)
      assert.equal((await post(event)).status, 200)
      const stored = await handle.db.query<{ event_type: string }>(
        'select event_type from communicator_events where integration_id = $1',
        [integration.id],
      )
      assert.deepEqual(
        stored.map((s) => s.event_type),
        ['message'],
      )

      // Google Chat: a JWT signed by Chat's key for the integration's audience
      const chat = await api.request('/api/integration-templates', {
        token: root.accessToken,
        body: {
          ...slackTemplate,
          key: 'space_chat',
          credentials: [],
          webhook: { kind: 'google_chat', secretField: 'audience' },
        },
      })
      const chatIntegration = (
        await api.request('/api/integrations-base', {
          token: root.accessToken,
          body: {
            templateId: (chat.body.data as { id: string }).id,
            title: 'Space chat',
            settings: { audience: '1234567890' },
          },
        })
      ).body.data as Integration
      const jwt = (aud: string) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer('chat@system.gserviceaccount.com')
          .setAudience(aud)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(chatKeys.privateKey)
      const chatPost = async (token: string) =>
        api.app.request(`/api/communicator/webhook/${chatIntegration.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ type: 'MESSAGE', message: { name: 'spaces/A/messages/1', text: 'hello' } }),
        })
      assert.equal((await chatPost(await jwt('1234567890'))).status, 200)
      assert.equal((await chatPost(await jwt('999'))).status, 401)
    })
  })
}
