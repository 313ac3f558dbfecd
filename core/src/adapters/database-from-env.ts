/**
 * Opens the database the environment names: PostgreSQL when `DATABASE_URL` is set, otherwise the embedded
 * PGlite in `PRODGY_DATA_DIR`. A folder is locked first by the caller-supplied `lockDataDir` (the runtime
 * owns the file system), because two live processes on one PGlite folder silently lose data.
 */
import type { Env } from '../config/env.ts'
import type { Database } from '../db/database.ts'
import { createPgliteDatabase } from './pglite.ts'
import { createPostgresDatabase } from './postgres.ts'

export type ReleaseLock = () => Promise<void>

export interface DatabaseFromEnv {
  db: Database
  /** `postgres` or `pglite:<folder>` / `pglite:memory`, for the start-up log line. */
  description: string
  close(): Promise<void>
}

export async function createDatabaseFromEnv(
  env: Pick<Env, 'DATABASE_URL' | 'PRODGY_DATA_DIR' | 'PRODGY_DATABASE_POOL_SIZE'>,
  options: { lockDataDir?: (dir: string) => Promise<ReleaseLock> } = {},
): Promise<DatabaseFromEnv> {
  if (env.DATABASE_URL) {
    const db = createPostgresDatabase({ url: env.DATABASE_URL, max: env.PRODGY_DATABASE_POOL_SIZE })
    return { db, description: 'postgres', close: () => db.close() }
  }
  const dir = env.PRODGY_DATA_DIR
  if (dir === 'memory://' || dir === ':memory:') {
    const db = await createPgliteDatabase()
    return { db, description: 'pglite:memory', close: () => db.close() }
  }
  const release = options.lockDataDir ? await options.lockDataDir(dir) : async () => undefined
  try {
    const db = await createPgliteDatabase({ dataDir: dir })
    return {
      db,
      description: `pglite:${dir}`,
      async close() {
        try {
          await db.close()
        } finally {
          await release()
        }
      },
    }
  } catch (error) {
    await release()
    throw error
  }
}
