import { A, Navigate, useSearchParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert } from '../components/alert.tsx'
import { AuthFormActions, AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { TextField } from '../components/field.tsx'
import { PasswordInput } from '../components/password-fields.tsx'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'
import { isOutsideApp, safeNext, searchParam } from '../lib/navigation.ts'
import { session } from '../lib/session.ts'
import { requiredProblems } from './validation.ts'

const notices: Record<string, string> = {
  'password-reset': 'Your password was changed. Sign in with the new one.',
  'account-deleted': 'Your account was deleted.',
}

function AfterSignIn(props: { to: string }) {
  if (isOutsideApp(props.to)) {
    window.location.replace(props.to)
    return null
  }
  return <Navigate href={props.to} />
}

export function LoginPage() {
  const [params] = useSearchParams()
  const [values, setValues] = createStore({ email: '', password: '' })
  const form = createFormState(values)
  const notice = () => notices[searchParam(params.notice)]

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems = requiredProblems(values, ['email', 'password'])
    if (Object.keys(problems).length > 0) return form.fail(problems)
    // Signing in updates the session; the <Show> below then sends the person where they were going.
    await form.submit(async () =>
      session.signIn(await api.login({ email: values.email.trim(), password: values.password })),
    )
  }

  return (
    <Show when={!session.isSignedIn()} fallback={<AfterSignIn to={safeNext(params.next)} />}>
      <AuthLayout
        title="Sign in to Prodgy"
        subtitle="Welcome back."
        testId="login-page"
        footer={
          <>
            New here?{' '}
            <A href="/signup" class={linkClass} data-testid="login-signup-link">
              Create an account
            </A>
          </>
        }
      >
        <form onSubmit={submit} class="space-y-4" novalidate>
          <Show when={notice()}>
            <Alert tone="success" testId="login-notice">
              {notice()}
            </Alert>
          </Show>
          <TextField
            id="login-email"
            label="Email"
            type="email"
            value={values.email}
            onValue={(v) => setValues('email', v)}
            testId="login-email"
            autocomplete="username"
            error={form.fieldError('email')}
            autofocus
          />
          <div class="space-y-1.5">
            <PasswordInput
              id="login-password"
              label="Password"
              value={values.password}
              onValue={(v) => setValues('password', v)}
              testId="login-password"
              autocomplete="current-password"
              error={form.fieldError('password')}
            />
            <div class="text-right">
              <A href="/forgot-password" class={`${linkClass} text-xs`} data-testid="login-forgot-link">
                Forgot your password?
              </A>
            </div>
          </div>
          <AuthFormActions form={form} testId="login">
            Sign in
          </AuthFormActions>
        </form>
      </AuthLayout>
    </Show>
  )
}
