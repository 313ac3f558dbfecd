import { type JSX, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'

export const cardClass = 'rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900'

interface CardProps {
  title?: JSX.Element
  description?: JSX.Element
  actions?: JSX.Element
  tone?: 'default' | 'danger'
  testId?: string
  class?: string
  bodyClass?: string
  children?: JSX.Element
}

/** A titled surface: the building block of settings pages. */
export function Card(props: CardProps) {
  return (
    <section
      data-testid={props.testId}
      class={cx(cardClass, props.tone === 'danger' && 'border-red-200 dark:border-red-900/60', props.class)}
    >
      <Show when={props.title || props.actions}>
        <header class="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-100 px-5 py-4 dark:border-zinc-800">
          <div class="min-w-0">
            <h2
              class={cx(
                'text-base font-semibold',
                props.tone === 'danger' ? 'text-red-700 dark:text-red-400' : 'text-zinc-900 dark:text-zinc-100',
              )}
            >
              {props.title}
            </h2>
            <Show when={props.description}>
              <p class="mt-0.5 text-sm text-zinc-500 dark:text-zinc-400">{props.description}</p>
            </Show>
          </div>
          <Show when={props.actions}>
            <div class="flex shrink-0 items-center gap-2">{props.actions}</div>
          </Show>
        </header>
      </Show>
      <div class={cx('px-5 py-4', props.bodyClass)}>{props.children}</div>
    </section>
  )
}

export function PageHeader(props: { title: JSX.Element; description?: JSX.Element; actions?: JSX.Element }) {
  return (
    <div class="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div class="min-w-0">
        <h1 class="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50" data-testid="page-title">
          {props.title}
        </h1>
        <Show when={props.description}>
          <p class="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{props.description}</p>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="flex items-center gap-2">{props.actions}</div>
      </Show>
    </div>
  )
}

export function EmptyState(props: {
  icon?: JSX.Element
  title: string
  description?: JSX.Element
  action?: JSX.Element
  testId?: string
}) {
  return (
    <div data-testid={props.testId} class="flex flex-col items-center px-6 py-10 text-center">
      <Show when={props.icon}>
        <div class="mb-3 flex size-10 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
          {props.icon}
        </div>
      </Show>
      <p class="text-sm font-medium text-zinc-900 dark:text-zinc-100">{props.title}</p>
      <Show when={props.description}>
        <p class="mt-1 max-w-sm text-sm text-zinc-500 dark:text-zinc-400">{props.description}</p>
      </Show>
      <Show when={props.action}>
        <div class="mt-4">{props.action}</div>
      </Show>
    </div>
  )
}
