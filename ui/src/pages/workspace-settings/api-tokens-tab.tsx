import { createSignal, For, Show } from 'solid-js'
import { Badge, statusTones } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { cardClass } from '../../components/card.tsx'
import { CardMeta, EmptyCard } from '../../components/card-list.tsx'
import { CopyButton } from '../../components/copy-button.tsx'
import { ConfirmDialog, Dialog } from '../../components/dialog.tsx'
import { Activity, CalendarClock, KeyRound, Plus, Power, PowerOff, RefreshCw, Trash2 } from '../../components/icons.ts'
import { Pagination } from '../../components/pagination.tsx'
import { QueryState } from '../../components/query-state.tsx'
import * as api from '../../lib/api.ts'
import type { ApiToken, IssuedApiToken, Workspace } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { formatDate, formatDateTime, formatRelative } from '../../lib/format.ts'
import { createQuery } from '../../lib/query.ts'
import { showToast } from '../../lib/toast.ts'
import { AuditTable } from '../admin/audit-log-tab.tsx'
import { CreateTokenDialog, NewTokenDialog, RenewTokenDialog } from './token-dialogs.tsx'

const pageSize = 12

export function ApiTokensTab(props: { workspace: Workspace }) {
  const [page, setPage] = createSignal(1)
  const tokens = createQuery(
    () => ({ id: props.workspace.id, page: page() }),
    (query) => api.listApiTokens(query.id, { page: query.page, pageSize }),
  )
  const [createOpen, setCreateOpen] = createSignal(false)
  const [issued, setIssued] = createSignal<IssuedApiToken | null>(null)

  const onIssued = (result: IssuedApiToken) => {
    setCreateOpen(false)
    setIssued(result)
    void tokens.refetch()
  }

  return (
    <div class="space-y-4">
      <div class="flex flex-wrap items-end justify-between gap-3">
        <div class="max-w-2xl text-sm text-zinc-500 dark:text-zinc-400">
          Tokens let scripts, CI jobs and AI tools use the API as you, limited to{' '}
          <span class="font-medium text-zinc-700 dark:text-zinc-200">{props.workspace.name}</span>. Send one as{' '}
          <code class="rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800">
            Authorization: Bearer prodgy_…
          </code>
          .
        </div>
        <Button variant="primary" onClick={() => setCreateOpen(true)} data-testid="create-token-open">
          <Plus class="size-4" aria-hidden="true" />
          Create token
        </Button>
      </div>
      <QueryState query={tokens} testId="api-tokens">
        {(result) => (
          <Show
            when={result().items.length > 0}
            fallback={
              <EmptyCard
                testId="api-tokens-empty"
                icon={<KeyRound class="size-5" />}
                title="No API tokens yet"
                description="Create one to connect a script or an AI assistant to this workspace."
              />
            }
          >
            <div class="grid gap-4" data-testid="api-token-list">
              <For each={result().items}>
                {(token) => <TokenCard token={token} onChanged={() => tokens.refetch()} onIssued={onIssued} />}
              </For>
            </div>
            <div class={cx(cardClass, 'mt-4')}>
              <Pagination of={result()} onPage={setPage} testId="api-tokens-pagination" />
            </div>
          </Show>
        )}
      </QueryState>
      <CreateTokenDialog
        open={createOpen()}
        workspace={props.workspace}
        onClose={() => setCreateOpen(false)}
        onIssued={onIssued}
      />
      <NewTokenDialog issued={issued()} onClose={() => setIssued(null)} />
    </div>
  )
}

interface TokenCardProps {
  token: ApiToken
  onChanged: () => Promise<unknown>
  onIssued: (issued: IssuedApiToken) => void
}

