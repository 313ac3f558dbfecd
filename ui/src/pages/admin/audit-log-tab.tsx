import { For, Show } from 'solid-js'
import { Card, EmptyState } from '../../components/card.tsx'
import { ScrollText } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { SearchBar } from '../../components/search-bar.tsx'
import { Table, TableHead, tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { AuditEntry } from '../../lib/api-types.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createPagedSearch, createQuery } from '../../lib/query.ts'

const pageSize = 25

function actorLabel(entry: AuditEntry): string {
  if (entry.actor?.email) return entry.actor.email
  if (entry.actor?.tokenId) return `API token ${entry.actor.tokenId.slice(0, 8)}`
  return 'System'
}

const auditColumns = ['When', 'Action', 'Actor', 'Target', 'IP']

function AuditRow(props: { entry: AuditEntry }) {
  return (
    <tr class={trClass} data-testid="audit-row">
      <td class={`${tdClass} whitespace-nowrap text-zinc-500 dark:text-zinc-400`}>
        {formatDateTime(props.entry.createdAt)}
      </td>
      <td class={tdClass}>
        <code
          class="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200"
          data-testid="audit-action"
        >
          {props.entry.action}
        </code>
        <Show when={props.entry.metadata && Object.keys(props.entry.metadata).length > 0}>
          <details class="mt-1">
            <summary class="text-xs text-zinc-500 dark:text-zinc-400">Details</summary>
            <pre class="mt-1 max-w-md overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300">
              {JSON.stringify(props.entry.metadata, null, 2)}
            </pre>
          </details>
        </Show>
      </td>
      <td class={`${tdClass} text-zinc-700 dark:text-zinc-300`} data-testid="audit-actor">
        {actorLabel(props.entry)}
      </td>
      <td class={`${tdClass} text-xs text-zinc-500 dark:text-zinc-400`}>
        <Show when={props.entry.targetType} fallback="—">
          {props.entry.targetType}
          <Show when={props.entry.targetId}>
            <span class="block font-mono" title={props.entry.targetId ?? ''}>
              {props.entry.targetId?.slice(0, 8)}
            </span>
          </Show>
        </Show>
      </td>
      <td class={`${tdClass} font-mono text-xs text-zinc-500 dark:text-zinc-400`}>{props.entry.ip ?? '—'}</td>
    </tr>
  )
}

/** A list of audit entries: one API token's activity. */
export function AuditTable(props: { entries: AuditEntry[]; testId: string }) {
  return (
    <Table label="Audit entries" testId={props.testId}>
      <TableHead columns={auditColumns} />
      <tbody>
        <For each={props.entries}>{(entry) => <AuditRow entry={entry} />}</For>
      </tbody>
    </Table>
  )
}

export function AuditLogTab() {
  const list = createPagedSearch()
  const entries = createQuery(
    () => ({ action: list.settled().trim(), page: list.page() }),
    (query) => api.listAuditLog({ ...query, pageSize }),
  )

  return (
    <Card
      title="Audit log"
      description="Who did what in this organization, newest first."
      bodyClass="p-0"
      testId="audit-card"
    >
      <SearchBar
        id="audit-action-filter"
        label="Filter by action"
        placeholder="Filter by action, e.g. api_token.created"
        value={list.search()}
        onValue={list.setSearch}
      />
      <PagedTable
        query={entries}
        testId="audit"
        label="Audit entries"
        columns={auditColumns}
        onPage={list.setPage}
        empty={<EmptyState testId="audit-empty" icon={<ScrollText class="size-5" />} title="No entries yet" />}
      >
        {(entry) => <AuditRow entry={entry} />}
      </PagedTable>
    </Card>
  )
}
