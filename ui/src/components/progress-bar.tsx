import { cx } from '../lib/cx.ts'

interface ProgressBarProps {
  /** 0–100; leave out for an indeterminate bar. */
  value?: number | undefined
  label: string
  testId?: string
  tone?: 'brand' | 'green' | 'red' | 'amber'
  class?: string
}

const tones = {
  brand: 'bg-brand-600 dark:bg-brand-400',
  green: 'bg-emerald-500',
  red: 'bg-red-500',
  amber: 'bg-amber-500',
}

/** A thin determinate bar with `role="progressbar"`; `data-value` carries the percentage for tests. */
export function ProgressBar(props: ProgressBarProps) {
  const value = () => (props.value === undefined ? undefined : Math.max(0, Math.min(100, Math.round(props.value))))
  return (
    <div
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value()}
      data-testid={props.testId}
      data-value={value()}
      class={cx('h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800', props.class)}
    >
      <div
        class={cx(
          'h-full rounded-full transition-[width] duration-300',
          tones[props.tone ?? 'brand'],
          value() === undefined && 'w-1/3 animate-pulse',
        )}
        style={value() === undefined ? undefined : { width: `${Math.max(2, value() ?? 0)}%` }}
      />
    </div>
  )
}