function TokenCard(props: TokenCardProps) {
  const [busy, setBusy] = createSignal(false)
  const [confirm, setConfirm] = createSignal<'revoke' | 'regenerate' | null>(null)
  const [renewOpen, setRenewOpen] = createSignal(false)
  const [activityOpen, setActivityOpen] = createSignal(false)
  const status = () => props.token.status
  const revoked = () => status() === 'revoked'

  const toggleActive = async () => {
    setBusy(true)
    try {
      if (status() === 'active') {
        await api.deactivateApiToken(props.token.id)
        showToast(`${props.token.name} deactivated. Requests with it are refused until you activate it again.`)
      } else {
        await api.activateApiToken(props.token.id)
        showToast(`${props.token.name} activated.`)
      }
      await props.onChanged()
    } catch (error) {
      showToast(api.toApiError(error).message, 'error')
    } finally {
      setBusy(false)
    }
  }

  const revoke = async () => {
    await api.revokeApiToken(props.token.id)
    showToast(`${props.token.name} revoked.`)
    await props.onChanged()
  }

  const regenerate = async () => {
    props.onIssued(await api.regenerateApiToken(props.token.id))
  }

  return (
    <article
      class={cx(cardClass, 'flex flex-col', revoked() && 'opacity-75')}
      data-testid="api-token-card"
      data-token-id={props.token.id}
      data-status={status()}
      aria-label={`API token ${props.token.name}`}
    >
      <div class="flex items-start justify-between gap-3 px-5 pt-4">
        <div class="min-w-0">
          <h3 class="truncate font-semibold text-zinc-900 dark:text-zinc-100" data-testid="api-token-name">
            {props.token.name}
          </h3>
          <div class="mt-1 flex items-center gap-1">
            <code
              class="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
              data-testid="api-token-prefix"
            >
              {props.token.prefix}…
            </code>
            <CopyButton text={props.token.prefix} label="Copy prefix" testId="api-token-copy-prefix" />
          </div>
        </div>
        <Badge tone={statusTones[status()] ?? 'gray'} testId="api-token-status">
          {status()}
        </Badge>
      </div>
      <dl class="grid grid-cols-2 gap-x-6 gap-y-3 px-5 py-4 sm:grid-cols-3 lg:grid-cols-5">
        <CardMeta label="Created" testId="api-token-created">
          {formatDate(props.token.createdAt)}
        </CardMeta>
        <CardMeta label="Expires" testId="api-token-expiry">
          {props.token.expiresAt ? formatDateTime(props.token.expiresAt) : 'Never'}
        </CardMeta>
        <CardMeta label="Uses" testId="api-token-usage">
          {props.token.usageCount}
        </CardMeta>
        <CardMeta label="Last used" testId="api-token-last-used">
          {formatRelative(props.token.lastUsedAt)}
        </CardMeta>
        <CardMeta label="Created by" testId="api-token-created-by">
          {props.token.createdBy?.fullName ?? '—'}
        </CardMeta>
      </dl>
      <div class="mt-auto flex flex-wrap gap-1 border-t border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <Show when={!revoked()}>
          <Show when={status() === 'active' || status() === 'inactive'}>
            <Button
              size="sm"
              variant="ghost"
              loading={busy()}
              onClick={toggleActive}
              data-testid="api-token-toggle-active"
            >
              <Show when={!busy()}>
                <Show when={status() === 'active'} fallback={<Power class="size-3.5" aria-hidden="true" />}>
                  <PowerOff class="size-3.5" aria-hidden="true" />
                </Show>
              </Show>
              {status() === 'active' ? 'Deactivate' : 'Activate'}
            </Button>
          </Show>
          <Button size="sm" variant="ghost" onClick={() => setRenewOpen(true)} data-testid="api-token-renew">
            <CalendarClock class="size-3.5" aria-hidden="true" />
            Renew
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirm('regenerate')} data-testid="api-token-regenerate">
            <RefreshCw class="size-3.5" aria-hidden="true" />
            Regenerate
          </Button>
        </Show>
        <Button size="sm" variant="ghost" onClick={() => setActivityOpen(true)} data-testid="api-token-activity">
          <Activity class="size-3.5" aria-hidden="true" />
          Activity
        </Button>
        <Show when={!revoked()}>
          <Button
            size="sm"
            variant="ghost"
            class="ml-auto text-red-600 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/40"
            onClick={() => setConfirm('revoke')}
            data-testid="api-token-revoke"
          >
            <Trash2 class="size-3.5" aria-hidden="true" />
            Revoke
          </Button>
        </Show>
      </div>

      <ConfirmDialog
        open={confirm() === 'revoke'}
        onClose={() => setConfirm(null)}
        title={`Revoke ${props.token.name}?`}
        description="Anything using this token stops working at once. A revoked token cannot be brought back."
        confirmLabel="Revoke token"
        danger
        onConfirm={revoke}
        testId="api-token-revoke-confirm"
      />
      <ConfirmDialog
        open={confirm() === 'regenerate'}
        onClose={() => setConfirm(null)}
        title={`Regenerate ${props.token.name}?`}
        description="A new secret is issued and the current one stops working at once. Update everything that uses it."
        confirmLabel="Regenerate"
        onConfirm={regenerate}
        testId="api-token-regenerate-confirm"
      />
      <RenewTokenDialog
        open={renewOpen()}
        token={props.token}
        onClose={() => setRenewOpen(false)}
        onRenewed={async () => {
          await props.onChanged()
          setRenewOpen(false)
          showToast(`${props.token.name} renewed.`)
        }}
      />
      <TokenActivityDialog open={activityOpen()} token={props.token} onClose={() => setActivityOpen(false)} />
    </article>
  )
}

function TokenActivityDialog(props: { open: boolean; token: ApiToken; onClose: () => void }) {
  const [page, setPage] = createSignal(1)
  const entries = createQuery(
    () => props.open && { id: props.token.id, page: page() },
    (query) => api.listApiTokenAudit(query.id, { page: query.page, pageSize: 10 }),
  )
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title={`Activity of ${props.token.name}`}
      description="Created, used, renewed, regenerated and revoked events."
      testId="api-token-activity-dialog"
      size="lg"
    >
      <QueryState query={entries} testId="api-token-activity">
        {(result) => (
          <Show
            when={result().items.length > 0}
            fallback={<p class="py-6 text-center text-sm text-zinc-500">No activity recorded yet.</p>}
          >
            <div class="-mx-6">
              <AuditTable entries={result().items} testId="api-token-activity-table" />
              <Pagination of={result()} onPage={setPage} testId="api-token-activity-pagination" />
            </div>
          </Show>
        )}
      </QueryState>
    </Dialog>
  )
}
