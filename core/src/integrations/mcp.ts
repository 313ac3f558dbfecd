/**
 * What the MCP Gateway needs from the platform: the caller's context (profile, organization, workspace and its
 * active integrations, AI preferences, role, scopes, the organization's instructions), the MCP settings, and a
 * once-per-session marker so the context is injected on the first tool call of a session on any replica.
 */
import { z } from 'zod'
import { hasScope, requireAdmin, requireOrganization } from '../auth/permissions.ts'
import type { EffectiveRole, Principal } from '../auth/principal.ts'
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { findUserById } from '../services/users.ts'
import { assertWorkspaceAccess } from '../services/workspace-access.ts'
import { effectiveIntegrations } from './installed.ts'
import { type IntegrationToolDto, toolsOfIntegrations } from './workspace-tools.ts'

export interface McpContext {
  user: {
    id: string
    fullName: string
    email: string
    role: EffectiveRole | null
    position: string | null
    language: string
  } | null
  organization: {
    id: string
    name: string
    website: string | null
    description: string | null
    industry: string | null
    size: string | null
    stage: string | null
  }
  workspace: {
    id: string
    name: string
    slug: string
    description: string | null
    vision: string | null
    targetAudience: string | null
    personas: string | null
    valueProposition: string | null
    okrs: string | null
    activeIntegrations: { id: string; title: string; templateKey: string; templateName: string; class: string }[]
  }
  aiPreferences: { directive: string; confirmDestructiveActions: boolean } | null
  role: EffectiveRole | null
  scopes: readonly string[] | null
  instructions: string
  /** The workspace's integration tools, when asked for (`include=tools`) and the caller may execute them. */
  tools?: IntegrationToolDto[]
}

export interface McpSettingsDto {
  instructions: string
  templateRules: string
  updatedAt: string | null
}

/** The workspace of an MCP call: the one a token is bound to, else the one named. */
function workspaceOf(principal: Principal, requested: string | undefined): string {
  const bound = principal.kind !== 'session' ? principal.workspaceId : undefined
  const chosen = requested ?? bound
  if (!chosen) {
    throw new ValidationError('Say which workspace: send workspaceId, or use a token bound to a workspace.', {
      workspaceId: ['Required.'],
    })
  }
  return chosen
}

export async function getMcpContext(
  platform: Platform,
  principal: Principal,
  requestedWorkspaceId?: string | undefined,
  options: { includeTools?: boolean } = {},
): Promise<McpContext> {
  if (!principal.organizationId) requireOrganization(principal)
  const organizationId = principal.organizationId as string
  const db = platform.db
  const workspaceId = workspaceOf(principal, requestedWorkspaceId)
  await assertWorkspaceAccess(db, principal, workspaceId)
  const [org] = await db.query<{
    id: string
    name: string
    website: string | null
    description: string | null
    industry: string | null
    size: string | null
    stage: string | null
  }>('select id, name, website, description, industry, size, stage from organizations where id = $1', [organizationId])
  const [ws] = await db.query<{
    id: string
    name: string
    slug: string
    description: string | null
    vision: string | null
    target_audience: string | null
    personas: string | null
    value_proposition: string | null
    okrs: string | null
  }>(
    `select id, name, slug, description, vision, target_audience, personas, value_proposition, okrs
       from workspaces where id = $1 and organization_id = $2`,
    [workspaceId, organizationId],
  )
  if (!org || !ws) throw new NotFoundError('Workspace', 'workspace_not_found')
  const user = principal.user ? await findUserById(db, principal.user.id) : undefined
  const [settings] = await db.query<{ instructions: string }>(
    'select instructions from mcp_settings where organization_id = $1',
    [organizationId],
  )
  const integrations = await effectiveIntegrations(db, principal, workspaceId)
  return {
    user: user
      ? {
          id: user.id,
          fullName: user.full_name,
          email: user.email,
          role: principal.role ?? null,
          position: user.position,
          language: user.language,
        }
      : null,
    organization: org,
    workspace: {
      id: ws.id,
      name: ws.name,
      slug: ws.slug,
      description: ws.description,
      vision: ws.vision,
      targetAudience: ws.target_audience,
      personas: ws.personas,
      valueProposition: ws.value_proposition,
      okrs: ws.okrs,
      activeIntegrations: integrations.map((row) => ({
        id: row.id,
        title: row.title,
        templateKey: row.template_key,
        templateName: row.template_name,
        class: row.template_class,
      })),
    },
    aiPreferences: user
      ? { directive: user.ai_directive, confirmDestructiveActions: user.confirm_destructive_actions }
      : null,
    role: principal.role ?? null,
    scopes: principal.scopes ?? null,
    instructions: settings?.instructions ?? '',
    // one round trip for the Gateway's tools/list: the integrations are already loaded
    ...(options.includeTools && hasScope(principal, 'execute') ? { tools: toolsOfIntegrations(integrations) } : {}),
  }
}

