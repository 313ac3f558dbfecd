import { type Component, For, type JSX } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { cx } from '../lib/cx.ts'

export interface TabItem<T extends string> {
  id: T
  label: string
  icon?: Component<{ class?: string }>
}

interface TabsProps<T extends string> {
  label: string
  tabs: TabItem<T>[]
  value: T
  onChange: (id: T) => void
  /** Each tab gets `${testIdPrefix}-${id}`. */
  testIdPrefix: string
}

/** A tab list with roving focus: arrow keys move between tabs, Home and End jump to the ends. */
export function Tabs<T extends string>(props: TabsProps<T>) {
  let list!: HTMLDivElement
  const onKeyDown: JSX.EventHandler<HTMLDivElement, KeyboardEvent> = (event) => {
    const index = props.tabs.findIndex((tab) => tab.id === props.value)
    const last = props.tabs.length - 1
    const next =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index <= 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1
    const tab = props.tabs[next]
    if (!tab) return
    event.preventDefault()
    props.onChange(tab.id)
    list.querySelector<HTMLButtonElement>(`[data-tab-id="${tab.id}"]`)?.focus()
  }
  return (
    <div
      ref={list}
      role="tablist"
      aria-label={props.label}
      onKeyDown={onKeyDown}
      class="-mx-1 mb-6 flex gap-1 overflow-x-auto border-b border-zinc-200 px-1 dark:border-zinc-800"
    >
      <For each={props.tabs}>
        {(tab) => {
          const selected = () => tab.id === props.value
          return (
            <button
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-selected={selected()}
              aria-controls={`tabpanel-${tab.id}`}
              tabIndex={selected() ? 0 : -1}
              data-tab-id={tab.id}
              data-testid={`${props.testIdPrefix}-${tab.id}`}
              onClick={() => props.onChange(tab.id)}
              class={cx(
                '-mb-px inline-flex items-center gap-2 rounded-t-md border-b-2 px-3 py-2.5 text-sm font-medium whitespace-nowrap transition-colors focus-visible:-outline-offset-2',
                selected()
                  ? 'border-brand-600 text-brand-700 dark:border-brand-400 dark:text-brand-300'
                  : 'border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800 dark:text-zinc-400 dark:hover:border-zinc-600 dark:hover:text-zinc-200',
              )}
            >
              {tab.icon && <Dynamic component={tab.icon} class="size-4" aria-hidden="true" />}
              {tab.label}
            </button>
          )
        }}
      </For>
    </div>
  )
}

export function TabPanel(props: { id: string; children: JSX.Element }) {
  return (
    <div
      role="tabpanel"
      id={`tabpanel-${props.id}`}
      aria-labelledby={`tab-${props.id}`}
      data-testid={`tabpanel-${props.id}`}
    >
      {props.children}
    </div>
  )
}
