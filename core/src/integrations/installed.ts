/**
 * Installed integrations: a template with a title, a scope and credentials. `workspaceId` (the API's `product_id`)
 * decides the scope: set, the integration is local to that workspace; null, it is global to the organization.
 * Credentials are checked against the service when the template has a validation request, then stored as one
 * AES-256-GCM ciphertext; only the names of the fields holding a value are ever returned.
 *
 * In a workspace, an active local instance shadows the active global instances of the same template.
 */
import { z } from 'zod'
import { isAdmin, requireAdmin, requireOrganization } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { decryptSecret, encryptSecret, requireEncryptionKey } from '../crypto/secret-box.ts'
import type { Queryable } from '../db/database.ts'
import { NotFoundError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { assertWorkspaceAccess } from '../services/workspace-access.ts'
import { type OutboundPolicy, runTemplateValidation, type TemplateCall } from './executor.ts'
import type { IntegrationTemplate } from './template-schema.ts'
import { findVisibleTemplate, storedTemplate } from './templates.ts'

export interface IntegrationRow {
  id: string
  organization_id: string
  workspace_id: string | null
  template_id: string
  title: string
  settings: Record<string, unknown>
  credentials_ciphertext: string | null
  credential_names: string[]
  active: boolean
  validated_at: string | null
  created_at: string
  updated_at: string
  template_key: string
  template_name: string
  template_class: string
  template_version: number
  template_builtin: boolean
  definition: unknown
}

export interface IntegrationDto {
  id: string
  title: string
  templateId: string
  templateKey: string
  templateName: string
  class: string
  logo: string | null
  scope: 'local' | 'global'
  productId: string | null
  settings: Record<string, unknown>
  credentialNames: string[]
  active: boolean
  validatedAt: string | null
  createdAt: string
  updatedAt: string
  toolCount: number
  webhookUrl: string | null
}

const SELECT = `select i.*, t.key as template_key, t.name as template_name, t.class as template_class, t.definition,
         t.version as template_version, t.builtin as template_builtin
  from integrations i join integration_templates t on t.id = i.template_id`

const credentialValue = z.string().max(10_000, 'A credential is at most 10,000 characters.')

export const createIntegrationInputSchema = z.object({
  templateId: z.uuid({ message: 'Choose a template (its id).' }),
  title: z.string().trim().min(1, 'Give the integration a name.').max(120),
  product_id: z.uuid().nullish(),
  settings: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), credentialValue).default({}),
  active: z.boolean().default(true),
})
export type CreateIntegrationInput = z.input<typeof createIntegrationInputSchema>

export const updateIntegrationInputSchema = z.object({
  title: z.string().trim().min(1, 'Give the integration a name.').max(120).optional(),
  product_id: z.uuid().nullish(),
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Only the credentials that change; an empty string removes an optional one. */
  credentials: z.record(z.string(), credentialValue).optional(),
  active: z.boolean().optional(),
})
export type UpdateIntegrationInput = z.input<typeof updateIntegrationInputSchema>

export function templateOf(
  row: Pick<IntegrationRow, 'definition' | 'template_id' | 'template_version'>,
): IntegrationTemplate {
  return storedTemplate(row.template_id, row.template_version, row.definition)
}

export function toIntegrationDto(platform: Platform, row: IntegrationRow): IntegrationDto {
  const template = templateOf(row)
  return {
    id: row.id,
    title: row.title,
    templateId: row.template_id,
    templateKey: row.template_key,
    templateName: row.template_name,
    class: row.template_class,
    logo: template.logo ?? null,
    scope: row.workspace_id ? 'local' : 'global',
    productId: row.workspace_id,
    settings: row.settings,
    credentialNames: row.credential_names,
    active: row.active,
    validatedAt: row.validated_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    toolCount: template.tools.length,
    webhookUrl: template.webhook ? `${platform.settings.publicUrl}/api/communicator/webhook/${row.id}` : null,
  }
}

