import { type JSX, Show, splitProps } from 'solid-js'
import { cx } from '../lib/cx.ts'
import { LoaderCircle } from './icons.ts'

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'danger-outline'

const variants: Record<ButtonVariant, string> = {
  primary:
    'bg-brand-600 text-white shadow-sm hover:bg-brand-700 disabled:bg-brand-600/60 dark:bg-brand-500 dark:hover:bg-brand-400 dark:disabled:bg-brand-500/50',
  secondary:
    'border border-zinc-300 bg-white text-zinc-800 shadow-xs hover:bg-zinc-50 disabled:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800 dark:disabled:text-zinc-500',
  danger:
    'bg-red-600 text-white shadow-sm hover:bg-red-700 disabled:bg-red-600/50 dark:bg-red-600 dark:hover:bg-red-500',
  'danger-outline':
    'border border-red-300 bg-white text-red-700 hover:bg-red-50 disabled:opacity-50 dark:border-red-900 dark:bg-transparent dark:text-red-400 dark:hover:bg-red-950/40',
  ghost:
    'text-zinc-700 hover:bg-zinc-100 disabled:text-zinc-400 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:disabled:text-zinc-600',
}

const sizes = {
  sm: 'h-8 gap-1.5 rounded-md px-2.5 text-xs',
  md: 'h-9 gap-2 rounded-lg px-3.5 text-sm',
  lg: 'h-10 gap-2 rounded-lg px-4 text-sm',
}

/** Button looks for links that act as buttons (a link must not wrap a <button>). */
export function buttonStyles(variant: ButtonVariant = 'secondary', size: keyof typeof sizes = 'md'): string {
  return cx(
    'inline-flex shrink-0 items-center justify-center font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed',
    variants[variant],
    sizes[size],
  )
}

export interface ButtonProps extends JSX.ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant
  size?: keyof typeof sizes
  loading?: boolean
}

export function Button(props: ButtonProps) {
  const [local, rest] = splitProps(props, ['variant', 'size', 'loading', 'class', 'children', 'type', 'disabled'])
  return (
    <button
      type={local.type ?? 'button'}
      disabled={local.disabled || local.loading}
      aria-busy={local.loading || undefined}
      class={cx(buttonStyles(local.variant, local.size), local.class)}
      {...rest}
    >
      <Show when={local.loading}>
        <LoaderCircle class="size-4 animate-spin" aria-hidden="true" />
      </Show>
      {local.children}
    </button>
  )
}

export interface IconButtonProps extends JSX.ButtonHTMLAttributes<HTMLButtonElement> {
  label: string
  /** Turns red on hover: the button deletes or removes something. */
  danger?: boolean
}

/** A square button with only an icon; `label` is what screen readers and the tooltip say. */
export function IconButton(props: IconButtonProps) {
  const [local, rest] = splitProps(props, ['label', 'danger', 'class', 'children', 'type'])
  return (
    <button
      type={local.type ?? 'button'}
      aria-label={local.label}
      title={local.label}
      class={cx(
        'inline-flex size-9 shrink-0 items-center justify-center rounded-lg text-zinc-600 transition-colors hover:bg-zinc-100 hover:text-zinc-900 disabled:cursor-not-allowed disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
        local.danger && 'hover:bg-red-50 hover:text-red-600 dark:hover:bg-red-950/40 dark:hover:text-red-400',
        local.class,
      )}
      {...rest}
    >
      {local.children}
    </button>
  )
}
