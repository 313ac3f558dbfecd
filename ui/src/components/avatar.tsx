import { createSignal, Show } from 'solid-js'
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
