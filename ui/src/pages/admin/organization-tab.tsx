import { useNavigate } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { FormError } from '../../components/alert.tsx'
import { Badge, statusTones } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card } from '../../components/card.tsx'
import { TypeToConfirmDialog } from '../../components/dialog.tsx'
import { TextField } from '../../components/field.tsx'
import { Trash2 } from '../../components/icons.ts'
import { OrganizationDetailsFields } from '../../components/organization-fields.tsx'
import { QueryState } from '../../components/query-state.tsx'
import * as api from '../../lib/api.ts'
import type { Organization } from '../../lib/api-types.ts'
import { createFormState, orNull } from '../../lib/form.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { storageKeys, writeStorage } from '../../lib/storage.ts'
import { showToast } from '../../lib/toast.ts'

export function OrganizationTab() {
  const organization = createQuery(
    () => session.organization()?.id ?? 'current',
    () => api.getCurrentOrganization(),
  )
  return (
    <QueryState query={organization} testId="org">
      {(current) => (
        <div class="space-y-6">
          <OrganizationForm organization={current()} onSaved={(saved) => organization.mutate(saved)} />
          <DeleteOrganization organization={current()} />
        </div>
      )}
    </QueryState>
  )
}

function OrganizationForm(props: { organization: Organization; onSaved: (organization: Organization) => void }) {
  const [values, setValues] = createStore({
    name: props.organization.name,
    website: props.organization.website ?? '',
    description: props.organization.description ?? '',
    industry: props.organization.industry ?? '',
    size: props.organization.size ?? '',
    stage: props.organization.stage ?? '',
    logo: props.organization.logo ?? '',
  })
  const form = createFormState(values)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!values.name.trim()) return form.fail({ name: ['This field is required.'] })
    const saved = await form.submit(async () => {
      props.onSaved(
        await api.updateCurrentOrganization({
          name: values.name.trim(),
          website: orNull(values.website),
          description: orNull(values.description),
          industry: orNull(values.industry),
          size: orNull(values.size),
          stage: orNull(values.stage),
          logo: orNull(values.logo),
        }),
      )
      await session.reload()
    })
    if (saved) showToast('Organization saved.')
  }

  return (
    <Card
      title="Organization"
      description="General information about the company."
      testId="org-card"
      actions={
        <Badge tone={statusTones[props.organization.status] ?? 'gray'} testId="org-status">
          {props.organization.status}
        </Badge>
      }
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            id="org-name"
            label="Name"
            value={values.name}
            onValue={(v) => setValues('name', v)}
            testId="org-name"
            error={form.fieldError('name')}
          />
          <TextField
            id="org-website"
            label="Website"
            type="url"
            optional
            placeholder="https://example.com"
            value={values.website}
            onValue={(v) => setValues('website', v)}
            testId="org-website"
            error={form.fieldError('website')}
          />
        </div>
        <OrganizationDetailsFields
          prefix="org"
          values={values}
          onValue={(key, value) => setValues(key, value)}
          form={form}
          unsetLabel="Not set"
        />
        <TextField
          id="org-logo"
          label="Logo URL"
          type="url"
          optional
          placeholder="https://…/logo.png"
          value={values.logo}
          onValue={(v) => setValues('logo', v)}
          testId="org-logo"
          error={form.fieldError('logo')}
        />
        <FormError message={form.error()} testId="org-error" />
        <div class="flex justify-end">
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="org-save">
            Save changes
          </Button>
        </div>
      </form>
    </Card>
  )
}

function DeleteOrganization(props: { organization: Organization }) {
  const navigate = useNavigate()
  const [open, setOpen] = createSignal(false)
  const workspaces = createQuery(
    () => props.organization.id,
    () => api.listWorkspaces({ page: 1, pageSize: 1 }),
  )
  const workspaceCount = () => workspaces.data()?.total ?? session.workspaces().length
  const blocked = () => workspaceCount() > 0

  const remove = async (confirmName: string) => {
    await api.deleteCurrentOrganization({ confirmName })
    writeStorage('local', storageKeys.organizationId, null)
    writeStorage('local', storageKeys.workspaceId, null)
    await session.reload()
    showToast(`${props.organization.name} was deleted.`)
    navigate('/', { replace: true })
  }

  return (
    <Card title="Danger zone" tone="danger" testId="org-danger-zone">
      <div class="flex flex-wrap items-center justify-between gap-4">
        <div class="max-w-xl text-sm">
          <p class="font-medium text-zinc-900 dark:text-zinc-100">Delete this organization</p>
          <p class="text-zinc-500 dark:text-zinc-400">
            Removes its members, invitations, settings and history for good.
          </p>
          <Show when={blocked()}>
            <p class="mt-2 text-amber-700 dark:text-amber-400" data-testid="org-delete-blocked">
              It still has {workspaceCount()} {workspaceCount() === 1 ? 'workspace' : 'workspaces'}. Delete every
              workspace first, from the Workspaces tab.
            </p>
          </Show>
        </div>
        <Button
          variant="danger-outline"
          disabled={blocked() || workspaces.loading()}
          onClick={() => setOpen(true)}
          data-testid="org-delete-open"
        >
          <Trash2 class="size-4" aria-hidden="true" />
          Delete organization
        </Button>
      </div>
      <TypeToConfirmDialog
        open={open()}
        onClose={() => setOpen(false)}
        title="Delete organization?"
        description="This cannot be undone."
        expected={props.organization.name}
        confirmLabel="Delete organization"
        onConfirm={remove}
        testId="org-delete"
      />
    </Card>
  )
}