/** Checks and normalises settings against the template's fields: types, required ones, options; defaults applied. */
export function checkSettings(template: IntegrationTemplate, input: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, string[]> = {}
  const out: Record<string, unknown> = {}
  const known = new Set(template.settings.map((f) => f.name))
  for (const name of Object.keys(input)) {
    if (!known.has(name)) fields[`settings.${name}`] = [`${template.name} has no setting named ${name}.`]
  }
  for (const field of template.settings) {
    let value = input[field.name]
    if (value === undefined || value === null || value === '') value = field.default
    if (value === undefined || value === null || value === '') {
      if (field.required) fields[`settings.${field.name}`] = [`${field.label} is required.`]
      continue
    }
    const problem = (message: string) => {
      fields[`settings.${field.name}`] = [message]
    }
    switch (field.type) {
      case 'number': {
        const n = typeof value === 'number' ? value : Number(value)
        if (!Number.isFinite(n)) problem(`${field.label} must be a number.`)
        else out[field.name] = n
        break
      }
      case 'boolean':
        if (typeof value === 'boolean') out[field.name] = value
        else if (value === 'true' || value === 'false') out[field.name] = value === 'true'
        else problem(`${field.label} must be true or false.`)
        break
      case 'url': {
        const text = String(value).trim()
        let ok = false
        try {
          const u = new URL(text)
          ok = u.protocol === 'https:' || u.protocol === 'http:'
        } catch {}
        if (!ok) problem(`${field.label} must be an http(s) address, e.g. https://example.com.`)
        else out[field.name] = text.replace(/\/+$/, '')
        break
      }
      case 'select': {
        const text = String(value)
        if (field.options && !field.options.some((o) => o.value === text)) {
          problem(`${field.label} must be one of: ${field.options.map((o) => o.value).join(', ')}.`)
        } else out[field.name] = text
        break
      }
      default: {
        if (typeof value !== 'string' && typeof value !== 'number') problem(`${field.label} must be text.`)
        else if (String(value).length > 4000) problem(`${field.label} is at most 4,000 characters.`)
        else out[field.name] = String(value).trim()
      }
    }
  }
  refuseFields('Some settings are not valid.', fields)
  return out
}

/** Throws when any field has a problem: the lead sentence, then every field's own sentences. */
function refuseFields(lead: string, fields: Record<string, string[]>): void {
  if (Object.keys(fields).length === 0) return
  throw new ValidationError(`${lead} ${Object.values(fields).flat().join(' ')}`, fields)
}

function checkCredentials(template: IntegrationTemplate, credentials: Record<string, string>): void {
  const fields: Record<string, string[]> = {}
  const known = new Set(template.credentials.map((f) => f.name))
  for (const name of Object.keys(credentials)) {
    if (!known.has(name)) fields[`credentials.${name}`] = [`${template.name} has no credential named ${name}.`]
  }
  for (const field of template.credentials) {
    if (field.required && !credentials[field.name]?.trim()) {
      fields[`credentials.${field.name}`] = [`${field.label} is required.`]
    }
  }
  refuseFields('Some credentials are missing or unknown.', fields)
}

async function requireOwnWorkspace(q: Queryable, organizationId: string, workspaceId: string): Promise<void> {
  const [ws] = await q.query<{ id: string }>('select id from workspaces where id = $1 and organization_id = $2', [
    workspaceId,
    organizationId,
  ])
  if (!ws) throw new NotFoundError('Workspace', 'workspace_not_found')
}

/** An integration with its template, or undefined. Without an organization (webhooks) the id alone finds it. */
export async function findIntegration(
  q: Queryable,
  id: string,
  organizationId?: string,
): Promise<IntegrationRow | undefined> {
  const [row] = await q.query<IntegrationRow>(
    `${SELECT} where i.id = $1 and ($2::uuid is null or i.organization_id = $2)`,
    [id, organizationId ?? null],
  )
  return row
}

export async function loadIntegration(q: Queryable, organizationId: string, id: string): Promise<IntegrationRow> {
  const row = await findIntegration(q, id, organizationId)
  if (!row) throw new NotFoundError('Integration', 'integration_not_found')
  return row
}

/** Whether the principal may see an integration: global ones, and local ones of workspaces it can open. */
async function canSee(q: Queryable, principal: Principal, row: IntegrationRow): Promise<boolean> {
  if (!row.workspace_id) return true
  try {
    await assertWorkspaceAccess(q, principal, row.workspace_id)
    return true
  } catch {
    return false
  }
}

/** The decrypted credentials of an integration. Internal only: never returned by the API. */
export async function credentialsOf(
  row: Pick<IntegrationRow, 'credentials_ciphertext'>,
  encryptionKey: string | undefined,
): Promise<Record<string, string>> {
  if (!row.credentials_ciphertext) return {}
  const key = requireEncryptionKey(encryptionKey)
  return JSON.parse(await decryptSecret(row.credentials_ciphertext, key)) as Record<string, string>
}

