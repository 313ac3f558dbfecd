/** Organizations and their workspaces (products). */
import { z } from 'zod'
import { requireAdmin, requireOrganization, requireSession } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from './audit.ts'
import { type Page, type PageQuery, pageBounds, toPage } from './pagination.ts'
import type { Platform } from './platform.ts'
import { slugify } from './users.ts'
import { assertWorkspaceAccess } from './workspace-access.ts'

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional()
const optionalUrl = z
  .union([z.literal(''), z.url({ message: 'Enter a full address starting with http:// or https://' }).max(2048)])
  .nullable()
  .optional()
  .transform((v) => (v === '' ? null : v))

export const organizationInputSchema = z.object({
  name: z.string().trim().min(1, 'Enter the organization name.').max(200),
  website: optionalUrl,
  description: optionalText(2000),
  industry: optionalText(200),
  size: optionalText(100),
  stage: optionalText(100),
  logo: optionalUrl,
})
export const organizationPatchSchema = organizationInputSchema.partial()

export interface OrganizationDto {
  id: string
  name: string
  website: string | null
  description: string | null
  industry: string | null
  size: string | null
  stage: string | null
  logo: string | null
  status: string
  defaultModelId: string | null
  createdAt: string
  updatedAt: string
}

interface OrganizationRow {
  id: string
  name: string
  website: string | null
  description: string | null
  industry: string | null
  size: string | null
  stage: string | null
  logo: string | null
  status: string
  default_model_id: string | null
  created_at: Date
  updated_at: Date
}

export function toOrganizationDto(r: OrganizationRow): OrganizationDto {
  return {
    id: r.id,
    name: r.name,
    website: r.website,
    description: r.description,
    industry: r.industry,
    size: r.size,
    stage: r.stage,
    logo: r.logo,
    status: r.status,
    defaultModelId: r.default_model_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}

export async function getOrganization(q: Queryable, id: string): Promise<OrganizationDto> {
  const [row] = await q.query<OrganizationRow>('select * from organizations where id = $1', [id])
  if (!row) throw new NotFoundError('Organization', 'organization_not_found')
  return toOrganizationDto(row)
}

export async function listOrganizations(
  platform: Platform,
  principal: Principal | undefined,
  query: PageQuery & { search?: string | undefined },
): Promise<Page<OrganizationDto>> {
  const me = requireSession(principal)
  const { limit, offset } = pageBounds(query)
  const filter = `where ($1::boolean or o.id in (select organization_id from memberships where user_id = $2))
                    and ($3::text is null or o.name ilike '%' || $3 || '%')`
  const params = [me.isSuperAdmin, me.id, query.search?.trim() || null]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from organizations o ${filter}`,
    params,
  )
  const rows = await platform.db.query<OrganizationRow>(
    `select o.* from organizations o ${filter} order by o.name, o.id limit $4 offset $5`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toOrganizationDto), count?.n ?? 0, query)
}

/** Any signed-in person may create an organization (onboarding); they become its administrator. */
export async function createOrganization(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof organizationInputSchema>,
): Promise<OrganizationDto> {
  const me = requireSession(principal)
  return platform.db.transaction(async (tx) => {
    const [row] = await tx.query<OrganizationRow>(
      `insert into organizations (name, website, description, industry, size, stage, logo)
       values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [
        input.name,
        input.website ?? null,
        input.description ?? null,
        input.industry ?? null,
        input.size ?? null,
        input.stage ?? null,
        input.logo ?? null,
      ],
    )
    const org = row as OrganizationRow
    await tx.query(`insert into memberships (organization_id, user_id, role) values ($1, $2, 'admin')`, [org.id, me.id])
    await recordAudit(tx, {
      organizationId: org.id,
      actor: actorOf(principal),
      action: 'organization.created',
      targetType: 'organization',
      targetId: org.id,
      metadata: { name: org.name },
    })
    return toOrganizationDto(org)
  })
}

const ORGANIZATION_COLUMNS: Record<string, string> = {
  name: 'name',
  website: 'website',
  description: 'description',
  industry: 'industry',
  size: 'size',
  stage: 'stage',
  logo: 'logo',
}

/** Builds `set a = $n, …` from the fields present in a patch; column names come from a fixed map, never from input. */
function patchAssignments(patch: Record<string, unknown>, columns: Record<string, string>, firstParam: number) {
  const sets: string[] = []
  const values: unknown[] = []
  for (const [field, column] of Object.entries(columns)) {
    if (patch[field] === undefined) continue
    values.push(patch[field])
    sets.push(`${column} = $${firstParam + values.length - 1}`)
  }
  return { sets, values }
}

