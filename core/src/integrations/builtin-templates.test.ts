import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { builtinTemplates } from './builtin-templates.generated.ts'
import { pathSegments, placeholdersIn, renderValue } from './render.ts'
import { type IntegrationTemplate, integrationTemplateSchema } from './template-schema.ts'

const dir = fileURLToPath(new URL('../../../integrations/templates/', import.meta.url))
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()
const parsed: IntegrationTemplate[] = builtinTemplates.map((t) => integrationTemplateSchema.parse(t))

const EXPECTED_KEYS = [
  'anthropic',
  'azure_devops',
  'azure_openai',
  'github',
  'gitlab',
  'google_chat',
  'google_gemini',
  'hubspot',
  'jira',
  'microsoft_teams',
  'openai',
  'openai_compatible',
  'openrouter',
  'slack',
]

/** The generic tool names every template of a class provides, so tools group across services. */
const GENERIC_TOOLS: Record<string, string[]> = {
  devops: ['create_work_item', 'list_work_items', 'get_work_item', 'update_work_item', 'add_comment'],
  git: [
    'create_work_item',
    'list_work_items',
    'get_work_item',
    'update_work_item',
    'add_comment',
    'list_pull_requests',
  ],
  communicator: ['send_message'],
  crm: ['create_contact', 'list_contacts', 'get_contact', 'update_contact', 'create_deal', 'list_deals'],
  llm: ['list_models', 'generate_text'],
}
/** Service-specific names for the shared concepts; the generic name is used instead. */
const NON_GENERIC =
  /^(create|list|get|update|search)_(issue|ticket|task|bug|story)s?$|^(post|create)_(message|chat)|^list_merge_requests$|^(chat_completion|complete|create_completion)$/

function toolsOf(template: IntegrationTemplate) {
  return new Map(template.tools.map((tool) => [tool.name, tool]))
}

/** Every placeholder a template uses, with where it was found. */
function placeholderUses(template: IntegrationTemplate): { where: string; path: string; tool?: string }[] {
  const uses: { where: string; path: string; tool?: string }[] = []
  const add = (where: string, value: unknown, tool?: string) => {
    for (const path of placeholdersIn(value)) uses.push({ where, path, ...(tool ? { tool } : {}) })
  }
  add('baseUrl', template.baseUrl ?? '')
  add('auth', template.auth)
  if (template.validation) add('validation', template.validation.request)
  for (const tool of template.tools) {
    add(`${tool.name}.request`, tool.request, tool.name)
    add(`${tool.name}.response`, tool.response?.fields ?? {}, tool.name)
  }
  return uses
}

