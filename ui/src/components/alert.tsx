import { type JSX, Show } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { cx } from '../lib/cx.ts'
import { CircleAlert, CircleCheck, Info, TriangleAlert } from './icons.ts'

type Tone = 'error' | 'success' | 'info' | 'warning'

const tones: Record<Tone, string> = {
  error: 'border-red-200 bg-red-50 text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200',
  success:
    'border-emerald-200 bg-emerald-50 text-emerald-800 dark:border-emerald-900/60 dark:bg-emerald-950/40 dark:text-emerald-200',
  info: 'border-sky-200 bg-sky-50 text-sky-800 dark:border-sky-900/60 dark:bg-sky-950/40 dark:text-sky-200',
  warning:
    'border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200',
}

const icons = { error: CircleAlert, success: CircleCheck, info: Info, warning: TriangleAlert }

interface AlertProps {
  tone?: Tone
  title?: string
  testId?: string
  class?: string
  children?: JSX.Element
}

export function Alert(props: AlertProps) {
  const tone = () => props.tone ?? 'info'
  return (
    <div
      role={tone() === 'error' ? 'alert' : 'status'}
      data-testid={props.testId}
      class={cx('flex gap-3 rounded-lg border px-3.5 py-3 text-sm', tones[tone()], props.class)}
    >
      <Dynamic component={icons[tone()]} class="mt-0.5 size-4 shrink-0" aria-hidden="true" />
      <div class="min-w-0 space-y-1">
        <Show when={props.title}>
          <p class="font-medium">{props.title}</p>
        </Show>
        <div class="break-words">{props.children}</div>
      </div>
    </div>
  )
}

/** The form-level error line: shows nothing when there is no message. */
export function FormError(props: { message: string | null; testId: string }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <Alert tone="error" testId={props.testId}>
          {message()}
        </Alert>
      )}
    </Show>
  )
}
