/**
 * One live process per embedded data folder. PGlite has no lock of its own and two writers on one folder
 * silently lose data, so the folder gets a lock file holding the owner's pid. A lock left by a process that
 * no longer runs is taken over; one held by a live process is refused with a message that says what to do.
 * Uses `node:fs`, which Node, Bun and Deno all provide.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { AppError } from '@prodgy/core'

const LOCK_FILE = 'prodgy.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const folder = resolve(dir)
  mkdirSync(folder, { recursive: true })
  const path = join(folder, LOCK_FILE)
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' })
      let released = false
      return async () => {
        if (released) return
        released = true
        try {
          if (readFileSync(path, 'utf8') === mine) rmSync(path)
        } catch {
          // already gone
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let owner: { pid?: number; host?: string; since?: string } = {}
      try {
        owner = JSON.parse(readFileSync(path, 'utf8'))
      } catch {
        // unreadable lock: treat as stale
      }
      const sameHost = !owner.host || owner.host === hostname()
      if (owner.pid && sameHost && owner.pid !== process.pid && alive(owner.pid)) {
        throw new AppError(
          'data_dir_locked',
          `The data folder ${folder} is in use by another Prodgy process (pid ${owner.pid}, since ${owner.since}). ` +
            'Stop that process first, or set DATABASE_URL to use PostgreSQL so several processes can share one database.',
          409,
        )
      }
      if (!sameHost) {
        throw new AppError(
          'data_dir_locked',
          `The data folder ${folder} is locked by a process on host ${owner.host}. If that host is gone, delete ${path}.`,
          409,
        )
      }
      rmSync(path, { force: true })
    }
  }
  throw new AppError('data_dir_locked', `Could not lock the data folder ${folder}.`, 409)
}
