import { createSignal, For, Show } from 'solid-js'
import { Card, EmptyState } from '../../components/card.tsx'
import { inputClass } from '../../components/field.tsx'
import { ScrollText, Search } from '../../components/icons.ts'
import { Pagination } from '../../components/pagination.tsx'
import { QueryState } from '../../components/query-state.tsx'
import { Table, tdClass, thClass, theadClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { AuditEntry } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createDebounced, createQuery } from '../../lib/query.ts'

const pageSize = 25

function actorLabel(entry: AuditEntry): string {
  if (entry.actor?.email) return entry.actor.email
  if (entry.actor?.tokenId) return `API token ${entry.actor.tokenId.slice(0, 8)}`
  return 'System'
}

/** A list of audit entries; also used for one API token's activity. */
export function AuditTable(props: { entries: AuditEntry[]; testId: string }) {
  return (
    <Table label="Audit entries" testId={props.testId}>
      <thead class={theadClass}>
        <tr>
          <th class={thClass}>When</th>
          <th class={thClass}>Action</th>
          <th class={thClass}>Actor</th>
          <th class={thClass}>Target</th>
          <th class={thClass}>IP</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.entries}>
          {(entry) => (
            <tr class={trClass} data-testid="audit-row">
              <td class={`${tdClass} whitespace-nowrap text-zinc-500 dark:text-zinc-400`}>
                {formatDateTime(entry.createdAt)}
              </td>
              <td class={tdClass}>
                <code
                  class="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200"
                  data-testid="audit-action"
                >
                  {entry.action}
                </code>
                <Show when={entry.metadata && Object.keys(entry.metadata).length > 0}>
                  <details class="mt-1">
                    <summary class="text-xs text-zinc-500 dark:text-zinc-400">Details</summary>
                    <pre class="mt-1 max-w-md overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300">
                      {JSON.stringify(entry.metadata, null, 2)}
                    </pre>
                  </details>
                </Show>
              </td>
              <td class={`${tdClass} text-zinc-700 dark:text-zinc-300`} data-testid="audit-actor">
                {actorLabel(entry)}
              </td>
              <td class={`${tdClass} text-xs text-zinc-500 dark:text-zinc-400`}>
                <Show when={entry.targetType} fallback="—">
                  {entry.targetType}
                  <Show when={entry.targetId}>
                    <span class="block font-mono" title={entry.targetId ?? ''}>
                      {entry.targetId?.slice(0, 8)}
                    </span>
                  </Show>
                </Show>
              </td>
              <td class={`${tdClass} font-mono text-xs text-zinc-500 dark:text-zinc-400`}>{entry.ip ?? '—'}</td>
            </tr>
          )}
        </For>
      </tbody>
    </Table>
  )
}

export function AuditLogTab() {
  const [action, setAction] = createSignal('')
  const [page, setPage] = createSignal(1)
  const settledAction = createDebounced(action)
  const entries = createQuery(
    () => ({ action: settledAction().trim(), page: page() }),
    (query) => api.listAuditLog({ ...query, pageSize }),
  )

  return (
    <Card
      title="Audit log"
      description="Who did what in this organization, newest first."
      bodyClass="p-0"
      testId="audit-card"
    >
      <div class="border-b border-zinc-100 p-4 dark:border-zinc-800">
        <div class="relative max-w-sm">
          <Search class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
          <label for="audit-action-filter" class="sr-only">
            Filter by action
          </label>
          <input
            id="audit-action-filter"
            type="search"
            placeholder="Filter by action, e.g. api_token.created"
            value={action()}
            onInput={(event) => {
              setAction(event.currentTarget.value)
              setPage(1)
            }}
            data-testid="audit-action-filter"
            class={cx(inputClass, 'pl-9')}
          />
        </div>
      </div>
      <QueryState query={entries} testId="audit">
        {(result) => (
          <Show
            when={result().items.length > 0}
            fallback={<EmptyState testId="audit-empty" icon={<ScrollText class="size-5" />} title="No entries yet" />}
          >
            <AuditTable entries={result().items} testId="audit-table" />
            <Pagination
              page={result().page}
              pageSize={result().pageSize}
              total={result().total}
              onPage={setPage}
              testId="audit-pagination"
            />
          </Show>
        )}
      </QueryState>
    </Card>
  )
}
