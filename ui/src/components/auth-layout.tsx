import { A } from '@solidjs/router'
import { type JSX, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'
import type { FormState } from '../lib/form.ts'
import { FormError } from './alert.tsx'
import { Button } from './button.tsx'
import { Logo } from './logo.tsx'
import { ThemeToggle } from './theme-toggle.tsx'

interface AuthLayoutProps {
  title: string
  subtitle?: JSX.Element
  footer?: JSX.Element
  wide?: boolean
  testId?: string
  children: JSX.Element
}

/** The centered card used by sign-in, sign-up, setup and the other pages reached before signing in. */
export function AuthLayout(props: AuthLayoutProps) {
  return (
    <div class="relative flex min-h-screen flex-col bg-zinc-50 dark:bg-zinc-950">
      <div
        aria-hidden="true"
        class="pointer-events-none absolute inset-x-0 top-0 h-72 bg-linear-to-b from-brand-100/70 to-transparent dark:from-brand-950/40"
      />
      <header class="relative flex items-center justify-between px-6 py-5">
        <A href="/" class="rounded-lg" aria-label="Prodgy home">
          <Logo />
        </A>
        <ThemeToggle />
      </header>
      <main class="relative flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:pt-12">
        <div class={cx('w-full', props.wide ? 'max-w-xl' : 'max-w-md')} data-testid={props.testId}>
          <div class="rounded-2xl border border-zinc-200 bg-white p-7 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900">
            <h1 class="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50" data-testid="page-title">
              {props.title}
            </h1>
            <Show when={props.subtitle}>
              <p class="mt-1.5 text-sm text-zinc-500 dark:text-zinc-400">{props.subtitle}</p>
            </Show>
            <div class="mt-6">{props.children}</div>
          </div>
          <Show when={props.footer}>
            <div class="mt-6 text-center text-sm text-zinc-500 dark:text-zinc-400">{props.footer}</div>
          </Show>
        </div>
      </main>
    </div>
  )
}

export const linkClass =
  'font-medium text-brand-600 hover:text-brand-700 hover:underline dark:text-brand-400 dark:hover:text-brand-300'

interface AuthFormActionsProps {
  form: FormState
  /** Names the form's error line (`${testId}-error`) and its button (`${testId}-submit`). */
  testId: string
  /** The message above the button, when it is more than the form's own error. */
  error?: string | null
  disabled?: boolean
  /** The button's label. */
  children: JSX.Element
}

/** The end of a form on these pages: the form's error, then the full-width submit button. */
export function AuthFormActions(props: AuthFormActionsProps) {
  return (
    <>
      <FormError
        message={props.error === undefined ? props.form.error() : props.error}
        testId={`${props.testId}-error`}
      />
      <Button
        type="submit"
        variant="primary"
        size="lg"
        class="w-full"
        disabled={props.disabled}
        loading={props.form.pending()}
        data-testid={`${props.testId}-submit`}
      >
        {props.children}
      </Button>
    </>
  )
}
