import { createStore } from 'solid-js/store'
import { AccessFields } from '../../components/access-fields.tsx'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { TextField } from '../../components/field.tsx'
import * as api from '../../lib/api.ts'
import type { Invitation, Role, Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { requiredProblems } from '../validation.ts'

interface InviteDialogProps {
  open: boolean
  workspaces: Workspace[]
  onClose: () => void
  onInvited: (invitation: Invitation) => void
}

export function InviteDialog(props: InviteDialogProps) {
  const [values, setValues] = createStore({
    fullName: '',
    email: '',
    role: 'user' as Role,
    workspaceIds: [] as string[],
  })
  const form = createFormState(values)

  onDialogOpen(
    () => props.open,
    () => {
      form.reset()
      setValues({ fullName: '', email: '', role: 'user', workspaceIds: [] })
    },
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems = requiredProblems(values, ['fullName', 'email'])
    if (Object.keys(problems).length > 0) return form.fail(problems)
    await form.submit(async () => {
      const invitation = await api.createInvitation({
        fullName: values.fullName.trim(),
        email: values.email.trim(),
        role: values.role,
        // Admins and Super Admins reach every workspace through their role, so none are listed.
        workspaceIds: values.role === 'user' ? values.workspaceIds : [],
      })
      props.onInvited(invitation)
    })
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title="Invite someone"
      description="They receive an email with a link to join this organization."
      testId="invite-dialog"
      size="lg"
    >
      <form onSubmit={submit} class="space-y-5" novalidate>
        <div class="grid gap-4 sm:grid-cols-2">
          <TextField
            id="invite-full-name"
            label="Full name"
            value={values.fullName}
            onValue={(v) => setValues('fullName', v)}
            testId="invite-full-name"
            error={form.fieldError('fullName')}
            autofocus
          />
          <TextField
            id="invite-email"
            label="Email"
            type="email"
            value={values.email}
            onValue={(v) => setValues('email', v)}
            testId="invite-email"
            error={form.fieldError('email')}
          />
        </div>
        <AccessFields
          prefix="invite"
          role={values.role}
          onRole={(role) => setValues('role', role)}
          workspaces={props.workspaces}
          workspaceIds={values.workspaceIds}
          onWorkspaceIds={(ids) => setValues('workspaceIds', ids)}
          form={form}
        />
        <DialogFormActions form={form} testId="invite" onCancel={props.onClose}>
          Send invitation
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
