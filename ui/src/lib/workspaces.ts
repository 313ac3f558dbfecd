import * as api from './api.ts'
import type { Workspace } from './api-types.ts'

/** Every workspace the caller can open, across pages (for pickers). */
export async function fetchAllWorkspaces(): Promise<Workspace[]> {
  const all: Workspace[] = []
  for (let page = 1; page <= 20; page++) {
    const result = await api.listWorkspaces({ page, pageSize: 100 })
    all.push(...result.items)
    if (all.length >= result.total || result.items.length === 0) break
  }
  return all.sort((a, b) => a.name.localeCompare(b.name))
}
