import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { createStore, reconcile, unwrap } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { inlineInputClass, inputClass } from '../../components/field.tsx'
import { FileUp, Layers, Plus, Save, Search, Send, Undo2 } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import * as api from '../../lib/api.ts'
import type { ContextSection, ContextSectionType, KnowledgeContexts, Workspace } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { SECTION_TYPES, sectionTypeLabels } from './labels.ts'
import { newSection, SectionEditor, sectionText, withUniqueIds } from './section-editor.tsx'

const AUTOSAVE_MS = 1200

export function ContextsTab(props: { workspace: Workspace }) {
  const contexts = createQuery(
    () => props.workspace.id,
    (id) => api.getKnowledgeContexts(id),
  )
  return (
    <QueryState query={contexts} testId="kb-contexts">
      {(loaded) => <ContextsEditor workspaceId={props.workspace.id} initial={loaded()} />}
    </QueryState>
  )
}

type SaveState = 'saved' | 'dirty' | 'saving' | 'error'

const clone = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/**
 * The draft is edited here and saved on its own a moment after each change (or with Save draft); nothing reaches
 * the knowledge base until an Admin publishes. The badge compares the draft with the published version.
 */
function ContextsEditor(props: { workspaceId: string; initial: KnowledgeContexts }) {
  const [sections, setSections] = createStore<ContextSection[]>(clone(props.initial.draft))
  /** What the server holds: its (normalized) draft, the published sections, the version. */
  const [server, setServer] = createSignal(props.initial)
  /** The JSON last sent (or loaded): the draft is dirty while the sections differ from it. */
  const [sentJson, setSentJson] = createSignal(JSON.stringify(props.initial.draft))
  const [saving, setSaving] = createSignal(false)
  const [saveError, setSaveError] = createSignal<string | null>(null)
  const [sectionErrors, setSectionErrors] = createSignal<Record<string, Record<string, string[]>>>({})
  const [publishing, setPublishing] = createSignal(false)
  const [undoOpen, setUndoOpen] = createSignal(false)
  const [importing, setImporting] = createSignal(false)
  const [search, setSearch] = createSignal('')
  const [typeFilter, setTypeFilter] = createSignal<'' | ContextSectionType>('')
  const [addType, setAddType] = createSignal<ContextSectionType>('text_area')
  let fileInput!: HTMLInputElement
  let listElement!: HTMLOListElement

  const currentJson = () => JSON.stringify(sections)
  const dirty = () => currentJson() !== sentJson()
  const unpublished = () =>
    dirty() || saveError() !== null || JSON.stringify(server().draft) !== JSON.stringify(server().published)
  const state = (): SaveState => (saving() ? 'saving' : saveError() ? 'error' : dirty() ? 'dirty' : 'saved')

  async function save(): Promise<boolean> {
    if (saving()) return false
    const draft = clone(unwrap(sections)) as ContextSection[]
    const json = JSON.stringify(draft)
    setSaving(true)
    try {
      const answer = await api.saveKnowledgeContexts(props.workspaceId, draft)
      setServer(answer)
      setSentJson(json)
      setSaveError(null)
      setSectionErrors({})
      return true
    } catch (thrown) {
      const error = api.toApiError(thrown)
      // problems come as `draft.<index>.<field>`: keep them by section id, so they follow a section that moves
      const bySection: Record<string, Record<string, string[]>> = {}
      for (const [key, list] of Object.entries(error.fields)) {
        const match = /^draft\.(\d+)(?:\.(.+))?$/.exec(key)
        const section = match ? draft[Number(match[1])] : undefined
        if (!section) continue
        const field = match?.[2] ?? 'section'
        bySection[section.id] = { ...bySection[section.id], [field]: list }
      }
      setSectionErrors(bySection)
      setSaveError(
        Object.keys(bySection).length > 0
          ? 'The draft was not saved: correct the highlighted sections. Your changes are kept here.'
          : `The draft was not saved: ${error.message}`,
      )
      // nothing to retry by itself until the next change
      setSentJson(json)
      return false
    } finally {
      setSaving(false)
    }
  }

  // autosave a moment after the last change; a save in flight is followed by another if more changed meanwhile
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on(
      () => [currentJson(), saving()] as const,
      ([, busy]) => {
        clearTimeout(timer)
        if (busy || !dirty()) return
        timer = setTimeout(() => void save(), AUTOSAVE_MS)
      },
      { defer: true },
    ),
  )
  onCleanup(() => {
    clearTimeout(timer)
    // leaving the tab: keep what was typed
    if (dirty() && !saving()) void save()
  })
  const beforeUnload = (event: BeforeUnloadEvent) => {
    if (dirty() || saving()) event.preventDefault()
  }
  window.addEventListener('beforeunload', beforeUnload)
  onCleanup(() => window.removeEventListener('beforeunload', beforeUnload))

  const publish = async () => {
    setPublishing(true)
    try {
      clearTimeout(timer)
      if ((dirty() || saveError()) && !(await save())) return
      const answer = await api.publishKnowledgeContexts(props.workspaceId)
      setServer(answer)
      showToast('Contexts published; they are being added to the knowledge base.')
    } catch (error) {
      setSaveError(api.toApiError(error).message)
    } finally {
      setPublishing(false)
    }
  }

  const undo = async () => {
    clearTimeout(timer)
    setSections(reconcile(clone(server().published), { key: 'id' }))
    setSectionErrors({})
    setSaveError(null)
    if (!(await save())) throw new api.ApiError(0, 'not_saved', saveError() ?? 'The draft could not be saved.')
    showToast('The draft is back to the last published version.')
  }

  const filtering = () => search().trim() !== '' || typeFilter() !== ''
  const visible = () => {
    const words = search().trim().toLowerCase()
    return sections.filter(
      (section) => (!typeFilter() || section.type === typeFilter()) && (!words || sectionText(section).includes(words)),
    )
  }

  const focusSection = (id: string, selector: string) =>
    queueMicrotask(() =>
      listElement?.querySelector<HTMLElement>(`[data-section-id="${CSS.escape(id)}"] ${selector}`)?.focus(),
    )

  const add = () => {
    const section = newSection(addType())
    setSearch('')
    setTypeFilter('')
    setSections(sections.length, section)
    focusSection(section.id, '[data-testid="kb-section-title"]')
  }

  const move = (id: string, delta: -1 | 1) => {
    const from = sections.findIndex((s) => s.id === id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= sections.length) return
    const next = [...sections]
    const [item] = next.splice(from, 1)
    if (item) next.splice(to, 0, item)
    setSections(next)
    // keep the keyboard on the same button, or on the other one at the end of the list
    const edge = (delta < 0 && to === 0) || (delta > 0 && to === sections.length - 1)
    focusSection(id, `[data-move="${edge ? (delta < 0 ? 'down' : 'up') : delta < 0 ? 'up' : 'down'}"]`)
  }

  const remove = (id: string) => {
    const index = sections.findIndex((s) => s.id === id)
    setSections((list) => list.filter((s) => s.id !== id))
    const neighbour = sections[Math.min(index, sections.length - 1)]
    if (neighbour) focusSection(neighbour.id, '[data-testid="kb-section-title"]')
  }

  const importFile = async (file: File | undefined) => {
    if (!file) return
    setImporting(true)
    try {
      const { sections: imported, message } = await api.importContextSections(props.workspaceId, file)
      const taken = new Set(sections.map((s) => s.id))
      const added = withUniqueIds(imported, taken)
      if (added.length > 0) {
        setSearch('')
        setTypeFilter('')
        setSections((list) => [...list, ...added])
      }
      showToast(message || `${added.length} section(s) imported.`, added.length > 0 ? 'success' : 'info')
    } catch (error) {
      showToast(api.toApiError(error).message, 'error')
    } finally {
      setImporting(false)
    }
  }

  return (
    <div class="space-y-4">
      <Card
        title={
          <span class="flex flex-wrap items-center gap-2">
            Contexts
            <Show when={unpublished()}>
              <Badge tone="amber" testId="kb-contexts-unpublished">
                Unpublished changes
              </Badge>
            </Show>
          </span>
        }
        description={
          <span data-testid="kb-contexts-version">
            <Show when={server().publishedAt} fallback="Structured context for agents. Not published yet.">
              Version {server().version} · published {formatDateTime(server().publishedAt)}
            </Show>
          </span>
        }
        testId="kb-contexts-card"
        actions={
          <>
            <SaveStatus state={state()} />
            <Button
              size="sm"
              onClick={() => void save()}
              disabled={!dirty() && !saveError()}
              data-testid="kb-contexts-save"
            >
              <Save class="size-3.5" aria-hidden="true" />
              Save draft
            </Button>
            <Button
              size="sm"
              onClick={() => setUndoOpen(true)}
              disabled={!unpublished()}
              data-testid="kb-contexts-undo"
            >
              <Undo2 class="size-3.5" aria-hidden="true" />
              Undo changes
            </Button>
            <Show when={session.isAdmin()}>
              <Button
                size="sm"
                variant="primary"
                onClick={publish}
                loading={publishing()}
                disabled={!unpublished()}
                data-testid="kb-contexts-publish"
              >
                <Show when={!publishing()}>
                  <Send class="size-3.5" aria-hidden="true" />
                </Show>
                Publish
              </Button>
            </Show>
          </>
        }
      >
        <div class="space-y-4">
          <Show when={!session.isAdmin()}>
            <Alert tone="info" testId="kb-contexts-admin-note">
              You can edit the draft; an Admin publishes it into the knowledge base.
            </Alert>
          </Show>
          <FormError message={saveError()} testId="kb-contexts-error" />
          <div class="flex flex-wrap items-center gap-3">
            <div class="relative min-w-48 flex-1 sm:max-w-xs">
              <Search
                class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
                aria-hidden="true"
              />
              <label for="kb-contexts-search" class="sr-only">
                Search sections
              </label>
              <input
                id="kb-contexts-search"
                type="search"
                value={search()}
                onInput={(event) => setSearch(event.currentTarget.value)}
                placeholder="Search sections…"
                data-testid="kb-contexts-search"
                class={cx(inputClass, 'pl-9')}
              />
            </div>
            <label for="kb-contexts-type-filter" class="sr-only">
              Section type
            </label>
            <select
              id="kb-contexts-type-filter"
              value={typeFilter()}
              onChange={(event) => setTypeFilter(event.currentTarget.value as '' | ContextSectionType)}
              data-testid="kb-contexts-type-filter"
              class={cx(inlineInputClass, 'w-auto shrink-0 pr-8')}
            >
              <option value="">All types</option>
              <For each={SECTION_TYPES}>{(type) => <option value={type}>{sectionTypeLabels[type]}</option>}</For>
            </select>
            <div class="ml-auto flex flex-wrap items-center gap-2">
              <Button
                size="sm"
                onClick={() => fileInput.click()}
                loading={importing()}
                data-testid="kb-contexts-import"
              >
                <Show when={!importing()}>
                  <FileUp class="size-3.5" aria-hidden="true" />
                </Show>
                Import .md / .mdx
              </Button>
              <input
                ref={fileInput}
                type="file"
                accept=".md,.mdx,.markdown,text/markdown"
                class="sr-only"
                tabIndex={-1}
                aria-label="Markdown file to import"
                data-testid="kb-contexts-import-input"
                onChange={(event) => {
                  void importFile(event.currentTarget.files?.[0])
                  event.currentTarget.value = ''
                }}
              />
            </div>
          </div>
          <Show when={filtering()}>
            <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="kb-contexts-filter-note">
              Showing {visible().length} of {sections.length} sections. Clear the search and type filter to reorder.
            </p>
          </Show>
        </div>
      </Card>

      <Show
        when={visible().length > 0}
        fallback={
          <EmptyState
            testId="kb-contexts-empty"
            icon={<Layers class="size-5" />}
            title={filtering() ? 'No section matches' : 'No sections yet'}
            description={
              filtering()
                ? 'Try other words or another type.'
                : 'Add sections for positioning, personas, links, checklists… or import a Markdown file.'
            }
          />
        }
      >
        <ol ref={listElement} class="space-y-3" aria-label="Sections">
          <For each={visible()}>
            {(section) => (
              <SectionEditor
                section={section}
                position={sections.findIndex((s) => s.id === section.id)}
                count={sections.length}
                canReorder={!filtering()}
                errors={sectionErrors()[section.id] ?? {}}
                set={(key, value) => {
                  const index = sections.findIndex((s) => s.id === section.id)
                  if (index >= 0) setSections(index, key as never, value as never)
                }}
                onMove={(delta) => move(section.id, delta)}
                onRemove={() => remove(section.id)}
              />
            )}
          </For>
        </ol>
      </Show>

      <div class="flex flex-wrap items-center gap-2 rounded-xl border border-dashed border-zinc-300 p-3 dark:border-zinc-700">
        <label for="kb-contexts-add-type" class="text-sm font-medium text-zinc-700 dark:text-zinc-300">
          New section
        </label>
        <select
          id="kb-contexts-add-type"
          value={addType()}
          onChange={(event) => setAddType(event.currentTarget.value as ContextSectionType)}
          data-testid="kb-contexts-add-type"
          class={cx(inlineInputClass, 'w-auto shrink-0 pr-8')}
        >
          <For each={SECTION_TYPES}>{(type) => <option value={type}>{sectionTypeLabels[type]}</option>}</For>
        </select>
        <Button onClick={add} disabled={sections.length >= 200} data-testid="kb-contexts-add">
          <Plus class="size-4" aria-hidden="true" />
          Add section
        </Button>
      </div>

      <ConfirmDialog
        open={undoOpen()}
        onClose={() => setUndoOpen(false)}
        title="Undo the unpublished changes?"
        description="The draft goes back to the last published version. Changes made since then are lost."
        confirmLabel="Undo changes"
        danger
        onConfirm={undo}
        testId="kb-contexts-undo-confirm"
      />
    </div>
  )
}

const saveLabels: Record<SaveState, string> = {
  saved: 'Draft saved',
  dirty: 'Unsaved changes…',
  saving: 'Saving…',
  error: 'Not saved',
}

function SaveStatus(props: { state: SaveState }) {
  return (
    <span
      role="status"
      class={cx(
        'text-xs',
        props.state === 'error' ? 'font-medium text-red-600 dark:text-red-400' : 'text-zinc-500 dark:text-zinc-400',
      )}
      data-testid="kb-contexts-save-state"
      data-state={props.state}
    >
      {saveLabels[props.state]}
    </span>
  )
}
