/**
 * The integration catalog (templates) and installed integrations, through the API's integration routes
 * (docs/integrations.md). Credentials go to the API, which encrypts them; no answer ever contains them.
 */
import { z } from 'zod'
import { defineTool, workspaceIdOf } from './define.ts'

const CLASSES = ['llm', 'git', 'devops', 'communicator', 'crm', 'storage', 'other'] as const
const id = (what: string) => z.string().trim().min(1, `Give the ${what} id.`).max(200)
const segment = (value: string) => encodeURIComponent(value)
const template = z
  .record(z.string(), z.unknown())
  .describe(
    'The whole template in the IntegrationTemplateV1 format: key, name, class, description, baseUrl, credentials, ' +
      'settings, auth, validation and tools (each with name, description, inputSchema, annotations, request, response).',
  )

export const listIntegrationCatalog = defineTool({
  name: 'list_integration_catalog',
  description:
    'Lists the integration templates that can be installed: the built-in ones and the organization’s own, with their ' +
    'tools and the credential and settings fields each needs.',
  input: z.object({
    class: z.enum(CLASSES).optional().describe('Only templates of this class.'),
    search: z.string().max(200).optional().describe('Words to find in the name or description.'),
  }),
  annotations: { title: 'Integration catalog', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  run: (args, { api }) => api.call('GET', '/api/integration-templates', { query: args }),
})

export const getIntegration = defineTool({
  name: 'get_integration',
  description:
    'One integration template in full: its credential and settings fields (what install_integration needs), its ' +
    'tools, and the whole definition.',
  input: z.object({ id: id('template').describe('The template id, from list_integration_catalog.') }),
  annotations: { title: 'Integration template', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  run: (args, { api }) => api.call('GET', `/api/integration-templates/${segment(args.id)}`),
})

export const listInstalledIntegrations = defineTool({
  name: 'list_installed_integrations',
  description:
    "Lists the organization's installed integrations (global ones and the local ones of workspaces you can open), " +
    'with their scope, settings and which credentials hold a value. Credentials themselves are never shown.',
  input: z.object({
    workspaceId: z.uuid().optional().describe('Only the integrations in effect for this workspace.'),
  }),
  annotations: { title: 'Installed integrations', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  run: (args, { api }) => api.call('GET', '/api/integrations-base', { query: { product_id: args.workspaceId } }),
})

export const installIntegration = defineTool({
  name: 'install_integration',
  description:
    'Installs a template under a title. `scope` local (default) installs it for this workspace only, global for every ' +
    'workspace of the organization. The credentials are checked against the service when the template can, stored ' +
    'encrypted, and never returned. Its tools are available at once.',
  input: z.object({
    templateId: id('template').describe('The template id, from list_integration_catalog.'),
    title: z.string().trim().min(1, 'Give the integration a title.').max(200),
    scope: z.enum(['local', 'global']).default('local'),
    settings: z.record(z.string(), z.unknown()).default({}).describe('The template’s settings fields, by name.'),
    credentials: z.record(z.string(), z.string()).default({}).describe('The template’s credential fields, by name.'),
    active: z.boolean().optional().describe('false installs it switched off.'),
  }),
  annotations: { title: 'Install an integration', readOnlyHint: false, openWorldHint: true },
  // installing stores credentials for everyone: the API allows it to administrators only
  role: 'admin',
  scope: 'write',
  async run(args, { api, context }) {
    return api.call('POST', '/api/integrations-base', {
      body: {
        templateId: args.templateId,
        title: args.title,
        ...(args.scope === 'local' ? { product_id: workspaceIdOf(context) } : {}),
        settings: args.settings,
        credentials: args.credentials,
        ...(args.active === undefined ? {} : { active: args.active }),
      },
    })
  },
})

export const createIntegration = defineTool({
  name: 'create_integration',
  description:
    'Creates an integration template for the organization from a full IntegrationTemplateV1 definition. Read ' +
    'get_mcp_settings first: its templateRules say how templates are to be written here.',
  input: z.object({ template }),
  annotations: { title: 'Create an integration template', readOnlyHint: false, openWorldHint: false },
  role: 'admin',
  scope: 'admin',
  run: (args, { api }) => api.call('POST', '/api/integration-templates', { body: args.template }),
})

export const updateIntegration = defineTool({
  name: 'update_integration',
  description:
    "Replaces one of the organization's integration templates with a new full definition. Built-in templates " +
    'cannot be changed.',
  input: z.object({ id: id('template'), template }),
  annotations: {
    title: 'Update an integration template',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  role: 'admin',
  scope: 'admin',
  run: (args, { api }) => api.call('PUT', `/api/integration-templates/${segment(args.id)}`, { body: args.template }),
})

export const deleteIntegration = defineTool({
  name: 'delete_integration',
  description:
    "Deletes one of the organization's integration templates. Refused while an integration installed from it exists.",
  input: z.object({ id: id('template') }),
  annotations: {
    title: 'Delete an integration template',
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  role: 'admin',
  scope: 'admin',
  async run(args, { api }) {
    await api.call('DELETE', `/api/integration-templates/${segment(args.id)}`)
    return { deleted: args.id }
  },
})

export const getActiveIntegrations = defineTool({
  name: 'get_active_integrations',
  description:
    'The integrations in effect in this workspace: its active local ones, and the active global ones no local ' +
    'instance of the same template shadows.',
  input: z.object({}),
  annotations: { title: 'Active integrations', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  run: (_args, { api, context }) =>
    api.call('GET', `/api/integrations-base/product/${segment(workspaceIdOf(context))}/active`),
})
