import { Show } from 'solid-js'
import { cx } from '../lib/cx.ts'

export function LogoMark(props: { class?: string }) {
  return (
    <svg viewBox="0 0 32 32" class={cx('size-8', props.class)} aria-hidden="true">
      <defs>
        <linearGradient id="prodgy-mark" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stop-color="#6366f1" />
          <stop offset="1" stop-color="#8b5cf6" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#prodgy-mark)" />
      <path
        d="M12 24V8h5.5a5 5 0 0 1 0 10H12"
        fill="none"
        stroke="#fff"
        stroke-width="3"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  )
}

export function Logo(props: { class?: string; compact?: boolean }) {
  return (
    <span class={cx('inline-flex items-center gap-2.5', props.class)}>
      <LogoMark />
      <Show when={!props.compact}>
        <span class="text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Prodgy</span>
      </Show>
    </span>
  )
}
