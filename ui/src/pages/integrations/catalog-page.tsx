import { A, useSearchParams } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { Button, buttonStyles } from '../../components/button.tsx'
import { cardClass, PageHeader } from '../../components/card.tsx'
import { EmptyCard } from '../../components/card-list.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { inlineInputClass, inputClass } from '../../components/field.tsx'
import { Layers, Link, Plus, Search, Sparkles } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import * as integrations from '../../lib/api-integrations.ts'
import {
  INTEGRATION_CLASSES,
  type IntegrationClass,
  type TemplateDetail,
  type TemplateSummary,
} from '../../lib/api-integrations.ts'
import { cx } from '../../lib/cx.ts'
import { searchParam } from '../../lib/navigation.ts'
import { createDebounced, createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { DraftDialog } from './draft-dialog.tsx'
import { InstallDialog } from './install-dialog.tsx'
import { ClassBadge, classLabels, TemplateLogo } from './parts.tsx'
import { TemplateDrawer } from './template-drawer.tsx'
import { BLANK_TEMPLATE, duplicateOf, type EditorState, TemplateEditor } from './template-editor.tsx'

/**
 * `/integrations`: the catalog of templates. Everyone browses it; Admins install, write and draft templates.
 * `?workspace=<id>` (from a workspace's Integrations tab) makes installing local to that workspace at first.
 */
export function CatalogPage() {
  const [params] = useSearchParams()
  const [search, setSearch] = createSignal('')
  const [klass, setKlass] = createSignal<IntegrationClass | ''>('')
  const settled = createDebounced(search)
  const templates = createQuery(
    () => ({ search: settled().trim(), class: klass(), organization: session.organization()?.id }),
    (query) => integrations.listTemplates({ search: query.search, class: query.class }),
  )
  const [selected, setSelected] = createSignal<string | null>(null)
  const [installing, setInstalling] = createSignal<TemplateSummary | null>(null)
  const [editor, setEditor] = createSignal<EditorState | null>(null)
  const [draftOpen, setDraftOpen] = createSignal(false)
  const [deleting, setDeleting] = createSignal<TemplateDetail | null>(null)

  const installedHref = () => {
    if (session.isAdmin()) return '/admin?tab=integrations'
    const workspace = session.workspace()
    return workspace ? `/workspaces/${workspace.id}/settings?tab=integrations` : null
  }

  const openEditor = (state: EditorState) => {
    setSelected(null)
    setEditor(state)
  }

  const removeTemplate = async (template: TemplateDetail) => {
    await integrations.deleteTemplate(template.id)
    setSelected(null)
    showToast(`${template.name} deleted from the catalog.`)
    await templates.refetch()
  }

  return (
    <div data-testid="catalog-page">
      <PageHeader
        title="Integrations"
        description="Services whose tools people, agents and MCP clients can use once an Admin installs them."
        actions={
          <>
            <Show when={installedHref()}>
              {(href) => (
                <A href={href()} class={buttonStyles('ghost')} data-testid="catalog-installed-link">
                  <Link class="size-4" aria-hidden="true" />
                  Installed
                </A>
              )}
            </Show>
            <Show when={session.isAdmin()}>
              <Button onClick={() => setDraftOpen(true)} data-testid="catalog-draft-open">
                <Sparkles class="size-4" aria-hidden="true" />
                Draft with AI
              </Button>
              <Button
                variant="primary"
                onClick={() => openEditor({ kind: 'create', json: JSON.stringify(BLANK_TEMPLATE, null, 2) })}
                data-testid="catalog-new-template"
              >
                <Plus class="size-4" aria-hidden="true" />
                New template
              </Button>
            </Show>
          </>
        }
      />

      <div class="mb-5 flex flex-wrap items-center gap-3">
        <div class="relative w-full max-w-sm">
          <Search class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
          <label for="catalog-search" class="sr-only">
            Search templates
          </label>
          <input
            id="catalog-search"
            type="search"
            placeholder="Search by name or description"
            value={search()}
            onInput={(event) => setSearch(event.currentTarget.value)}
            data-testid="catalog-search"
            class={cx(inputClass, 'pl-9')}
          />
        </div>
        <label for="catalog-class" class="sr-only">
          Class
        </label>
        <select
          id="catalog-class"
          value={klass()}
          onChange={(event) => setKlass(event.currentTarget.value as IntegrationClass | '')}
          data-testid="catalog-class-filter"
          class={cx(inlineInputClass, 'pr-8')}
        >
          <option value="">All classes</option>
          <For each={INTEGRATION_CLASSES}>{(value) => <option value={value}>{classLabels[value]}</option>}</For>
        </select>
      </div>

      <QueryState query={templates} testId="catalog">
        {(result) => (
          <Show
            when={result().items.length > 0}
            fallback={
              <EmptyCard
                testId="catalog-empty"
                icon={<Search class="size-5" />}
                title={search() || klass() ? 'No template matches' : 'The catalog is empty'}
                description={
                  search() || klass()
                    ? 'Try other words or another class.'
                    : 'Admins can write a template or draft one with AI.'
                }
              />
            }
          >
            <div class="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" data-testid="catalog-grid">
              <For each={result().items}>
                {(template) => (
                  <TemplateCard
                    template={template}
                    onDetails={() => setSelected(template.id)}
                    onInstall={() => setInstalling(template)}
                  />
                )}
              </For>
            </div>
          </Show>
        )}
      </QueryState>

      <TemplateDrawer
        templateId={selected()}
        onClose={() => setSelected(null)}
        onInstall={(template) => {
          setSelected(null)
          setInstalling(template)
        }}
        onEdit={(template) => openEditor({ kind: 'edit', template })}
        onDuplicate={(template) =>
          openEditor({
            kind: 'create',
            json: duplicateOf(template),
            note: `A copy of the built-in ${template.name} template. Give it its own key and name, change what you need, and save it as your organization's template.`,
          })
        }
        onDelete={setDeleting}
      />
      <InstallDialog
        template={installing()}
        workspaceId={searchParam(params.workspace) || undefined}
        onClose={() => setInstalling(null)}
        onInstalled={(installed) => {
          setInstalling(null)
          const where =
            installed.scope === 'local'
              ? `in ${session.workspaces().find((w) => w.id === installed.productId)?.name ?? 'its workspace'}`
              : 'for every workspace'
          showToast(`${installed.title} installed ${where}.`)
        }}
      />
      <TemplateEditor
        state={editor()}
        onClose={() => setEditor(null)}
        onSaved={async (saved, created) => {
          await templates.refetch()
          setEditor(null)
          showToast(created ? `${saved.name} added to the catalog.` : `${saved.name} saved.`)
        }}
      />
      <DraftDialog
        open={draftOpen()}
        onClose={() => setDraftOpen(false)}
        onDrafted={(draft) => {
          setDraftOpen(false)
          openEditor({
            kind: 'create',
            json: JSON.stringify(draft.definition, null, 2),
            problems: draft.problems,
            note: 'Drafted from your description. Review it, then save it to add it to the catalog.',
          })
        }}
      />
      <ConfirmDialog
        open={deleting() !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting()?.name ?? 'the template'}?`}
        description="It leaves the catalog. A template that is still installed cannot be deleted: delete its integrations first."
        confirmLabel="Delete template"
        danger
        onConfirm={() => {
          const target = deleting()
          return target ? removeTemplate(target) : Promise.resolve()
        }}
        testId="template-delete-confirm"
      />
    </div>
  )
}

function TemplateCard(props: { template: TemplateSummary; onDetails: () => void; onInstall: () => void }) {
  return (
    <article
      class={cx(cardClass, 'flex flex-col')}
      data-testid="catalog-card"
      data-template-id={props.template.id}
      data-template-key={props.template.key}
      aria-label={`${props.template.name} template`}
    >
      <div class="flex items-start gap-3 px-5 pt-4">
        <TemplateLogo logo={props.template.logo} name={props.template.name} />
        <div class="min-w-0 flex-1">
          <h2 class="truncate font-semibold text-zinc-900 dark:text-zinc-100" data-testid="catalog-card-name">
            {props.template.name}
          </h2>
          <div class="mt-1 flex flex-wrap gap-1">
            <ClassBadge class={props.template.class} testId="catalog-card-class" />
            <Show when={!props.template.builtin}>
              <Badge testId="catalog-card-organization">Organization</Badge>
            </Show>
          </div>
        </div>
      </div>
      <p class="line-clamp-3 px-5 pt-3 text-sm text-zinc-600 dark:text-zinc-300" data-testid="catalog-card-description">
        {props.template.description}
      </p>
      <p
        class="flex items-center gap-1.5 px-5 pt-3 pb-4 text-xs text-zinc-500 dark:text-zinc-400"
        data-testid="catalog-card-tools"
      >
        <Layers class="size-3.5" aria-hidden="true" />
        {props.template.toolCount === 1 ? '1 tool' : `${props.template.toolCount} tools`}
      </p>
      <div class="mt-auto flex gap-1 border-t border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <Button size="sm" variant="ghost" onClick={props.onDetails} data-testid="catalog-card-details">
          Details
        </Button>
        <Show when={session.isAdmin()}>
          <Button
            size="sm"
            variant="primary"
            class="ml-auto"
            onClick={props.onInstall}
            data-testid="catalog-card-install"
          >
            <Plus class="size-3.5" aria-hidden="true" />
            Install
          </Button>
        </Show>
      </div>
    </article>
  )
}
