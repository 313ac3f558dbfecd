/**
 * Integrations REST (docs/integrations.md): the template catalog, installed integrations (`/api/integrations-base`,
 * the names PRODUCT.md uses), the tools a workspace's integrations provide and their execution, and the webhook
 * communicators post events to.
 */
import { z } from '@hono/zod-openapi'
import {
  AppError,
  callWorkspaceTool,
  createIntegration,
  createIntegrationInputSchema,
  createTemplate,
  defaultModelInputSchema,
  deleteIntegration,
  deleteTemplate,
  draftTemplate,
  draftTemplateInputSchema,
  getIntegration,
  getTemplate,
  handleCommunicatorWebhook,
  listActiveIntegrations,
  listIntegrations,
  listTemplates,
  listWorkspaceTools,
  setDefaultModel,
  templateListQuerySchema,
  updateIntegration,
  updateIntegrationInputSchema,
  updateTemplate,
} from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute, idParams } from '../route.ts'
import type { ApiRouter } from '../router.ts'

const TEMPLATES = 'Integration templates'
const INTEGRATIONS = 'Integrations'

const fieldSchema = z.record(z.string(), z.unknown())

const templateSummarySchema = z
  .object({
    id: z.string(),
    key: z.string(),
    version: z.number(),
    name: z.string(),
    class: z.string(),
    description: z.string(),
    logo: z.string().nullable(),
    builtin: z.boolean(),
    toolCount: z.number(),
    tools: z.array(
      z.object({ name: z.string(), description: z.string(), readOnly: z.boolean(), destructive: z.boolean() }),
    ),
    credentialFields: z.array(fieldSchema),
    settingFields: z.array(fieldSchema),
    hasValidation: z.boolean(),
    webhookKind: z.string().nullable(),
  })
  .openapi('IntegrationTemplateSummary')

const templateDetailSchema = templateSummarySchema
  .extend({
    organizationId: z.string().nullable(),
    definition: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('IntegrationTemplate')

const integrationSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    templateId: z.string(),
    templateKey: z.string(),
    templateName: z.string(),
    class: z.string(),
    logo: z.string().nullable(),
    scope: z.enum(['local', 'global']),
    productId: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    credentialNames: z.array(z.string()),
    active: z.boolean(),
    validatedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    toolCount: z.number(),
    webhookUrl: z.string().nullable(),
  })
  .openapi('Integration')

const toolSchema = z
  .object({
    name: z.string(),
    title: z.string().optional(),
    description: z.string(),
    inputSchema: z.record(z.string(), z.unknown()),
    annotations: z.object({ readOnly: z.boolean(), destructive: z.boolean(), idempotent: z.boolean() }),
    outputSchema: z.record(z.string(), z.unknown()).optional(),
    providers: z.array(
      z.object({
        integrationId: z.string(),
        title: z.string(),
        templateKey: z.string(),
        scope: z.enum(['local', 'global']),
      }),
    ),
  })
  .openapi('IntegrationTool')

const productParams = z.object({ productId: z.uuid({ message: 'Must be a workspace id (a UUID).' }) })
const toolParams = productParams.extend({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'A tool name is lower-case snake_case.'),
})

export const COMMUNICATOR_WEBHOOK_PREFIX = '/api/communicator/webhook/'
const WEBHOOK_BODY_LIMIT = 1024 * 1024

