import { For } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { cx } from '../lib/cx.ts'
import { dismissToast, toasts } from '../lib/toast.ts'
import { CircleAlert, CircleCheck, Info, X } from './icons.ts'

const icons = { success: CircleCheck, error: CircleAlert, info: Info }
const colors = {
  success: 'text-emerald-600 dark:text-emerald-400',
  error: 'text-red-600 dark:text-red-400',
  info: 'text-sky-600 dark:text-sky-400',
}

export function Toaster() {
  return (
    <div
      aria-live="polite"
      class="pointer-events-none fixed right-4 bottom-4 z-50 flex w-full max-w-sm flex-col gap-2"
      data-testid="toaster"
    >
      <For each={toasts()}>
        {(toast) => (
          <div
            data-testid="toast"
            data-kind={toast.kind}
            class="animate-toast-in pointer-events-auto flex items-start gap-3 rounded-xl border border-zinc-200 bg-white px-4 py-3 text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
          >
            <Dynamic component={icons[toast.kind]} class={cx('mt-0.5 size-4 shrink-0', colors[toast.kind])} />
            <p class="flex-1 text-zinc-800 dark:text-zinc-100">{toast.message}</p>
            <button
              type="button"
              aria-label="Dismiss"
              onClick={() => dismissToast(toast.id)}
              class="rounded p-0.5 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
            >
              <X class="size-3.5" aria-hidden="true" />
            </button>
          </div>
        )}
      </For>
    </div>
  )
}
