import { For, type JSX, Show } from 'solid-js'
import type { Page } from '../lib/api-types.ts'
import type { QueryView } from '../lib/query.ts'
import { Pagination } from './pagination.tsx'
import { QueryState } from './query-state.tsx'
import { type Column, Table, TableHead } from './table.tsx'

interface PagedTableProps<T> {
  query: QueryView<Page<T>>
  /** Names the parts: `${testId}-load-error`, `${testId}-table`, `${testId}-pagination`. */
  testId: string
  /** The table's accessible name. */
  label: string
  columns: Column[]
  /** Ends each row with a column of buttons. */
  actions?: boolean
  onPage: (page: number) => void
  /** Shown in place of the table when the page has no items. */
  empty: JSX.Element
  /** One `<tr>` per item. */
  children: (item: T) => JSX.Element
}

/** One page of a list as a table: spinner and load error (QueryState), the empty state or the rows, then the pager. */
export function PagedTable<T>(props: PagedTableProps<T>) {
  return (
    <QueryState query={props.query} testId={props.testId}>
      {(result) => (
        <Show when={result().items.length > 0} fallback={props.empty}>
          <Table label={props.label} testId={`${props.testId}-table`}>
            <TableHead columns={props.columns} actions={props.actions} />
            <tbody>
              <For each={result().items}>{(item) => props.children(item)}</For>
            </tbody>
          </Table>
          <Pagination of={result()} onPage={props.onPage} testId={`${props.testId}-pagination`} />
        </Show>
      )}
    </QueryState>
  )
}
