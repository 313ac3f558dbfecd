/**
 * PostgreSQL driver over TCP (postgres.js): a local PostgreSQL 15+ with pgvector, or a Supabase project.
 * Runs on Node, Bun and Deno. `int8` is parsed to a number so both drivers return the same shapes.
 */
import postgres from 'postgres'
import type { Database, Queryable, Session } from '../db/database.ts'
import { withTimeout } from '../errors.ts'

export interface PostgresOptions {
  url: string
  /** Pool size per process. */
  max?: number
  /**
   * Prepared statements. Supabase's transaction pooler (port 6543) does not support them, so they are
   * switched off automatically for that port unless set explicitly.
   */
  prepare?: boolean
  connectTimeoutSeconds?: number
}

type Sql = postgres.Sql<Record<string, never>>
type Runner = Pick<Sql, 'unsafe'>

function wrap(sql: Runner): Queryable {
  return {
    async query<T>(text: string, params?: readonly unknown[]) {
      const rows = await sql.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[])
      return rows as unknown as T[]
    },
    async exec(text: string) {
      await sql.unsafe(text)
    },
  }
}

export function createPostgresDatabase(options: PostgresOptions): Database {
  const port = (() => {
    try {
      return new URL(options.url).port
    } catch {
      return ''
    }
  })()
  const sql: Sql = postgres(options.url, {
    max: options.max ?? 10,
    prepare: options.prepare ?? port !== '6543',
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 30,
    onnotice: () => undefined,
    types: {
      bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    } as never,
  })
  const base = wrap(sql)
  const db: Database = {
    dialect: 'postgres',
    query: base.query,
    exec: base.exec,
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return sql.begin((tx) => fn(wrap(tx as unknown as Runner))) as Promise<T>
    },
    async withAdvisoryLock<T>(key: number, timeoutMs: number, fn: (session: Session) => Promise<T>) {
      const reserved = await withTimeout(sql.reserve(), timeoutMs, 'The database connection pool')
      const conn = wrap(reserved)
      const session: Session = {
        ...conn,
        async transaction<R>(inner: (tx: Queryable) => Promise<R>) {
          await reserved.unsafe('begin')
          try {
            const result = await inner(conn)
            await reserved.unsafe('commit')
            return result
          } catch (error) {
            await reserved.unsafe('rollback')
            throw error
          }
        },
      }
      try {
        await reserved.unsafe(`set lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`)
        await reserved.unsafe('select pg_advisory_lock($1)', [key])
        await reserved.unsafe('set lock_timeout = 0')
        try {
          return await fn(session)
        } finally {
          await reserved.unsafe('select pg_advisory_unlock($1)', [key])
        }
      } finally {
        reserved.release()
      }
    },
    async ping(timeoutMs: number) {
      try {
        await withTimeout(sql.unsafe('select 1'), timeoutMs, 'PostgreSQL')
        return true
      } catch {
        return false
      }
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
  return db
}
