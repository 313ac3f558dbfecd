import { For, Show } from 'solid-js'
import type { Workspace } from '../lib/api-types.ts'
import { cx } from '../lib/cx.ts'

interface WorkspaceChecklistProps {
  /** Test ids: `${prefix}-workspace-option` on each row (holds the name), `${prefix}-workspace-checkbox` on the box. */
  prefix: string
  workspaces: Workspace[]
  selected: string[]
  onChange: (ids: string[]) => void
  error?: string[] | undefined
}

export function WorkspaceChecklist(props: WorkspaceChecklistProps) {
  const toggle = (id: string, on: boolean) =>
    props.onChange(on ? [...new Set([...props.selected, id])] : props.selected.filter((x) => x !== id))
  const allSelected = () => props.workspaces.length > 0 && props.workspaces.every((w) => props.selected.includes(w.id))
  return (
    <fieldset>
      <div class="mb-1.5 flex items-center justify-between">
        <legend class="text-sm font-medium text-zinc-800 dark:text-zinc-200">Workspaces</legend>
        <Show when={props.workspaces.length > 1}>
          <button
            type="button"
            class="text-xs font-medium text-brand-600 hover:underline dark:text-brand-400"
            onClick={() => props.onChange(allSelected() ? [] : props.workspaces.map((w) => w.id))}
            data-testid={`${props.prefix}-workspace-all`}
          >
            {allSelected() ? 'Clear all' : 'Select all'}
          </button>
        </Show>
      </div>
      <Show
        when={props.workspaces.length > 0}
        fallback={<p class="text-sm text-zinc-500 dark:text-zinc-400">This organization has no workspaces yet.</p>}
      >
        <div class="max-h-48 divide-y divide-zinc-100 overflow-y-auto rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-700">
          <For each={props.workspaces}>
            {(workspace) => {
              const checked = () => props.selected.includes(workspace.id)
              return (
                <label
                  data-testid={`${props.prefix}-workspace-option`}
                  data-workspace-id={workspace.id}
                  class={cx(
                    'flex cursor-pointer items-center gap-2.5 px-3 py-2 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/50',
                    checked() && 'bg-brand-50/50 dark:bg-brand-950/20',
                  )}
                >
                  <input
                    type="checkbox"
                    checked={checked()}
                    onChange={(event) => toggle(workspace.id, event.currentTarget.checked)}
                    data-testid={`${props.prefix}-workspace-checkbox`}
                    class="size-4 accent-brand-600"
                  />
                  <span class="truncate text-zinc-800 dark:text-zinc-200">{workspace.name}</span>
                </label>
              )
            }}
          </For>
        </div>
      </Show>
      {props.error && <p class="mt-1.5 text-xs text-red-600 dark:text-red-400">{props.error.join(' ')}</p>}
    </fieldset>
  )
}