export async function templateCallOf(platform: Platform, row: IntegrationRow): Promise<TemplateCall> {
  return {
    template: templateOf(row),
    integrationId: row.id,
    settings: row.settings,
    credentials: await credentialsOf(row, platform.settings.encryptionKey),
  }
}

export interface IntegrationDeps {
  outbound: OutboundPolicy
}

export async function createIntegration(
  platform: Platform,
  deps: IntegrationDeps,
  principal: Principal,
  input: z.infer<typeof createIntegrationInputSchema>,
): Promise<IntegrationDto> {
  const organizationId = requireAdmin(principal)
  const db = platform.db
  const templateRow = await findVisibleTemplate(db, organizationId, input.templateId)
  const template = storedTemplate(templateRow.id, templateRow.version, templateRow.definition)
  const workspaceId = input.product_id ?? null
  if (workspaceId) await requireOwnWorkspace(db, organizationId, workspaceId)
  const settings = checkSettings(template, input.settings)
  const credentials = Object.fromEntries(Object.entries(input.credentials).filter(([, v]) => v.trim() !== ''))
  checkCredentials(template, credentials)
  const key = Object.keys(credentials).length > 0 ? requireEncryptionKey(platform.settings.encryptionKey) : undefined
  // checked before anything is stored: a wrong token fails at the form, not in every later call
  const id = crypto.randomUUID()
  if (template.validation) {
    await runTemplateValidation({ template, integrationId: id, settings, credentials }, deps.outbound)
  }
  const ciphertext = key ? await encryptSecret(JSON.stringify(credentials), key) : null
  return db.transaction(async (tx) => {
    await tx.query(
      `insert into integrations (id, organization_id, workspace_id, template_id, title, settings, credentials_ciphertext,
                                 credential_names, active, validated_at, created_by)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)`,
      [
        id,
        organizationId,
        workspaceId,
        templateRow.id,
        input.title,
        settings,
        ciphertext,
        Object.keys(credentials).sort(),
        input.active,
        template.validation ? new Date().toISOString() : null,
        principal.user?.id ?? null,
      ],
    )
    await recordAudit(tx, {
      organizationId,
      workspaceId,
      actor: actorOf(principal),
      action: 'integration.installed',
      targetType: 'integration',
      targetId: id,
      metadata: { template: templateRow.key, title: input.title, scope: workspaceId ? 'local' : 'global' },
    })
    return toIntegrationDto(platform, await loadIntegration(tx, organizationId, id))
  })
}

export async function updateIntegration(
  platform: Platform,
  deps: IntegrationDeps,
  principal: Principal,
  id: string,
  input: z.infer<typeof updateIntegrationInputSchema>,
): Promise<IntegrationDto> {
  const organizationId = requireAdmin(principal)
  const db = platform.db
  const row = await loadIntegration(db, organizationId, id)
  const template = templateOf(row)
  const workspaceId = input.product_id === undefined ? row.workspace_id : input.product_id
  if (workspaceId && workspaceId !== row.workspace_id) await requireOwnWorkspace(db, organizationId, workspaceId)
  const settings = input.settings ? checkSettings(template, { ...row.settings, ...input.settings }) : row.settings
  let credentials: Record<string, string> | undefined
  if (input.credentials && Object.keys(input.credentials).length > 0) {
    credentials = { ...(await credentialsOf(row, platform.settings.encryptionKey)) }
    for (const [name, value] of Object.entries(input.credentials)) {
      if (value.trim() === '') delete credentials[name]
      else credentials[name] = value
    }
    checkCredentials(template, credentials)
  }
  const needsCheck = Boolean(template.validation && (credentials || input.settings))
  if (needsCheck) {
    await runTemplateValidation(
      {
        template,
        integrationId: id,
        settings,
        credentials: credentials ?? (await credentialsOf(row, platform.settings.encryptionKey)),
      },
      deps.outbound,
    )
  }
  const ciphertext = credentials
    ? Object.keys(credentials).length > 0
      ? await encryptSecret(JSON.stringify(credentials), requireEncryptionKey(platform.settings.encryptionKey))
      : null
    : row.credentials_ciphertext
  return db.transaction(async (tx) => {
    await tx.query(
      `update integrations set title = $3, workspace_id = $4, settings = $5::jsonb, credentials_ciphertext = $6,
              credential_names = $7, active = $8, validated_at = case when $9 then now() else validated_at end,
              updated_at = now()
        where id = $1 and organization_id = $2`,
      [
        id,
        organizationId,
        input.title ?? row.title,
        workspaceId,
        settings,
        ciphertext,
        credentials ? Object.keys(credentials).sort() : row.credential_names,
        input.active ?? row.active,
        needsCheck,
      ],
    )
    const changes = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined)
    await recordAudit(tx, {
      organizationId,
      workspaceId,
      actor: actorOf(principal),
      action:
        input.active !== undefined && input.active !== row.active
          ? input.active
            ? 'integration.activated'
            : 'integration.deactivated'
          : 'integration.updated',
      targetType: 'integration',
      targetId: id,
      // names of what changed, never values: credentials may be among them
      metadata: { changes, credentialsChanged: credentials ? Object.keys(input.credentials ?? {}) : [] },
    })
    return toIntegrationDto(platform, await loadIntegration(tx, organizationId, id))
  })
}

