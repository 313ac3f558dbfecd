/** Which tools a caller sees, by role, OAuth scopes and the destructive-action guard. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js'
import { silentLogger } from '@prodgy/core'
import type { McpContext } from './context.ts'
import { confirmationRequired, takeConfirmation } from './guard.ts'
import { instructionsFor, type RequestState, visibleTools } from './mcp-server.ts'
import type { IntegrationTool } from './tools/dynamic.ts'
import { CORE_TOOLS } from './tools/index.ts'

const ADMIN_TOOLS = [
  'install_integration',
  'create_integration',
  'update_integration',
  'delete_integration',
  'get_mcp_settings',
  'update_mcp_settings',
]

function context(overrides: Partial<McpContext> = {}): McpContext {
  return {
    user: {
      id: '00000000-0000-4000-8000-000000000001',
      fullName: 'Dana',
      email: 'dana@acme.test',
      role: 'user',
      position: null,
      language: 'en',
    },
    organization: { id: '00000000-0000-4000-8000-000000000002', name: 'Acme' },
    workspace: { id: '00000000-0000-4000-8000-000000000003', name: 'Rocket' },
    aiPreferences: { directive: '', confirmDestructiveActions: false },
    role: 'user',
    scopes: null,
    instructions: '',
    ...overrides,
  }
}

const issueTool: IntegrationTool = {
  name: 'close_issue',
  description: 'Closes an issue',
  inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
  annotations: { readOnly: false, destructive: true, idempotent: true },
  providers: [{ integrationId: 'i1', title: 'Tracker', templateKey: 'tracker' }],
}
const shadowing: IntegrationTool = { ...issueTool, name: 'search_knowledge', annotations: { readOnly: true } }

function state(ctx: McpContext, integrationTools: IntegrationTool[] = []): RequestState {
  return {
    api: {
      call: () => {
        throw new Error('listing tools makes no API call')
      },
    },
    context: ctx,
    integrationTools,
    sessionId: undefined,
    log: silentLogger,
    toolTimeoutMs: 1000,
    validator: new AjvJsonSchemaValidator(),
  }
}

const names = (s: RequestState) => visibleTools(s).map((t) => t.name)

describe('tool visibility', () => {
  it('hides the admin tools from a user and shows them to admins and Super Admins', () => {
    const user = names(state(context()))
    for (const name of ADMIN_TOOLS) assert.ok(!user.includes(name), `${name} is hidden from a user`)
    assert.ok(user.includes('search_knowledge') && !user.includes('install_integration'))
    for (const role of ['admin', 'super_admin']) {
      const seen = names(state(context({ role })))
      assert.deepEqual(
        seen,
        CORE_TOOLS.map((t) => t.name),
      )
    }
  })

  it('limits OAuth connections to the granted mcp:* families; integration tools need mcp:execute', () => {
    const readOnly = names(state(context({ role: 'admin', scopes: ['mcp:read'] }), [issueTool]))
    assert.ok(readOnly.includes('get_my_profile') && readOnly.includes('search_knowledge'))
    assert.ok(!readOnly.includes('update_my_ai_preferences') && !readOnly.includes('install_integration'))
    assert.ok(!readOnly.includes('get_mcp_settings'))
    const all = names(
      state(context({ role: 'admin', scopes: ['mcp:read', 'mcp:write', 'mcp:execute', 'mcp:admin'] }), [issueTool]),
    )
    assert.deepEqual(all, [...CORE_TOOLS.map((t) => t.name), 'close_issue'])
    // the role still applies under OAuth
    const userAdminScope = names(state(context({ role: 'user', scopes: ['mcp:admin'] })))
    assert.ok(!userAdminScope.includes('get_mcp_settings'))
  })

  it('lists integration tools after the core tools, a core name winning over an integration tool', () => {
    const tools = visibleTools(state(context(), [issueTool, shadowing]))
    assert.equal(tools.filter((t) => t.name === 'search_knowledge').length, 1)
    const search = tools.find((t) => t.name === 'search_knowledge')
    assert.ok(search?.description?.startsWith("Searches the workspace's knowledge base"))
    const close = tools.find((t) => t.name === 'close_issue')
    assert.deepEqual(close?.inputSchema, issueTool.inputSchema)
    assert.deepEqual(close?.annotations, {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: true,
    })
  })

  it('adds _confirm to update_*, delete_* and destructive tools only when the user asks for confirmation', () => {
    const off = visibleTools(state(context({ role: 'admin' }), [issueTool]))
    assert.ok(off.every((t) => !('_confirm' in (t.inputSchema.properties ?? {}))))
    const on = visibleTools(
      state(context({ role: 'admin', aiPreferences: { directive: '', confirmDestructiveActions: true } }), [issueTool]),
    )
    const guarded = on.filter((t) => '_confirm' in (t.inputSchema.properties ?? {})).map((t) => t.name)
    assert.deepEqual(guarded.sort(), [
      'close_issue',
      'delete_integration',
      'update_integration',
      'update_mcp_settings',
      'update_my_ai_preferences',
    ])
    // the integration's own schema is left as it was
    assert.equal('_confirm' in (issueTool.inputSchema.properties ?? {}), false)
  })

  it('describes an unconfirmed call with its arguments, masking secrets', () => {
    const { confirmed, rest } = takeConfirmation({ id: 't1', _confirm: false })
    assert.equal(confirmed, false)
    assert.deepEqual(rest, { id: 't1' })
    assert.equal(takeConfirmation({ _confirm: true }).confirmed, true)
    const text = confirmationRequired('delete_integration', { id: 't1', credentials: { apiKey: 'very-secret' } })
    assert.match(text, /delete_integration with \{"id":"t1"/)
    assert.match(text, /"_confirm": true/)
    assert.ok(!text.includes('very-secret'))
  })

  it("puts the organization's instructions after the built-in preface", () => {
    assert.match(instructionsFor(context()), /get_my_profile and then get_workspace_info/)
    const own = instructionsFor(context({ instructions: 'Answer in French.' }))
    assert.ok(own.endsWith('\n\nAnswer in French.'))
  })
})
