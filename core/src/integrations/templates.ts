/**
 * The integration catalog: built-in templates (seeded from the repository's files, replaced only by a newer
 * version) and each organization's own templates, which administrators create, update and delete. A template can
 * also be drafted from a plain-language description by the organization's model; the draft is returned for review
 * and never saved by the drafting call.
 */
import { z } from 'zod'
import { requireAdmin, requireOrganization } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { AppError, ConflictError, describeFieldErrors, fieldErrors, NotFoundError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { builtinTemplates } from './builtin-templates.generated.ts'
import { pathSegments, placeholdersIn } from './render.ts'
import {
  INTEGRATION_CLASSES,
  type IntegrationTemplate,
  type IntegrationTemplateInput,
  integrationTemplateSchema,
} from './template-schema.ts'

export interface TemplateRow {
  id: string
  organization_id: string | null
  key: string
  version: number
  name: string
  class: string
  builtin: boolean
  definition: IntegrationTemplateInput
  created_at: string
  updated_at: string
}

export interface TemplateSummary {
  id: string
  key: string
  version: number
  name: string
  class: string
  description: string
  logo: string | null
  builtin: boolean
  toolCount: number
  tools: { name: string; description: string; readOnly: boolean; destructive: boolean }[]
  credentialFields: IntegrationTemplate['credentials']
  settingFields: IntegrationTemplate['settings']
  hasValidation: boolean
  webhookKind: string | null
}

export interface TemplateDetail extends TemplateSummary {
  organizationId: string | null
  definition: IntegrationTemplate
  createdAt: string
  updatedAt: string
}

/** Parses a stored or submitted template, turning zod issues into a message per field. */
export function parseTemplate(input: unknown): IntegrationTemplate {
  const result = integrationTemplateSchema.safeParse(input)
  if (!result.success) {
    const fields = fieldErrors(result.error.issues, 'template')
    throw new ValidationError(`The template is not valid. ${describeFieldErrors(fields, 8)}`, fields)
  }
  const template = result.data
  const problems = templateReferenceProblems(template)
  if (problems.length > 0) {
    throw new ValidationError(`The template is not valid. ${problems.join('; ')}`, { template: problems })
  }
  return template
}

/** Placeholders that name fields the template does not declare (a typo would send an empty value). */
export function templateReferenceProblems(template: IntegrationTemplate): string[] {
  const problems: string[] = []
  const settings = new Set(template.settings.map((f) => f.name))
  const credentials = new Set(template.credentials.map((f) => f.name))
  const check = (where: string, value: unknown, inputs: Set<string> | undefined) => {
    for (const path of placeholdersIn(value)) {
      const [head, name] = pathSegments(path)
      if (head === 'settings' && name && !settings.has(name)) problems.push(`${where} uses unknown setting ${name}`)
      if (head === 'credentials' && name && !credentials.has(name)) {
        problems.push(`${where} uses unknown credential ${name}`)
      }
      if (head === 'input' && name && inputs && !inputs.has(name)) {
        problems.push(`${where} uses input ${name}, which its inputSchema does not declare`)
      }
      if (head === 'input' && !inputs) problems.push(`${where} cannot use input values`)
    }
  }
  check('baseUrl', template.baseUrl, undefined)
  check('auth', template.auth, undefined)
  if (template.validation) check('validation', template.validation.request, undefined)
  for (const tool of template.tools) {
    const inputs = new Set(Object.keys(tool.inputSchema.properties ?? {}))
    check(`tool ${tool.name}`, tool.request, inputs)
    for (const name of tool.inputSchema.required ?? []) {
      if (!inputs.has(name)) problems.push(`tool ${tool.name} requires ${name}, which is not among its properties`)
    }
  }
  return problems
}

/** Parsed templates by id and version: a stored template was validated on save, so it is parsed once per process. */
const parsedTemplates = new Map<string, IntegrationTemplate>()
const PARSED_TEMPLATES_MAX = 500

/** The stored template `id` at `version`, parsed (from the cache when it was parsed before). */
export function storedTemplate(id: string, version: number, definition: unknown): IntegrationTemplate {
  const key = `${id}@${version}`
  const cached = parsedTemplates.get(key)
  if (cached) return cached
  const template = parseTemplate(definition)
  if (parsedTemplates.size >= PARSED_TEMPLATES_MAX) {
    parsedTemplates.delete(parsedTemplates.keys().next().value as string)
  }
  parsedTemplates.set(key, template)
  return template
}

function summaryOf(row: TemplateRow, t = storedTemplate(row.id, row.version, row.definition)): TemplateSummary {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    name: t.name,
    class: t.class,
    description: t.description,
    logo: t.logo ?? null,
    builtin: row.builtin,
    toolCount: t.tools.length,
    tools: t.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      readOnly: tool.annotations.readOnly,
      destructive: tool.annotations.destructive,
    })),
    credentialFields: t.credentials,
    settingFields: t.settings,
    hasValidation: Boolean(t.validation),
    webhookKind: t.webhook?.kind ?? null,
  }
}

