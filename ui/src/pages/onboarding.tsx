import { useNavigate } from '@solidjs/router'
import { For } from 'solid-js'
import { createStore } from 'solid-js/store'
import { FormError } from '../components/alert.tsx'
import { AuthLayout, linkClass } from '../components/auth-layout.tsx'
import { Button } from '../components/button.tsx'
import { SelectField, TextAreaField, TextField } from '../components/field.tsx'
import * as api from '../lib/api.ts'
import { createFormState } from '../lib/form.ts'
import { companySizes, companyStages, industrySuggestions } from '../lib/organization-options.ts'
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
        <TextAreaField
          id="onboarding-description"
          label="Description"
          optional
          rows={3}
          value={values.description}
          onValue={(v) => setValues('description', v)}
          testId="onboarding-description"
          error={form.fieldError('description')}
        />
        <div class="grid gap-4 sm:grid-cols-3">
          <TextField
            id="onboarding-industry"
            label="Industry"
            optional
            list="onboarding-industries"
            value={values.industry}
            onValue={(v) => setValues('industry', v)}
            testId="onboarding-industry"
            error={form.fieldError('industry')}
          />
          <SelectField
            id="onboarding-size"
            label="Company size"
            optional
            placeholder="Choose…"
            options={companySizes}
            value={values.size}
            onValue={(v) => setValues('size', v)}
            testId="onboarding-size"
            error={form.fieldError('size')}
          />
          <SelectField
            id="onboarding-stage"
            label="Stage"
            optional
            placeholder="Choose…"
            options={companyStages}
            value={values.stage}
            onValue={(v) => setValues('stage', v)}
            testId="onboarding-stage"
            error={form.fieldError('stage')}
          />
        </div>
        <datalist id="onboarding-industries">
          <For each={industrySuggestions}>{(industry) => <option value={industry} />}</For>
        </datalist>
        <FormError message={form.error()} testId="onboarding-error" />
        <Button
          type="submit"
          variant="primary"
          size="lg"
          class="w-full"
          loading={form.pending()}
          data-testid="onboarding-submit"
        >
          Create organization
        </Button>
      </form>
    </AuthLayout>
  )
}
