import type { JSX } from 'solid-js'
import { cx } from '../lib/cx.ts'

export type BadgeTone = 'gray' | 'green' | 'amber' | 'red' | 'blue' | 'brand'

const tones: Record<BadgeTone, string> = {
  gray: 'bg-zinc-100 text-zinc-700 ring-zinc-500/15 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20',
  green:
    'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-400/25',
  amber: 'bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-400/25',
  red: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950/50 dark:text-red-300 dark:ring-red-400/25',
  blue: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-950/50 dark:text-sky-300 dark:ring-sky-400/25',
  brand: 'bg-brand-50 text-brand-700 ring-brand-600/20 dark:bg-brand-950/60 dark:text-brand-300 dark:ring-brand-400/25',
}

interface BadgeProps {
  tone?: BadgeTone
  testId?: string
  class?: string
  children: JSX.Element
}

export function Badge(props: BadgeProps) {
  return (
    <span
      data-testid={props.testId}
      class={cx(
        'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        tones[props.tone ?? 'gray'],
        props.class,
      )}
    >
      {props.children}
    </span>
  )
}

export const statusTones: Record<string, BadgeTone> = {
  active: 'green',
  sent: 'green',
  inactive: 'gray',
  stored: 'blue',
  queued: 'amber',
  pending: 'amber',
  expired: 'amber',
  revoked: 'red',
  failed: 'red',
  cancelled: 'gray',
}
