/**
 * Both database drivers, for contract suites: every suite that touches SQL runs once on PGlite and
 * once on a fresh database of the real PostgreSQL 15 started by `npm test`.
 */
import postgres from 'postgres'
import { createPgliteDatabase } from '../adapters/pglite.ts'
import { createPostgresDatabase } from '../adapters/postgres.ts'
import type { Database } from '../db/database.ts'
import { migrations } from '../db/migrations.generated.ts'
import { migrate } from '../db/migrator.ts'
import { testService } from './services.ts'

export interface TestDatabaseKind {
  name: 'pglite' | 'postgres'
  /** A reason to skip (outside CI, when PostgreSQL is not running), or false. */
  skip: string | false
  /** A new, empty, isolated database. `migrated` applies every migration first. */
  create(options?: { migrated?: boolean }): Promise<TestDatabaseHandle>
}

export interface TestDatabaseHandle {
  db: Database
  /** Opens another connection pool on the same database (PostgreSQL), or returns the same instance (PGlite). */
  connectAgain(): Database
  drop(): Promise<void>
}

export function testDatabaseKinds(): TestDatabaseKind[] {
  const pg = testService('postgres')
  return [
    {
      name: 'pglite',
      skip: false,
      async create(options) {
        const db = await createPgliteDatabase()
        if (options?.migrated) await migrate(db, migrations)
        return { db, connectAgain: () => db, drop: () => db.close() }
      },
    },
    {
      name: 'postgres',
      skip: pg.skip,
      async create(options) {
        const adminUrl = pg.url as string
        const name = `prodgy_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
        const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined })
        await admin.unsafe(`create database ${name}`)
        await admin.end()
        const url = new URL(adminUrl)
        url.pathname = `/${name}`
        const opened: Database[] = []
        const open = () => {
          const db = createPostgresDatabase({ url: url.toString(), max: 5 })
          opened.push(db)
          return db
        }
        const db = open()
        if (options?.migrated) await migrate(db, migrations)
        return {
          db,
          connectAgain: open,
          async drop() {
            await Promise.all(opened.map((d) => d.close()))
            const cleanup = postgres(adminUrl, { max: 1, onnotice: () => undefined })
            await cleanup.unsafe(`drop database if exists ${name} with (force)`)
            await cleanup.end()
          },
        }
      },
    },
  ]
}