function detailOf(row: TemplateRow): TemplateDetail {
  const definition = storedTemplate(row.id, row.version, row.definition)
  return {
    ...summaryOf(row, definition),
    organizationId: row.organization_id,
    definition,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Inserts or upgrades the built-in templates; a stored one is replaced only by a higher version. Idempotent. */
export async function seedBuiltinTemplates(q: Queryable, templates = builtinTemplates): Promise<number> {
  // every start runs this: one read when all are current, and only newer ones are parsed and written
  const stored = new Map(
    (
      await q.query<{ key: string; version: number }>(
        'select key, version from integration_templates where organization_id is null',
      )
    ).map((row) => [row.key, row.version]),
  )
  let changed = 0
  for (const input of templates) {
    if ((stored.get(input.key) ?? 0) >= (input.version ?? 1)) continue
    const t = integrationTemplateSchema.parse(input)
    const rows = await q.query<{ id: string }>(
      `insert into integration_templates (organization_id, key, version, name, class, builtin, definition)
       values (null, $1, $2, $3, $4, true, $5::jsonb)
       on conflict (key) where organization_id is null do update
         set version = excluded.version, name = excluded.name, class = excluded.class,
             definition = excluded.definition, updated_at = now()
         where integration_templates.version < excluded.version
       returning id`,
      [t.key, t.version, t.name, t.class, t],
    )
    changed += rows.length
  }
  return changed
}

/** A template the principal's organization can see (a built-in or its own), or 404. */
export async function findVisibleTemplate(q: Queryable, organizationId: string, id: string): Promise<TemplateRow> {
  const [row] = await q.query<TemplateRow>(
    `select * from integration_templates where id = $1 and (organization_id is null or organization_id = $2)`,
    [id, organizationId],
  )
  if (!row) throw new NotFoundError('Integration template', 'template_not_found')
  return row
}

export const templateListQuerySchema = z.object({
  class: z.enum(INTEGRATION_CLASSES).optional(),
  search: z.string().trim().max(200).optional(),
})

export async function listTemplates(
  platform: Platform,
  principal: Principal,
  query: z.infer<typeof templateListQuerySchema> = {},
): Promise<{ items: TemplateSummary[] }> {
  const organizationId = requireOrganization(principal)
  const rows = await platform.db.query<TemplateRow>(
    `select * from integration_templates
      where (organization_id is null or organization_id = $1)
        and ($2::text is null or class = $2)
        and ($3::text is null or name ilike '%' || $3 || '%' or key ilike '%' || $3 || '%'
             or definition->>'description' ilike '%' || $3 || '%')
      order by builtin desc, name`,
    [organizationId, query.class ?? null, query.search ? query.search.replace(/[%_\\]/g, '\\$&') : null],
  )
  return { items: rows.map((row) => summaryOf(row)) }
}

export async function getTemplate(platform: Platform, principal: Principal, id: string): Promise<TemplateDetail> {
  const organizationId = requireOrganization(principal)
  return detailOf(await findVisibleTemplate(platform.db, organizationId, id))
}

export async function createTemplate(
  platform: Platform,
  principal: Principal,
  input: unknown,
): Promise<TemplateDetail> {
  const organizationId = requireAdmin(principal)
  const template = parseTemplate(input)
  return platform.db.transaction(async (tx) => {
    const [builtin] = await tx.query<{ id: string }>(
      'select id from integration_templates where organization_id is null and key = $1',
      [template.key],
    )
    if (builtin) {
      throw new ConflictError(
        `"${template.key}" is the key of a built-in template. Choose another key for your own template.`,
        'template_key_taken',
      )
    }
    const [taken] = await tx.query<{ id: string }>(
      'select id from integration_templates where organization_id = $1 and key = $2',
      [organizationId, template.key],
    )
    if (taken) {
      throw new ConflictError(
        `Your organization already has a template with the key "${template.key}".`,
        'template_key_taken',
      )
    }
    const [row] = await tx.query<TemplateRow>(
      `insert into integration_templates (organization_id, key, version, name, class, builtin, definition, created_by)
       values ($1, $2, $3, $4, $5, false, $6::jsonb, $7) returning *`,
      [
        organizationId,
        template.key,
        template.version,
        template.name,
        template.class,
        template,
        principal.user?.id ?? null,
      ],
    )
    const created = row as TemplateRow
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'integration_template.created',
      targetType: 'integration_template',
      targetId: created.id,
      metadata: { key: template.key, name: template.name },
    })
    return detailOf(created)
  })
}

export async function updateTemplate(
  platform: Platform,
  principal: Principal,
  id: string,
  input: unknown,
): Promise<TemplateDetail> {
  const organizationId = requireAdmin(principal)
  const template = parseTemplate(input)
  return platform.db.transaction(async (tx) => {
    const existing = await findVisibleTemplate(tx, organizationId, id)
    if (existing.builtin) {
      throw new ConflictError(
        'Built-in templates cannot be changed. Duplicate it under a new key and edit the copy.',
        'builtin_template',
      )
    }
    if (template.key !== existing.key) {
      const [taken] = await tx.query<{ id: string }>(
        `select id from integration_templates where (organization_id = $1 or organization_id is null) and key = $2`,
        [organizationId, template.key],
      )
      if (taken) throw new ConflictError(`The key "${template.key}" is already used.`, 'template_key_taken')
    }
    const version = Math.max(template.version, existing.version + 1)
    const definition = { ...template, version }
    const [row] = await tx.query<TemplateRow>(
      `update integration_templates set key = $3, version = $4, name = $5, class = $6, definition = $7::jsonb,
              updated_at = now()
        where id = $1 and organization_id = $2 returning *`,
      [id, organizationId, template.key, version, template.name, template.class, definition],
    )
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'integration_template.updated',
      targetType: 'integration_template',
      targetId: id,
      metadata: { key: template.key, version },
    })
    return detailOf(row as TemplateRow)
  })
}