export function registerIntegrationRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  const integrationDeps = { outbound: deps.outbound }

  // ---------------------------------------------------------------- templates
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/integration-templates',
      tag: TEMPLATES,
      summary: "The catalog: built-in templates and the organization's own",
      query: templateListQuerySchema,
      response: z.object({ items: z.array(templateSummarySchema) }),
    },
    async (c, { query }) => ({ data: await listTemplates(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/integration-templates/draft',
      tag: TEMPLATES,
      summary: "Draft a template from a description with the organization's model (Admin); not saved",
      body: draftTemplateInputSchema,
      response: z.object({ definition: z.record(z.string(), z.unknown()).nullable(), problems: z.array(z.string()) }),
    },
    async (c, { body }) => ({
      data: await draftTemplate(platform, deps.generateText, await principalOf(c, deps), body),
    }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/integration-templates/{id}',
      tag: TEMPLATES,
      summary: 'A template with its whole definition',
      params: idParams,
      response: templateDetailSchema,
    },
    async (c, { params }) => ({ data: await getTemplate(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/integration-templates',
      tag: TEMPLATES,
      summary: 'Create a template for the organization (Admin)',
      description: 'The body is an IntegrationTemplateV1 (core/src/integrations/template-schema.ts).',
      body: z.record(z.string(), z.unknown()),
      response: templateDetailSchema,
      status: 201,
    },
    async (c, { body }) => ({
      data: await createTemplate(platform, await principalOf(c, deps), body),
      message: 'The template was created.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/integration-templates/{id}',
      tag: TEMPLATES,
      summary: "Replace one of the organization's templates (Admin); the version goes up",
      params: idParams,
      body: z.record(z.string(), z.unknown()),
      response: templateDetailSchema,
    },
    async (c, { params, body }) => ({
      data: await updateTemplate(platform, await principalOf(c, deps), params.id, body),
      message: 'The template was saved.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/integration-templates/{id}',
      tag: TEMPLATES,
      summary: "Delete one of the organization's templates (Admin); refused while installed",
      params: idParams,
    },
    async (c, { params }) => {
      await deleteTemplate(platform, await principalOf(c, deps), params.id)
      return { data: null, message: 'The template was deleted.' }
    },
  )

  // ---------------------------------------------------------------- installed integrations
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/integrations-base',
      tag: INTEGRATIONS,
      summary: 'Installed integrations: global ones and the local ones of workspaces the caller can open',
      query: z.object({ product_id: z.uuid().optional() }),
      response: z.object({ items: z.array(integrationSchema) }),
    },
    async (c, { query }) => ({
      data: await listIntegrations(platform, await principalOf(c, deps), { productId: query.product_id }),
    }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/integrations-base/product/{productId}/active',
      tag: INTEGRATIONS,
      summary: 'The integrations in effect in a workspace (a local one shadows a global one of the same template)',
      params: productParams,
      response: z.object({ items: z.array(integrationSchema) }),
    },
    async (c, { params }) => ({
      data: await listActiveIntegrations(platform, await principalOf(c, deps), params.productId),
    }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/integrations-base/product/{productId}/tools',
      tag: INTEGRATIONS,
      summary: "The tools a workspace's integrations provide, grouped by name (`_integration` when shared)",
      params: productParams,
      response: z.object({ tools: z.array(toolSchema) }),
    },
    async (c, { params }) => ({
      data: await listWorkspaceTools(platform, await principalOf(c, deps), params.productId),
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/integrations-base/product/{productId}/tools/{name}/call',
      tag: INTEGRATIONS,
      summary: 'Call an integration tool; the input is checked against its schema and the call is audited',
      params: toolParams,
      body: z.object({ arguments: z.record(z.string(), z.unknown()).default({}) }),
      response: z.object({
        integrationId: z.string(),
        tool: z.string(),
        status: z.number(),
        durationMs: z.number(),
        result: z.unknown(),
      }),
    },
    async (c, { params, body }) => ({
      data: await callWorkspaceTool(
        platform,
        deps.outbound,
        await principalOf(c, deps, 'execute'),
        params.productId,
        params.name,
        body.arguments,
      ),
    }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/integrations-base/{id}',
      tag: INTEGRATIONS,
      summary: 'One installed integration (credentials are never returned, only the names of those set)',
      params: idParams,
      response: integrationSchema,
    },
    async (c, { params }) => ({ data: await getIntegration(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/integrations-base',
      tag: INTEGRATIONS,
      summary: 'Install a template (Admin): local with product_id, else global; credentials are checked first',
      body: createIntegrationInputSchema,
      response: integrationSchema,
      status: 201,
    },
    async (c, { body }) => ({
      data: await createIntegration(platform, integrationDeps, await principalOf(c, deps), body),
      message: 'The integration was installed.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/integrations-base/{id}',
      tag: INTEGRATIONS,
      summary: 'Update an integration (Admin); send only the credentials that change',
      params: idParams,
      body: updateIntegrationInputSchema,
      response: integrationSchema,
    },
    async (c, { params, body }) => ({
      data: await updateIntegration(platform, integrationDeps, await principalOf(c, deps), params.id, body),
      message: 'The integration was saved.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/integrations-base/{id}',
      tag: INTEGRATIONS,
      summary: 'Delete an integration (Admin)',
      params: idParams,
    },
    async (c, { params }) => {
      await deleteIntegration(platform, await principalOf(c, deps), params.id)
      return { data: null, message: 'The integration was deleted.' }
    },
  )

  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/organizations/current/default-model',
      tag: 'Organizations',
      summary: "Choose the organization's default model among its global LLM integrations (Admin), or null",
      body: defaultModelInputSchema,
      response: z.object({ defaultModelId: z.string().nullable() }),
    },
    async (c, { body }) => ({
      data: await setDefaultModel(platform, await principalOf(c, deps), body),
      message: body.integrationId ? 'The default model was set.' : 'The default model was cleared.',
    }),
  )

  // ---------------------------------------------------------------- communicator webhooks
  // The raw body is needed for Slack's signature, so this is a plain handler (documented by hand below).
  app.post(`${COMMUNICATOR_WEBHOOK_PREFIX}:id`, async (c) => {
    const id = c.req.param('id')
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new AppError('integration_not_found', 'Communicator integration was not found.', 404)
    }
    const rawBody = await c.req.text()
    if (rawBody.length > WEBHOOK_BODY_LIMIT)
      throw new AppError('payload_too_large', 'The event is larger than 1 MB.', 413)
    const result = await handleCommunicatorWebhook(platform, deps.communicator ?? {}, id, {
      headers: c.req.raw.headers,
      rawBody,
    })
    return c.json(result.body, 200)
  })
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/communicator/webhook/{integration_base_id}',
    tags: [INTEGRATIONS],
    summary: 'Events from Slack (signed with the signing secret) or Google Chat (a Google-signed JWT)',
    request: { params: z.object({ integration_base_id: z.uuid() }) },
    responses: {
      200: { description: "Accepted; Slack's url_verification gets its challenge back" },
      401: { description: 'The signature or token is missing or wrong' },
      404: { description: 'No communicator integration with that id' },
    },
  })
}
