import { A } from '@solidjs/router'
import { createSignal, For, onCleanup, Show } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { inlineInputClass, inputClass } from '../../components/field.tsx'
import { Database, RotateCcw, Search, Settings, Table2, Trash2, Upload } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { ProgressBar } from '../../components/progress-bar.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { DocumentStatus, KnowledgeDocument, Workspace } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import type { StreamState } from '../../lib/event-stream.ts'
import { createFormState } from '../../lib/form.ts'
import { formatDate } from '../../lib/format.ts'
import { createDebounced, createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { createDocumentFeed } from './document-feed.ts'
import { createImportValues, ImportDialog } from './import-dialog.tsx'
import { explainError, formatBytes, inFlight, isSpreadsheet, statusLabels, statusTone } from './labels.ts'
import { PipelineSettingsDialog } from './pipeline-settings-dialog.tsx'
import { QueryDialog } from './query-dialog.tsx'
import { SearchPanel } from './search-panel.tsx'
import { createUploadQueue } from './upload-queue.ts'

const pageSize = 20

const statusOptions: { value: '' | DocumentStatus; label: string }[] = [
  { value: '', label: 'All statuses' },
  { value: 'queued', label: 'Queued' },
  { value: 'parsing', label: 'Parsing' },
  { value: 'embedding', label: 'Embedding' },
  { value: 'ready', label: 'Ready' },
  { value: 'failed', label: 'Failed' },
]

export function StorageTab(props: { workspace: Workspace }) {
  const workspaceId = props.workspace.id
  const [status, setStatus] = createSignal<'' | DocumentStatus>('')
  const [search, setSearch] = createSignal('')
  const [page, setPage] = createSignal(1)
  const settledSearch = createDebounced(search)
  const feed = createDocumentFeed(workspaceId, {
    onChange: (change) => {
      const shown = documents.data()?.items.some((d) => d.id === change.id)
      // a new document (an upload here or elsewhere), or one that finished: counts, format and model change too
      if (!shown || !inFlight(change.status)) refreshSoon()
    },
    poll: () => documents.refetch(),
  })

  const documents = createQuery(
    () => ({ status: status(), search: settledSearch().trim(), page: page() }),
    async (query) => {
      const result = await api.listKnowledgeDocuments(workspaceId, {
        page: query.page,
        pageSize,
        status: query.status || undefined,
        search: query.search || undefined,
      })
      feed.absorb(result.items)
      return result
    },
  )

  // one refresh for a burst of events
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  const refreshSoon = () => {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => void documents.refetch(), 400)
  }
  onCleanup(() => clearTimeout(refreshTimer))

  const importValues = createImportValues()
  const importForm = createFormState(importValues.values)
  const queue = createUploadQueue(workspaceId, {
    onStored: (document) => {
      feed.absorb([document])
      feed.track(document.id)
      refreshSoon()
    },
    onFieldErrors: (fields, message) => importForm.fail(fields, message),
  })

  const [importOpen, setImportOpen] = createSignal(false)
  const [settingsOpen, setSettingsOpen] = createSignal(false)
  const [deleting, setDeleting] = createSignal<KnowledgeDocument | null>(null)
  const [querying, setQuerying] = createSignal<KnowledgeDocument | null>(null)
  const [retrying, setRetrying] = createSignal<string | null>(null)

  const retry = async (document: KnowledgeDocument) => {
    setRetrying(document.id)
    try {
      const queued = await api.retryKnowledgeDocument(document.id)
      feed.absorb([queued])
      feed.track(queued.id)
      showToast(`"${document.name}" was queued again.`)
      refreshSoon()
    } catch (error) {
      showToast(api.toApiError(error).message, 'error')
    } finally {
      setRetrying(null)
    }
  }

  const remove = async () => {
    const document = deleting()
    if (!document) return
    await api.deleteKnowledgeDocument(document.id)
    showToast(`"${document.name}" was deleted.`)
    await documents.refetch()
  }

  const provider = () => documents.data()?.provider

  return (
    <div class="space-y-6">
      <Card
        title="Documents"
        description="Files in this workspace's knowledge base, searched by agents, the Playground and MCP clients."
        bodyClass="p-0"
        testId="kb-documents-card"
        actions={
          <>
            <LiveStatus state={feed.state()} />
            <Show when={session.isSuperAdmin()}>
              <IconButton
                label="Pipeline settings"
                onClick={() => setSettingsOpen(true)}
                data-testid="kb-settings-open"
              >
                <Settings class="size-4" aria-hidden="true" />
              </IconButton>
            </Show>
            <Button variant="primary" onClick={() => setImportOpen(true)} data-testid="kb-import-open">
              <Upload class="size-4" aria-hidden="true" />
              Import
            </Button>
          </>
        }
      >
        <div class="flex flex-wrap items-center gap-3 border-b border-zinc-100 p-4 dark:border-zinc-800">
          <div class="relative min-w-48 flex-1 sm:max-w-sm">
            <Search
              class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
              aria-hidden="true"
            />
            <label for="kb-documents-search" class="sr-only">
              Search documents by name
            </label>
            <input
              id="kb-documents-search"
              type="search"
              placeholder="Search by name…"
              value={search()}
              onInput={(event) => {
                setSearch(event.currentTarget.value)
                setPage(1)
              }}
              data-testid="kb-documents-search"
              class={cx(inputClass, 'pl-9')}
            />
          </div>
          <label for="kb-status-filter" class="sr-only">
            Status
          </label>
          <select
            id="kb-status-filter"
            value={status()}
            onChange={(event) => {
              setStatus(event.currentTarget.value as '' | DocumentStatus)
              setPage(1)
            }}
            data-testid="kb-status-filter"
            class={cx(inlineInputClass, 'w-auto shrink-0 pr-8')}
          >
            <For each={statusOptions}>{(option) => <option value={option.value}>{option.label}</option>}</For>
          </select>
          <Show when={provider()}>
            {(p) => (
              <span
                class="ml-auto text-xs text-zinc-500 dark:text-zinc-400"
                data-testid="kb-provider-status"
                data-configured={p().configured ? 'true' : 'false'}
              >
                <Show
                  when={p().configured}
                  fallback={
                    <>
                      Full-text search only
                      <Show when={session.isAdmin()}>
                        {' · '}
                        <A
                          href="/admin?tab=ai-provider"
                          class="font-medium text-brand-600 hover:underline dark:text-brand-400"
                        >
                          add an embedding provider
                        </A>
                      </Show>
                    </>
                  }
                >
                  Hybrid search · <span class="font-mono">{p().embeddingModel}</span>
                </Show>
              </span>
            )}
          </Show>
        </div>
        <PagedTable
          query={documents}
          testId="kb-documents"
          label="Documents"
          columns={['Document', 'Format', 'Size', 'Status', { label: 'Chunks / rows', align: 'right' }, 'Tags']}
          actions
          onPage={setPage}
          empty={
            <EmptyState
              testId="kb-documents-empty"
              icon={<Database class="size-5" />}
              title={status() || settledSearch() ? 'No documents match' : 'No documents yet'}
              description={
                status() || settledSearch()
                  ? 'Try another status or name.'
                  : 'Import PDFs, Word files, Markdown, web pages, JSON, XML or spreadsheets.'
              }
              action={
                <Show when={!status() && !settledSearch()}>
                  <Button variant="primary" onClick={() => setImportOpen(true)}>
                    <Upload class="size-4" aria-hidden="true" />
                    Import files
                  </Button>
                </Show>
              }
            />
          }
        >
          {(item) => {
            const document = () => feed.merge(item)
            return (
              <tr
                class={trClass}
                data-testid="kb-document-row"
                data-document-id={item.id}
                data-status={document().status}
              >
                <td class={cx(tdClass, 'max-w-xs')}>
                  <p class="truncate font-medium text-zinc-900 dark:text-zinc-100" data-testid="kb-document-name">
                    {document().name}
                  </p>
                  <p class="truncate text-xs text-zinc-500 dark:text-zinc-400">
                    <Show when={document().kind === 'context'} fallback={document().fileName}>
                      Published contexts
                    </Show>
                    {' · '}
                    {formatDate(document().createdAt)}
                  </p>
                  <Show when={document().status === 'failed'}>
                    <div class="mt-1.5 space-y-0.5 text-xs" data-testid="kb-document-error">
                      <p class="text-red-700 dark:text-red-400">
                        <Show when={document().errorCode}>
                          {(code) => (
                            <code class="mr-1 rounded bg-red-50 px-1 py-0.5 font-mono text-[11px] dark:bg-red-950/50">
                              {code()}
                            </code>
                          )}
                        </Show>
                        {document().error ?? 'The document could not be processed.'}
                      </p>
                      <Show when={explainError(document().errorCode)}>
                        {(hint) => <p class="text-zinc-500 dark:text-zinc-400">{hint()}</p>}
                      </Show>
                    </div>
                  </Show>
                </td>
                <td class={cx(tdClass, 'text-xs uppercase text-zinc-600 dark:text-zinc-300')}>
                  <span data-testid="kb-document-format">{document().format ?? '—'}</span>
                </td>
                <td class={cx(tdClass, 'whitespace-nowrap text-zinc-600 dark:text-zinc-300')}>
                  <span data-testid="kb-document-size">{formatBytes(document().sizeBytes)}</span>
                </td>
                <td class={cx(tdClass, 'min-w-32')}>
                  <div class="flex items-center gap-2">
                    <Badge
                      tone={statusTone[document().status]}
                      testId="kb-document-status"
                      class={inFlight(document().status) ? 'animate-pulse' : undefined}
                    >
                      {statusLabels[document().status]}
                    </Badge>
                    <Show when={inFlight(document().status)}>
                      <span class="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{document().progress}%</span>
                    </Show>
                  </div>
                  <Show when={inFlight(document().status)}>
                    <ProgressBar
                      class="mt-1.5 max-w-32"
                      value={document().progress}
                      label={`${document().name}: ${statusLabels[document().status]}`}
                      testId="kb-document-progress"
                    />
                  </Show>
                </td>
                <td class={cx(tdClass, 'text-right whitespace-nowrap tabular-nums text-zinc-600 dark:text-zinc-300')}>
                  <span data-testid="kb-document-counts">
                    {document().chunkCount}
                    <Show when={document().rowCount > 0}> / {document().rowCount}</Show>
                  </span>
                </td>
                <td class={tdClass}>
                  <div class="flex max-w-56 flex-wrap gap-1" data-testid="kb-document-tags">
                    <Show when={document().source}>{(source) => <Badge tone="blue">{source()}</Badge>}</Show>
                    <Show when={document().language}>{(language) => <Badge>{language()}</Badge>}</Show>
                    <For each={document().tags}>{(tag) => <Badge tone="brand">#{tag}</Badge>}</For>
                  </div>
                </td>
                <td class={cx(tdClass, 'text-right')}>
                  <div class="flex justify-end gap-1">
                    <Show when={document().status === 'ready' && isSpreadsheet(document())}>
                      <IconButton
                        label={`Query the rows of ${document().name}`}
                        onClick={() => setQuerying(document())}
                        data-testid="kb-document-query"
                      >
                        <Table2 class="size-4" aria-hidden="true" />
                      </IconButton>
                    </Show>
                    <Show when={document().status === 'failed'}>
                      <IconButton
                        label={`Retry ${document().name}`}
                        onClick={() => retry(document())}
                        disabled={retrying() === item.id}
                        data-testid="kb-document-retry"
                      >
                        <RotateCcw class={cx('size-4', retrying() === item.id && 'animate-spin')} aria-hidden="true" />
                      </IconButton>
                    </Show>
                    <Show when={document().kind === 'file'}>
                      <IconButton
                        label={`Delete ${document().name}`}
                        danger
                        onClick={() => setDeleting(document())}
                        data-testid="kb-document-delete"
                      >
                        <Trash2 class="size-4" aria-hidden="true" />
                      </IconButton>
                    </Show>
                  </div>
                </td>
              </tr>
            )
          }}
        </PagedTable>
      </Card>

      <SearchPanel workspaceId={workspaceId} />

      <ImportDialog
        open={importOpen()}
        onClose={() => setImportOpen(false)}
        queue={queue}
        feed={feed}
        form={importForm}
        values={importValues.values}
        setValue={importValues.setValue}
      />
      <ConfirmDialog
        open={deleting() !== null}
        onClose={() => setDeleting(null)}
        title="Delete this document?"
        description={
          <>
            <strong class="font-medium text-zinc-800 dark:text-zinc-200">{deleting()?.name}</strong>, its stored file,
            chunks and rows are removed for good. Agents stop finding it at once.
          </>
        }
        confirmLabel="Delete document"
        danger
        onConfirm={remove}
        testId="kb-document-delete-confirm"
      />
      <QueryDialog document={querying()} workspaceId={workspaceId} onClose={() => setQuerying(null)} />
      <Show when={session.isSuperAdmin()}>
        <PipelineSettingsDialog open={settingsOpen()} onClose={() => setSettingsOpen(false)} />
      </Show>
    </div>
  )
}

const liveLabels: Record<StreamState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Updating every 3 s',
  closed: 'Offline',
}

function LiveStatus(props: { state: StreamState }) {
  return (
    <span
      class="inline-flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400"
      data-testid="kb-live-status"
      data-state={props.state}
      title={
        props.state === 'live'
          ? 'Pipeline progress arrives as it happens'
          : props.state === 'polling'
            ? 'The live connection is unavailable; the list refreshes every 3 seconds'
            : undefined
      }
    >
      <span
        aria-hidden="true"
        class={cx(
          'size-2 rounded-full',
          props.state === 'live' ? 'bg-emerald-500' : props.state === 'polling' ? 'bg-amber-500' : 'bg-zinc-400',
        )}
      />
      {liveLabels[props.state]}
    </span>
  )
}
