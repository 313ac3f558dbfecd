import type { JSX } from 'solid-js'
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

export const theadClass =
  'border-b border-zinc-200 bg-zinc-50/70 text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400'
export const thClass = 'px-4 py-2.5 font-medium whitespace-nowrap'
export const trClass = 'border-b border-zinc-100 last:border-0 dark:border-zinc-800/70'
export const tdClass = 'px-4 py-3 align-middle'
