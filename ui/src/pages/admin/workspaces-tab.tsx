import { A } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { Button, IconButton } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { TypeToConfirmDialog } from '../../components/dialog.tsx'
import { Boxes, Pencil, Plus, Settings, Trash2 } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { WorkspaceFormDialog } from './workspace-form-dialog.tsx'

const pageSize = 20

export function WorkspacesTab() {
  const [page, setPage] = createSignal(1)
  const workspaces = createQuery(page, (p) => api.listWorkspaces({ page: p, pageSize }))
  const [editing, setEditing] = createSignal<Workspace | null>(null)
  const [formOpen, setFormOpen] = createSignal(false)
  const [deleting, setDeleting] = createSignal<Workspace | null>(null)

  const openCreate = () => {
    setEditing(null)
    setFormOpen(true)
  }
  const openEdit = (workspace: Workspace) => {
    setEditing(workspace)
    setFormOpen(true)
  }
  const saved = async (workspace: Workspace) => {
    await Promise.all([workspaces.refetch(), session.reload()])
    setFormOpen(false)
    showToast(editing() ? 'Workspace saved.' : `Workspace ${workspace.name} added.`)
  }
  const remove = async (workspace: Workspace, confirmName: string) => {
    await api.deleteWorkspace(workspace.id, { confirmName })
    showToast(`Workspace ${workspace.name} deleted.`)
    await Promise.all([workspaces.refetch(), session.reload()])
  }

  return (
    <Card
      title="Workspaces"
      description="Each workspace is one product, with its own context, members and API tokens."
      bodyClass="p-0"
      testId="workspaces-card"
      actions={
        <Button variant="primary" onClick={openCreate} data-testid="workspace-add-open">
          <Plus class="size-4" aria-hidden="true" />
          Add workspace
        </Button>
      }
    >
      <PagedTable
        query={workspaces}
        testId="workspaces"
        label="Workspaces"
        columns={['Name', 'Description', { label: 'Members', align: 'right' }]}
        actions
        onPage={setPage}
        empty={
          <EmptyState
            testId="workspaces-empty"
            icon={<Boxes class="size-5" />}
            title="No workspaces yet"
            description="Add the first one to give your team a place to work."
          />
        }
      >
        {(workspace) => (
          <tr class={trClass} data-testid="workspace-row" data-workspace-id={workspace.id}>
            <td class={tdClass}>
              <div class="flex items-center gap-3">
                <Show
                  when={workspace.logo}
                  fallback={
                    <span class="flex size-8 shrink-0 items-center justify-center rounded-lg bg-brand-100 text-xs font-semibold text-brand-700 dark:bg-brand-900/60 dark:text-brand-200">
                      {workspace.name.slice(0, 1).toUpperCase()}
                    </span>
                  }
                >
                  <img src={workspace.logo ?? ''} alt="" class="size-8 shrink-0 rounded-lg object-cover" />
                </Show>
                <div class="min-w-0">
                  <p class="font-medium text-zinc-900 dark:text-zinc-100" data-testid="workspace-row-name">
                    {workspace.name}
                  </p>
                  <p class="text-xs text-zinc-500 dark:text-zinc-400">{workspace.slug}</p>
                </div>
              </div>
            </td>
            <td class={`${tdClass} max-w-md text-zinc-600 dark:text-zinc-300`}>
              <p class="line-clamp-2">{workspace.description || '—'}</p>
            </td>
            <td class={`${tdClass} text-right tabular-nums`} data-testid="workspace-row-members">
              {workspace.memberCount}
            </td>
            <td class={`${tdClass} text-right`}>
              <div class="flex justify-end gap-1">
                <A
                  href={`/workspaces/${workspace.id}/settings`}
                  aria-label={`Settings of ${workspace.name}`}
                  title="Settings"
                  data-testid="workspace-row-settings"
                  class="inline-flex size-9 items-center justify-center rounded-lg text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
                >
                  <Settings class="size-4" aria-hidden="true" />
                </A>
                <IconButton
                  label={`Edit ${workspace.name}`}
                  onClick={() => openEdit(workspace)}
                  data-testid="workspace-edit"
                >
                  <Pencil class="size-4" aria-hidden="true" />
                </IconButton>
                <IconButton
                  label={`Delete ${workspace.name}`}
                  onClick={() => setDeleting(workspace)}
                  data-testid="workspace-delete-open"
                  danger
                >
                  <Trash2 class="size-4" aria-hidden="true" />
                </IconButton>
              </div>
            </td>
          </tr>
        )}
      </PagedTable>
      <WorkspaceFormDialog open={formOpen()} workspace={editing()} onClose={() => setFormOpen(false)} onSaved={saved} />
      <TypeToConfirmDialog
        open={deleting() !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting()?.name ?? 'workspace'}?`}
        description="Its context, member access and API tokens are removed. This cannot be undone."
        expected={deleting()?.name ?? ''}
        confirmLabel="Delete workspace"
        onConfirm={(typed) => {
          const target = deleting()
          return target ? remove(target, typed) : Promise.resolve()
        }}
        testId="workspace-delete"
      />
    </Card>
  )
}
