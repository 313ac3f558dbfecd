import { createEffect, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { TextField } from '../../components/field.tsx'
import { RolePicker } from '../../components/role-picker.tsx'
import { WorkspaceChecklist } from '../../components/workspace-checklist.tsx'
import * as api from '../../lib/api.ts'
import type { Invitation, Role, Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { session } from '../../lib/session.ts'
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

  createEffect(
    on(
      () => props.open,
      (open) => {
        if (!open) return
        form.reset()
        setValues({ fullName: '', email: '', role: 'user', workspaceIds: [] })
      },
    ),
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
        <RolePicker
          prefix="invite"
          value={values.role}
          onChange={(role) => setValues('role', role)}
          allowSuperAdmin={session.isSuperAdmin()}
          error={form.fieldError('role')}
        />
        <Show
          when={values.role === 'user'}
          fallback={
            <Alert tone={values.role === 'super_admin' ? 'warning' : 'info'} testId="invite-role-note">
              {values.role === 'super_admin'
                ? 'A Super Admin opens every workspace of every organization, so there is nothing to choose here.'
                : 'An Admin opens every workspace of this organization, so there is nothing to choose here.'}
            </Alert>
          }
        >
          <WorkspaceChecklist
            prefix="invite"
            workspaces={props.workspaces}
            selected={values.workspaceIds}
            onChange={(ids) => setValues('workspaceIds', ids)}
            error={form.fieldError('workspaceIds')}
          />
        </Show>
        <FormError message={form.error()} testId="invite-error" />
        <div class="flex justify-end gap-2">
          <Button onClick={props.onClose} data-testid="invite-cancel">
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="invite-submit">
            Send invitation
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
