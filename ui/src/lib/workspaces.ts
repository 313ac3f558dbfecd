import { useParams } from '@solidjs/router'
import { createEffect } from 'solid-js'
import * as api from './api.ts'
import type { Workspace } from './api-types.ts'
import { fetchAll } from './fetch-all.ts'
import { createQuery } from './query.ts'
import { session } from './session.ts'

/** Every workspace the caller can open, by name (for pickers). */
export async function fetchAllWorkspaces(): Promise<Workspace[]> {
  return (await fetchAll(api.listWorkspaces)).sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * The workspace named by a `/workspaces/:id/…` page: loaded from the API, made the current workspace when the
 * caller can open it, and `forbidden` when the API refuses it (403) or does not know it (404).
 */
export function useWorkspaceFromRoute() {
  const params = useParams<{ id: string }>()
  const workspace = createQuery(
    () => params.id,
    (id) => api.getWorkspace(id),
  )
  createEffect(() => {
    const id = params.id
    if (id && session.workspaces().some((w) => w.id === id) && session.workspace()?.id !== id) {
      session.selectWorkspace(id)
    }
  })
  const forbidden = () => {
    const status = workspace.error()?.status
    return status === 403 || status === 404
  }
  return { id: () => params.id, workspace, forbidden }
}