describe('built-in integration templates', () => {
  it('bundles exactly the JSON files of integrations/templates, sorted by key', () => {
    assert.deepEqual(
      files,
      EXPECTED_KEYS.map((key) => `${key}.json`),
    )
    assert.deepEqual(
      builtinTemplates.map((t) => t.key),
      EXPECTED_KEYS,
    )
    for (const file of files) {
      const fromFile = JSON.parse(readFileSync(`${dir}${file}`, 'utf8'))
      const bundled = builtinTemplates.find((t) => t.key === fromFile.key)
      assert.deepEqual(bundled, fromFile, `${file} differs from the bundle: run npm run integrations:bundle`)
    }
  })

  it('parses every template with the template schema; keys are unique and equal to the file name', () => {
    const keys = new Set<string>()
    for (const [index, template] of builtinTemplates.entries()) {
      const result = integrationTemplateSchema.safeParse(template)
      assert.ok(result.success, `${template.key}: ${result.success ? '' : result.error.message}`)
      assert.equal(`${template.key}.json`, files[index])
      assert.ok(!keys.has(template.key), `${template.key} appears twice`)
      keys.add(template.key)
      assert.equal(result.data.version, 1)
      assert.match(result.data.logo ?? '', /^data:image\/svg\+xml;utf8,<svg /, `${template.key} has an inline SVG logo`)
      assert.ok(result.data.docsUrl?.startsWith('https://'), `${template.key} links its API docs`)
    }
  })

  it('declares input schemas the executor can use: required names exist and every property is described', () => {
    for (const template of parsed) {
      for (const tool of template.tools) {
        const where = `${template.key}.${tool.name}`
        const properties = tool.inputSchema.properties
        for (const name of tool.inputSchema.required ?? []) {
          assert.ok(name in properties, `${where}: required "${name}" is not a property`)
        }
        for (const [name, property] of Object.entries(properties)) {
          assert.equal(typeof property.description, 'string', `${where}.${name} has no description`)
          assert.ok(typeof property.type === 'string', `${where}.${name} has no type`)
        }
        assert.doesNotThrow(() => z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0]), where)
        assert.ok(tool.description.length >= 20, `${where} needs a precise description`)
      }
    }
  })

  it('uses only placeholders that refer to declared inputs, settings and credentials', () => {
    for (const template of parsed) {
      const settings = new Set(template.settings.map((f) => f.name))
      const credentials = new Set(template.credentials.map((f) => f.name))
      const tools = toolsOf(template)
      for (const use of placeholderUses(template)) {
        const [root, name] = pathSegments(use.path) as [string, string | undefined]
        const where = `${template.key} ${use.where}: {{${use.path}}}`
        assert.ok(name, `${where} names no field`)
        if (root === 'input') {
          const tool = use.tool ? tools.get(use.tool) : undefined
          assert.ok(tool, `${where}: input placeholders belong in tools`)
          assert.ok(name in tool.inputSchema.properties, `${where} is not a property of the input schema`)
        } else if (root === 'settings') assert.ok(settings.has(name), `${where} is not a declared setting`)
        else if (root === 'credentials') assert.ok(credentials.has(name), `${where} is not a declared credential`)
        else if (root === 'item') assert.ok(use.where.endsWith('.response'), `${where}: item is only for responses`)
        else if (root === 'auth') assert.equal(template.auth.type, 'oauth2_client_credentials', where)
        else assert.equal(use.path, 'integration.id', `${where} has an unknown root`)
      }
    }
  })

  it('declares every mapped field and included value in the output schema', () => {
    for (const template of parsed) {
      for (const tool of template.tools) {
        const response = tool.response
        if (!response?.outputSchema) continue
        const where = `${template.key}.${tool.name}`
        const top = (response.outputSchema.properties ?? {}) as Record<string, { items?: { properties?: object } }>
        const itemProperties = (response.listName ? top[response.listName]?.items?.properties : top) ?? {}
        for (const name of Object.keys(response.fields ?? {})) {
          assert.ok(name in itemProperties, `${where}: ${name} is mapped but not in the output schema`)
        }
        for (const [name, path] of Object.entries(response.include ?? {})) {
          assert.ok(name in top, `${where}: included ${name} is not in the output schema`)
          assert.ok(pathSegments(path).length > 0, `${where}: included ${name} has no path`)
        }
      }
    }
  })

  it('hands back a cursor for the next page and takes it as an input, where the service pages by cursor', () => {
    const paging: [string, string, { output: string; path: string; input: string }][] = [
      ['jira', 'list_work_items', { output: 'nextPageToken', path: 'nextPageToken', input: 'nextPageToken' }],
      ['slack', 'list_channels', { output: 'nextCursor', path: 'response_metadata.next_cursor', input: 'cursor' }],
      ['hubspot', 'list_contacts', { output: 'after', path: 'paging.next.after', input: 'after' }],
      ['hubspot', 'list_deals', { output: 'after', path: 'paging.next.after', input: 'after' }],
    ]
    for (const [key, toolName, cursor] of paging) {
      const tool = parsed.find((t) => t.key === key)?.tools.find((t) => t.name === toolName)
      assert.ok(tool, `${key}.${toolName}`)
      assert.deepEqual(tool.response?.include, { [cursor.output]: cursor.path }, `${key}.${toolName}`)
      assert.equal(tool.inputSchema.properties[cursor.input]?.type, 'string', `${key}.${toolName}`)
      assert.ok(placeholdersIn(tool.request).has(`input.${cursor.input}`), `${key}.${toolName} sends the cursor`)
    }
  })

  it('lets generate_text name a model and falls back to the completion setting', () => {
    for (const template of parsed.filter((t) => t.class === 'llm')) {
      const tool = toolsOf(template).get('generate_text')
      assert.ok(tool, template.key)
      assert.equal(tool.inputSchema.properties.model?.type, 'string', template.key)
      assert.ok(!tool.inputSchema.required?.includes('model'), `${template.key}: model is optional`)
      const request = (model?: string) =>
        JSON.stringify(
          renderValue(tool.request, {
            input: { prompt: 'Hi', ...(model ? { model } : {}) },
            settings: { base_url: 'https://llm.example', completion: 'default-model', api_version: '2024-10-21' },
          }),
        )
      assert.ok(request().includes('default-model'), `${template.key} uses the completion setting by default`)
      const chosen = request('chosen-model')
      assert.ok(chosen.includes('chosen-model'), `${template.key} uses the model input`)
      assert.ok(!chosen.includes('default-model'), `${template.key} sends only the chosen model`)
    }
  })

  it('gives tool URLs relative to the base URL, or an absolute URL from a credential', () => {
    for (const template of parsed) {
      for (const tool of template.tools) {
        const url = tool.request.url
        if (template.baseUrl) assert.ok(url.startsWith('/'), `${template.key}.${tool.name}: ${url}`)
        else assert.match(url, /^\{\{credentials\.[a-z_]+\}\}$/, `${template.key}.${tool.name}: ${url}`)
      }
    }
  })

  it('takes the host of every self-hostable service from a setting with a sensible default', () => {
    const expected: Record<string, { name: string; default?: string }> = {
      github: { name: 'api_url', default: 'https://api.github.com' },
      gitlab: { name: 'base_url', default: 'https://gitlab.com' },
      slack: { name: 'api_url', default: 'https://slack.com/api' },
      hubspot: { name: 'api_url', default: 'https://api.hubapi.com' },
      jira: { name: 'site_url' },
      azure_devops: { name: 'organization_url' },
      openai: { name: 'base_url', default: 'https://api.openai.com/v1' },
      anthropic: { name: 'base_url', default: 'https://api.anthropic.com' },
      google_gemini: { name: 'base_url', default: 'https://generativelanguage.googleapis.com/v1beta' },
      openrouter: { name: 'base_url', default: 'https://openrouter.ai/api/v1' },
      azure_openai: { name: 'base_url' },
      openai_compatible: { name: 'base_url' },
    }
    for (const [key, setting] of Object.entries(expected)) {
      const template = parsed.find((t) => t.key === key)
      assert.ok(template, key)
      assert.ok(template.baseUrl?.startsWith(`{{settings.${setting.name}}}`), `${key} builds URLs from its setting`)
      const field = template.settings.find((f) => f.name === setting.name)
      assert.equal(field?.type, 'url', `${key}.${setting.name}`)
      assert.equal(field?.required, true)
      assert.equal(field?.default, setting.default, `${key}.${setting.name} default`)
      if (!setting.default) assert.ok(field?.placeholder, `${key}.${setting.name} shows an example`)
    }
  })

  it('names the shared concepts with the generic tool names and consistent inputs', () => {
    for (const template of parsed) {
      const tools = toolsOf(template)
      for (const name of GENERIC_TOOLS[template.class] ?? []) {
        assert.ok(tools.has(name), `${template.key} (${template.class}) lacks ${name}`)
      }
      for (const tool of template.tools) {
        assert.doesNotMatch(tool.name, NON_GENERIC, `${template.key}.${tool.name}: use the generic name`)
      }
      const required = (name: string) => tools.get(name)?.inputSchema.required ?? []
      const properties = (name: string) => Object.keys(tools.get(name)?.inputSchema.properties ?? {})
      if (tools.has('create_work_item')) {
        assert.deepEqual(required('create_work_item'), ['title'], template.key)
        for (const p of ['title', 'description', 'type']) assert.ok(properties('create_work_item').includes(p))
      }
      if (tools.has('get_work_item')) assert.deepEqual(required('get_work_item'), ['id'], template.key)
      if (tools.has('update_work_item')) assert.deepEqual(required('update_work_item'), ['id'], template.key)
      if (tools.has('add_comment')) assert.deepEqual(required('add_comment'), ['id', 'body'], template.key)
      if (tools.has('list_work_items')) {
        assert.ok(
          properties('list_work_items').some((p) => ['query', 'state', 'limit'].includes(p)),
          template.key,
        )
      }
      if (tools.has('send_message')) {
        assert.ok(required('send_message').includes('text'), template.key)
        if (template.key === 'slack') assert.deepEqual(required('send_message'), ['channel', 'text'])
      }
      if (template.class === 'llm') {
        assert.ok(
          template.settings.some((f) => f.name === 'completion'),
          `${template.key} has the completion (default model) setting`,
        )
      }
    }
  })

  it('marks reading tools read-only and closing or deleting tools destructive', () => {
    for (const template of parsed) {
      for (const tool of template.tools) {
        const where = `${template.key}.${tool.name}`
        if (/^(get|list)_/.test(tool.name)) {
          assert.equal(tool.annotations.readOnly, true, `${where} is read-only`)
          if (tool.request.method !== 'GET') assert.equal(tool.request.method, 'POST', `${where} only queries`)
        } else assert.equal(tool.annotations.readOnly, false, `${where} changes something`)
        if (/^(delete|close|remove)_/.test(tool.name)) assert.equal(tool.annotations.destructive, true, where)
      }
    }
  })

  it('keeps secrets in secret credential fields and checks credentials where the service allows it', () => {
    for (const template of parsed) {
      for (const field of template.credentials) {
        if (/token|key|secret|password|webhook_url/.test(field.name)) {
          assert.equal(field.secret, true, `${template.key}.${field.name} is secret`)
        }
      }
    }
    const withValidation = parsed.filter((t) => t.validation).map((t) => t.key)
    assert.deepEqual(
      withValidation,
      EXPECTED_KEYS.filter((key) => key !== 'google_chat' && key !== 'microsoft_teams'),
    )
  })

  it('sets up communicator webhooks on a declared secret or audience field', () => {
    const slack = parsed.find((t) => t.key === 'slack')
    assert.deepEqual(slack?.webhook, { kind: 'slack', secretField: 'signing_secret' })
    assert.equal(slack?.credentials.find((f) => f.name === 'signing_secret')?.secret, true)
    const chat = parsed.find((t) => t.key === 'google_chat')
    assert.deepEqual(chat?.webhook, { kind: 'google_chat', secretField: 'audience' })
    assert.ok(chat?.settings.some((f) => f.name === 'audience'))
    for (const template of parsed.filter((t) => t.webhook)) assert.equal(template.class, 'communicator')
  })
})