export async function updateOrganization(
  platform: Platform,
  principal: Principal | undefined,
  patch: z.infer<typeof organizationPatchSchema>,
): Promise<OrganizationDto> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  const { sets, values } = patchAssignments(patch, ORGANIZATION_COLUMNS, 2)
  if (sets.length === 0) return getOrganization(platform.db, organizationId)
  return platform.db.transaction(async (tx) => {
    const [row] = await tx.query<OrganizationRow>(
      `update organizations set ${sets.join(', ')}, updated_at = now() where id = $1 returning *`,
      [organizationId, ...values],
    )
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'organization.updated',
      targetType: 'organization',
      targetId: organizationId,
      metadata: { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) },
    })
    return toOrganizationDto(row as OrganizationRow)
  })
}

export const deleteByNameSchema = z.object({ confirmName: z.string() })

export async function deleteOrganization(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof deleteByNameSchema>,
): Promise<void> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    const [org] = await tx.query<{ name: string }>('select name from organizations where id = $1 for update', [
      organizationId,
    ])
    if (!org) throw new NotFoundError('Organization', 'organization_not_found')
    if (input.confirmName.trim() !== org.name) {
      throw new ValidationError('Type the organization name exactly to confirm.', { confirmName: ['does not match'] })
    }
    const [count] = await tx.query<{ n: number }>(
      'select count(*)::int as n from workspaces where organization_id = $1',
      [organizationId],
    )
    if ((count?.n ?? 0) > 0) {
      throw new ConflictError(
        `Delete the organization's ${count?.n} workspace(s) first; an organization with workspaces cannot be deleted.`,
        'organization_has_workspaces',
      )
    }
    // the audit row of the deletion outlives the organization: it is platform-level
    await recordAudit(tx, {
      organizationId: null,
      actor: actorOf(principal),
      action: 'organization.deleted',
      targetType: 'organization',
      targetId: organizationId,
      metadata: { name: org.name },
    })
    await tx.query('delete from organizations where id = $1', [organizationId])
  })
  platform.log.info('organization deleted', { organizationId })
}

// ---------------------------------------------------------------- workspaces

export const workspaceInputSchema = z.object({
  name: z.string().trim().min(1, 'Enter the workspace name.').max(200),
  description: optionalText(2000),
  website: optionalUrl,
  logo: optionalUrl,
})
export const workspacePatchSchema = workspaceInputSchema.partial().extend({
  vision: optionalText(20_000),
  targetAudience: optionalText(20_000),
  personas: optionalText(20_000),
  valueProposition: optionalText(20_000),
  okrs: optionalText(20_000),
})

export interface WorkspaceDto {
  id: string
  organizationId: string
  name: string
  slug: string
  description: string | null
  website: string | null
  logo: string | null
  vision: string | null
  targetAudience: string | null
  personas: string | null
  valueProposition: string | null
  okrs: string | null
  memberCount: number
  createdAt: string
  updatedAt: string
}

interface WorkspaceRow {
  id: string
  organization_id: string
  name: string
  slug: string
  description: string | null
  website: string | null
  logo: string | null
  vision: string | null
  target_audience: string | null
  personas: string | null
  value_proposition: string | null
  okrs: string | null
  member_count: number
  created_at: Date
  updated_at: Date
}

function toWorkspaceDto(r: WorkspaceRow): WorkspaceDto {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    website: r.website,
    logo: r.logo,
    vision: r.vision,
    targetAudience: r.target_audience,
    personas: r.personas,
    valueProposition: r.value_proposition,
    okrs: r.okrs,
    memberCount: r.member_count,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}

/** Members who can open a workspace: every administrator of the organization plus users granted access. */
const SELECT_WORKSPACE = `
  select w.*, (
    select count(*)::int from memberships m
     where m.organization_id = w.organization_id
       and (m.role = 'admin' or exists (select 1 from workspace_access a where a.workspace_id = w.id and a.user_id = m.user_id))
  ) as member_count
  from workspaces w`

