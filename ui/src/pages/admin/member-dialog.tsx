import { createStore } from 'solid-js/store'
import { AccessFields } from '../../components/access-fields.tsx'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import * as api from '../../lib/api.ts'
import type { Member, Role, Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'

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

  onDialogOpen(
    () => props.member,
    (member) => {
      form.reset()
      setValues({ role: member.role, workspaceIds: [...member.workspaceIds] })
    },
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
        <AccessFields
          prefix="member-edit"
          role={values.role}
          onRole={(role) => setValues('role', role)}
          workspaces={props.workspaces}
          workspaceIds={values.workspaceIds}
          onWorkspaceIds={(ids) => setValues('workspaceIds', ids)}
          form={form}
        />
        <DialogFormActions form={form} testId="member-edit" onCancel={props.onClose}>
          Save changes
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
