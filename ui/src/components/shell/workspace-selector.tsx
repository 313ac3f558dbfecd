import { A, useLocation, useNavigate } from '@solidjs/router'
import { For, Show } from 'solid-js'
import { session } from '../../lib/session.ts'
import { ChevronsUpDown, Plus, Settings } from '../icons.ts'

/** The navbar's workspace picker; the choice is remembered in localStorage `prodgy.workspaceId`. */
export function WorkspaceSelector() {
  const location = useLocation()
  const navigate = useNavigate()
  const choose = (workspaceId: string) => {
    session.selectWorkspace(workspaceId)
    // On a workspace's page (settings, knowledge), follow the choice to the same tab of the newly chosen workspace.
    const page = /^\/workspaces\/[^/]+\/(settings|knowledge)$/.exec(location.pathname)?.[1]
    if (page) navigate(`/workspaces/${workspaceId}/${page}${location.search}`)
  }
  return (
    <Show
      when={session.workspaces().length > 0}
      fallback={
        <Show
          when={session.isAdmin()}
          fallback={
            <span class="text-sm text-zinc-500 dark:text-zinc-400" data-testid="workspace-selector-empty">
              No workspace yet
            </span>
          }
        >
          <A
            href="/admin?tab=workspaces"
            data-testid="workspace-selector-create"
            class="inline-flex items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50 dark:text-brand-300 dark:hover:bg-brand-950/50"
          >
            <Plus class="size-4" aria-hidden="true" />
            Create a workspace
          </A>
        </Show>
      }
    >
      <div class="flex min-w-0 flex-1 items-center gap-1 sm:flex-none">
        <label for="workspace-selector" class="sr-only">
          Workspace
        </label>
        <div class="relative min-w-0 flex-1 sm:flex-none">
          <select
            id="workspace-selector"
            data-testid="workspace-selector"
            value={session.workspace()?.id ?? ''}
            onChange={(event) => choose(event.currentTarget.value)}
            class="h-9 w-full appearance-none truncate rounded-lg sm:w-auto sm:max-w-64 sm:min-w-40 border border-zinc-200 bg-white py-1.5 pr-8 pl-3 text-sm font-medium text-zinc-900 shadow-xs hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:border-zinc-700"
          >
            <For each={session.workspaces()}>
              {(workspace) => (
                <option value={workspace.id} selected={workspace.id === session.workspace()?.id}>
                  {workspace.name}
                </option>
              )}
            </For>
          </select>
          <ChevronsUpDown
            class="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-zinc-400"
            aria-hidden="true"
          />
        </div>
        <Show when={session.isAdmin() && session.workspace()}>
          {(workspace) => (
            <A
              href={`/workspaces/${workspace().id}/settings`}
              aria-label="Workspace settings"
              title="Workspace settings"
              data-testid="workspace-settings-link"
              class="hidden size-9 items-center justify-center rounded-lg text-zinc-500 sm:inline-flex hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
            >
              <Settings class="size-4" aria-hidden="true" />
            </A>
          )}
        </Show>
      </div>
    </Show>
  )
}
