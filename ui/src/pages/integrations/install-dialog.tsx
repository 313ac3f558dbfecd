import { createSignal, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert } from '../../components/alert.tsx'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { SelectField, TextField } from '../../components/field.tsx'
import type { CredentialField, Integration, SettingField, TemplateSummary } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { createQuery } from '../../lib/query.ts'
import { fetchAllWorkspaces } from '../../lib/workspaces.ts'
import {
  type CredentialInputs,
  credentialInputs,
  credentialsBody,
  IntegrationFields,
  type SettingInputs,
  settingInputs,
  settingsBody,
} from './integration-fields.tsx'
import { TemplateLogo } from './parts.tsx'

/** The scope picker's options: the whole organization, or one workspace. */
export function scopeOptions(workspaces: Workspace[]) {
  return [
    { value: '', label: 'Global (all workspaces)' },
    ...workspaces.map((w) => ({ value: w.id, label: `Local: ${w.name}` })),
  ]
}

/**
 * The form the install dialog and the edit drawer share: title, scope, settings and credentials, and the checks
 * made before anything is sent.
 */
export function createIntegrationForm() {
  const [title, setTitle] = createSignal('')
  const [scope, setScope] = createSignal('')
  const [settings, setSettings] = createStore<SettingInputs>({})
  const [credentials, setCredentials] = createStore<CredentialInputs>({})
  const form = createFormState({
    get title() {
      return title()
    },
    get product_id() {
      return scope()
    },
  })
  return {
    form,
    title,
    setTitle,
    scope,
    setScope,
    /** Clears the errors and sets what the inputs start with. */
    fill(start: { title: string; scope: string; settings: SettingInputs; credentials: CredentialInputs }) {
      form.reset()
      setTitle(start.title)
      setScope(start.scope)
      setSettings(start.settings)
      setCredentials(start.credentials)
    },
    /** The inputs, setters and form state `IntegrationFields` takes. */
    fieldInputs: {
      credentials,
      onCredential: (name: string, value: string) => setCredentials(name, value),
      settings,
      onSetting: (name: string, value: string | boolean) => setSettings(name, value),
      form,
    },
    /**
     * The trimmed title, settings and credentials to send (editing: only the typed credentials), or null once the
     * problems are shown on the form.
     */
    read(fields: { settingFields: SettingField[]; credentialFields: CredentialField[] }, editing: boolean) {
      const settingsPart = settingsBody(fields.settingFields, settings)
      const credentialsPart = credentialsBody(fields.credentialFields, credentials, editing)
      const problems = { ...credentialsPart.problems, ...settingsPart.problems }
      if (!title().trim()) problems.title = ['Enter a title.']
      if (Object.keys(problems).length > 0) {
        form.fail(problems)
        return null
      }
      return { title: title().trim(), settings: settingsPart.settings, credentials: credentialsPart.credentials }
    },
  }
}

interface InstallDialogProps {
  /** The template to install; the dialog is open while it is set. */
  template: TemplateSummary | null
  /** The workspace picked at first (local); global when left out. */
  workspaceId?: string
  onClose: () => void
  /** Awaited before the dialog closes. */
  onInstalled: (integration: Integration) => Promise<void> | void
}

/** Install a template: a title, a scope, and the credential and settings fields the template declares. */
export function InstallDialog(props: InstallDialogProps) {
  const state = createIntegrationForm()
  const { form, title, setTitle, scope, setScope } = state
  const workspaces = createQuery(() => props.template !== null, fetchAllWorkspaces)

  onDialogOpen(
    () => props.template,
    (template) =>
      state.fill({
        title: template.name,
        scope: props.workspaceId ?? '',
        settings: settingInputs(template.settingFields),
        credentials: credentialInputs(template.credentialFields),
      }),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const template = props.template
    if (!template) return
    const values = state.read(template, false)
    if (!values) return
    await form.submit(async () => {
      const installed = await integrations.createIntegration({
        templateId: template.id,
        title: values.title,
        ...(scope() ? { product_id: scope() } : {}),
        settings: values.settings,
        credentials: values.credentials,
      })
      await props.onInstalled(installed)
    })
  }

  return (
    <Dialog
      open={props.template !== null}
      onClose={props.onClose}
      title={
        <span class="flex items-center gap-3">
          <TemplateLogo logo={props.template?.logo} name={props.template?.name ?? ''} size="sm" />
          Install {props.template?.name}
        </span>
      }
      testId="integration-install-dialog"
      size="lg"
    >
      <Show when={props.template}>
        {(template) => (
          <form onSubmit={submit} class="space-y-4" novalidate>
            <p class="text-sm text-zinc-500 dark:text-zinc-400">{template().description}</p>
            <div class="grid gap-4 sm:grid-cols-2">
              <TextField
                id="integration-install-title"
                label="Title"
                value={title()}
                onValue={setTitle}
                testId="integration-install-title"
                hint="How people and agents see this integration."
                error={form.fieldError('title')}
                autocomplete="off"
              />
              <SelectField
                id="integration-install-scope"
                label="Scope"
                value={scope()}
                onValue={setScope}
                options={scopeOptions(workspaces.data() ?? [])}
                testId="integration-install-scope"
                hint="A local integration hides the global ones of the same template in its workspace."
                error={form.fieldError('product_id')}
              />
            </div>
            <IntegrationFields
              prefix="integration-install"
              credentialFields={template().credentialFields}
              settingFields={template().settingFields}
              {...state.fieldInputs}
            />
            <Show when={template().hasValidation}>
              <Alert tone="info" testId="integration-install-validation-note">
                The credentials are checked with {template().name} before the integration is saved.
              </Alert>
            </Show>
            <DialogFormActions form={form} testId="integration-install" onCancel={props.onClose}>
              {form.pending() && template().hasValidation ? 'Checking the credentials…' : 'Install'}
            </DialogFormActions>
          </form>
        )}
      </Show>
    </Dialog>
  )
}