export async function getMcpSettings(platform: Platform, principal: Principal): Promise<McpSettingsDto> {
  const organizationId = requireAdmin(principal)
  const [row] = await platform.db.query<{ instructions: string; template_rules: string; updated_at: string }>(
    'select instructions, template_rules, updated_at from mcp_settings where organization_id = $1',
    [organizationId],
  )
  return {
    instructions: row?.instructions ?? '',
    templateRules: row?.template_rules ?? '',
    updatedAt: row?.updated_at ?? null,
  }
}

export const mcpSettingsInputSchema = z.object({
  instructions: z.string().max(20_000, 'Instructions are at most 20,000 characters.').optional(),
  templateRules: z.string().max(20_000, 'Rules are at most 20,000 characters.').optional(),
})

export async function updateMcpSettings(
  platform: Platform,
  principal: Principal,
  input: z.infer<typeof mcpSettingsInputSchema>,
): Promise<McpSettingsDto> {
  const organizationId = requireAdmin(principal)
  return platform.db.transaction(async (tx) => {
    const [row] = await tx.query<{ instructions: string; template_rules: string; updated_at: string }>(
      `insert into mcp_settings (organization_id, instructions, template_rules, updated_by)
       values ($1, coalesce($2, ''), coalesce($3, ''), $4)
       on conflict (organization_id) do update
         set instructions = coalesce($2, mcp_settings.instructions),
             template_rules = coalesce($3, mcp_settings.template_rules),
             updated_by = $4, updated_at = now()
       returning instructions, template_rules, updated_at`,
      [organizationId, input.instructions ?? null, input.templateRules ?? null, principal.user?.id ?? null],
    )
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'mcp_settings.updated',
      targetType: 'mcp_settings',
      targetId: organizationId,
      metadata: { fields: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined) },
    })
    const saved = row as { instructions: string; template_rules: string; updated_at: string }
    return { instructions: saved.instructions, templateRules: saved.template_rules, updatedAt: saved.updated_at }
  })
}

const SESSION_ID = /^[A-Za-z0-9._-]{16,128}$/
/** Sessions older than this are forgotten; a client that keeps one longer gets the context once more. */
const SESSION_RETENTION = '7 days'

/** Who holds a session: the token or grant when there is one, else the user. */
function subjectOf(principal: Principal): string {
  return principal.tokenId ?? principal.user?.id ?? `service:${principal.service ?? 'unknown'}`
}

/**
 * Marks the session's context as delivered. `firstDelivery` is true exactly once per session id, whichever replica
 * asks; a session id used by another caller is refused.
 */
export async function markSessionContext(
  platform: Platform,
  principal: Principal,
  sessionId: string,
): Promise<{ firstDelivery: boolean }> {
  if (!principal.organizationId) requireOrganization(principal)
  if (!SESSION_ID.test(sessionId)) {
    throw new AppError('invalid_session', 'A session id is 16 to 128 letters, digits, dots, dashes or underscores.')
  }
  const subject = subjectOf(principal)
  const owned = (row: { organization_id: string; subject: string } | undefined) =>
    row !== undefined && row.organization_id === principal.organizationId && row.subject === subject
  // the common case, every tool call after the first: one read, no write
  const [known] = await platform.db.query<{ organization_id: string; subject: string; delivered: boolean }>(
    'select organization_id, subject, context_delivered_at is not null as delivered from mcp_sessions where id = $1',
    [sessionId],
  )
  if (known && !owned(known)) throw new ForbiddenError('This session belongs to another caller.', 'session_forbidden')
  if (known?.delivered) return { firstDelivery: false }
  return platform.db.transaction(async (tx) => {
    // forgotten sessions are swept when a new one starts, not on every call
    if (!known) await tx.query(`delete from mcp_sessions where created_at < now() - interval '${SESSION_RETENTION}'`)
    await tx.query(
      `insert into mcp_sessions (id, organization_id, subject) values ($1, $2, $3) on conflict (id) do nothing`,
      [sessionId, principal.organizationId, subject],
    )
    const [owner] = await tx.query<{ organization_id: string; subject: string }>(
      'select organization_id, subject from mcp_sessions where id = $1',
      [sessionId],
    )
    if (!owned(owner)) throw new ForbiddenError('This session belongs to another caller.', 'session_forbidden')
    const updated = await tx.query<{ id: string }>(
      `update mcp_sessions set context_delivered_at = now() where id = $1 and context_delivered_at is null returning id`,
      [sessionId],
    )
    return { firstDelivery: updated.length > 0 }
  })
}
