import { useNavigate } from '@solidjs/router'
import { createStore } from 'solid-js/store'
import { AuthFormActions, AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { TextField } from '../components/field.tsx'
import { OrganizationDetailsFields } from '../components/organization-fields.tsx'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'
import { session } from '../lib/session.ts'

/** Signed in but in no organization yet: create one (the creator becomes its Admin). */
export function OnboardingPage() {
  const navigate = useNavigate()
  const [values, setValues] = createStore({ name: '', website: '', description: '', industry: '', size: '', stage: '' })
  const form = createFormState(values)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!values.name.trim()) return form.fail({ name: ['This field is required.'] })
    await form.submit(async () => {
      const organization = await api.createOrganization({
        name: values.name.trim(),
        website: values.website.trim() || undefined,
        description: values.description.trim() || undefined,
        industry: values.industry.trim() || undefined,
        size: values.size || undefined,
        stage: values.stage || undefined,
      })
      await session.switchOrganization(organization.id)
      navigate('/', { replace: true })
    })
  }

  const signOut = async () => {
    await session.signOut()
    navigate('/login', { replace: true })
  }

  return (
    <AuthLayout
      title="Set up your organization"
      subtitle={`Welcome, ${session.user()?.fullName ?? ''}. Tell us about the company whose products you'll work on.`}
      wide
      testId="onboarding-page"
      footer={
        <>
          Signed in as {session.user()?.email}.{' '}
          <button type="button" class={linkClass} onClick={signOut} data-testid="onboarding-signout">
            Sign out
          </button>
        </>
      }
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <TextField
          id="onboarding-name"
          label="Organization name"
          value={values.name}
          onValue={(v) => setValues('name', v)}
          testId="onboarding-name"
          autocomplete="organization"
          error={form.fieldError('name')}
          autofocus
        />
        <TextField
          id="onboarding-website"
          label="Website"
          type="url"
          optional
          placeholder="https://example.com"
          value={values.website}
          onValue={(v) => setValues('website', v)}
          testId="onboarding-website"
          error={form.fieldError('website')}
        />
        <OrganizationDetailsFields
          prefix="onboarding"
          values={values}
          onValue={(key, value) => setValues(key, value)}
          form={form}
          unsetLabel="Choose…"
        />
        <AuthFormActions form={form} testId="onboarding">
          Create organization
        </AuthFormActions>
      </form>
    </AuthLayout>
  )
}
