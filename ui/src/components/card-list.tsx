/** Pieces of pages that list things as cards. */
import type { ComponentProps } from 'solid-js'
import { cardClass, EmptyState } from './card.tsx'

/** What a card list shows when it has nothing to list. */
export function EmptyCard(props: ComponentProps<typeof EmptyState>) {
  return (
    <div class={cardClass}>
      <EmptyState {...props} />
    </div>
  )
}

/** One label and value in a card's `<dl>`. */
export function CardMeta(props: { label: string; testId: string; children: string | number }) {
  return (
    <div class="min-w-0">
      <dt class="text-xs text-zinc-500 dark:text-zinc-400">{props.label}</dt>
      <dd class="truncate text-sm text-zinc-800 dark:text-zinc-200" data-testid={props.testId}>
        {props.children}
      </dd>
    </div>
  )
}
