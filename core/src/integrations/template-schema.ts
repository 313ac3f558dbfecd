/**
 * The integration template format (`IntegrationTemplateV1`): a versioned, declarative description of an external
 * service, its credential and settings fields, an optional credential check, and the tools it provides. Built-in
 * templates live as JSON files in `integrations/templates/` and are bundled into `builtin-templates.generated.ts`;
 * organizations add their own through the API. Everything a template does at run time is data: HTTP request
 * templates with `{{…}}` placeholders (see `render.ts`), never code.
 *
 * Placeholders: `{{input.x}}`, `{{settings.x}}`, `{{credentials.x}}`, `{{auth.token}}` (an OAuth2 client-credentials
 * access token) and `{{integration.id}}`. A string that is exactly one placeholder keeps the value's type (a number
 * stays a number); a placeholder that resolves to nothing removes the property it stands in. An object with an
 * `$if` key is kept only when that path has a value (`{"$if": "input.description", …}`), so optional fields of a
 * request body are expressed without code.
 */
import { z } from 'zod'

export const TEMPLATE_SCHEMA_VERSION = 1

export const INTEGRATION_CLASSES = ['llm', 'git', 'devops', 'communicator', 'crm', 'storage', 'other'] as const
export type IntegrationClass = (typeof INTEGRATION_CLASSES)[number]

const snakeName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'Use lower-case snake_case, starting with a letter (e.g. create_work_item).')

const fieldName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Use letters, digits and underscores, starting with a letter.')

/** A credential the installer types in. `secret` ones are encrypted at rest, never returned, and redacted from errors. */
export const credentialFieldSchema = z.object({
  name: fieldName,
  label: z.string().min(1).max(120),
  description: z.string().max(1000).optional(),
  secret: z.boolean().default(true),
  required: z.boolean().default(true),
  placeholder: z.string().max(200).optional(),
})

export const settingFieldSchema = z.object({
  name: fieldName,
  label: z.string().min(1).max(120),
  description: z.string().max(1000).optional(),
  type: z.enum(['string', 'url', 'number', 'boolean', 'select', 'text']).default('string'),
  required: z.boolean().default(false),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  placeholder: z.string().max(200).optional(),
})

const templateString = z.string().max(4000)

export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('bearer'), token: templateString }),
  z.object({ type: z.literal('basic'), username: templateString, password: templateString }),
  /** An API key in a header, e.g. `X-Api-Key` or `x-goog-api-key`, with an optional value prefix. */
  z.object({ type: z.literal('header'), name: z.string().min(1).max(100), value: templateString }),
  /** An API key in the query string (some webhook-style services). */
  z.object({ type: z.literal('query'), name: z.string().min(1).max(100), value: templateString }),
  /** OAuth 2.0 client credentials: a token is fetched from `tokenUrl` and sent as a bearer token. */
  z.object({
    type: z.literal('oauth2_client_credentials'),
    tokenUrl: templateString,
    clientId: templateString,
    clientSecret: templateString,
    scope: templateString.optional(),
    /** `body` sends the client in the form (most services), `basic` in an Authorization header. */
    clientAuth: z.enum(['body', 'basic']).default('body'),
  }),
])
export type TemplateAuth = z.infer<typeof authSchema>

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
)

export const httpRequestTemplateSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Absolute (`https://…`) or relative to the template's `baseUrl`. `{{input.x}}` values in it are URL-encoded. */
  url: templateString.min(1),
  headers: z.record(z.string(), templateString).optional(),
  query: z.record(z.string(), templateString).optional(),
  /** JSON body (placeholders inside strings); sent as JSON unless `bodyType` says otherwise. */
  body: jsonValue.optional(),
  bodyType: z.enum(['json', 'form', 'json-patch']).default('json'),
})
export type HttpRequestTemplate = z.infer<typeof httpRequestTemplateSchema>

/**
 * How a response becomes the tool's result. `root` picks a part of the JSON (a dot path such as `value` or
 * `data.items`); `fields` maps output names to dot paths inside it (applied to every element when it is a list),
 * or to a string with placeholders where `{{item.x}}` is the element (`"{{settings.site_url}}/browse/{{item.key}}"`).
 * Without a mapping the JSON is returned as it came. `outputSchema` declares the shape for MCP structured output;
 * a list result is `{ [listName]: [...] }`.
 */
