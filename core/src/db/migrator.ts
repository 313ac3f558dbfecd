/**
 * Applies `supabase/migrations/*.sql` in order, once, under a Postgres advisory lock, and records each
 * in `supabase_migrations.schema_migrations` (the Supabase CLI's own table, so `supabase db push` and
 * this migrator agree on what has been applied). Three migrators started at once: one applies, the
 * others wait for the lock and then find nothing left to do.
 */
import type { Database } from './database.ts'

export interface Migration {
  /** The timestamp prefix of the file name, e.g. `20261126000001`. */
  version: string
  /** The rest of the file name without `.sql`, e.g. `create_accounts`. */
  name: string
  sql: string
}

export interface MigrateResult {
  applied: string[]
  alreadyApplied: number
}

/** A fixed 32-bit key: "prodgy migrations". Every process uses the same one. */
export const MIGRATION_LOCK_KEY = 0x70726d67

export function parseMigrationFileName(fileName: string): { version: string; name: string } | undefined {
  const match = /^(\d{8,})_([a-z0-9_]+)\.sql$/.exec(fileName)
  if (!match) return undefined
  return { version: match[1] as string, name: match[2] as string }
}

export async function migrate(
  db: Database,
  migrations: readonly Migration[],
  options: { lockTimeoutMs?: number; log?: (message: string) => void } = {},
): Promise<MigrateResult> {
  const ordered = [...migrations].sort((a, b) => a.version.localeCompare(b.version))
  return db.withAdvisoryLock(MIGRATION_LOCK_KEY, options.lockTimeoutMs ?? 60_000, async (session) => {
    await session.exec(`
      create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (
        version text primary key,
        statements text[],
        name text
      );
    `)
    const rows = await session.query<{ version: string }>('select version from supabase_migrations.schema_migrations')
    const done = new Set(rows.map((r) => r.version))
    const applied: string[] = []
    for (const migration of ordered) {
      if (done.has(migration.version)) continue
      await session.transaction(async (tx) => {
        await tx.exec(migration.sql)
        await tx.query(
          'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
          [migration.version, migration.name, [migration.sql]],
        )
      })
      options.log?.(`applied migration ${migration.version}_${migration.name}`)
      applied.push(`${migration.version}_${migration.name}`)
    }
    return { applied, alreadyApplied: done.size }
  })
}
