import { createSignal, For, Show } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { CopyButton } from '../../components/copy-button.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { Drawer } from '../../components/drawer.tsx'
import { inlineInputClass, inputClass } from '../../components/field.tsx'
import { BrainCircuit, Eye, Search, Trash2 } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { QueryState } from '../../components/query-state.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { EmbeddingSummary } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createDebounced, createQuery } from '../../lib/query.ts'
import { showToast } from '../../lib/toast.ts'
import { metadataBadges } from './labels.ts'

const PAGE_SIZES = [5, 10, 20, 50, 100]
const ID_PREFIX = /^[0-9a-f-]{1,36}$/

/** Super Admin: the chunks as the index holds them, to check what was embedded and remove a bad one. */
export function EmbeddingsTab(props: { workspaceId: string }) {
  const [pageSize, setPageSize] = createSignal(10)
  const [page, setPage] = createSignal(1)
  const [idSearch, setIdSearch] = createSignal('')
  const settled = createDebounced(() => idSearch().trim().toLowerCase())
  const invalidSearch = () => settled() !== '' && !ID_PREFIX.test(settled())
  const embeddings = createQuery(
    () => (invalidSearch() ? false : { page: page(), pageSize: pageSize(), id: settled() }),
    (query) =>
      api.listEmbeddings(props.workspaceId, {
        page: query.page,
        pageSize: query.pageSize,
        id: query.id || undefined,
      }),
  )
  const [openId, setOpenId] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<string | null>(null)

  const remove = async () => {
    const id = deleting()
    if (!id) return
    await api.deleteEmbedding(id)
    if (openId() === id) setOpenId(null)
    showToast('The chunk was removed from the index.')
    await embeddings.refetch()
  }

  return (
    <Card
      title="Embeddings"
      description="Every chunk of this organization's knowledge bases, newest first. Deleting one is permanent."
      bodyClass="p-0"
      testId="kb-embeddings-card"
    >
      <div class="flex flex-wrap items-start gap-3 border-b border-zinc-100 p-4 dark:border-zinc-800">
        <div class="min-w-48 flex-1 sm:max-w-sm">
          <div class="relative">
            <Search
              class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
              aria-hidden="true"
            />
            <label for="kb-embeddings-search" class="sr-only">
              Search by id
            </label>
            <input
              id="kb-embeddings-search"
              type="search"
              value={idSearch()}
              placeholder="Search by id…"
              onInput={(event) => {
                setIdSearch(event.currentTarget.value)
                setPage(1)
              }}
              aria-invalid={invalidSearch() ? true : undefined}
              aria-describedby={invalidSearch() ? 'kb-embeddings-search-error' : undefined}
              data-testid="kb-embeddings-search"
              class={cx(inputClass, 'pl-9 font-mono')}
              spellcheck={false}
              autocomplete="off"
            />
          </div>
          <Show when={invalidSearch()}>
            <p
              id="kb-embeddings-search-error"
              class="mt-1.5 text-xs text-red-600 dark:text-red-400"
              data-testid="kb-embeddings-search-error"
            >
              Use the start of an id: hex digits and dashes.
            </p>
          </Show>
        </div>
        <div class="ml-auto flex items-center gap-2">
          <label for="kb-embeddings-page-size" class="text-xs text-zinc-500 dark:text-zinc-400">
            Rows per page
          </label>
          <select
            id="kb-embeddings-page-size"
            value={String(pageSize())}
            onChange={(event) => {
              setPageSize(Number(event.currentTarget.value))
              setPage(1)
            }}
            data-testid="kb-embeddings-page-size"
            class={cx(inlineInputClass, 'w-auto shrink-0 pr-8')}
          >
            <For each={PAGE_SIZES}>{(size) => <option value={String(size)}>{size}</option>}</For>
          </select>
        </div>
      </div>
      <PagedTable
        query={embeddings}
        testId="kb-embeddings"
        label="Embeddings"
        columns={['ID', 'Inserted at', 'Metadata', { label: 'Version', align: 'right' }]}
        actions
        onPage={setPage}
        empty={
          <EmptyState
            testId="kb-embeddings-empty"
            icon={<BrainCircuit class="size-5" />}
            title={settled() ? 'No chunk has an id starting like this' : 'No chunks yet'}
            description={settled() ? undefined : 'Chunks appear here once imported documents are processed.'}
          />
        }
      >
        {(item: EmbeddingSummary) => (
          <tr class={trClass} data-testid="kb-embedding-row" data-embedding-id={item.id}>
            <td class={tdClass}>
              <button
                type="button"
                class="font-mono text-xs whitespace-nowrap text-zinc-800 hover:text-brand-700 hover:underline dark:text-zinc-200 dark:hover:text-brand-300"
                title={item.preview}
                onClick={() => setOpenId(item.id)}
                data-testid="kb-embedding-id"
              >
                {item.id}
              </button>
            </td>
            <td class={cx(tdClass, 'whitespace-nowrap text-zinc-600 dark:text-zinc-300')}>
              {formatDateTime(item.insertedAt)}
            </td>
            <td class={tdClass}>
              <div class="flex max-w-md flex-wrap gap-1" data-testid="kb-embedding-metadata">
                <For each={metadataBadges(item.metadata)} fallback={<span class="text-xs text-zinc-400">—</span>}>
                  {(badge) => <Badge tone={badge.key === 'tag' ? 'brand' : 'gray'}>{badge.label}</Badge>}
                </For>
              </div>
            </td>
            <td class={cx(tdClass, 'text-right tabular-nums')} data-testid="kb-embedding-version">
              {item.version}
            </td>
            <td class={cx(tdClass, 'text-right')}>
              <div class="flex justify-end gap-1">
                <IconButton label="Open the chunk" onClick={() => setOpenId(item.id)} data-testid="kb-embedding-view">
                  <Eye class="size-4" aria-hidden="true" />
                </IconButton>
                <IconButton
                  label="Delete the chunk"
                  danger
                  onClick={() => setDeleting(item.id)}
                  data-testid="kb-embedding-delete"
                >
                  <Trash2 class="size-4" aria-hidden="true" />
                </IconButton>
              </div>
            </td>
          </tr>
        )}
      </PagedTable>
      <EmbeddingDetail id={openId()} onClose={() => setOpenId(null)} onDelete={(id) => setDeleting(id)} />
      <ConfirmDialog
        open={deleting() !== null}
        onClose={() => setDeleting(null)}
        title="Delete this chunk?"
        description="It is removed from the index for good: search and agents stop finding it. The document stays."
        confirmLabel="Delete chunk"
        danger
        onConfirm={remove}
        testId="kb-embedding-delete-confirm"
      >
        <p class="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">{deleting()}</p>
      </ConfirmDialog>
    </Card>
  )
}

