import { A, Navigate } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { AuthFormActions, AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { TextField } from '../components/field.tsx'
import { MailCheck } from '../components/icons.ts'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'
import { session } from '../lib/session.ts'
import { requiredProblems } from './validation.ts'

export function SignupPage() {
  const [values, setValues] = createStore({ email: '', fullName: '' })
  const form = createFormState(values)
  const [sentTo, setSentTo] = createSignal<string | null>(null)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems = requiredProblems(values, ['fullName', 'email'])
    if (Object.keys(problems).length > 0) return form.fail(problems)
    const email = values.email.trim()
    await form.submit(async () => {
      await api.signup({ email, fullName: values.fullName.trim() })
      setSentTo(email)
    })
  }

  const footer = (
    <>
      Already have an account?{' '}
      <A href="/login" class={linkClass} data-testid="signup-login-link">
        Sign in
      </A>
    </>
  )

  return (
    <Show when={!session.isSignedIn()} fallback={<Navigate href="/" />}>
      <Show
        when={sentTo()}
        fallback={
          <AuthLayout
            title="Create your account"
            subtitle="We'll email you a link to confirm your address and choose a password."
            footer={footer}
            testId="signup-page"
          >
            <form onSubmit={submit} class="space-y-4" novalidate>
              <TextField
                id="signup-full-name"
                label="Full name"
                value={values.fullName}
                onValue={(v) => setValues('fullName', v)}
                testId="signup-full-name"
                autocomplete="name"
                error={form.fieldError('fullName')}
                autofocus
              />
              <TextField
                id="signup-email"
                label="Work email"
                type="email"
                value={values.email}
                onValue={(v) => setValues('email', v)}
                testId="signup-email"
                autocomplete="email"
                error={form.fieldError('email')}
              />
              <AuthFormActions form={form} testId="signup">
                Create account
              </AuthFormActions>
            </form>
          </AuthLayout>
        }
      >
        {(email) => (
          <AuthLayout title="Check your email" footer={footer} testId="signup-done">
            <div class="space-y-4 text-sm text-zinc-600 dark:text-zinc-300">
              <div class="flex size-11 items-center justify-center rounded-full bg-brand-50 text-brand-600 dark:bg-brand-950/60 dark:text-brand-300">
                <MailCheck class="size-5" aria-hidden="true" />
              </div>
              <p>
                We sent a confirmation link to{' '}
                <strong class="font-medium text-zinc-900 dark:text-zinc-100" data-testid="signup-done-email">
                  {email()}
                </strong>
                . Open it to choose your password and finish creating your account.
              </p>
              <p class="text-zinc-500 dark:text-zinc-400">
                Nothing arrived? Check your spam folder, or{' '}
                <button type="button" class={linkClass} onClick={() => setSentTo(null)} data-testid="signup-again">
                  try another address
                </button>
                .
              </p>
            </div>
          </AuthLayout>
        )}
      </Show>
    </Show>
  )
}
