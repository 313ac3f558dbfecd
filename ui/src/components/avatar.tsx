import { createSignal, type JSX, Show } from 'solid-js'
import { cx } from '../lib/cx.ts'
import { initials } from '../lib/format.ts'

interface AvatarProps {
  name: string | null | undefined
  email?: string
  src?: string | null
  size?: 'sm' | 'md' | 'lg'
  class?: string
}

const sizes = { sm: 'size-7 text-[11px]', md: 'size-8 text-xs', lg: 'size-14 text-lg' }

export function Avatar(props: AvatarProps) {
  const [broken, setBroken] = createSignal(false)
  return (
    <span
      class={cx(
        'inline-flex shrink-0 items-center justify-center overflow-hidden rounded-full bg-brand-100 font-semibold text-brand-700 dark:bg-brand-900/60 dark:text-brand-200',
        sizes[props.size ?? 'md'],
        props.class,
      )}
      aria-hidden="true"
    >
      <Show when={props.src && !broken()} fallback={initials(props.name, props.email)}>
        <img src={props.src ?? ''} alt="" class="size-full object-cover" onError={() => setBroken(true)} />
      </Show>
    </span>
  )
}

interface PersonLabelProps {
  person: { fullName: string; email: string; avatar: string | null }
  nameTestId?: string
  emailTestId: string
  /** Follows the name (a "(you)" marker). */
  children?: JSX.Element
}

/** Avatar, name and email: who a list row is about. */
export function PersonLabel(props: PersonLabelProps) {
  return (
    <div class="flex items-center gap-3">
      <Avatar name={props.person.fullName} email={props.person.email} src={props.person.avatar} />
      <div class="min-w-0">
        <p class="font-medium text-zinc-900 dark:text-zinc-100" data-testid={props.nameTestId}>
          {props.person.fullName || '—'}
          {props.children}
        </p>
        <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid={props.emailTestId}>
          {props.person.email}
        </p>
      </div>
    </div>
  )
}