function EmbeddingDetail(props: { id: string | null; onClose: () => void; onDelete: (id: string) => void }) {
  const detail = createQuery(
    () => props.id,
    (id) => api.getEmbedding(id),
  )
  const current = () => {
    const data = detail.data()
    return data && data.id === props.id ? data : undefined
  }
  const row = (label: string, value: unknown, testId?: string, mono = false) => (
    <>
      <dt class="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd class={cx('min-w-0 break-all', mono && 'font-mono text-xs')} data-testid={testId}>
        {value === null || value === undefined || value === '' ? '—' : String(value)}
      </dd>
    </>
  )
  return (
    <Drawer
      open={props.id !== null}
      onClose={props.onClose}
      title="Chunk"
      description={<span class="font-mono text-xs">{props.id}</span>}
      testId="kb-embedding-detail"
      footer={
        <>
          <Button onClick={props.onClose}>Close</Button>
          <Button
            variant="danger"
            onClick={() => props.id && props.onDelete(props.id)}
            data-testid="kb-embedding-detail-delete"
          >
            <Trash2 class="size-4" aria-hidden="true" />
            Delete
          </Button>
        </>
      }
    >
      <QueryState query={{ ...detail, data: current }} testId="kb-embedding-detail">
        {(chunk) => (
          <div class="space-y-5 text-sm">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5">
              <dt class="text-zinc-500 dark:text-zinc-400">Knowledge base</dt>
              <dd class="flex min-w-0 items-center gap-1">
                <span class="font-mono text-xs break-all" data-testid="kb-embedding-detail-kb-id">
                  {chunk().workspaceId}
                </span>
                <CopyButton
                  text={chunk().workspaceId}
                  label="Copy the knowledge base id"
                  testId="kb-embedding-detail-kb-id-copy"
                />
              </dd>
              {row('Document', chunk().documentName, 'kb-embedding-detail-document')}
              {row('Document id', chunk().documentId, undefined, true)}
              {row('Position', `#${chunk().ordinal + 1}`)}
              {row('Inserted', formatDateTime(chunk().insertedAt))}
              {row('Version', chunk().version)}
              {row('Tokens', chunk().tokenCount)}
              {row('Text search', chunk().textConfig, undefined, true)}
              {row(
                'Embedding',
                chunk().embeddingModel
                  ? `${chunk().embeddingModel}${chunk().embeddingDimensions ? ` · ${chunk().embeddingDimensions} dimensions` : ''}`
                  : 'Not embedded (full-text only)',
                'kb-embedding-detail-model',
              )}
            </dl>
            <section>
              <h3 class="mb-1.5 text-xs font-medium text-zinc-500 dark:text-zinc-400">Content</h3>
              <pre
                class="max-h-96 overflow-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 font-sans text-sm whitespace-pre-wrap text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
                data-testid="kb-embedding-detail-content"
              >
                {chunk().content}
              </pre>
            </section>
            <section>
              <h3 class="mb-1.5 text-xs font-medium text-zinc-500 dark:text-zinc-400">Metadata</h3>
              <pre
                class="max-h-72 overflow-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
                data-testid="kb-embedding-detail-metadata"
              >
                {JSON.stringify(chunk().metadata, null, 2)}
              </pre>
            </section>
          </div>
        )}
      </QueryState>
    </Drawer>
  )
}
