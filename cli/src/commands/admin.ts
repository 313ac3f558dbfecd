/** Automation and recovery commands that work straight on the database: with the server stopped (embedded) or any time (DATABASE_URL). */
import { lockDataDir } from '@prodgy/api/runtime/data-dir-lock'
import {
  createSuperAdmin,
  createTokenFor,
  findUserByEmail,
  migrate,
  migrations,
  parseEnv,
  setupInputSchema,
  ValidationError,
} from '@prodgy/core'
import { createDatabaseFromEnv } from '@prodgy/core/adapters/database-from-env'
import { z } from 'zod'

async function withDatabase<T>(
  fn: (db: Awaited<ReturnType<typeof createDatabaseFromEnv>>['db']) => Promise<T>,
): Promise<T> {
  const env = parseEnv(process.env)
  const database = await createDatabaseFromEnv(env, { lockDataDir })
  try {
    await migrate(database.db, migrations)
    return await fn(database.db)
  } finally {
    await database.close()
  }
}

function required(options: Record<string, string | undefined>, names: string[]): void {
  const missing = names.filter((n) => !options[n]?.trim())
  if (missing.length > 0) {
    throw new ValidationError(`Missing option(s): ${missing.map((m) => `--${m}`).join(', ')}.`)
  }
}

export async function createAdminCommand(options: Record<string, string | undefined>): Promise<number> {
  required(options, ['email', 'password', 'org'])
  const input = setupInputSchema.parse({
    email: options.email,
    password: options.password,
    fullName: options.email?.split('@')[0] ?? 'Admin',
    organizationName: options.org,
    workspaceName: options.workspace,
  })
  const created = await withDatabase((db) =>
    db.transaction((tx) => createSuperAdmin(tx, input, { requireEmptyPlatform: false })),
  )
  console.log(
    `Created Super Admin ${created.user.email} in organization "${input.organizationName}"` +
      (input.workspaceName ? ` with workspace "${input.workspaceName}".` : '.'),
  )
  return 0
}

export async function createTokenCommand(options: Record<string, string | undefined>): Promise<number> {
  required(options, ['email', 'workspace', 'name'])
  const expiresAt = options.expires ? z.iso.datetime({ offset: true }).parse(options.expires) : undefined
  const token = await withDatabase(async (db) => {
    const user = await findUserByEmail(db, options.email as string)
    if (!user) throw new ValidationError(`No user has the email ${options.email}.`)
    const candidates = await db.query<{ workspace_id: string; organization_id: string; organization: string }>(
      `select w.id as workspace_id, w.organization_id, o.name as organization
         from workspaces w join organizations o on o.id = w.organization_id
        where w.slug = $1 and ($2::text is null or o.name = $2)
          and ($3::boolean or exists (select 1 from memberships m where m.organization_id = w.organization_id and m.user_id = $4))`,
      [options.workspace, options.org ?? null, user.is_super_admin, user.id],
    )
    if (candidates.length === 0) {
      throw new ValidationError(`No workspace with slug "${options.workspace}" is reachable by ${user.email}.`)
    }
    if (candidates.length > 1) {
      const names = candidates.map((c) => `"${c.organization}"`).join(', ')
      throw new ValidationError(
        `Several organizations have a workspace "${options.workspace}" (${names}); add --org NAME.`,
      )
    }
    const target = candidates[0] as (typeof candidates)[number]
    return createTokenFor(db, {
      organizationId: target.organization_id,
      workspaceId: target.workspace_id,
      userId: user.id,
      name: options.name as string,
      expiresAt: expiresAt ? new Date(expiresAt) : null,
      actor: { userId: user.id },
    })
  })
  console.log(token.token)
  return 0
}
