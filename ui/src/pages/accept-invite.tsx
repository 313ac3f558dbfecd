import { A, useNavigate, useSearchParams } from '@solidjs/router'
import { createResource, Match, Show, Switch } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert } from '../components/alert.tsx'
import { AuthFormActions, AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { Badge } from '../components/badge.tsx'
import { TextField } from '../components/field.tsx'
import { NewPasswordFields, PasswordInput } from '../components/password-fields.tsx'
import { Spinner } from '../components/spinner.tsx'
import * as api from '../lib/api.ts'
import type { InvitationLookup } from '../lib/api-types.ts'
import { createFormState } from '../lib/form.ts'
import { roleLabels } from '../lib/format.ts'
import { searchParam } from '../lib/navigation.ts'
import { newPasswordProblems } from '../lib/password-policy.ts'
import { session } from '../lib/session.ts'
import { requiredProblems } from './validation.ts'

/** The link from an invitation email. New people create their account here; existing ones confirm with their password. */
export function AcceptInvitePage() {
  const [params] = useSearchParams()
  const token = () => searchParam(params.token)
  const [invitation] = createResource(token, (value) => api.lookupInvitation(value))

  return (
    <AuthLayout title="Join your team on Prodgy" testId="accept-invite-page">
      <Switch>
        <Match when={!token()}>
          <Alert tone="error" testId="accept-invite-invalid">
            This invitation link is incomplete. Open the link from the email again.
          </Alert>
        </Match>
        <Match when={invitation.loading}>
          <Spinner label="Checking your invitation…" />
        </Match>
        <Match when={invitation.error}>
          <Alert tone="error" testId="accept-invite-invalid" title="This invitation can't be used">
            {api.toApiError(invitation.error).message} Ask the person who invited you to send a new invitation.
          </Alert>
        </Match>
        <Match when={invitation()}>{(details) => <AcceptForm token={token()} invitation={details()} />}</Match>
      </Switch>
    </AuthLayout>
  )
}

function AcceptForm(props: { token: string; invitation: InvitationLookup }) {
  const navigate = useNavigate()
  const [values, setValues] = createStore({ fullName: props.invitation.fullName ?? '', password: '', confirm: '' })
  const form = createFormState(values)
  const isNew = () => !props.invitation.accountExists

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (isNew()) {
      const problems = { ...requiredProblems(values, ['fullName']), ...newPasswordProblems(values) }
      if (Object.keys(problems).length > 0) return form.fail(problems)
    } else if (!values.password) {
      return form.fail({ password: ['This field is required.'] })
    }
    await form.submit(async () => {
      const signedIn = await api.acceptInvitation({
        token: props.token,
        password: values.password,
        fullName: isNew() ? values.fullName.trim() : undefined,
      })
      await session.signIn(signedIn)
      // Open the organization that invited them, not whichever one the account joined first.
      const joined = session.me()?.organizations.find((m) => m.organization.name === props.invitation.organizationName)
      if (joined && joined.organization.id !== session.me()?.currentOrganizationId) {
        await session.switchOrganization(joined.organization.id)
      }
      navigate('/', { replace: true })
    })
  }

  return (
    <form onSubmit={submit} class="space-y-5" novalidate>
      <div class="rounded-lg border border-zinc-200 bg-zinc-50 p-4 text-sm dark:border-zinc-800 dark:bg-zinc-800/40">
        <p class="text-zinc-600 dark:text-zinc-300">
          You're invited to{' '}
          <strong class="font-semibold text-zinc-900 dark:text-zinc-50" data-testid="accept-invite-organization">
            {props.invitation.organizationName}
          </strong>{' '}
          as{' '}
          <Badge tone={props.invitation.role === 'super_admin' ? 'amber' : 'brand'} testId="accept-invite-role">
            {roleLabels[props.invitation.role] ?? props.invitation.role}
          </Badge>
        </p>
        <p class="mt-1 text-zinc-500 dark:text-zinc-400" data-testid="accept-invite-email">
          {props.invitation.email}
        </p>
      </div>
      <Show
        when={isNew()}
        fallback={
          <>
            <p class="text-sm text-zinc-600 dark:text-zinc-300" data-testid="accept-invite-existing">
              You already have a Prodgy account. Enter its password to join.
            </p>
            <PasswordInput
              id="accept-invite-password"
              label="Password"
              value={values.password}
              onValue={(v) => setValues('password', v)}
              testId="accept-invite-password"
              autocomplete="current-password"
              error={form.fieldError('password')}
              autofocus
            />
            <p class="text-xs">
              <A href="/forgot-password" class={linkClass}>
                Forgot your password?
              </A>
            </p>
          </>
        }
      >
        <TextField
          id="accept-invite-full-name"
          label="Full name"
          value={values.fullName}
          onValue={(v) => setValues('fullName', v)}
          testId="accept-invite-full-name"
          autocomplete="name"
          error={form.fieldError('fullName')}
          autofocus
        />
        <NewPasswordFields
          prefix="accept-invite"
          label="Choose a password"
          values={values}
          onValue={(key, value) => setValues(key, value)}
          form={form}
        />
      </Show>
      <AuthFormActions form={form} testId="accept-invite">
        {isNew() ? 'Create account and join' : 'Join organization'}
      </AuthFormActions>
    </form>
  )
}
