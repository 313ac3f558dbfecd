import { createSignal, Show } from 'solid-js'
import { PersonLabel } from '../../components/avatar.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { Crown, Users } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { SearchBar } from '../../components/search-bar.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { User } from '../../lib/api-types.ts'
import { formatDate } from '../../lib/format.ts'
import { createPagedSearch, createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

const pageSize = 20

/** Super Admin: everyone on the platform, and who else is a Super Admin. */
export function PlatformUsersTab() {
  const list = createPagedSearch()
  const users = createQuery(
    () => ({ search: list.settled().trim(), page: list.page() }),
    (query) => api.listPlatformUsers({ ...query, pageSize }),
  )
  const [changing, setChanging] = createSignal<User | null>(null)

  const toggle = async () => {
    const user = changing()
    if (!user) return
    const updated = await api.updatePlatformUser(user.id, { isSuperAdmin: !user.isSuperAdmin })
    showToast(
      updated.isSuperAdmin
        ? `${updated.fullName || updated.email} is now a Super Admin.`
        : `${updated.fullName || updated.email} is no longer a Super Admin.`,
    )
    await users.refetch()
    if (updated.id === session.user()?.id) await session.reload()
  }

  return (
    <Card
      title="Platform users"
      description="Every account on this installation. Only Super Admins can grant or revoke Super Admin."
      bodyClass="p-0"
      testId="platform-users-card"
    >
      <SearchBar
        id="platform-users-search"
        label="Search by name or email"
        placeholder="Search by name or email"
        value={list.search()}
        onValue={list.setSearch}
      />
      <PagedTable
        query={users}
        testId="platform-users"
        label="Platform users"
        columns={['Name', 'Status', 'Created']}
        actions
        onPage={list.setPage}
        empty={<EmptyState testId="platform-users-empty" icon={<Users class="size-5" />} title="No users found" />}
      >
        {(user) => (
          <tr class={trClass} data-testid="platform-user-row" data-user-id={user.id}>
            <td class={tdClass}>
              <PersonLabel person={user} emailTestId="platform-user-email" />
            </td>
            <td class={tdClass}>
              <div class="flex flex-wrap gap-1">
                <Show when={user.isSuperAdmin}>
                  <Badge tone="amber" testId="platform-user-super-admin">
                    <Crown class="size-3" aria-hidden="true" />
                    Super Admin
                  </Badge>
                </Show>
                <Show when={!user.emailConfirmed}>
                  <Badge tone="gray">Email not confirmed</Badge>
                </Show>
              </div>
            </td>
            <td class={`${tdClass} whitespace-nowrap text-zinc-500 dark:text-zinc-400`}>
              {formatDate(user.createdAt)}
            </td>
            <td class={`${tdClass} text-right`}>
              <Button
                size="sm"
                variant={user.isSuperAdmin ? 'danger-outline' : 'secondary'}
                disabled={user.id === session.user()?.id}
                title={user.id === session.user()?.id ? 'You cannot change your own Super Admin role' : undefined}
                onClick={() => setChanging(user)}
                data-testid="platform-user-toggle-super-admin"
              >
                {user.isSuperAdmin ? 'Revoke Super Admin' : 'Grant Super Admin'}
              </Button>
            </td>
          </tr>
        )}
      </PagedTable>
      <ConfirmDialog
        open={changing() !== null}
        onClose={() => setChanging(null)}
        title={changing()?.isSuperAdmin ? 'Revoke Super Admin?' : 'Grant Super Admin?'}
        description={
          changing()?.isSuperAdmin
            ? `${changing()?.fullName || changing()?.email} will keep their own memberships but lose platform-wide access.`
            : `${changing()?.fullName || changing()?.email} will be able to open every organization and manage the platform.`
        }
        confirmLabel={changing()?.isSuperAdmin ? 'Revoke' : 'Grant Super Admin'}
        danger={changing()?.isSuperAdmin ?? false}
        onConfirm={toggle}
        testId="platform-user-confirm"
      />
    </Card>
  )
}
