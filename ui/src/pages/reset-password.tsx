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

export function ResetPasswordPage() {
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
      await api.resetPassword({ token: token(), password: values.password })
      navigate('/login?notice=password-reset', { replace: true })
    })
  }

  return (
    <AuthLayout
      title="Set a new password"
      testId="reset-page"
      footer={
        <A href="/login" class={linkClass}>
          Back to sign in
        </A>
      }
    >
      <Show
        when={token()}
        fallback={
          <Alert tone="error" testId="reset-missing-token">
            This reset link is incomplete. Open the link from the email again, or{' '}
            <A href="/forgot-password" class={linkClass}>
              ask for a new one
            </A>
            .
          </Alert>
        }
      >
        <form onSubmit={submit} class="space-y-5" novalidate>
          <NewPasswordFields
            prefix="reset"
            label="New password"
            password={values.password}
            confirm={values.confirm}
            onPassword={(v) => setValues('password', v)}
            onConfirm={(v) => setValues('confirm', v)}
            error={form.fieldError('password')}
            confirmError={form.fieldError('confirm')}
            autofocus
          />
          <FormError message={form.error() ?? form.fieldError('token')?.join(' ') ?? null} testId="reset-error" />
          <Button
            type="submit"
            variant="primary"
            size="lg"
            class="w-full"
            loading={form.pending()}
            data-testid="reset-submit"
          >
            Change password
          </Button>
        </form>
      </Show>
    </AuthLayout>
  )
}
