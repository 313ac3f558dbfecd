import { useNavigate } from '@solidjs/router'
import { createSignal } from 'solid-js'
import { Button } from '../../components/button.tsx'
import { Card } from '../../components/card.tsx'
import { TypeToConfirmDialog } from '../../components/dialog.tsx'
import { Trash2 } from '../../components/icons.ts'
import * as api from '../../lib/api.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

export function SecurityTab(props: { workspace: Workspace }) {
  const navigate = useNavigate()
  const [open, setOpen] = createSignal(false)

  const remove = async (confirmName: string) => {
    await api.deleteWorkspace(props.workspace.id, { confirmName })
    showToast(`Workspace ${props.workspace.name} deleted.`)
    await session.reload()
    navigate('/', { replace: true })
  }

  return (
    <Card title="Danger zone" tone="danger" testId="workspace-danger-zone">
      <div class="flex flex-wrap items-center justify-between gap-4">
        <div class="max-w-xl text-sm">
          <p class="font-medium text-zinc-900 dark:text-zinc-100">Delete this workspace</p>
          <p class="text-zinc-500 dark:text-zinc-400">
            Removes its context, member access and API tokens. Scripts using its tokens stop working. This cannot be
            undone.
          </p>
        </div>
        <Button variant="danger-outline" onClick={() => setOpen(true)} data-testid="workspace-delete-open">
          <Trash2 class="size-4" aria-hidden="true" />
          Delete workspace
        </Button>
      </div>
      <TypeToConfirmDialog
        open={open()}
        onClose={() => setOpen(false)}
        title={`Delete ${props.workspace.name}?`}
        description="This cannot be undone."
        expected={props.workspace.name}
        confirmLabel="Delete workspace"
        onConfirm={remove}
        testId="workspace-delete"
      />
    </Card>
  )
}
