import { createSignal, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Button } from '../../components/button.tsx'
import { CopyButton } from '../../components/copy-button.tsx'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { Checkbox, TextField } from '../../components/field.tsx'
import { TriangleAlert } from '../../components/icons.ts'
import * as api from '../../lib/api.ts'
import type { ApiToken, IssuedApiToken, Workspace } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { fromLocalInput, toLocalInput } from '../../lib/format.ts'

const presets = [
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
]

function inDays(days: number): string {
  return toLocalInput(new Date(Date.now() + days * 86_400_000).toISOString())
}

function ExpiryPresets(props: { onPick: (value: string) => void; testId: string }) {
  return (
    <div class="flex flex-wrap gap-1.5">
      <For each={presets}>
        {(preset) => (
          <button
            type="button"
            class="rounded-full border border-zinc-200 px-2.5 py-0.5 text-xs text-zinc-600 hover:border-brand-300 hover:text-brand-700 disabled:opacity-40 dark:border-zinc-700 dark:text-zinc-300 dark:hover:border-brand-700 dark:hover:text-brand-300"
            onClick={() => props.onPick(inDays(preset.days))}
            data-testid={`${props.testId}-${preset.days}d`}
          >
            {preset.label}
          </button>
        )}
      </For>
    </div>
  )
}

function checkFuture(value: string): string[] | undefined {
  if (!value) return undefined
  const iso = fromLocalInput(value)
  if (!iso) return ['Enter a valid date and time.']
  return new Date(iso).getTime() <= Date.now() ? ['Choose a moment in the future.'] : undefined
}

interface CreateTokenDialogProps {
  open: boolean
  workspace: Workspace
  onClose: () => void
  onIssued: (issued: IssuedApiToken) => void
}

export function CreateTokenDialog(props: CreateTokenDialogProps) {
  const [values, setValues] = createStore({ name: '', expiresAt: '' })
  const form = createFormState(values)

  onDialogOpen(
    () => props.open,
    () => {
      form.reset()
      setValues({ name: '', expiresAt: '' })
    },
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems: Record<string, string[]> = {}
    if (!values.name.trim()) problems.name = ['This field is required.']
    const expiryProblem = checkFuture(values.expiresAt)
    if (expiryProblem) problems.expiresAt = expiryProblem
    if (Object.keys(problems).length > 0) return form.fail(problems)
    await form.submit(async () => {
      props.onIssued(
        await api.createApiToken(props.workspace.id, {
          name: values.name.trim(),
          expiresAt: fromLocalInput(values.expiresAt),
        }),
      )
    })
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title="Create API token"
      description={`The token acts as you, limited to ${props.workspace.name}.`}
      testId="create-token-dialog"
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <TextField
          id="create-token-name"
          label="Name"
          placeholder="CI pipeline, Claude Code…"
          value={values.name}
          onValue={(v) => setValues('name', v)}
          testId="create-token-name"
          error={form.fieldError('name')}
          autofocus
        />
        <div class="space-y-2">
          <TextField
            id="create-token-expiry"
            label="Expires"
            optional
            type="datetime-local"
            hint="Leave empty for a token that never expires."
            value={values.expiresAt}
            onValue={(v) => setValues('expiresAt', v)}
            testId="create-token-expiry"
            error={form.fieldError('expiresAt')}
          />
          <ExpiryPresets onPick={(v) => setValues('expiresAt', v)} testId="create-token-expiry-preset" />
        </div>
        <DialogFormActions form={form} testId="create-token" onCancel={props.onClose}>
          Create token
        </DialogFormActions>
      </form>
    </Dialog>
  )
}

/** The only moment the full secret is visible: after creating or regenerating a token. */
export function NewTokenDialog(props: { issued: IssuedApiToken | null; onClose: () => void }) {
  return (
    <Dialog
      open={props.issued !== null}
      onClose={props.onClose}
      title={`Your new token: ${props.issued?.apiToken.name ?? ''}`}
      testId="new-token-dialog"
    >
      <div class="space-y-4">
        <div
          role="alert"
          data-testid="new-token-warning"
          class="flex gap-3 rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <TriangleAlert class="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          <p>Copy it now and keep it somewhere safe. For your security it won't be shown again.</p>
        </div>
        <div class="space-y-1.5">
          <label for="new-token-value" class="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
            Token
          </label>
          <div class="flex gap-2">
            <input
              id="new-token-value"
              readOnly
              value={props.issued?.token ?? ''}
              onFocus={(event) => event.currentTarget.select()}
              data-testid="new-token-value"
              spellcheck={false}
              class="block w-full min-w-0 rounded-lg border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
            />
            <CopyButton text={props.issued?.token ?? ''} variant="button" testId="new-token-copy" />
          </div>
        </div>
        <div class="flex justify-end">
          <Button variant="primary" onClick={props.onClose} data-testid="new-token-done">
            I've saved it
          </Button>
        </div>
      </div>
    </Dialog>
  )
}

interface RenewTokenDialogProps {
  open: boolean
  token: ApiToken
  onClose: () => void
  onRenewed: (token: ApiToken) => Promise<void>
}

export function RenewTokenDialog(props: RenewTokenDialogProps) {
  const [expiresAt, setExpiresAt] = createSignal('')
  const [never, setNever] = createSignal(false)
  const form = createFormState({
    get expiresAt() {
      return expiresAt()
    },
  })

  onDialogOpen(
    () => props.open,
    () => {
      form.reset()
      setNever(false)
      setExpiresAt(inDays(90))
    },
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!never()) {
      const problem = expiresAt() ? checkFuture(expiresAt()) : ['Choose a date, or tick "Never expires".']
      if (problem) return form.fail({ expiresAt: problem })
    }
    await form.submit(async () => {
      const renewed = await api.renewApiToken(props.token.id, {
        expiresAt: never() ? null : (fromLocalInput(expiresAt()) ?? null),
      })
      await props.onRenewed(renewed)
    })
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title={`Renew ${props.token.name}`}
      description="Set a new expiry. The secret does not change."
      testId="api-token-renew-dialog"
      size="sm"
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <Show when={!never()}>
          <div class="space-y-2">
            <TextField
              id="api-token-renew-expiry"
              label="New expiry"
              type="datetime-local"
              value={expiresAt()}
              onValue={setExpiresAt}
              testId="api-token-renew-expiry"
              error={form.fieldError('expiresAt')}
            />
            <ExpiryPresets onPick={setExpiresAt} testId="api-token-renew-preset" />
          </div>
        </Show>
        <Checkbox
          id="api-token-renew-never"
          label="Never expires"
          checked={never()}
          onChange={setNever}
          testId="api-token-renew-never"
        />
        <DialogFormActions form={form} testId="api-token-renew" onCancel={props.onClose}>
          Renew
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
