import { createSignal, For, Show } from 'solid-js'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { cardClass } from '../../components/card.tsx'
import { CardMeta, EmptyCard } from '../../components/card-list.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { ExternalLink, ShieldCheck, Trash2 } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import { type ConnectedApp, listConnectedApps, revokeConnectedApp, scopeTitle } from '../../lib/api-oauth.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { formatDateTime, formatRelative } from '../../lib/format.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

/** Applications (MCP clients and others) people connected to this workspace with OAuth. */
export function ConnectedAppsTab(props: { workspace: Workspace }) {
  const apps = createQuery(
    () => props.workspace.id,
    (id) => listConnectedApps(id),
  )
  return (
    <div class="space-y-4">
      <p class="max-w-2xl text-sm text-zinc-500 dark:text-zinc-400">
        Applications such as Claude Code or Cursor that were allowed to act in{' '}
        <span class="font-medium text-zinc-700 dark:text-zinc-200">{props.workspace.name}</span> through the MCP Server
        or the API.{' '}
        {session.isAdmin()
          ? 'As an administrator you see every connected app here.'
          : 'You see the apps you connected.'}{' '}
        Revoking one ends its access at once.
      </p>
      <QueryState query={apps} testId="connected-apps">
        {(items) => (
          <Show
            when={items().length > 0}
            fallback={
              <EmptyCard
                testId="connected-apps-empty"
                icon={<ShieldCheck class="size-5" />}
                title="No connected apps"
                description="Give an MCP client the MCP Server address; it will ask you to approve it here in Prodgy."
              />
            }
          >
            <div class="grid gap-4" data-testid="connected-app-list">
              <For each={items()}>{(app) => <AppCard app={app} onRevoked={() => apps.refetch()} />}</For>
            </div>
          </Show>
        )}
      </QueryState>
    </div>
  )
}

function AppCard(props: { app: ConnectedApp; onRevoked: () => Promise<unknown> }) {
  const [confirm, setConfirm] = createSignal(false)
  const website = () => {
    try {
      return props.app.clientUri ? new URL(props.app.clientUri).host : null
    } catch {
      return null
    }
  }
  const revoke = async () => {
    await revokeConnectedApp(props.app.id)
    showToast(`${props.app.clientName} no longer has access.`)
    await props.onRevoked()
  }

  return (
    <article
      class={`${cardClass} flex flex-col`}
      data-testid="connected-app-card"
      data-app-id={props.app.id}
      aria-label={`Connected app ${props.app.clientName}`}
    >
      <div class="flex items-start justify-between gap-3 px-5 pt-4">
        <div class="min-w-0">
          <h3 class="truncate font-semibold text-zinc-900 dark:text-zinc-100" data-testid="connected-app-name">
            {props.app.clientName}
          </h3>
          <Show when={website()}>
            {(host) => (
              <a
                href={props.app.clientUri ?? '#'}
                target="_blank"
                rel="noopener noreferrer"
                class="mt-0.5 inline-flex items-center gap-1 text-xs text-brand-600 hover:underline dark:text-brand-400"
                data-testid="connected-app-website"
              >
                {host()}
                <ExternalLink class="size-3" aria-hidden="true" />
              </a>
            )}
          </Show>
        </div>
      </div>
      <div class="flex flex-wrap gap-1.5 px-5 pt-3" data-testid="connected-app-scopes">
        <For each={props.app.scopes}>
          {(scope) => (
            <span title={scopeTitle(scope)}>
              <Badge tone={scope.endsWith(':admin') ? 'amber' : 'brand'}>{scope}</Badge>
            </span>
          )}
        </For>
      </div>
      <dl class="grid grid-cols-2 gap-x-6 gap-y-3 px-5 py-4 sm:grid-cols-4">
        <CardMeta label="Authorized" testId="connected-app-authorized">
          {formatDateTime(props.app.authorizedAt)}
        </CardMeta>
        <CardMeta label="Last used" testId="connected-app-last-used">
          {formatRelative(props.app.lastUsedAt)}
        </CardMeta>
        <CardMeta label="Uses" testId="connected-app-usage">
          {props.app.usageCount}
        </CardMeta>
        <CardMeta label="Connected by" testId="connected-app-user">
          {props.app.userName}
        </CardMeta>
      </dl>
      <div class="mt-auto flex border-t border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <Button
          size="sm"
          variant="ghost"
          class="ml-auto text-red-600 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/40"
          onClick={() => setConfirm(true)}
          data-testid="connected-app-revoke"
        >
          <Trash2 class="size-3.5" aria-hidden="true" />
          Revoke
        </Button>
      </div>
      <ConfirmDialog
        open={confirm()}
        onClose={() => setConfirm(false)}
        title={`Revoke ${props.app.clientName}?`}
        description="The app loses access at once and every token it holds stops working. It can ask for access again."
        confirmLabel="Revoke access"
        danger
        onConfirm={revoke}
        testId="connected-app-revoke-confirm"
      />
    </article>
  )
}
