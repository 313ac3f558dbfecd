import * as api from './api.ts'
import type { Workspace } from './api-types.ts'
import { fetchAll } from './fetch-all.ts'

/** Every workspace the caller can open, by name (for pickers). */
export async function fetchAllWorkspaces(): Promise<Workspace[]> {
  return (await fetchAll(api.listWorkspaces)).sort((a, b) => a.name.localeCompare(b.name))
}
