import { A, useNavigate } from '@solidjs/router'
import { AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { TokenPasswordForm } from '../components/token-password-form.tsx'
import * as api from '../lib/api.ts'

export function ResetPasswordPage() {
  const navigate = useNavigate()
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
      <TokenPasswordForm
        prefix="reset"
        label="New password"
        submitLabel="Change password"
        missingToken={
          <>
            This reset link is incomplete. Open the link from the email again, or{' '}
            <A href="/forgot-password" class={linkClass}>
              ask for a new one
            </A>
            .
          </>
        }
        onSubmit={async (token, password) => {
          await api.resetPassword({ token, password })
          navigate('/login?notice=password-reset', { replace: true })
        }}
      />
    </AuthLayout>
  )
}
