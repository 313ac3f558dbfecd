import { A } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { Alert } from '../components/alert.tsx'
import { AuthFormActions, AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { CooldownBar, createCooldown } from '../components/cooldown.tsx'
import { TextField } from '../components/field.tsx'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'

/**
 * Asks for a reset link. The server enforces a progressive cooldown: after each request it says how long to wait
 * (`cooldownSeconds`), and a request made too soon answers 429 with `details.retryAfterSeconds`.
 */
export function ForgotPasswordPage() {
  const cooldown = createCooldown()
  const [email, setEmail] = createSignal('')
  const form = createFormState({
    get email() {
      return email()
    },
  })
  const [sentTo, setSentTo] = createSignal<string | null>(null)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (cooldown.active()) return
    const address = email().trim()
    if (!address) return form.fail({ email: ['This field is required.'] })
    const ok = await form.submit(async () => {
      try {
        const result = await api.forgotPassword({ email: address })
        setSentTo(address)
        cooldown.start(result?.cooldownSeconds ?? 0)
      } catch (error) {
        if (error instanceof api.ApiError && error.status === 429 && error.retryAfterSeconds !== undefined) {
          cooldown.start(error.retryAfterSeconds)
        }
        throw error
      }
    })
    if (!ok && cooldown.active()) form.setError(null)
  }

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter your account's email and we'll send you a link to choose a new password."
      testId="forgot-page"
      footer={
        <A href="/login" class={linkClass} data-testid="forgot-login-link">
          Back to sign in
        </A>
      }
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <Show when={sentTo()}>
          <Alert tone="success" testId="forgot-sent">
            If an account exists for <strong class="font-medium">{sentTo()}</strong>, a reset link is on its way. It is
            valid for a limited time.
          </Alert>
        </Show>
        <TextField
          id="forgot-email"
          label="Email"
          type="email"
          value={email()}
          onValue={setEmail}
          testId="forgot-email"
          autocomplete="email"
          error={form.fieldError('email')}
          autofocus
        />
        <CooldownBar remaining={cooldown.remaining()} total={cooldown.total()} testId="forgot-cooldown" />
        <AuthFormActions form={form} testId="forgot" disabled={cooldown.active()}>
          {cooldown.active()
            ? `Send again in ${cooldown.remaining()} s`
            : sentTo()
              ? 'Send the link again'
              : 'Send reset link'}
        </AuthFormActions>
      </form>
    </AuthLayout>
  )
}
