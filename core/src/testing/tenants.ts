/**
 * Shared setup for suites that call service functions: a platform with test settings, and a tenant
 * (organization, workspace, user) with the session principal that acts in it.
 */
import type { EffectiveRole, Principal } from '../auth/principal.ts'
import type { Database, Queryable } from '../db/database.ts'
import { createLogger, type Logger } from '../log.ts'
import type { Platform, PlatformSettings } from '../services/platform.ts'

export interface TestPlatformOverrides {
  settings?: Partial<PlatformSettings>
  enqueue?: Platform['enqueue']
  dispatchEmail?: Platform['dispatchEmail']
  log?: Logger
}

/** A platform over `db` with test settings: a silent logger, no email, a queue that drops every job. */
export function testPlatform(db: Database, overrides: TestPlatformOverrides = {}): Platform {
  return {
    db,
    log: overrides.log ?? createLogger({ level: 'error', write: () => undefined }),
    settings: {
      publicUrl: 'http://prodgy.test',
      jwtSecret: 'x'.repeat(32),
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 3600,
      allowSignup: true,
      serviceKeys: {},
      encryptionKey: undefined,
      maxUploadBytes: 1024,
      ...overrides.settings,
    },
    dispatchEmail: overrides.dispatchEmail ?? (async () => undefined),
    enqueue: overrides.enqueue ?? (async () => undefined),
  }
}

/** A session principal for `user` in `organizationId` (an organization admin unless told otherwise). */
export function principalFor(
  user: { id: string; email: string; fullName?: string; isSuperAdmin?: boolean },
  organizationId: string | undefined,
  options: { role?: EffectiveRole; ip?: string } = {},
): Principal {
  return {
    kind: 'session',
    user: { id: user.id, email: user.email, fullName: user.fullName ?? '', isSuperAdmin: user.isSuperAdmin ?? false },
    organizationId,
    role: options.role ?? 'admin',
    workspaceId: undefined,
    tokenId: undefined,
    sessionFamilyId: undefined,
    service: undefined,
    ip: options.ip,
  }
}

export interface TestTenantOptions {
  organizationName?: string
  workspaceName?: string
  workspaceSlug?: string
  email?: string
  role?: 'user' | 'admin'
  superAdmin?: boolean
  /**
   * Also records the user's membership (and, for role `user`, access to the workspace). Off by default:
   * the principal alone is enough for functions that trust it without reading memberships.
   */
  membership?: boolean
}

export interface TestTenant {
  organizationId: string
  workspaceId: string
  userId: string
  principal: Principal
}

/** Inserts an organization with one workspace and one user, and returns their ids with the user's principal. */
export async function createTenant(q: Queryable, options: TestTenantOptions = {}): Promise<TestTenant> {
  const email = options.email ?? 'me@acme.test'
  const role = options.role ?? 'admin'
  const superAdmin = options.superAdmin ?? false
  const [org] = await q.query<{ id: string }>(`insert into organizations (name) values ($1) returning id`, [
    options.organizationName ?? 'Acme',
  ])
  const organizationId = org?.id as string
  const [ws] = await q.query<{ id: string }>(
    `insert into workspaces (organization_id, name, slug) values ($1, $2, $3) returning id`,
    [organizationId, options.workspaceName ?? 'Main', options.workspaceSlug ?? 'main'],
  )
  const workspaceId = ws?.id as string
  const [user] = superAdmin
    ? await q.query<{ id: string }>(`insert into users (email, is_super_admin) values ($1, true) returning id`, [email])
    : await q.query<{ id: string }>(`insert into users (email) values ($1) returning id`, [email])
  const userId = user?.id as string
  if (options.membership) {
    await q.query(`insert into memberships (organization_id, user_id, role) values ($1, $2, $3)`, [
      organizationId,
      userId,
      role,
    ])
    if (role === 'user') {
      await q.query(`insert into workspace_access (organization_id, workspace_id, user_id) values ($1, $2, $3)`, [
        organizationId,
        workspaceId,
        userId,
      ])
    }
  }
  const principal = principalFor({ id: userId, email, isSuperAdmin: superAdmin }, organizationId, {
    role: superAdmin ? 'super_admin' : role,
  })
  return { organizationId, workspaceId, userId, principal }
}
