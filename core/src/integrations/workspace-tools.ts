/**
 * The tools a workspace's integrations provide, grouped by name. A name provided by one integration is served
 * unchanged; a name provided by several gains a required `_integration` argument naming which one (its id; its
 * title or template key are accepted too when they are unambiguous). Every call is audited.
 */
import { requireOrganization, requireScope } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { type OutboundPolicy, runTemplateTool } from './executor.ts'
import { effectiveIntegrations, type IntegrationRow, templateCallOf, templateOf } from './installed.ts'
import type { TemplateTool } from './template-schema.ts'

export const INTEGRATION_ARGUMENT = '_integration'

export interface ToolProvider {
  integrationId: string
  title: string
  templateKey: string
  scope: 'local' | 'global'
}

export interface IntegrationToolDto {
  name: string
  title?: string | undefined
  description: string
  inputSchema: Record<string, unknown>
  annotations: { readOnly: boolean; destructive: boolean; idempotent: boolean }
  outputSchema?: Record<string, unknown> | undefined
  providers: ToolProvider[]
}

export interface ToolCallResult {
  integrationId: string
  tool: string
  status: number
  durationMs: number
  result: unknown
}

interface Provided {
  row: IntegrationRow
  tool: TemplateTool
}

function providerOf(row: IntegrationRow): ToolProvider {
  return {
    integrationId: row.id,
    title: row.title,
    templateKey: row.template_key,
    scope: row.workspace_id ? 'local' : 'global',
  }
}

function groupTools(rows: IntegrationRow[]): Map<string, Provided[]> {
  const groups = new Map<string, Provided[]>()
  for (const row of rows) {
    for (const tool of templateOf(row).tools) {
      groups.set(tool.name, [...(groups.get(tool.name) ?? []), { row, tool }])
    }
  }
  return groups
}

function describeGroup(name: string, provided: Provided[]): IntegrationToolDto {
  const first = provided[0] as Provided
  if (provided.length === 1) {
    return {
      name,
      title: first.tool.title,
      description: `${first.tool.description} (${first.row.title})`,
      inputSchema: first.tool.inputSchema,
      annotations: first.tool.annotations,
      outputSchema: first.tool.response?.outputSchema,
      providers: [providerOf(first.row)],
    }
  }
  // several providers: the union of their properties (the first one's wins on a clash), the intersection of what
  // they all require, and the choice of integration
  const properties: Record<string, unknown> = {}
  let required: string[] | undefined
  for (const { tool } of provided) {
    for (const [key, value] of Object.entries(tool.inputSchema.properties ?? {})) properties[key] ??= value
    const own = tool.inputSchema.required ?? []
    required = required === undefined ? [...own] : required.filter((r) => own.includes(r))
  }
  const choices = provided.map(
    ({ row }) => `"${row.id}" = ${row.title} (${row.template_key}, ${row.workspace_id ? 'local' : 'global'})`,
  )
  properties[INTEGRATION_ARGUMENT] = {
    type: 'string',
    enum: provided.map(({ row }) => row.id),
    description: `Which integration to use: ${choices.join('; ')}.`,
  }
  return {
    name,
    title: first.tool.title,
    description: `${first.tool.description} Provided by ${provided.map(({ row }) => row.title).join(', ')}; choose one with ${INTEGRATION_ARGUMENT}.`,
    inputSchema: { type: 'object', properties, required: [INTEGRATION_ARGUMENT, ...(required ?? [])] },
    annotations: {
      readOnly: provided.every(({ tool }) => tool.annotations.readOnly),
      destructive: provided.some(({ tool }) => tool.annotations.destructive),
      idempotent: provided.every(({ tool }) => tool.annotations.idempotent),
    },
    outputSchema: undefined,
    providers: provided.map(({ row }) => providerOf(row)),
  }
}

/** The tools of integrations in effect in a workspace, grouped by name. */
export function toolsOfIntegrations(rows: IntegrationRow[]): IntegrationToolDto[] {
  return [...groupTools(rows).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => describeGroup(name, p))
}

export async function listWorkspaceTools(
  platform: Platform,
  principal: Principal,
  workspaceId: string,
): Promise<{ tools: IntegrationToolDto[] }> {
  return { tools: toolsOfIntegrations(await effectiveIntegrations(platform.db, principal, workspaceId)) }
}

function chooseProvider(name: string, provided: Provided[], choice: unknown): Provided {
  if (provided.length === 1 && (choice === undefined || choice === (provided[0] as Provided).row.id)) {
    return provided[0] as Provided
  }
  if (choice === undefined || choice === null || choice === '') {
    throw new AppError(
      'ambiguous_integration',
      `Several integrations provide ${name}: ${provided.map(({ row }) => `${row.title} (${row.id})`).join(', ')}. ` +
        `Say which one with ${INTEGRATION_ARGUMENT}.`,
      400,
    )
  }
  const text = String(choice).trim().toLowerCase()
  const byId = provided.find(({ row }) => row.id === text)
  if (byId) return byId
  const byName = provided.filter(
    ({ row }) => row.title.toLowerCase() === text || row.template_key.toLowerCase() === text,
  )
  if (byName.length === 1) return byName[0] as Provided
  throw new AppError(
    'integration_not_found',
    `"${String(choice)}" is not one of the integrations that provide ${name}: ${provided
      .map(({ row }) => `${row.title} (${row.id})`)
      .join(', ')}.`,
    byName.length > 1 ? 400 : 404,
  )
}

export async function callWorkspaceTool(
  platform: Platform,
  outbound: OutboundPolicy,
  principal: Principal,
  workspaceId: string,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolCallResult> {
  const organizationId = principal.organizationId ?? requireOrganization(principal)
  requireScope(principal, 'execute')
  const rows = await effectiveIntegrations(platform.db, principal, workspaceId)
  const provided = groupTools(rows).get(name)
  if (!provided) {
    throw new AppError('tool_not_found', `No active integration of this workspace provides the tool ${name}.`, 404)
  }
  const { [INTEGRATION_ARGUMENT]: choice, ...input } = args
  const { row } = chooseProvider(name, provided, choice)
  const started = Date.now()
  const audit = (metadata: Record<string, unknown>) =>
    recordAudit(platform.db, {
      organizationId,
      workspaceId,
      actor: actorOf(principal),
      action: 'integration.tool_called',
      targetType: 'integration',
      targetId: row.id,
      metadata: { tool: name, ...metadata },
    }).catch((error) => platform.log.warn('audit of a tool call failed', { error: String(error) }))
  try {
    const run = await runTemplateTool(await templateCallOf(platform, row), name, input, outbound)
    await audit({ ok: true, status: run.status, durationMs: run.durationMs })
    return { integrationId: row.id, tool: name, status: run.status, durationMs: run.durationMs, result: run.result }
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'tool_failed'
    await audit({ ok: false, error: code, durationMs: Date.now() - started })
    platform.log.info('integration tool failed', { tool: name, integrationId: row.id, error: code })
    throw error
  }
}
