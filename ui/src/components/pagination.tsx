import { Show } from 'solid-js'
import { Button } from './button.tsx'
import { ChevronLeft, ChevronRight } from './icons.ts'

interface PaginationProps {
  page: number
  pageSize: number
  total: number
  onPage: (page: number) => void
  testId: string
}

export function Pagination(props: PaginationProps) {
  const pages = () => Math.max(1, Math.ceil(props.total / Math.max(1, props.pageSize)))
  const first = () => (props.total === 0 ? 0 : (props.page - 1) * props.pageSize + 1)
  const last = () => Math.min(props.total, props.page * props.pageSize)
  return (
    <Show when={props.total > 0}>
      <nav
        aria-label="Pagination"
        data-testid={props.testId}
        class="flex items-center justify-between gap-3 border-t border-zinc-100 px-4 py-3 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
      >
        <span data-testid={`${props.testId}-info`}>
          {first()}–{last()} of {props.total}
        </span>
        <div class="flex items-center gap-2">
          <Button
            size="sm"
            disabled={props.page <= 1}
            onClick={() => props.onPage(props.page - 1)}
            data-testid={`${props.testId}-prev`}
            aria-label="Previous page"
          >
            <ChevronLeft class="size-4" aria-hidden="true" />
          </Button>
          <span>
            Page {props.page} of {pages()}
          </span>
          <Button
            size="sm"
            disabled={props.page >= pages()}
            onClick={() => props.onPage(props.page + 1)}
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