export const responseMappingSchema = z.object({
  root: z.string().max(200).optional(),
  fields: z.record(fieldName, z.string().max(200)).optional(),
  /** Name of the list when `root` is an array: `{ [listName]: [...] }` (default `items`). */
  listName: fieldName.optional(),
  /** Values of the whole response kept beside the result, e.g. a paging cursor: `{ "nextPageToken": "nextPageToken" }`. */
  include: z.record(fieldName, z.string().max(200)).optional(),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
})
export type ResponseMapping = z.infer<typeof responseMappingSchema>

/** A JSON Schema for an object input; kept as data and served to MCP clients unchanged. */
export const inputSchemaSchema = z
  .object({
    type: z.literal('object'),
    properties: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    required: z.array(z.string()).optional(),
    additionalProperties: z.boolean().optional(),
  })
  .passthrough()

export const toolSchema = z.object({
  name: snakeName,
  title: z.string().max(120).optional(),
  description: z.string().min(1).max(2000),
  inputSchema: inputSchemaSchema,
  annotations: z
    .object({
      readOnly: z.boolean().default(false),
      destructive: z.boolean().default(false),
      idempotent: z.boolean().default(false),
    })
    .default({ readOnly: false, destructive: false, idempotent: false }),
  request: httpRequestTemplateSchema,
  response: responseMappingSchema.optional(),
})
export type TemplateTool = z.infer<typeof toolSchema>

/** Communicators that post events to `POST /api/communicator/webhook/{integration_id}`. */
export const webhookSchema = z.object({
  kind: z.enum(['slack', 'google_chat']),
  /** The credential or setting holding the signing secret (Slack) or the expected audience (Google Chat). */
  secretField: fieldName,
})

export const integrationTemplateSchema = z
  .object({
    schemaVersion: z.literal(TEMPLATE_SCHEMA_VERSION).default(TEMPLATE_SCHEMA_VERSION),
    key: snakeName,
    version: z.number().int().min(1).default(1),
    name: z.string().min(1).max(100),
    class: z.enum(INTEGRATION_CLASSES),
    description: z.string().min(1).max(2000),
    /** An https URL or a `data:image/svg+xml` URI. */
    logo: z
      .string()
      .max(20000)
      .regex(/^(https:\/\/|data:image\/(svg\+xml|png);)/, 'A logo is an https URL or a data:image URI.')
      .optional(),
    docsUrl: z.string().url().optional(),
    /** Base for relative tool URLs, usually from a setting (`{{settings.site_url}}`) or fixed. */
    baseUrl: templateString.optional(),
    credentials: z.array(credentialFieldSchema).default([]),
    settings: z.array(settingFieldSchema).default([]),
    auth: authSchema.default({ type: 'none' }),
    /** One request that must succeed for the credentials to be accepted at install. */
    validation: z
      .object({ request: httpRequestTemplateSchema, expectStatus: z.array(z.number().int()).optional() })
      .optional(),
    tools: z.array(toolSchema).max(100).default([]),
    webhook: webhookSchema.optional(),
  })
  .superRefine((template, ctx) => {
    const names = new Set<string>()
    for (const [index, tool] of template.tools.entries()) {
      if (names.has(tool.name)) {
        ctx.addIssue({ code: 'custom', path: ['tools', index, 'name'], message: `Tool ${tool.name} appears twice.` })
      }
      names.add(tool.name)
    }
    const fields = new Set<string>()
    for (const [index, field] of [...template.credentials, ...template.settings].entries()) {
      if (fields.has(field.name)) {
        ctx.addIssue({ code: 'custom', path: ['fields', index], message: `Field ${field.name} appears twice.` })
      }
      fields.add(field.name)
    }
  })

/** The parsed template, defaults applied. */
export type IntegrationTemplate = z.infer<typeof integrationTemplateSchema>
/** What an author writes (defaults may be left out). */
export type IntegrationTemplateInput = z.input<typeof integrationTemplateSchema>
