import { useNavigate } from '@solidjs/router'
import { createSignal } from 'solid-js'
import { createStore } from 'solid-js/store'
import { FormError } from '../components/alert.tsx'
import { Avatar } from '../components/avatar.tsx'
import { Button } from '../components/button.tsx'
import { Card, PageHeader } from '../components/card.tsx'
import { Dialog, DialogFormActions } from '../components/dialog.tsx'
import { SelectField, Switch, TextAreaField, TextField } from '../components/field.tsx'
import { Trash2 } from '../components/icons.ts'
import { NewPasswordFields, PasswordInput } from '../components/password-fields.tsx'
import * as api from '../lib/api.ts'
import { createFormState, orNull } from '../lib/form.ts'
import { withCurrent } from '../lib/organization-options.ts'
import { newPasswordProblems } from '../lib/password-policy.ts'
import { session } from '../lib/session.ts'
import { storageKeys, writeStorage } from '../lib/storage.ts'
import { showToast } from '../lib/toast.ts'

const languages = [
  { value: 'en-US', label: 'English (United States)' },
  { value: 'en-GB', label: 'English (United Kingdom)' },
  { value: 'pt-BR', label: 'Português (Brasil)' },
  { value: 'es-ES', label: 'Español' },
  { value: 'fr-FR', label: 'Français' },
  { value: 'de-DE', label: 'Deutsch' },
]

function ProfileDetails() {
  const user = session.user()
  const [values, setValues] = createStore({
    fullName: user?.fullName ?? '',
    position: user?.position ?? '',
    language: user?.language ?? '',
    avatar: user?.avatar ?? '',
  })
  const form = createFormState(values)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!values.fullName.trim()) return form.fail({ fullName: ['This field is required.'] })
    const saved = await form.submit(async () => {
      await api.updateMe({
        fullName: values.fullName.trim(),
        position: orNull(values.position),
        // An empty choice means "browser default": leave the stored language as it is.
        language: values.language || undefined,
        avatar: orNull(values.avatar),
      })
      await session.reload()
    })
    if (saved) showToast('Profile saved.')
  }

  return (
    <Card title="Profile" description="How teammates see you across Prodgy." testId="profile-card">
      <form onSubmit={submit} class="space-y-4" novalidate>
        <div class="flex items-center gap-4">
          <Avatar name={values.fullName} email={user?.email} src={values.avatar} size="lg" />
          <div class="min-w-0 text-sm">
            <p class="font-medium text-zinc-900 dark:text-zinc-100">{values.fullName || user?.email}</p>
            <p class="text-zinc-500 dark:text-zinc-400" data-testid="profile-email">
              {user?.email}
            </p>
          </div>
        </div>
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            id="profile-full-name"
            label="Full name"
            value={values.fullName}
            onValue={(v) => setValues('fullName', v)}
            testId="profile-full-name"
            autocomplete="name"
            error={form.fieldError('fullName')}
          />
          <TextField
            id="profile-position"
            label="Position"
            optional
            placeholder="Product manager"
            value={values.position}
            onValue={(v) => setValues('position', v)}
            testId="profile-position"
            autocomplete="organization-title"
            error={form.fieldError('position')}
          />
          <SelectField
            id="profile-language"
            label="Language"
            placeholder="Browser default"
            options={withCurrent(languages, values.language)}
            value={values.language}
            onValue={(v) => setValues('language', v)}
            testId="profile-language"
            error={form.fieldError('language')}
          />
          <TextField
            id="profile-avatar"
            label="Avatar URL"
            optional
            type="url"
            placeholder="https://…"
            value={values.avatar}
            onValue={(v) => setValues('avatar', v)}
            testId="profile-avatar"
            error={form.fieldError('avatar')}
          />
        </div>
        <FormError message={form.error()} testId="profile-error" />
        <div class="flex justify-end">
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="profile-save">
            Save profile
          </Button>
        </div>
      </form>
    </Card>
  )
}

