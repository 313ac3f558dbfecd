import { cx } from '../lib/cx.ts'
import { LoaderCircle } from './icons.ts'

export function Spinner(props: { class?: string; label?: string }) {
  return (
    <span role="status" class={cx('inline-flex items-center gap-2 text-zinc-500 dark:text-zinc-400', props.class)}>
      <LoaderCircle class="size-4 animate-spin" aria-hidden="true" />
      <span class={props.label ? 'text-sm' : 'sr-only'}>{props.label ?? 'Loading'}</span>
    </span>
  )
}

/** The whole screen while the app finds out who is signed in. */
export function FullPageSpinner() {
  return (
    <div class="flex min-h-screen items-center justify-center" data-testid="app-loading">
      <Spinner label="Loading Prodgy…" />
    </div>
  )
}
