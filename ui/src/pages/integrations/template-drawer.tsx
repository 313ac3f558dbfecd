import { For, type JSX, Show } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Drawer } from '../../components/drawer.tsx'
import { Copy, Pencil, Plus, Trash2 } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import type {
  CredentialField,
  InputProperty,
  SettingField,
  TemplateDefinition,
  TemplateDetail,
} from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { ClassBadge, TemplateLogo } from './parts.tsx'

interface TemplateDrawerProps {
  /** The template shown; the drawer is open while it is set. */
  templateId: string | null
  onClose: () => void
  onInstall: (template: TemplateDetail) => void
  onEdit: (template: TemplateDetail) => void
  onDuplicate: (template: TemplateDetail) => void
  onDelete: (template: TemplateDetail) => void
}

const sectionTitle = 'mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400'

function typeOf(property: InputProperty): string {
  const type = Array.isArray(property.type) ? property.type.join(' | ') : (property.type ?? 'any')
  return property.enum ? `${type}: ${property.enum.map((v) => JSON.stringify(v)).join(', ')}` : type
}

/** One field installing asks for; `children` is the badge that says what kind of field it is. */
function FieldItem(props: { field: CredentialField | SettingField; note?: string | null; children: JSX.Element }) {
  return (
    <li class="flex items-start justify-between gap-3 px-3 py-2" data-testid="template-detail-field">
      <div>
        <p class="font-medium">{props.field.label}</p>
        <Show when={props.field.description}>
          <p class="text-xs text-zinc-500 dark:text-zinc-400">{props.field.description}</p>
        </Show>
        <Show when={props.note}>
          <p class="text-xs text-zinc-500 dark:text-zinc-400">{props.note}</p>
        </Show>
      </div>
      <div class="flex shrink-0 gap-1">
        {props.children}
        <Show when={!props.field.required}>
          <Badge>Optional</Badge>
        </Show>
      </div>
    </li>
  )
}

/** A template's details: what installing it asks for, and its tools with their inputs. */
export function TemplateDrawer(props: TemplateDrawerProps) {
  const template = createQuery(
    () => props.templateId,
    (templateId) => integrations.getTemplate(templateId),
  )
  const current = () => {
    const data = template.data()
    return data && data.id === props.templateId ? data : undefined
  }
  return (
    <Drawer
      open={props.templateId !== null}
      onClose={props.onClose}
      title={current()?.name ?? 'Template'}
      description={
        current()
          ? `${current()?.builtin ? 'Built-in' : 'Organization'} template · version ${current()?.version}`
          : undefined
      }
      testId="template-detail"
      footer={
        <Show when={session.isAdmin() && current()}>
          {(loaded) => (
            <>
              <Show
                when={loaded().builtin}
                fallback={
                  <>
                    <Button
                      variant="danger-outline"
                      class="mr-auto"
                      onClick={() => props.onDelete(loaded())}
                      data-testid="template-detail-delete"
                    >
                      <Trash2 class="size-4" aria-hidden="true" />
                      Delete
                    </Button>
                    <Button onClick={() => props.onEdit(loaded())} data-testid="template-detail-edit">
                      <Pencil class="size-4" aria-hidden="true" />
                      Edit
                    </Button>
                  </>
                }
              >
                <Button onClick={() => props.onDuplicate(loaded())} data-testid="template-detail-duplicate">
                  <Copy class="size-4" aria-hidden="true" />
                  Duplicate
                </Button>
              </Show>
              <Button variant="primary" onClick={() => props.onInstall(loaded())} data-testid="template-detail-install">
                <Plus class="size-4" aria-hidden="true" />
                Install
              </Button>
            </>
          )}
        </Show>
      }
    >
      <QueryState query={{ ...template, data: current }} testId="template-detail">
        {(loaded) => <TemplateDetails template={loaded()} />}
      </QueryState>
    </Drawer>
  )
}

function TemplateDetails(props: { template: TemplateDetail }) {
  const tools = () => (props.template.definition as TemplateDefinition).tools ?? []
  return (
    <div class="space-y-6 text-sm" data-testid="template-detail-body" data-template-key={props.template.key}>
      <div class="flex items-start gap-3">
        <TemplateLogo logo={props.template.logo} name={props.template.name} />
        <div class="min-w-0 space-y-1">
          <div class="flex flex-wrap items-center gap-2">
            <ClassBadge class={props.template.class} />
            <code class="font-mono text-xs text-zinc-500 dark:text-zinc-400" data-testid="template-detail-key">
              {props.template.key}
            </code>
          </div>
          <p class="text-zinc-600 dark:text-zinc-300" data-testid="template-detail-description">
            {props.template.description}
          </p>
        </div>
      </div>

      <Show when={props.template.credentialFields.length + props.template.settingFields.length > 0}>
        <section>
          <h3 class={sectionTitle}>Installing asks for</h3>
          <ul class="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            <For each={props.template.credentialFields}>
              {(field) => (
                <FieldItem field={field}>
                  <Badge tone={field.secret ? 'amber' : 'gray'}>{field.secret ? 'Secret' : 'Credential'}</Badge>
                </FieldItem>
              )}
            </For>
            <For each={props.template.settingFields}>
              {(field) => (
                <FieldItem
                  field={field}
                  note={
                    field.default !== undefined && field.default !== null ? `Default: ${String(field.default)}` : null
                  }
                >
                  <Badge tone="blue">{field.type}</Badge>
                </FieldItem>
              )}
            </For>
          </ul>
        </section>
      </Show>

      <section>
        <h3 class={sectionTitle}>Tools ({tools().length})</h3>
        <Show
          when={tools().length > 0}
          fallback={<p class="text-zinc-500 dark:text-zinc-400">This template provides no tools.</p>}
        >
          <div class="space-y-3">
            <For each={tools()}>
              {(tool) => {
                const properties = () => Object.entries(tool.inputSchema?.properties ?? {})
                const required = () => tool.inputSchema?.required ?? []
                return (
                  <article
                    class="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
                    data-testid="template-detail-tool"
                    data-tool-name={tool.name}
                  >
                    <div class="flex flex-wrap items-center gap-2">
                      <code class="font-mono text-sm font-medium text-zinc-900 dark:text-zinc-100">{tool.name}</code>
                      <Show when={tool.annotations?.readOnly}>
                        <Badge tone="green" testId="template-detail-tool-read-only">
                          Read-only
                        </Badge>
                      </Show>
                      <Show when={tool.annotations?.destructive}>
                        <Badge tone="red" testId="template-detail-tool-destructive">
                          Destructive
                        </Badge>
                      </Show>
                    </div>
                    <p class="mt-1 text-zinc-600 dark:text-zinc-300">{tool.description}</p>
                    <Show when={properties().length > 0}>
                      <dl class="mt-2 space-y-1 border-t border-zinc-100 pt-2 dark:border-zinc-800">
                        <For each={properties()}>
                          {([name, property]) => (
                            <div class="text-xs" data-testid="template-detail-tool-input" data-input-name={name}>
                              <dt class="inline font-mono font-medium text-zinc-800 dark:text-zinc-200">{name}</dt>
                              <dd class="inline text-zinc-500 dark:text-zinc-400">
                                {' '}
                                ({typeOf(property)}
                                {required().includes(name) ? ', required' : ''})
                                <Show when={property.description}> {property.description}</Show>
                              </dd>
                            </div>
                          )}
                        </For>
                      </dl>
                    </Show>
                  </article>
                )
              }}
            </For>
          </div>
        </Show>
      </section>
    </div>
  )
}