function ChangePassword() {
  const [values, setValues] = createStore({ current: '', password: '', confirm: '' })
  const form = createFormState(values, { current: 'currentPassword', password: 'newPassword' })

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems: Record<string, string[]> = newPasswordProblems(values)
    if (!values.current) problems.current = ['This field is required.']
    if (Object.keys(problems).length > 0) return form.fail(problems)
    const changed = await form.submit(() =>
      api.changePassword({ currentPassword: values.current, newPassword: values.password }),
    )
    if (changed) {
      setValues({ current: '', password: '', confirm: '' })
      showToast('Password changed. Your other sessions were signed out.')
    }
  }

  return (
    <Card title="Change password" description="Other devices are signed out when you change it." testId="password-card">
      <form onSubmit={submit} class="max-w-md space-y-4" novalidate>
        <PasswordInput
          id="current-password"
          label="Current password"
          value={values.current}
          onValue={(v) => setValues('current', v)}
          testId="current-password"
          autocomplete="current-password"
          error={form.fieldError('current')}
        />
        <NewPasswordFields
          prefix="new"
          label="New password"
          values={values}
          onValue={(key, value) => setValues(key, value)}
          form={form}
        />
        <FormError message={form.error()} testId="change-password-error" />
        <Button type="submit" variant="primary" loading={form.pending()} data-testid="change-password-submit">
          Change password
        </Button>
      </form>
    </Card>
  )
}

function AiPreferences() {
  const preferences = session.user()?.aiPreferences
  const [values, setValues] = createStore({
    directive: preferences?.directive ?? '',
    confirmDestructiveActions: preferences?.confirmDestructiveActions ?? true,
  })
  const form = createFormState(values)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const saved = await form.submit(async () => {
      await api.updateAiPreferences({ ...values })
      await session.reload()
    })
    if (saved) showToast('AI preferences saved.')
  }

  return (
    <Card
      title="AI preferences"
      description="Every agent and AI assistant connected to Prodgy reads these before working for you."
      testId="ai-preferences-card"
    >
      <form onSubmit={submit} class="space-y-5" novalidate>
        <TextAreaField
          id="ai-directive"
          label="Personal instructions"
          hint="Markdown. For example: “Answer in Portuguese. Keep summaries under five bullet points.”"
          rows={6}
          class="font-mono"
          value={values.directive}
          onValue={(v) => setValues('directive', v)}
          testId="ai-directive"
          error={form.fieldError('directive')}
        />
        <Switch
          id="ai-confirm-destructive"
          label="Confirm before destructive AI actions"
          description="Agents ask before updating or deleting anything on your behalf. Reading and searching never need confirmation."
          checked={values.confirmDestructiveActions}
          onChange={(checked) => setValues('confirmDestructiveActions', checked)}
          testId="ai-confirm-destructive"
        />
        <FormError message={form.error()} testId="ai-preferences-error" />
        <div class="flex justify-end">
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="ai-preferences-save">
            Save preferences
          </Button>
        </div>
      </form>
    </Card>
  )
}

function DeleteAccount() {
  const navigate = useNavigate()
  const [open, setOpen] = createSignal(false)
  const [password, setPassword] = createSignal('')
  const form = createFormState({
    get password() {
      return password()
    },
  })

  const close = () => {
    setOpen(false)
    setPassword('')
    form.reset()
  }
  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!password()) return form.fail({ password: ['Enter your password to confirm.'] })
    await form.submit(async () => {
      await api.deleteAccount({ password: password() })
      writeStorage('local', storageKeys.organizationId, null)
      writeStorage('local', storageKeys.workspaceId, null)
      navigate('/login?notice=account-deleted', { replace: true })
      session.expire()
    })
  }

  return (
    <Card title="Danger zone" tone="danger" testId="danger-zone">
      <div class="flex flex-wrap items-center justify-between gap-4">
        <div class="text-sm">
          <p class="font-medium text-zinc-900 dark:text-zinc-100">Delete your account</p>
          <p class="text-zinc-500 dark:text-zinc-400">
            Removes your account and your access to every organization. This cannot be undone.
          </p>
        </div>
        <Button variant="danger-outline" onClick={() => setOpen(true)} data-testid="delete-account-open">
          <Trash2 class="size-4" aria-hidden="true" />
          Delete account
        </Button>
      </div>
      <Dialog
        open={open()}
        onClose={close}
        title="Delete your account?"
        description="Everything tied to your account is removed. Enter your password to confirm."
        testId="delete-account-dialog"
        size="sm"
      >
        <form onSubmit={submit} class="space-y-4" novalidate>
          <PasswordInput
            id="delete-account-password"
            label="Password"
            value={password()}
            onValue={setPassword}
            testId="delete-account-password"
            autocomplete="current-password"
            error={form.fieldError('password')}
            autofocus
          />
          <DialogFormActions form={form} testId="delete-account" onCancel={close} danger>
            Delete my account
          </DialogFormActions>
        </form>
      </Dialog>
    </Card>
  )
}

export function ProfilePage() {
  return (
    <div data-testid="profile-page">
      <PageHeader title="Profile" description="Your account, password and AI preferences." />
      <div class="space-y-6">
        <ProfileDetails />
        <ChangePassword />
        <AiPreferences />
        <DeleteAccount />
      </div>
    </div>
  )
}
