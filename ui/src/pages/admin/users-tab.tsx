import { createSignal, For, Show } from 'solid-js'
import { PersonLabel } from '../../components/avatar.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { MailPlus, Pencil, UserMinus, Users, X } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { SearchBar } from '../../components/search-bar.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { Invitation, Member, Role, Workspace } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { formatDate, roleLabels } from '../../lib/format.ts'
import { createPagedSearch, createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { fetchAllWorkspaces } from '../../lib/workspaces.ts'
import { InviteDialog } from './invite-dialog.tsx'
import { MemberDialog } from './member-dialog.tsx'

const pageSize = 10

export function RoleBadge(props: { role: Role; testId?: string }) {
  const tone = () => (props.role === 'super_admin' ? 'amber' : props.role === 'admin' ? 'brand' : 'gray')
  return (
    <Badge tone={tone()} testId={props.testId}>
      {roleLabels[props.role] ?? props.role}
    </Badge>
  )
}

function WorkspaceNames(props: { ids: string[]; role: Role; workspaces: Workspace[]; testId: string }) {
  const names = () =>
    props.ids.map((id) => props.workspaces.find((w) => w.id === id)?.name).filter((n): n is string => Boolean(n))
  return (
    <div class="flex max-w-xs flex-wrap gap-1" data-testid={props.testId}>
      <Show
        when={props.role === 'user'}
        fallback={
          <span
            class={
              props.role === 'super_admin'
                ? 'text-xs font-medium text-amber-700 dark:text-amber-400'
                : 'text-xs font-medium text-zinc-600 dark:text-zinc-300'
            }
            title="Admins and Super Admins open every workspace through their role"
          >
            All
          </span>
        }
      >
        <For each={names()} fallback={<span class="text-xs text-zinc-400">None</span>}>
          {(name) => <Badge>{name}</Badge>}
        </For>
      </Show>
    </div>
  )
}

export function UsersTab() {
  const [view, setView] = createSignal<'active' | 'pending'>('active')
  const [inviteOpen, setInviteOpen] = createSignal(false)
  const [pendingVersion, setPendingVersion] = createSignal(0)
  const workspaces = createQuery(
    () => session.organization()?.id ?? 'current',
    () => fetchAllWorkspaces(),
  )

  const invited = (invitation: Invitation) => {
    setInviteOpen(false)
    showToast(`Invitation sent to ${invitation.email}.`)
    setView('pending')
    setPendingVersion((v) => v + 1)
  }

  const subTab = (id: 'active' | 'pending', label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={view() === id}
      onClick={() => setView(id)}
      data-testid={`users-subtab-${id}`}
      class={cx(
        'rounded-md px-3 py-1.5 text-sm font-medium transition-colors',
        view() === id
          ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-zinc-50'
          : 'text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200',
      )}
    >
      {label}
    </button>
  )

  return (
    <div class="space-y-4">
      <div class="flex flex-wrap items-center justify-between gap-3">
        <div role="tablist" aria-label="Users" class="inline-flex rounded-lg bg-zinc-100 p-1 dark:bg-zinc-800/70">
          {subTab('active', 'Active users')}
          {subTab('pending', 'Pending invites')}
        </div>
        <Button variant="primary" onClick={() => setInviteOpen(true)} data-testid="invite-open">
          <MailPlus class="size-4" aria-hidden="true" />
          Invite
        </Button>
      </div>
      <Show
        when={view() === 'active'}
        fallback={<PendingInvites workspaces={workspaces.data() ?? []} version={pendingVersion()} />}
      >
        <ActiveMembers workspaces={workspaces.data() ?? []} />
      </Show>
      <InviteDialog
        open={inviteOpen()}
        workspaces={workspaces.data() ?? []}
        onClose={() => setInviteOpen(false)}
        onInvited={invited}
      />
    </div>
  )
}

function ActiveMembers(props: { workspaces: Workspace[] }) {
  const list = createPagedSearch()
  const members = createQuery(
    () => ({ search: list.settled(), page: list.page() }),
    (query) => api.listMembers({ ...query, pageSize }),
  )
  const [editing, setEditing] = createSignal<Member | null>(null)
  const [removing, setRemoving] = createSignal<Member | null>(null)
  const isSelf = (member: Member) => member.userId === session.user()?.id

  const saved = async (member: Member) => {
    await Promise.all([members.refetch(), isSelf(member) ? session.reload() : undefined])
    setEditing(null)
    showToast(`${member.fullName || member.email} updated.`)
  }
  const remove = async () => {
    const member = removing()
    if (!member) return
    await api.removeMember(member.userId)
    showToast(`${member.fullName || member.email} was removed from the organization.`)
    await members.refetch()
  }

  return (
    <Card bodyClass="p-0" testId="members-card">
      <SearchBar
        id="members-search"
        label="Search by name or email"
        placeholder="Search by name or email"
        value={list.search()}
        onValue={list.setSearch}
      />
      <PagedTable
        query={members}
        testId="members"
        label="Active users"
        columns={['Name', 'Role', 'Workspaces', 'Joined']}
        actions
        onPage={list.setPage}
        empty={
          <EmptyState
            testId="members-empty"
            icon={<Users class="size-5" />}
            title={list.search() ? 'Nobody matches this search' : 'No members yet'}
          />
        }
      >
        {(member) => (
          <tr class={trClass} data-testid="member-row" data-user-id={member.userId}>
            <td class={tdClass}>
              <PersonLabel person={member} nameTestId="member-name" emailTestId="member-email">
                <Show when={isSelf(member)}>
                  <span class="ml-1.5 text-xs font-normal text-zinc-400">(you)</span>
                </Show>
              </PersonLabel>
            </td>
            <td class={tdClass}>
              <RoleBadge role={member.role} testId="member-role" />
            </td>
            <td class={tdClass}>
              <WorkspaceNames
                ids={member.workspaceIds}
                role={member.role}
                workspaces={props.workspaces}
                testId="member-workspaces"
              />
            </td>
            <td class={`${tdClass} whitespace-nowrap text-zinc-500 dark:text-zinc-400`}>
              {formatDate(member.joinedAt)}
            </td>
            <td class={`${tdClass} text-right`}>
              <div class="flex justify-end gap-1">
                <IconButton
                  label={`Edit ${member.fullName || member.email}`}
                  onClick={() => setEditing(member)}
                  disabled={member.role === 'super_admin' && !session.isSuperAdmin()}
                  data-testid="member-edit"
                >
                  <Pencil class="size-4" aria-hidden="true" />
                </IconButton>
                <IconButton
                  label={isSelf(member) ? 'You cannot remove yourself' : `Remove ${member.fullName || member.email}`}
                  onClick={() => setRemoving(member)}
                  disabled={isSelf(member)}
                  data-testid="member-remove"
                  danger
                >
                  <UserMinus class="size-4" aria-hidden="true" />
                </IconButton>
              </div>
            </td>
          </tr>
        )}
      </PagedTable>
      <MemberDialog member={editing()} workspaces={props.workspaces} onClose={() => setEditing(null)} onSaved={saved} />
      <ConfirmDialog
        open={removing() !== null}
        onClose={() => setRemoving(null)}
        title="Remove from organization?"
        description={`${removing()?.fullName || removing()?.email} loses access to this organization and all its workspaces.`}
        confirmLabel="Remove"
        danger
        onConfirm={remove}
        testId="member-remove-confirm"
      />
    </Card>
  )
}

function PendingInvites(props: { workspaces: Workspace[]; version: number }) {
  const [page, setPage] = createSignal(1)
  const invitations = createQuery(
    () => ({ page: page(), version: props.version }),
    (query) => api.listInvitations({ status: 'pending', page: query.page, pageSize }),
  )
  const [cancelling, setCancelling] = createSignal<Invitation | null>(null)

  const cancel = async () => {
    const invitation = cancelling()
    if (!invitation) return
    await api.cancelInvitation(invitation.id)
    showToast(`Invitation for ${invitation.email} cancelled.`)
    await invitations.refetch()
  }

  return (
    <Card bodyClass="p-0" testId="invitations-card">
      <PagedTable
        query={invitations}
        testId="invitations"
        label="Pending invites"
        columns={['Name', 'Role', 'Workspaces', 'Invited by', 'Expires']}
        actions
        onPage={setPage}
        empty={
          <EmptyState
            testId="invitations-empty"
            icon={<MailPlus class="size-5" />}
            title="No pending invitations"
            description="People you invite appear here until they accept."
          />
        }
      >
        {(invitation) => (
          <tr class={trClass} data-testid="invitation-row" data-invitation-id={invitation.id}>
            <td class={tdClass}>
              <p class="font-medium text-zinc-900 dark:text-zinc-100">{invitation.fullName}</p>
              <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="invitation-email">
                {invitation.email}
              </p>
            </td>
            <td class={tdClass}>
              <div class="flex flex-wrap items-center gap-1">
                <RoleBadge role={invitation.role} testId="invitation-role" />
                <Badge tone="amber" testId="invitation-status">
                  Awaiting access
                </Badge>
              </div>
            </td>
            <td class={tdClass}>
              <WorkspaceNames
                ids={invitation.workspaceIds}
                role={invitation.role}
                workspaces={props.workspaces}
                testId="invitation-workspaces"
              />
            </td>
            <td class={`${tdClass} text-zinc-600 dark:text-zinc-300`}>{invitation.invitedBy?.fullName ?? '—'}</td>
            <td class={`${tdClass} whitespace-nowrap text-zinc-500 dark:text-zinc-400`}>
              {formatDate(invitation.expiresAt)}
            </td>
            <td class={`${tdClass} text-right`}>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setCancelling(invitation)}
                data-testid="invitation-cancel"
              >
                <X class="size-3.5" aria-hidden="true" />
                Cancel
              </Button>
            </td>
          </tr>
        )}
      </PagedTable>
      <ConfirmDialog
        open={cancelling() !== null}
        onClose={() => setCancelling(null)}
        title="Cancel this invitation?"
        description={`The link sent to ${cancelling()?.email} stops working.`}
        confirmLabel="Cancel invitation"
        danger
        onConfirm={cancel}
        testId="invitation-cancel-confirm"
      />
    </Card>
  )
}
