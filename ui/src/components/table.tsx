import { For, type JSX, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'

export function Table(props: { label: string; testId?: string; children: JSX.Element; class?: string }) {
  return (
    <div class={cx('overflow-x-auto', props.class)}>
      <table class="w-full text-left text-sm" aria-label={props.label} data-testid={props.testId}>
        {props.children}
      </table>
    </div>
  )
}

const theadClass =
  'border-b border-zinc-200 bg-zinc-50/70 text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400'
const thClass = 'px-4 py-2.5 font-medium whitespace-nowrap'
export const trClass = 'border-b border-zinc-100 last:border-0 dark:border-zinc-800/70'
export const tdClass = 'px-4 py-3 align-middle'

export type Column = string | { label: string; align: 'right' }

/** The header row; `actions` ends it with the (right-aligned) column of row buttons, named for screen readers only. */
export function TableHead(props: { columns: Column[]; actions?: boolean }) {
  return (
    <thead class={theadClass}>
      <tr>
        <For each={props.columns}>
          {(column) =>
            typeof column === 'string' ? (
              <th class={thClass}>{column}</th>
            ) : (
              <th class={`${thClass} text-right`}>{column.label}</th>
            )
          }
        </For>
        <Show when={props.actions}>
          <th class={`${thClass} text-right`}>
            <span class="sr-only">Actions</span>
          </th>
        </Show>
      </tr>
    </thead>
  )
}