export async function listWorkspaces(
  platform: Platform,
  principal: Principal | undefined,
  query: PageQuery,
): Promise<Page<WorkspaceDto>> {
  const organizationId = requireOrganization(principal)
  const p = principal as Principal
  const { limit, offset } = pageBounds(query)
  const everything = p.role === 'admin' || p.role === 'super_admin'
  const filter = `where w.organization_id = $1
      and ($2::uuid is null or w.id = $2)
      and ($3::boolean or exists (select 1 from workspace_access a where a.workspace_id = w.id and a.user_id = $4))`
  // API tokens and connected apps see only the workspace they are bound to
  const bound = p.kind === 'api_token' || p.kind === 'oauth' ? p.workspaceId : null
  const params = [organizationId, bound ?? null, everything, p.user?.id ?? null]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from workspaces w ${filter}`,
    params,
  )
  const rows = await platform.db.query<WorkspaceRow>(
    `${SELECT_WORKSPACE} ${filter} order by w.name, w.id limit $5 offset $6`,
    [...params, limit, offset],
  )
  return toPage(rows.map(toWorkspaceDto), count?.n ?? 0, query)
}

export async function getWorkspace(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string,
): Promise<WorkspaceDto> {
  requireOrganization(principal)
  await assertWorkspaceAccess(platform.db, principal as Principal, workspaceId)
  const [row] = await platform.db.query<WorkspaceRow>(`${SELECT_WORKSPACE} where w.id = $1`, [workspaceId])
  return toWorkspaceDto(row as WorkspaceRow)
}

/** Finds a free slug for a name inside an organization: `name`, then `name-2`, `name-3`, … */
async function freeSlug(q: Queryable, organizationId: string, name: string): Promise<string> {
  const base = slugify(name)
  const taken = await q.query<{ slug: string }>(
    `select slug from workspaces where organization_id = $1 and (slug = $2 or slug like $2 || '-%')`,
    [organizationId, base],
  )
  const used = new Set(taken.map((t) => t.slug))
  if (!used.has(base)) return base
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`
}

export async function createWorkspaceIn(
  tx: Queryable,
  organizationId: string,
  input: z.infer<typeof workspaceInputSchema>,
  actor: ReturnType<typeof actorOf>,
): Promise<string> {
  const slug = await freeSlug(tx, organizationId, input.name)
  const [row] = await tx.query<{ id: string }>(
    `insert into workspaces (organization_id, name, slug, description, website, logo)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [organizationId, input.name, slug, input.description ?? null, input.website ?? null, input.logo ?? null],
  )
  const id = (row as { id: string }).id
  await recordAudit(tx, {
    organizationId,
    workspaceId: id,
    actor,
    action: 'workspace.created',
    targetType: 'workspace',
    targetId: id,
    metadata: { name: input.name, slug },
  })
  return id
}

export async function createWorkspace(
  platform: Platform,
  principal: Principal | undefined,
  input: z.infer<typeof workspaceInputSchema>,
): Promise<WorkspaceDto> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  const id = await platform.db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`workspace-slug:${organizationId}`])
    return createWorkspaceIn(tx, organizationId, input, actorOf(principal))
  })
  return getWorkspace(platform, principal, id)
}

const WORKSPACE_COLUMNS: Record<string, string> = {
  name: 'name',
  description: 'description',
  website: 'website',
  logo: 'logo',
  vision: 'vision',
  targetAudience: 'target_audience',
  personas: 'personas',
  valueProposition: 'value_proposition',
  okrs: 'okrs',
}

export async function updateWorkspace(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string,
  patch: z.infer<typeof workspacePatchSchema>,
): Promise<WorkspaceDto> {
  const organizationId = requireAdmin(principal)
  await assertWorkspaceAccess(platform.db, principal as Principal, workspaceId)
  const { sets, values } = patchAssignments(patch, WORKSPACE_COLUMNS, 3)
  if (sets.length > 0) {
    await platform.db.transaction(async (tx) => {
      await tx.query(
        `update workspaces set ${sets.join(', ')}, updated_at = now() where id = $1 and organization_id = $2`,
        [workspaceId, organizationId, ...values],
      )
      await recordAudit(tx, {
        organizationId,
        workspaceId,
        actor: actorOf(principal),
        action: 'workspace.updated',
        targetType: 'workspace',
        targetId: workspaceId,
        metadata: { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) },
      })
    })
  }
  return getWorkspace(platform, principal, workspaceId)
}

export async function deleteWorkspace(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string,
  input: z.infer<typeof deleteByNameSchema>,
): Promise<void> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    const [ws] = await tx.query<{ name: string }>(
      'select name from workspaces where id = $1 and organization_id = $2 for update',
      [workspaceId, organizationId],
    )
    if (!ws) throw new NotFoundError('Workspace', 'workspace_not_found')
    if (input.confirmName.trim() !== ws.name) {
      throw new ValidationError('Type the workspace name exactly to confirm.', { confirmName: ['does not match'] })
    }
    await recordAudit(tx, {
      organizationId,
      workspaceId,
      actor: actorOf(principal),
      action: 'workspace.deleted',
      targetType: 'workspace',
      targetId: workspaceId,
      metadata: { name: ws.name },
    })
    await tx.query('delete from workspaces where id = $1', [workspaceId])
  })
}
