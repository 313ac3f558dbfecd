/**
 * The database port. Two drivers implement it (PGlite in process, postgres.js over TCP) and both pass
 * one contract suite (`database.contract.ts`). Queries are plain SQL with `$n` parameters; rows come back
 * typed by the caller. Driver differences are normalised here, not at call sites:
 * - timestamps are `Date`, `jsonb` is parsed, `uuid` is a string, `int4` is a number;
 * - `int8` is a number on both drivers (counts, sizes; never above 2^53 here), `numeric` is a string;
 * - JSON parameters are passed as plain objects or arrays and cast with `::jsonb` (a string would be stored as a JSON string).
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs one or more statements without parameters (migrations). */
  exec(text: string): Promise<void>
}

export type DatabaseDialect = 'pglite' | 'postgres'

/** A queryable that can also open transactions: the database itself, or one dedicated session. */
export interface Session extends Queryable {
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

export interface Database extends Session {
  readonly dialect: DatabaseDialect
  /**
   * Runs `fn` on one dedicated session holding a session-level advisory lock, so that concurrent
   * processes (migrators booting at once) take turns. Waits at most `timeoutMs` for the lock.
   */
  withAdvisoryLock<T>(key: number, timeoutMs: number, fn: (session: Session) => Promise<T>): Promise<T>
  /** Cheap liveness probe used by `/health/ready`. */
  ping(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

export async function one<T>(q: Queryable, text: string, params?: readonly unknown[]): Promise<T> {
  const rows = await q.query<T>(text, params)
  if (rows.length !== 1) throw new Error(`Expected one row, got ${rows.length}`)
  return rows[0] as T
}

export async function maybeOne<T>(q: Queryable, text: string, params?: readonly unknown[]): Promise<T | undefined> {
  const rows = await q.query<T>(text, params)
  return rows[0]
}
