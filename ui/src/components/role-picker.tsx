import { For } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import type { Role } from '../lib/api-types.ts'
import { cx } from '../lib/cx.ts'
import { Crown, ShieldCheck, UserRound } from './icons.ts'

const roles: { id: Role; label: string; description: string; icon: typeof UserRound }[] = [
  { id: 'user', label: 'User', description: 'Works in the workspaces given to them.', icon: UserRound },
  { id: 'admin', label: 'Admin', description: 'Manages the organization, workspaces and people.', icon: ShieldCheck },
  { id: 'super_admin', label: 'Super Admin', description: 'Runs the whole platform, every organization.', icon: Crown },
]

interface RolePickerProps {
  /** Radio ids and test ids: `${prefix}-role-user`, `${prefix}-role-admin`, `${prefix}-role-super_admin`. */
  prefix: string
  value: Role
  onChange: (role: Role) => void
  /** Only Super Admins may grant Super Admin; for everyone else the option is not offered. */
  allowSuperAdmin: boolean
  error?: string[] | undefined
}

/** Role choice as radio cards; Super Admin is highlighted in amber because it reaches across organizations. */
export function RolePicker(props: RolePickerProps) {
  const options = () => roles.filter((role) => role.id !== 'super_admin' || props.allowSuperAdmin)
  return (
    <fieldset>
      <legend class="mb-1.5 text-sm font-medium text-zinc-800 dark:text-zinc-200">Role</legend>
      <div class={cx('grid gap-2', options().length === 3 ? 'sm:grid-cols-3' : 'sm:grid-cols-2')}>
        <For each={options()}>
          {(role) => {
            const checked = () => props.value === role.id
            const amber = role.id === 'super_admin'
            return (
              <label
                for={`${props.prefix}-role-${role.id}`}
                class={cx(
                  'relative flex cursor-pointer flex-col gap-1 rounded-lg border p-3 text-sm transition-colors has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-brand-500',
                  amber
                    ? checked()
                      ? 'border-amber-500 bg-amber-50 ring-1 ring-amber-500 dark:border-amber-500 dark:bg-amber-950/40'
                      : 'border-amber-300 bg-amber-50/40 hover:border-amber-400 dark:border-amber-800 dark:bg-amber-950/20'
                    : checked()
                      ? 'border-brand-500 bg-brand-50 ring-1 ring-brand-500 dark:border-brand-500 dark:bg-brand-950/40'
                      : 'border-zinc-200 hover:border-zinc-300 dark:border-zinc-700 dark:hover:border-zinc-600',
                )}
              >
                <input
                  id={`${props.prefix}-role-${role.id}`}
                  type="radio"
                  name={`${props.prefix}-role`}
                  value={role.id}
                  checked={checked()}
                  onChange={() => props.onChange(role.id)}
                  data-testid={`${props.prefix}-role-${role.id}`}
                  class="sr-only"
                />
                <span
                  class={cx(
                    'flex items-center gap-1.5 font-medium',
                    amber ? 'text-amber-800 dark:text-amber-300' : 'text-zinc-900 dark:text-zinc-100',
                  )}
                >
                  <Dynamic component={role.icon} class="size-4" aria-hidden="true" />
                  {role.label}
                </span>
                <span class="text-xs text-zinc-500 dark:text-zinc-400">{role.description}</span>
              </label>
            )
          }}
        </For>
      </div>
      {props.error && <p class="mt-1.5 text-xs text-red-600 dark:text-red-400">{props.error.join(' ')}</p>}
    </fieldset>
  )
}
