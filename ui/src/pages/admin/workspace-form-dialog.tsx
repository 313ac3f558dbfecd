import { createStore } from 'solid-js/store'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { TextField } from '../../components/field.tsx'
import { WorkspaceDetailsFields } from '../../components/workspace-fields.tsx'
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
  onDialogOpen(
    () => props.open,
    () => {
      form.reset()
      const w = props.workspace
      setValues(
        w ? { name: w.name, description: w.description ?? '', website: w.website ?? '', logo: w.logo ?? '' } : empty,
      )
    },
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
        <WorkspaceDetailsFields
          prefix="workspace-form"
          values={values}
          onValue={(key, value) => setValues(key, value)}
          form={form}
        />
        <DialogFormActions form={form} testId="workspace-form" onCancel={props.onClose}>
          {props.workspace ? 'Save changes' : 'Add workspace'}
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
