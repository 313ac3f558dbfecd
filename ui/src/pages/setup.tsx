import { useNavigate } from '@solidjs/router'
import { createStore } from 'solid-js/store'
import { AuthFormActions, AuthLayout } from '../components/auth-layout.tsx'
import { TextField } from '../components/field.tsx'
import { NewPasswordFields } from '../components/password-fields.tsx'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'
import { newPasswordProblems } from '../lib/password-policy.ts'
import { session } from '../lib/session.ts'
import { requiredProblems } from './validation.ts'

const sectionHeading = 'text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400'

/** First run: creates the first Super Admin, the organization and (optionally) its first workspace. */
export function SetupPage() {
  const navigate = useNavigate()
  const [values, setValues] = createStore({
    fullName: '',
    email: '',
    password: '',
    confirm: '',
    organizationName: '',
    workspaceName: '',
  })
  const form = createFormState(values)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems = {
      ...requiredProblems(values, ['fullName', 'email', 'organizationName']),
      ...newPasswordProblems(values),
    }
    if (Object.keys(problems).length > 0) return form.fail(problems, 'Please complete the highlighted fields.')
    await form.submit(async () => {
      const created = await api.runSetup({
        fullName: values.fullName.trim(),
        email: values.email.trim(),
        password: values.password,
        organizationName: values.organizationName.trim(),
        workspaceName: values.workspaceName.trim() || undefined,
      })
      await session.signIn(created)
      session.setNeedsSetup(false)
      navigate('/', { replace: true })
    })
  }

  return (
    <AuthLayout
      title="Welcome to Prodgy"
      subtitle="Create the first account. It becomes the Super Admin of this installation."
      wide
      testId="setup-page"
    >
      <form onSubmit={submit} class="space-y-6" novalidate>
        <section class="space-y-4" aria-labelledby="setup-account-heading">
          <h2 id="setup-account-heading" class={sectionHeading}>
            Your account
          </h2>
          <TextField
            id="setup-full-name"
            label="Full name"
            value={values.fullName}
            onValue={(v) => setValues('fullName', v)}
            testId="setup-full-name"
            autocomplete="name"
            error={form.fieldError('fullName')}
            autofocus
          />
          <TextField
            id="setup-email"
            label="Email"
            type="email"
            value={values.email}
            onValue={(v) => setValues('email', v)}
            testId="setup-email"
            autocomplete="email"
            error={form.fieldError('email')}
          />
          <NewPasswordFields
            prefix="setup"
            values={values}
            onValue={(key, value) => setValues(key, value)}
            form={form}
          />
        </section>
        <section
          class="space-y-4 border-t border-zinc-100 pt-6 dark:border-zinc-800"
          aria-labelledby="setup-organization-heading"
        >
          <h2 id="setup-organization-heading" class={sectionHeading}>
            Your organization
          </h2>
          <TextField
            id="setup-organization-name"
            label="Organization name"
            value={values.organizationName}
            onValue={(v) => setValues('organizationName', v)}
            testId="setup-organization-name"
            autocomplete="organization"
            error={form.fieldError('organizationName')}
          />
          <TextField
            id="setup-workspace-name"
            label="First workspace"
            optional
            hint="A workspace holds one product's knowledge, agents and tokens. You can add more later."
            value={values.workspaceName}
            onValue={(v) => setValues('workspaceName', v)}
            testId="setup-workspace-name"
            error={form.fieldError('workspaceName')}
          />
        </section>
        <AuthFormActions form={form} testId="setup">
          Create account and organization
        </AuthFormActions>
      </form>
    </AuthLayout>
  )
}
