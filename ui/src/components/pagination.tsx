import { Show } from 'solid-js'
import type { Page } from '../lib/api-types.ts'
import { Button } from './button.tsx'
import { ChevronLeft, ChevronRight } from './icons.ts'

interface PaginationProps {
  /** The page shown: its number, size and the list's total. */
  of: Page<unknown>
  onPage: (page: number) => void
  testId: string
}

export function Pagination(props: PaginationProps) {
  const page = () => props.of.page
  const total = () => props.of.total
  const pages = () => Math.max(1, Math.ceil(total() / Math.max(1, props.of.pageSize)))
  const first = () => (total() === 0 ? 0 : (page() - 1) * props.of.pageSize + 1)
  const last = () => Math.min(total(), page() * props.of.pageSize)
  return (
    <Show when={total() > 0}>
      <nav
        aria-label="Pagination"
        data-testid={props.testId}
        class="flex items-center justify-between gap-3 border-t border-zinc-100 px-4 py-3 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
      >
        <span data-testid={`${props.testId}-info`}>
          {first()}–{last()} of {total()}
        </span>
        <div class="flex items-center gap-2">
          <Button
            size="sm"
            disabled={page() <= 1}
            onClick={() => props.onPage(page() - 1)}
            data-testid={`${props.testId}-prev`}
            aria-label="Previous page"
          >
            <ChevronLeft class="size-4" aria-hidden="true" />
          </Button>
          <span>
            Page {page()} of {pages()}
          </span>
          <Button
            size="sm"
            disabled={page() >= pages()}
            onClick={() => props.onPage(page() + 1)}
            data-testid={`${props.testId}-next`}
            aria-label="Next page"
          >
            <ChevronRight class="size-4" aria-hidden="true" />
          </Button>
        </div>
      </nav>
    </Show>
  )
}
