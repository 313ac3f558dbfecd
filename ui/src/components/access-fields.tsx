import { Show } from 'solid-js'
import type { Role, Workspace } from '../lib/api-types.ts'
import type { FormState } from '../lib/form.ts'
import { session } from '../lib/session.ts'
import { Alert } from './alert.tsx'
import { RolePicker } from './role-picker.tsx'
import { WorkspaceChecklist } from './workspace-checklist.tsx'

interface AccessFieldsProps {
  /** Prefix of the role picker's and checklist's ids and test ids; the note shown instead of the list is `${prefix}-role-note`. */
  prefix: string
  role: Role
  onRole: (role: Role) => void
  workspaces: Workspace[]
  workspaceIds: string[]
  onWorkspaceIds: (ids: string[]) => void
  /** Shows the `role` and `workspaceIds` errors. */
  form: FormState
}

/**
 * What someone may open in the organization: a role, and for Users the workspaces. Admins and Super Admins reach every
 * workspace through their role, so for them a note replaces the list.
 */
export function AccessFields(props: AccessFieldsProps) {
  return (
    <>
      <RolePicker
        prefix={props.prefix}
        value={props.role}
        onChange={props.onRole}
        allowSuperAdmin={session.isSuperAdmin()}
        error={props.form.fieldError('role')}
      />
      <Show
        when={props.role === 'user'}
        fallback={
          <Alert tone={props.role === 'super_admin' ? 'warning' : 'info'} testId={`${props.prefix}-role-note`}>
            {props.role === 'super_admin'
              ? 'A Super Admin opens every workspace of every organization, so there is nothing to choose here.'
              : 'An Admin opens every workspace of this organization, so there is nothing to choose here.'}
          </Alert>
        }
      >
        <WorkspaceChecklist
          prefix={props.prefix}
          workspaces={props.workspaces}
          selected={props.workspaceIds}
          onChange={props.onWorkspaceIds}
          error={props.form.fieldError('workspaceIds')}
        />
      </Show>
    </>
  )
}
