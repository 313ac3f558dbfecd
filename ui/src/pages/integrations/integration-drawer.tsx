import { createSignal, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { onDialogOpen } from '../../components/dialog.tsx'
import { Drawer } from '../../components/drawer.tsx'
import { SelectField, TextField } from '../../components/field.tsx'
import type { Integration, IntegrationUpdate, TemplateSummary } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { formatDateTime } from '../../lib/format.ts'
import { scopeOptions } from './install-dialog.tsx'
import {
  type CredentialInputs,
  credentialInputs,
  credentialsBody,
  IntegrationFields,
  type SettingInputs,
  settingInputs,
  settingsBody,
  settingsChanged,
} from './integration-fields.tsx'
import { ClassBadge, TemplateLogo } from './parts.tsx'

interface IntegrationDrawerProps {
  /** The integration being edited; the drawer is open while it is set. */
  integration: Integration | null
  /** Its template, for the fields (settings and credentials) it declares. */
  template: TemplateSummary | undefined
  workspaces: Workspace[]
  onClose: () => void
  onSaved: (integration: Integration) => Promise<void> | void
}

/** Edit an installed integration: title, scope, settings, and credentials to replace (blank keeps the stored one). */
export function IntegrationDrawer(props: IntegrationDrawerProps) {
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
  const settingFields = () => props.template?.settingFields ?? []
  const credentialFields = () => props.template?.credentialFields ?? []

  onDialogOpen(
    () => props.integration,
    (integration) => {
      form.reset()
      setTitle(integration.title)
      setScope(integration.productId ?? '')
      setSettings(settingInputs(settingFields(), integration.settings))
      setCredentials(credentialInputs(credentialFields()))
    },
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const integration = props.integration
    if (!integration) return
    const settingsPart = settingsBody(settingFields(), settings)
    const credentialsPart = credentialsBody(credentialFields(), credentials, true)
    const problems = { ...credentialsPart.problems, ...settingsPart.problems }
    if (!title().trim()) problems.title = ['Enter a title.']
    if (Object.keys(problems).length > 0) return form.fail(problems)
    const body: IntegrationUpdate = { title: title().trim() }
    if (settingsChanged(settingsPart.settings, integration.settings)) body.settings = settingsPart.settings
    if (Object.keys(credentialsPart.credentials).length > 0) body.credentials = credentialsPart.credentials
    if (scope() !== (integration.productId ?? '')) body.product_id = scope() || null
    await form.submit(async () => {
      await props.onSaved(await integrations.updateIntegration(integration.id, body))
    })
  }

  return (
    <Drawer
      open={props.integration !== null}
      onClose={props.onClose}
      title={`Edit ${props.integration?.title ?? 'integration'}`}
      description={props.integration ? `${props.integration.templateName} integration` : undefined}
      testId="integration-edit"
      footer={
        <>
          <Button onClick={props.onClose} data-testid="integration-edit-cancel">
            Cancel
          </Button>
          <Button
            type="submit"
            form="integration-edit-form"
            variant="primary"
            loading={form.pending()}
            data-testid="integration-edit-submit"
          >
            Save changes
          </Button>
        </>
      }
    >
      <Show when={props.integration}>
        {(integration) => (
          <form id="integration-edit-form" onSubmit={submit} class="space-y-4" novalidate>
            <div class="flex items-center gap-3">
              <TemplateLogo logo={integration().logo} name={integration().templateName} />
              <div class="min-w-0 text-sm">
                <p class="font-medium">{integration().templateName}</p>
                <p class="text-xs text-zinc-500 dark:text-zinc-400">
                  {integration().validatedAt
                    ? `Credentials checked ${formatDateTime(integration().validatedAt)}`
                    : `Installed ${formatDateTime(integration().createdAt)}`}
                </p>
              </div>
              <span class="ml-auto">
                <ClassBadge class={integration().class} />
              </span>
            </div>
            <TextField
              id="integration-edit-title"
              label="Title"
              value={title()}
              onValue={setTitle}
              testId="integration-edit-title"
              error={form.fieldError('title')}
              autocomplete="off"
            />
            <SelectField
              id="integration-edit-scope"
              label="Scope"
              value={scope()}
              onValue={setScope}
              options={scopeOptions(props.workspaces)}
              testId="integration-edit-scope"
              error={form.fieldError('product_id')}
            />
            <IntegrationFields
              prefix="integration-edit"
              credentialFields={credentialFields()}
              settingFields={settingFields()}
              credentials={credentials}
              onCredential={(name, value) => setCredentials(name, value)}
              settings={settings}
              onSetting={(name, value) => setSettings(name, value)}
              form={form}
              stored={integration().credentialNames}
            />
            <FormError message={form.error()} testId="integration-edit-error" />
          </form>
        )}
      </Show>
    </Drawer>
  )
}
