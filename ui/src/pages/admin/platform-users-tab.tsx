import { createSignal, For, Show } from 'solid-js'
import { Avatar } from '../../components/avatar.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { inputClass } from '../../components/field.tsx'
import { Crown, Search, Users } from '../../components/icons.ts'
import { Pagination } from '../../components/pagination.tsx'
import { QueryState } from '../../components/query-state.tsx'
import { Table, tdClass, thClass, theadClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { User } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { formatDate } from '../../lib/format.ts'
import { createDebounced, createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

const pageSize = 20

/** Super Admin: everyone on the platform, and who else is a Super Admin. */
export function PlatformUsersTab() {
  const [search, setSearch] = createSignal('')
  const [page, setPage] = createSignal(1)
  const settledSearch = createDebounced(search)
  const users = createQuery(
    () => ({ search: settledSearch().trim(), page: page() }),
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
      <div class="border-b border-zinc-100 p-4 dark:border-zinc-800">
        <div class="relative max-w-sm">
          <Search class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
          <label for="platform-users-search" class="sr-only">
            Search by name or email
          </label>
          <input
            id="platform-users-search"
            type="search"
            placeholder="Search by name or email"
            value={search()}
            onInput={(event) => {
              setSearch(event.currentTarget.value)
              setPage(1)
            }}
            data-testid="platform-users-search"
            class={cx(inputClass, 'pl-9')}
          />
        </div>
      </div>
      <QueryState query={users} testId="platform-users">
        {(result) => (
          <Show
            when={result().items.length > 0}
            fallback={
              <EmptyState testId="platform-users-empty" icon={<Users class="size-5" />} title="No users found" />
            }
          >
            <Table label="Platform users" testId="platform-users-table">
              <thead class={theadClass}>
                <tr>
                  <th class={thClass}>Name</th>
                  <th class={thClass}>Status</th>
                  <th class={thClass}>Created</th>
                  <th class={`${thClass} text-right`}>
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={result().items}>
                  {(user) => (
                    <tr class={trClass} data-testid="platform-user-row" data-user-id={user.id}>
                      <td class={tdClass}>
                        <div class="flex items-center gap-3">
                          <Avatar name={user.fullName} email={user.email} src={user.avatar} />
                          <div class="min-w-0">
                            <p class="font-medium text-zinc-900 dark:text-zinc-100">{user.fullName || '—'}</p>
                            <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="platform-user-email">
                              {user.email}
                            </p>
                          </div>
                        </div>
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
                          title={
                            user.id === session.user()?.id ? 'You cannot change your own Super Admin role' : undefined
                          }
                          onClick={() => setChanging(user)}
                          data-testid="platform-user-toggle-super-admin"
                        >
                          {user.isSuperAdmin ? 'Revoke Super Admin' : 'Grant Super Admin'}
                        </Button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </Table>
            <Pagination
              page={result().page}
              pageSize={result().pageSize}
              total={result().total}
              onPage={setPage}
              testId="platform-users-pagination"
            />
          </Show>
        )}
      </QueryState>
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
