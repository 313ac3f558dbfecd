import { A, useNavigate } from '@solidjs/router'
import { Show } from 'solid-js'
import { roleLabels } from '../../lib/format.ts'
import { session } from '../../lib/session.ts'
import { Avatar } from '../avatar.tsx'
import { Badge } from '../badge.tsx'
import { LogOut, ShieldCheck, UserRound } from '../icons.ts'
import { menuItemClass, Popover } from '../popover.tsx'

export function UserMenu() {
  const navigate = useNavigate()
  const signOut = async () => {
    await session.signOut()
    navigate('/login', { replace: true })
  }
  const roleLabel = () => {
    if (session.isSuperAdmin()) return roleLabels.super_admin
    const role = session.me()?.role
    return role ? roleLabels[role] : null
  }
  return (
    <Popover
      triggerTestId="user-menu"
      panelTestId="user-menu-panel"
      triggerLabel="Account menu"
      align="end"
      panelClass="w-64"
      triggerClass="flex items-center rounded-full"
      trigger={<Avatar name={session.user()?.fullName} email={session.user()?.email} src={session.user()?.avatar} />}
    >
      {(close) => (
        <div>
          <div class="border-b border-zinc-100 px-2.5 pt-1.5 pb-2.5 dark:border-zinc-800">
            <p class="truncate font-medium text-zinc-900 dark:text-zinc-100" data-testid="user-menu-name">
              {session.user()?.fullName}
            </p>
            <p class="truncate text-xs text-zinc-500 dark:text-zinc-400" data-testid="user-menu-email">
              {session.user()?.email}
            </p>
            <Show when={roleLabel()}>
              {(label) => (
                <Badge tone={session.isSuperAdmin() ? 'amber' : 'gray'} class="mt-2" testId="user-menu-role">
                  {label()}
                </Badge>
              )}
            </Show>
          </div>
          <div class="pt-1.5">
            <A href="/profile" class={menuItemClass} data-testid="user-menu-profile" onClick={close}>
              <UserRound class="size-4" aria-hidden="true" />
              Profile
            </A>
            <Show when={session.isAdmin()}>
              <A href="/admin" class={menuItemClass} data-testid="user-menu-admin" onClick={close}>
                <ShieldCheck class="size-4" aria-hidden="true" />
                Admin panel
              </A>
            </Show>
            <button type="button" class={menuItemClass} data-testid="user-menu-signout" onClick={signOut}>
              <LogOut class="size-4" aria-hidden="true" />
              Sign out
            </button>
          </div>
        </div>
      )}
    </Popover>
  )
}
