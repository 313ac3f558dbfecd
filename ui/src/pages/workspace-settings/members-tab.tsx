import { createSignal, For, Show } from 'solid-js'
import { FormError } from '../../components/alert.tsx'
import { PersonLabel } from '../../components/avatar.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { inputClass } from '../../components/field.tsx'
import { UserMinus, UserPlus, Users } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { Member, Workspace } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { fetchAll } from '../../lib/fetch-all.ts'
import { createFormState } from '../../lib/form.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { RoleBadge } from '../admin/users-tab.tsx'

const pageSize = 20

export function MembersTab(props: { workspace: Workspace }) {
  const [page, setPage] = createSignal(1)
  const members = createQuery(
    () => ({ id: props.workspace.id, page: page() }),
    (query) => api.listWorkspaceMembers(query.id, { page: query.page, pageSize }),
  )
  const [removing, setRemoving] = createSignal<Member | null>(null)

  const remove = async () => {
    const member = removing()
    if (!member) return
    await api.removeWorkspaceMember(props.workspace.id, member.userId)
    showToast(`${member.fullName || member.email} no longer has access to ${props.workspace.name}.`)
    await Promise.all([members.refetch(), session.reload()])
  }

  return (
    <div class="space-y-6">
      <Show when={session.isAdmin()}>
        <GrantAccess
          workspace={props.workspace}
          currentIds={members.data()?.items.map((m) => m.userId) ?? []}
          onGranted={() => Promise.all([members.refetch(), session.reload()])}
        />
      </Show>
      <Card
        title="People with access"
        description="Admins and Super Admins open every workspace through their role; Users need access granted here."
        bodyClass="p-0"
        testId="workspace-members-card"
      >
        <PagedTable
          query={members}
          testId="workspace-members"
          label="Workspace members"
          columns={['Name', 'Role']}
          actions
          onPage={setPage}
          empty={
            <EmptyState
              testId="workspace-members-empty"
              icon={<Users class="size-5" />}
              title="Nobody has access yet"
            />
          }
        >
          {(member) => (
            <tr class={trClass} data-testid="workspace-member-row" data-user-id={member.userId}>
              <td class={tdClass}>
                <PersonLabel person={member} emailTestId="workspace-member-email" />
              </td>
              <td class={tdClass}>
                <RoleBadge role={member.role} />
              </td>
              <td class={`${tdClass} text-right`}>
                <Show
                  when={member.role === 'user'}
                  fallback={
                    <span class="text-xs text-zinc-400 dark:text-zinc-500" data-testid="workspace-member-via-role">
                      Access through role
                    </span>
                  }
                >
                  <Show when={session.isAdmin()}>
                    <IconButton
                      label={`Remove access for ${member.fullName || member.email}`}
                      onClick={() => setRemoving(member)}
                      data-testid="workspace-member-remove"
                      danger
                    >
                      <UserMinus class="size-4" aria-hidden="true" />
                    </IconButton>
                  </Show>
                </Show>
              </td>
            </tr>
          )}
        </PagedTable>
      </Card>
      <ConfirmDialog
        open={removing() !== null}
        onClose={() => setRemoving(null)}
        title="Remove access?"
        description={`${removing()?.fullName || removing()?.email} will no longer open ${props.workspace.name}. They stay in the organization.`}
        confirmLabel="Remove access"
        danger
        onConfirm={remove}
        testId="workspace-member-remove-confirm"
      />
    </div>
  )
}

function GrantAccess(props: { workspace: Workspace; currentIds: string[]; onGranted: () => Promise<unknown> }) {
  const organizationMembers = createQuery(
    () => props.workspace.id,
    // Organization members (Admins only), to pick whom to grant access.
    () => fetchAll(api.listMembers),
  )
  const [userId, setUserId] = createSignal('')
  const form = createFormState({
    get userId() {
      return userId()
    },
  })
  const candidates = () =>
    (organizationMembers.data() ?? [])
      // Admins and Super Admins already open every workspace; only Users need a grant.
      .filter((m) => m.role === 'user' && !props.currentIds.includes(m.userId))
      .sort((a, b) => (a.fullName || a.email).localeCompare(b.fullName || b.email))

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const chosen = candidates().find((m) => m.userId === userId())
    if (!chosen) return form.fail({ userId: ['Choose a person first.'] })
    const granted = await form.submit(async () => {
      await api.addWorkspaceMember(props.workspace.id, { userId: chosen.userId })
      await Promise.all([props.onGranted(), organizationMembers.refetch()])
    })
    if (granted) {
      setUserId('')
      showToast(`${chosen.fullName || chosen.email} can now open ${props.workspace.name}.`)
    }
  }

  return (
    <Card title="Grant access" description="Give a User of this organization access to this workspace.">
      <form onSubmit={submit} class="space-y-3" novalidate>
        <div class="flex flex-wrap items-end gap-3">
          <div class="min-w-64 flex-1 space-y-1.5">
            <label for="workspace-member-add-select" class="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
              Person
            </label>
            <select
              id="workspace-member-add-select"
              value={userId()}
              onChange={(event) => setUserId(event.currentTarget.value)}
              data-testid="workspace-member-add-select"
              aria-invalid={form.fieldError('userId') ? true : undefined}
              class={cx(inputClass, 'pr-8')}
            >
              <option value="">
                {organizationMembers.loading() && !organizationMembers.data()
                  ? 'Loading people…'
                  : candidates().length === 0
                    ? 'Every User already has access'
                    : 'Choose a person…'}
              </option>
              <For each={candidates()}>
                {(member) => (
                  <option value={member.userId} selected={member.userId === userId()}>
                    {member.fullName ? `${member.fullName} (${member.email})` : member.email}
                  </option>
                )}
              </For>
            </select>
          </div>
          <Button
            type="submit"
            variant="primary"
            loading={form.pending()}
            disabled={!userId()}
            data-testid="workspace-member-add-submit"
          >
            <UserPlus class="size-4" aria-hidden="true" />
            Grant access
          </Button>
        </div>
        <FormError
          message={form.error() ?? form.fieldError('userId')?.join(' ') ?? organizationMembers.error()?.message ?? null}
          testId="workspace-member-add-error"
        />
      </form>
    </Card>
  )
}
