import { A, useNavigate, useSearchParams } from '@solidjs/router'
import { Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../components/alert.tsx'
import { AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { Button } from '../components/button.tsx'
import { NewPasswordFields } from '../components/password-fields.tsx'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'
import { searchParam } from '../lib/navigation.ts'
import { meetsPasswordPolicy } from '../lib/password-policy.ts'
import { session } from '../lib/session.ts'

/** The link from the sign-up email: choose a password, which confirms the address and signs in. */
export function ConfirmPage() {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const [values, setValues] = createStore({ password: '', confirm: '' })
  const form = createFormState(values)
  const token = () => searchParam(params.token)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!meetsPasswordPolicy(values.password)) {
      return form.fail({ password: ['The password does not meet every rule yet.'] })
    }
    if (values.password !== values.confirm) return form.fail({ confirm: ['The passwords do not match.'] })
    await form.submit(async () => {
      await session.signIn(await api.confirmEmail({ token: token(), password: values.password }))
      navigate('/', { replace: true })
    })
  }

  return (
    <AuthLayout
      title="Choose your password"
      subtitle="Your email is confirmed as soon as you set a password."
      testId="confirm-page"
    >
      <Show
        when={token()}
        fallback={
          <Alert tone="error" testId="confirm-missing-token">
            This confirmation link is incomplete. Open the link from the email again, or{' '}
            <A href="/signup" class={linkClass}>
              sign up again
            </A>
            .
          </Alert>
        }
      >
        <form onSubmit={submit} class="space-y-5" novalidate>
          <NewPasswordFields
            prefix="confirm"
            password={values.password}
            confirm={values.confirm}
            onPassword={(v) => setValues('password', v)}
            onConfirm={(v) => setValues('confirm', v)}
            error={form.fieldError('password')}
            confirmError={form.fieldError('confirm')}
            autofocus
          />
          <FormError message={form.error() ?? form.fieldError('token')?.join(' ') ?? null} testId="confirm-error" />
          <Button
            type="submit"
            variant="primary"
            size="lg"
            class="w-full"
            loading={form.pending()}
            data-testid="confirm-submit"
          >
            Set password and continue
          </Button>
        </form>
      </Show>
    </AuthLayout>
  )
}
