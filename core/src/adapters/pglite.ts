/**
 * PGlite driver: PostgreSQL compiled to WASM, in process, with pgvector. The embedded default.
 * One PGlite instance is one session; it serialises queries itself, and `transaction` holds its lock.
 * A data folder must never be opened by two live processes: the caller takes a lock first (see the
 * Node runtime's data-dir lock), because PGlite has none and two writers silently lose data.
 */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import type { Database, Queryable, Session } from '../db/database.ts'

export interface PgliteOptions {
  /** A folder path, or `memory://` (the default) for a throwaway database. */
  dataDir?: string
}

function wrap(q: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<T>(text: string, params?: readonly unknown[]) {
      const result = await q.query<T>(text, params as unknown[] | undefined)
      return result.rows
    },
    async exec(text: string) {
      await q.exec(text)
    },
  }
}

export async function createPgliteDatabase(options: PgliteOptions = {}): Promise<Database> {
  const pg = await PGlite.create(options.dataDir ?? 'memory://', { extensions: { vector } })
  const base = wrap(pg)
  // Advisory locks mean nothing inside one session, so callers in this process take turns on a promise chain.
  let lockChain: Promise<unknown> = Promise.resolve()
  const db: Database = {
    dialect: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return pg.transaction((tx) => fn(wrap(tx)))
    },
    withAdvisoryLock<T>(_key: number, _timeoutMs: number, fn: (session: Session) => Promise<T>) {
      const run = lockChain.then(() => fn(db))
      lockChain = run.catch(() => undefined)
      return run
    },
    async ping() {
      if (pg.closed) return false
      await pg.query('select 1')
      return true
    },
    async close() {
      if (!pg.closed) await pg.close()
    },
  }
  return db
}
