import { useSearchParams } from '@solidjs/router'
import { type JSX, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { createFormState } from '../lib/form.ts'
import { searchParam } from '../lib/navigation.ts'
import { newPasswordProblems } from '../lib/password-policy.ts'
import { Alert } from './alert.tsx'
import { AuthFormActions } from './auth-layout.tsx'
import { NewPasswordFields } from './password-fields.tsx'

interface TokenPasswordFormProps {
  /** Prefix of the ids and test ids: the password pair, `${prefix}-submit`, `${prefix}-error`, `${prefix}-missing-token`. */
  prefix: string
  label?: string
  submitLabel: string
  /** What the alert says when the link carries no token. */
  missingToken: JSX.Element
  /** Sends the password with the link's token; the form shows what it throws. */
  onSubmit: (token: string, password: string) => Promise<void>
}

/** Choosing a password through an emailed link (`?token=`): confirming a sign-up, or resetting a password. */
export function TokenPasswordForm(props: TokenPasswordFormProps) {
  const [params] = useSearchParams()
  const [values, setValues] = createStore({ password: '', confirm: '' })
  const form = createFormState(values)
  const token = () => searchParam(params.token)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    // One problem at a time: the rules first, then the confirmation.
    const { password, confirm } = newPasswordProblems(values)
    if (password) return form.fail({ password })
    if (confirm) return form.fail({ confirm })
    await form.submit(() => props.onSubmit(token(), values.password))
  }

  return (
    <Show
      when={token()}
      fallback={
        <Alert tone="error" testId={`${props.prefix}-missing-token`}>
          {props.missingToken}
        </Alert>
      }
    >
      <form onSubmit={submit} class="space-y-5" novalidate>
        <NewPasswordFields
          prefix={props.prefix}
          label={props.label}
          values={values}
          onValue={(key, value) => setValues(key, value)}
          form={form}
          autofocus
        />
        <AuthFormActions
          form={form}
          testId={props.prefix}
          error={form.error() ?? form.fieldError('token')?.join(' ') ?? null}
        >
          {props.submitLabel}
        </AuthFormActions>
      </form>
    </Show>
  )
}
