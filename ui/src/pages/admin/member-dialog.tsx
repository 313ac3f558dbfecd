import { createEffect, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { RolePicker } from '../../components/role-picker.tsx'
import { WorkspaceChecklist } from '../../components/workspace-checklist.tsx'
import * as api from '../../lib/api.ts'
import type { Member, Role, Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { session } from '../../lib/session.ts'

interface MemberDialogProps {
  member: Member | null
  workspaces: Workspace[]
  onClose: () => void
  /** Awaited before the dialog closes. */
  onSaved: (member: Member) => Promise<void>
}

/** Edit one person's role and workspace access. */
export function MemberDialog(props: MemberDialogProps) {
  const [values, setValues] = createStore({ role: 'user' as Role, workspaceIds: [] as string[] })
  const form = createFormState(values)

  createEffect(
    on(
      () => props.member,
      (member) => {
        if (!member) return
        form.reset()
        setValues({ role: member.role, workspaceIds: [...member.workspaceIds] })
      },
    ),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const member = props.member
    if (!member) return
    await form.submit(async () => {
      const body: { role?: Role; workspaceIds?: string[] } = {}
      if (values.role !== member.role) body.role = values.role
      if (values.role === 'user') body.workspaceIds = values.workspaceIds
      await props.onSaved(await api.updateMember(member.userId, body))
    })
  }

  return (
    <Dialog
      open={props.member !== null}
      onClose={props.onClose}
      title={`Edit ${props.member?.fullName || props.member?.email || 'member'}`}
      description={props.member?.email}
      testId="member-edit-dialog"
      size="lg"
    >
      <form onSubmit={submit} class="space-y-5" novalidate>
        <RolePicker
          prefix="member-edit"
          value={values.role}
          onChange={(role) => setValues('role', role)}
          allowSuperAdmin={session.isSuperAdmin()}
          error={form.fieldError('role')}
        />
        <Show
          when={values.role === 'user'}
          fallback={
            <Alert tone={values.role === 'super_admin' ? 'warning' : 'info'} testId="member-edit-role-note">
              {values.role === 'super_admin'
                ? 'A Super Admin opens every workspace of every organization, so there is nothing to choose here.'
                : 'An Admin opens every workspace of this organization, so there is nothing to choose here.'}
            </Alert>
          }
        >
          <WorkspaceChecklist
            prefix="member-edit"
            workspaces={props.workspaces}
            selected={values.workspaceIds}
            onChange={(ids) => setValues('workspaceIds', ids)}
            error={form.fieldError('workspaceIds')}
          />
        </Show>
        <FormError message={form.error()} testId="member-edit-error" />
        <div class="flex justify-end gap-2">
          <Button onClick={props.onClose} data-testid="member-edit-cancel">
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="member-edit-submit">
            Save changes
          </Button>
        </div>
      </form>
    </Dialog>
  )
}
