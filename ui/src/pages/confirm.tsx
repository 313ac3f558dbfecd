import { A, useNavigate } from '@solidjs/router'
import { AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { TokenPasswordForm } from '../components/token-password-form.tsx'
import * as api from '../lib/api.ts'
import { session } from '../lib/session.ts'

/** The link from the sign-up email: choose a password, which confirms the address and signs in. */
export function ConfirmPage() {
  const navigate = useNavigate()
  return (
    <AuthLayout
      title="Choose your password"
      subtitle="Your email is confirmed as soon as you set a password."
      testId="confirm-page"
    >
      <TokenPasswordForm
        prefix="confirm"
        submitLabel="Set password and continue"
        missingToken={
          <>
            This confirmation link is incomplete. Open the link from the email again, or{' '}
            <A href="/signup" class={linkClass}>
              sign up again
            </A>
            .
          </>
        }
        onSubmit={async (token, password) => {
          await session.signIn(await api.confirmEmail({ token, password }))
          navigate('/', { replace: true })
        }}
      />
    </AuthLayout>
  )
}