export async function deleteIntegration(platform: Platform, principal: Principal, id: string): Promise<void> {
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    const row = await loadIntegration(tx, organizationId, id)
    await tx.query('delete from integrations where id = $1 and organization_id = $2', [id, organizationId])
    await recordAudit(tx, {
      organizationId,
      workspaceId: row.workspace_id,
      actor: actorOf(principal),
      action: 'integration.deleted',
      targetType: 'integration',
      targetId: id,
      metadata: { template: row.template_key, title: row.title },
    })
  })
}

export async function getIntegration(platform: Platform, principal: Principal, id: string): Promise<IntegrationDto> {
  const organizationId = requireOrganization(principal)
  const row = await loadIntegration(platform.db, organizationId, id)
  if (!(await canSee(platform.db, principal, row))) throw new NotFoundError('Integration', 'integration_not_found')
  return toIntegrationDto(platform, row)
}

export async function listIntegrations(
  platform: Platform,
  principal: Principal,
  filter: { productId?: string | undefined } = {},
): Promise<{ items: IntegrationDto[] }> {
  const organizationId = requireOrganization(principal)
  const db = platform.db
  if (filter.productId) await assertWorkspaceAccess(db, principal, filter.productId)
  const rows = await db.query<IntegrationRow>(
    `${SELECT} where i.organization_id = $1 and ($2::uuid is null or i.workspace_id is null or i.workspace_id = $2)
      order by i.workspace_id nulls first, i.title`,
    [organizationId, filter.productId ?? null],
  )
  const bound = principal.kind !== 'session' && principal.workspaceId
  const visible: IntegrationRow[] = []
  for (const row of rows) {
    if (!row.workspace_id || (isAdmin(principal) && !bound) || (await canSee(db, principal, row))) visible.push(row)
  }
  return { items: visible.map((row) => toIntegrationDto(platform, row)) }
}

/**
 * The integrations in effect in a workspace: its active local ones, and the active global ones whose template has
 * no active local instance there (a local instance shadows a global one of the same template).
 */
export async function effectiveIntegrations(
  q: Queryable,
  principal: Principal,
  workspaceId: string,
): Promise<IntegrationRow[]> {
  // a service acting for no one has an organization and workspace but no user
  const organizationId = principal.organizationId ?? requireOrganization(principal)
  await assertWorkspaceAccess(q, principal, workspaceId)
  const rows = await q.query<IntegrationRow>(
    `${SELECT} where i.organization_id = $1 and i.active and (i.workspace_id is null or i.workspace_id = $2)
      order by i.workspace_id nulls last, i.created_at`,
    [organizationId, workspaceId],
  )
  const localTemplates = new Set(rows.filter((r) => r.workspace_id).map((r) => r.template_id))
  return rows.filter((r) => r.workspace_id || !localTemplates.has(r.template_id))
}

export async function listActiveIntegrations(
  platform: Platform,
  principal: Principal,
  workspaceId: string,
): Promise<{ items: IntegrationDto[] }> {
  const rows = await effectiveIntegrations(platform.db, principal, workspaceId)
  return { items: rows.map((row) => toIntegrationDto(platform, row)) }
}
