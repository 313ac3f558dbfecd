import { createEffect, on } from 'solid-js'
import { createStore } from 'solid-js/store'
import { FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { TextAreaField, TextField } from '../../components/field.tsx'
import * as api from '../../lib/api.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { createFormState, orNull } from '../../lib/form.ts'

interface WorkspaceFormDialogProps {
  open: boolean
  /** Null adds a workspace; a workspace edits it. */
  workspace: Workspace | null
  onClose: () => void
  /** Awaited before the dialog closes, so the page already shows the change. */
  onSaved: (workspace: Workspace) => Promise<void>
}

export function WorkspaceFormDialog(props: WorkspaceFormDialogProps) {
  const empty = { name: '', description: '', website: '', logo: '' }
  const [values, setValues] = createStore({ ...empty })
  const form = createFormState(values)

  // Fill the fields each time the dialog opens, from the workspace being edited (or blank).
  createEffect(
    on(
      () => props.open,
      (open) => {
        if (!open) return
        form.reset()
        const w = props.workspace
        setValues(
          w ? { name: w.name, description: w.description ?? '', website: w.website ?? '', logo: w.logo ?? '' } : empty,
        )
      },
    ),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!values.name.trim()) return form.fail({ name: ['This field is required.'] })
    const body = {
      name: values.name.trim(),
      description: values.description.trim() || undefined,
      website: values.website.trim() || undefined,
      logo: values.logo.trim() || undefined,
    }
    await form.submit(async () => {
      const saved = props.workspace
        ? await api.updateWorkspace(props.workspace.id, {
            name: body.name,
            description: orNull(values.description),
            website: orNull(values.website),
            logo: orNull(values.logo),
          })
        : await api.createWorkspace(body)
      await props.onSaved(saved)
    })
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title={props.workspace ? 'Edit workspace' : 'Add workspace'}
      description={
        props.workspace
          ? undefined
          : 'A workspace holds one product: its context, members and API tokens. Only the name is required.'
      }
      testId="workspace-form-dialog"
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <TextField
          id="workspace-form-name"
          label="Name"
          value={values.name}
          onValue={(v) => setValues('name', v)}
          testId="workspace-form-name"
          error={form.fieldError('name')}
          autofocus
        />
        <TextAreaField
          id="workspace-form-description"
          label="Description"
          optional
          rows={3}
          value={values.description}
          onValue={(v) => setValues('description', v)}
          testId="workspace-form-description"
          error={form.fieldError('description')}
        />
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            id="workspace-form-website"
            label="Website"
            type="url"
            optional
            value={values.website}
            onValue={(v) => setValues('website', v)}
            testId="workspace-form-website"
            error={form.fieldError('website')}
          />
          <TextField
            id="workspace-form-logo"
            label="Logo URL"
            type="url"
            optional
            value={values.logo}
            onValue={(v) => setValues('logo', v)}
            testId="workspace-form-logo"
            error={form.fieldError('logo')}
          />
        </div>
        <FormError message={form.error()} testId="workspace-form-error" />
        <div class="flex justify-end gap-2">
          <Button onClick={props.onClose} data-testid="workspace-form-cancel">
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="workspace-form-submit">
            {props.workspace ? 'Save changes' : 'Add workspace'}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