export async function deleteTemplate(platform: Platform, principal: Principal, id: string): Promise<void> {
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    const existing = await findVisibleTemplate(tx, organizationId, id)
    if (existing.builtin) throw new ConflictError('Built-in templates cannot be deleted.', 'builtin_template')
    const [{ count } = { count: 0 }] = await tx.query<{ count: number }>(
      'select count(*)::int as count from integrations where template_id = $1',
      [id],
    )
    if (count > 0) {
      throw new ConflictError(
        `This template is installed ${count} time(s). Delete those integrations first.`,
        'template_in_use',
      )
    }
    await tx.query('delete from integration_templates where id = $1 and organization_id = $2', [id, organizationId])
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'integration_template.deleted',
      targetType: 'integration_template',
      targetId: id,
      metadata: { key: existing.key },
    })
  })
}

// ---------------------------------------------------------------- drafting from a description

export const draftTemplateInputSchema = z.object({
  description: z
    .string()
    .trim()
    .min(20, 'Describe the service in a sentence or more: what it is, its API address, how it authenticates.')
    .max(8000),
})

export interface TemplateDraft {
  definition: IntegrationTemplateInput | null
  problems: string[]
}

function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)
  const candidate = fenced ? (fenced[1] as string) : text
  const start = candidate.indexOf('{')
  const end = candidate.lastIndexOf('}')
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer')
  return JSON.parse(candidate.slice(start, end + 1))
}

/** The prompt that asks a model for a template; the example is a real built-in, so the shape is exact. */
export function draftPrompt(description: string, rules: string, example: IntegrationTemplateInput | undefined): string {
  return [
    'You write integration templates for Prodgy. A template is one JSON object with these keys:',
    'schemaVersion (1), key (snake_case), version (1), name, class (one of llm, git, devops, communicator, crm,',
    'storage, other), description, docsUrl, baseUrl (may use {{settings.x}}), credentials [{name,label,secret,required}],',
    'settings [{name,label,type (string|url|number|boolean|select|text),required,default}], auth ({type:"bearer",token}',
    '| {type:"basic",username,password} | {type:"header",name,value} | {type:"query",name,value} |',
    '{type:"oauth2_client_credentials",tokenUrl,clientId,clientSecret,scope} | {type:"none"}), validation',
    '({request}) and tools [{name, description, inputSchema (JSON Schema object), annotations {readOnly,destructive},',
    'request {method,url,headers,query,body}, response {root,fields,listName}}].',
    'Placeholders: {{input.x}}, {{settings.x}}, {{credentials.x}}. Use generic tool names for shared concepts:',
    'create_work_item, list_work_items, get_work_item, update_work_item, add_comment, list_pull_requests, send_message,',
    'create_contact, list_contacts. Write requests against the service’s real public REST API.',
    rules.trim() ? `Rules from the administrator:\n${rules.trim()}` : '',
    example ? `An example template:\n${JSON.stringify(example)}` : '',
    `Answer with the JSON object only. The service:\n${description}`,
  ]
    .filter(Boolean)
    .join('\n')
}

export async function draftTemplate(
  platform: Platform,
  generateText: ((organizationId: string, prompt: string) => Promise<string>) | undefined,
  principal: Principal,
  input: z.infer<typeof draftTemplateInputSchema>,
): Promise<TemplateDraft> {
  const organizationId = requireAdmin(principal)
  if (!generateText) {
    throw new AppError(
      'ai_unavailable',
      'Drafting needs a chat model: set one for the organization under Admin → AI provider.',
      503,
    )
  }
  const [settings] = await platform.db.query<{ template_rules: string }>(
    'select template_rules from mcp_settings where organization_id = $1',
    [organizationId],
  )
  const example = builtinTemplates.find((t) => t.key === 'github') ?? builtinTemplates[0]
  const answer = await generateText(
    organizationId,
    draftPrompt(input.description, settings?.template_rules ?? '', example),
  )
  let parsed: unknown
  try {
    parsed = extractJson(answer)
  } catch {
    return {
      definition: null,
      problems: ['The model did not answer with a JSON template. Try a more precise description.'],
    }
  }
  const result = integrationTemplateSchema.safeParse(parsed)
  if (!result.success) {
    return {
      definition: parsed as IntegrationTemplateInput,
      problems: result.error.issues.map((i) => `${i.path.join('.') || 'template'}: ${i.message}`),
    }
  }
  return { definition: result.data, problems: templateReferenceProblems(result.data) }
}
