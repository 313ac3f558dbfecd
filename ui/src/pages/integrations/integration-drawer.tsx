import { Show } from 'solid-js'
import { FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { onDialogOpen } from '../../components/dialog.tsx'
import { Drawer } from '../../components/drawer.tsx'
import { SelectField, TextField } from '../../components/field.tsx'
import type { Integration, IntegrationUpdate, TemplateSummary } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createIntegrationForm, scopeOptions } from './install-dialog.tsx'
import { credentialInputs, IntegrationFields, settingInputs, settingsChanged } from './integration-fields.tsx'
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
  const state = createIntegrationForm()
  const { form, title, setTitle, scope, setScope } = state
  const settingFields = () => props.template?.settingFields ?? []
  const credentialFields = () => props.template?.credentialFields ?? []

  onDialogOpen(
    () => props.integration,
    (integration) =>
      state.fill({
        title: integration.title,
        scope: integration.productId ?? '',
        settings: settingInputs(settingFields(), integration.settings),
        credentials: credentialInputs(credentialFields()),
      }),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const integration = props.integration
    if (!integration) return
    const values = state.read({ settingFields: settingFields(), credentialFields: credentialFields() }, true)
    if (!values) return
    const body: IntegrationUpdate = { title: values.title }
    if (settingsChanged(values.settings, integration.settings)) body.settings = values.settings
    if (Object.keys(values.credentials).length > 0) body.credentials = values.credentials
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
              {...state.fieldInputs}
              stored={integration().credentialNames}
            />
            <FormError message={form.error()} testId="integration-edit-error" />
          </form>
        )}
      </Show>
    </Drawer>
  )
}
