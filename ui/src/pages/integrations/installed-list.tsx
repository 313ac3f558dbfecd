import { A } from '@solidjs/router'
import { createMemo, createSignal, For, Show } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { buttonStyles, IconButton } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { CopyButton } from '../../components/copy-button.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { Switch } from '../../components/field.tsx'
import { Link, Pencil, Plus, Star, Trash2 } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import { Table, TableHead, tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { Integration, TemplateSummary } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { fetchAllWorkspaces } from '../../lib/workspaces.ts'
import { IntegrationDrawer } from './integration-drawer.tsx'
import { ScopeBadge, TemplateLogo } from './parts.tsx'

interface InstalledIntegrationsProps {
  /** One workspace: its local integrations and the global ones. Left out: the whole organization (Admin panel). */
  workspace?: Workspace
}

/** The installed integrations of the organization or of one workspace; Admins toggle, edit and delete them. */
export function InstalledIntegrations(props: InstalledIntegrationsProps) {
  const list = createQuery(
    () => ({ productId: props.workspace?.id }),
    (query) => integrations.listIntegrations(query),
  )
  const templates = createQuery(
    () => session.organization()?.id ?? 'current',
    () => integrations.listTemplates(),
  )
  const workspaces = createQuery(() => session.isAdmin(), fetchAllWorkspaces)
  const [editing, setEditing] = createSignal<Integration | null>(null)
  const [deleting, setDeleting] = createSignal<Integration | null>(null)

  const templateOf = (integration: Integration): TemplateSummary | undefined =>
    templates.data()?.items.find((t) => t.id === integration.templateId)
  const workspaceName = (workspaceId: string | null) =>
    workspaces.data()?.find((w) => w.id === workspaceId)?.name ??
    session.workspaces().find((w) => w.id === workspaceId)?.name ??
    'a workspace'

  const items = createMemo(() => {
    const all = list.data()?.items ?? []
    const workspaceId = props.workspace?.id
    // a workspace sees the global integrations and its own local ones
    return workspaceId ? all.filter((i) => i.scope === 'global' || i.productId === workspaceId) : all
  })

  /** Active local integrations of the same template hide a global one in their workspace. */
  const shadowingOf = (integration: Integration): Integration[] => {
    if (integration.scope !== 'global') return []
    return items().filter(
      (other) =>
        other.scope === 'local' &&
        other.active &&
        other.templateId === integration.templateId &&
        (!props.workspace || other.productId === props.workspace.id),
    )
  }

  const toggle = async (integration: Integration) => {
    try {
      await integrations.updateIntegration(integration.id, { active: !integration.active })
      showToast(
        integration.active
          ? `${integration.title} deactivated. Its tools are no longer offered.`
          : `${integration.title} activated.`,
      )
      await list.refetch()
    } catch (error) {
      showToast(api.toApiError(error).message, 'error')
    }
  }

  /** Only a global, active LLM integration can be the organization's default model (Admin panel only). */
  const canBeDefaultModel = (integration: Integration) =>
    !props.workspace && integration.class === 'llm' && integration.scope === 'global' && integration.active
  const isDefaultModel = (integration: Integration) => session.organization()?.defaultModelId === integration.id
  const toggleDefaultModel = async (integration: Integration) => {
    try {
      const clear = isDefaultModel(integration)
      await integrations.setDefaultModel(clear ? null : integration.id)
      await session.reload()
      showToast(
        clear
          ? `${integration.title} is no longer the default model.`
          : `${integration.title} is now the default model: generated text uses it.`,
      )
    } catch (error) {
      showToast(api.toApiError(error).message, 'error')
    }
  }

  const remove = async (integration: Integration) => {
    await integrations.deleteIntegration(integration.id)
    showToast(`${integration.title} deleted.`)
    await list.refetch()
  }

  return (
    <Card
      title="Integrations"
      description={
        props.workspace
          ? `Services whose tools people, agents and MCP clients can use in ${props.workspace.name}: its local integrations and the global ones.`
          : 'Every integration of the organization: global ones serve all workspaces, local ones a single workspace.'
      }
      bodyClass="p-0"
      testId="integrations-card"
      actions={
        <A
          href={props.workspace ? `/integrations?workspace=${props.workspace.id}` : '/integrations'}
          class={buttonStyles(session.isAdmin() ? 'primary' : 'secondary')}
          data-testid="integrations-add"
        >
          <Show when={session.isAdmin()} fallback="Browse the catalog">
            <Plus class="size-4" aria-hidden="true" />
            Add integration
          </Show>
        </A>
      }
    >
      <QueryState query={list} testId="integrations">
        {() => (
          <Show
            when={items().length > 0}
            fallback={
              <EmptyState
                testId="integrations-empty"
                icon={<Link class="size-5" />}
                title="No integrations yet"
                description={
                  session.isAdmin()
                    ? 'Install one from the catalog to give agents and MCP clients its tools.'
                    : 'Ask an Admin to install one from the catalog.'
                }
              />
            }
          >
            <Table label="Installed integrations" testId="integrations-table">
              <TableHead
                columns={['Integration', 'Scope', { label: 'Tools', align: 'right' }, 'Status']}
                actions={session.isAdmin()}
              />
              <tbody>
                <For each={items()}>
                  {(integration) => (
                    <tr
                      class={trClass}
                      data-testid="integration-row"
                      data-integration-id={integration.id}
                      data-active={String(integration.active)}
                      data-scope={integration.scope}
                    >
                      <td class={tdClass}>
                        <div class="flex items-start gap-3">
                          <TemplateLogo logo={integration.logo} name={integration.templateName} size="sm" />
                          <div class="min-w-0">
                            <p class="font-medium text-zinc-900 dark:text-zinc-100" data-testid="integration-row-title">
                              {integration.title}
                            </p>
                            <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="integration-row-template">
                              {integration.templateName}
                            </p>
                            <For each={shadowingOf(integration)}>
                              {(local) => (
                                <p
                                  class="mt-1 text-xs text-amber-700 dark:text-amber-400"
                                  data-testid="integration-row-shadowed"
                                >
                                  {props.workspace
                                    ? `Shadowed by ${local.title} (local) in this workspace`
                                    : `Shadowed in ${workspaceName(local.productId)} by ${local.title}`}
                                </p>
                              )}
                            </For>
                            <Show when={integration.webhookUrl}>
                              {(url) => (
                                <div class="mt-1 flex max-w-md items-center gap-1">
                                  <code
                                    class="truncate rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
                                    title="Webhook URL: paste it into the service's event settings"
                                    data-testid="integration-row-webhook"
                                  >
                                    {url()}
                                  </code>
                                  <CopyButton
                                    text={url()}
                                    label="Copy the webhook URL"
                                    testId="integration-row-webhook-copy"
                                  />
                                </div>
                              )}
                            </Show>
                          </div>
                        </div>
                      </td>
                      <td class={tdClass}>
                        <div class="flex flex-col items-start gap-1">
                          <ScopeBadge integration={integration} testId="integration-row-scope" />
                          <Show when={!props.workspace && integration.productId}>
                            <span
                              class="text-xs text-zinc-500 dark:text-zinc-400"
                              data-testid="integration-row-workspace"
                            >
                              {workspaceName(integration.productId)}
                            </span>
                          </Show>
                        </div>
                      </td>
                      <td class={`${tdClass} text-right tabular-nums`} data-testid="integration-row-tools">
                        {integration.toolCount}
                      </td>
                      <td class={tdClass}>
                        <Show
                          when={session.isAdmin()}
                          fallback={
                            <Badge tone={integration.active ? 'green' : 'gray'} testId="integration-row-status">
                              {integration.active ? 'Active' : 'Inactive'}
                            </Badge>
                          }
                        >
                          <div class="w-32">
                            <Switch
                              id={`integration-active-${integration.id}`}
                              label={integration.active ? 'Active' : 'Inactive'}
                              checked={integration.active}
                              onChange={() => toggle(integration)}
                              testId="integration-row-active"
                            />
                          </div>
                        </Show>
                      </td>
                      <Show when={session.isAdmin()}>
                        <td class={`${tdClass} text-right`}>
                          <div class="flex justify-end gap-1">
                            <Show when={canBeDefaultModel(integration) || isDefaultModel(integration)}>
                              <IconButton
                                label={
                                  isDefaultModel(integration)
                                    ? `${integration.title} is the default model (click to clear)`
                                    : `Use ${integration.title} as the default model`
                                }
                                onClick={() => toggleDefaultModel(integration)}
                                data-testid="integration-row-default-model"
                                aria-pressed={isDefaultModel(integration)}
                              >
                                <Star
                                  class={`size-4 ${isDefaultModel(integration) ? 'fill-amber-400 text-amber-500' : ''}`}
                                  aria-hidden="true"
                                />
                              </IconButton>
                            </Show>
                            <IconButton
                              label={`Edit ${integration.title}`}
                              onClick={() => setEditing(integration)}
                              data-testid="integration-row-edit"
                            >
                              <Pencil class="size-4" aria-hidden="true" />
                            </IconButton>
                            <IconButton
                              label={`Delete ${integration.title}`}
                              onClick={() => setDeleting(integration)}
                              data-testid="integration-row-delete"
                              danger
                            >
                              <Trash2 class="size-4" aria-hidden="true" />
                            </IconButton>
                          </div>
                        </td>
                      </Show>
                    </tr>
                  )}
                </For>
              </tbody>
            </Table>
          </Show>
        )}
      </QueryState>
      <IntegrationDrawer
        integration={editing()}
        template={editing() ? templateOf(editing() as Integration) : undefined}
        workspaces={workspaces.data() ?? []}
        onClose={() => setEditing(null)}
        onSaved={async (saved) => {
          await list.refetch()
          setEditing(null)
          showToast(`${saved.title} saved.`)
        }}
      />
      <ConfirmDialog
        open={deleting() !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting()?.title ?? 'the integration'}?`}
        description="Its stored credentials are erased and its tools disappear for everyone who uses them. This cannot be undone."
        confirmLabel="Delete integration"
        danger
        onConfirm={() => {
          const target = deleting()
          return target ? remove(target) : Promise.resolve()
        }}
        testId="integration-delete-confirm"
      />
    </Card>
  )
}
