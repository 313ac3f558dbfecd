import { createSignal, Show } from 'solid-js'
import { Alert } from '../../components/alert.tsx'
import { Badge, statusTones } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { ExternalLink, Inbox, RefreshCw } from '../../components/icons.ts'
import { PagedTable } from '../../components/paged-table.tsx'
import { QueryState } from '../../components/query-state.tsx'
import { tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import { cx } from '../../lib/cx.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createQuery } from '../../lib/query.ts'

const pageSize = 20

/** Super Admin: every email the platform produced, with its delivery status. Useful when no mail server is set up. */
export function OutboxTab() {
  const [page, setPage] = createSignal(1)
  const messages = createQuery(page, (p) => api.listOutbox({ page: p, pageSize }))
  const [openId, setOpenId] = createSignal<string | null>(null)

  return (
    <Card
      title="Outbox"
      description="Emails sent or stored by the platform. Open one to read it and follow its link."
      bodyClass="p-0"
      testId="outbox-card"
      actions={
        <Button size="sm" onClick={() => messages.refetch()} loading={messages.loading()} data-testid="outbox-refresh">
          <Show when={!messages.loading()}>
            <RefreshCw class="size-3.5" aria-hidden="true" />
          </Show>
          Refresh
        </Button>
      }
    >
      <PagedTable
        query={messages}
        testId="outbox"
        label="Outbox"
        columns={['To', 'Subject', 'Kind', 'Status', 'Created']}
        onPage={setPage}
        empty={<EmptyState testId="outbox-empty" icon={<Inbox class="size-5" />} title="No emails yet" />}
      >
        {(message) => (
          <tr
            class={cx(trClass, 'cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/40')}
            data-testid="outbox-row"
            data-message-id={message.id}
            onClick={() => setOpenId(message.id)}
          >
            <td class={`${tdClass} text-zinc-700 dark:text-zinc-300`} data-testid="outbox-row-to">
              {message.to}
            </td>
            <td class={tdClass}>
              <button
                type="button"
                class="text-left font-medium text-zinc-900 hover:text-brand-700 hover:underline dark:text-zinc-100 dark:hover:text-brand-300"
                onClick={(event) => {
                  event.stopPropagation()
                  setOpenId(message.id)
                }}
                data-testid="outbox-row-subject"
              >
                {message.subject}
              </button>
            </td>
            <td class={`${tdClass} text-xs text-zinc-500 dark:text-zinc-400`}>{message.kind}</td>
            <td class={tdClass}>
              <Badge tone={statusTones[message.status] ?? 'gray'} testId="outbox-status">
                {message.status}
              </Badge>
            </td>
            <td class={`${tdClass} whitespace-nowrap text-zinc-500 dark:text-zinc-400`}>
              {formatDateTime(message.createdAt)}
            </td>
          </tr>
        )}
      </PagedTable>
      <OutboxMessageDialog id={openId()} onClose={() => setOpenId(null)} />
    </Card>
  )
}

function OutboxMessageDialog(props: { id: string | null; onClose: () => void }) {
  const message = createQuery(
    () => props.id,
    (id) => api.getOutboxMessage(id),
  )
  const [showHtml, setShowHtml] = createSignal(false)
  const current = () => {
    const data = message.data()
    return data && data.id === props.id ? data : undefined
  }

  return (
    <Dialog
      open={props.id !== null}
      onClose={() => {
        setShowHtml(false)
        props.onClose()
      }}
      title={current()?.subject ?? 'Email'}
      testId="outbox-detail"
      size="lg"
    >
      <QueryState query={{ ...message, data: current }} testId="outbox-detail">
        {(email) => (
          <div class="space-y-4 text-sm">
            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5">
              <dt class="text-zinc-500 dark:text-zinc-400">Subject</dt>
              <dd class="font-medium" data-testid="outbox-detail-subject">
                {email().subject}
              </dd>
              <dt class="text-zinc-500 dark:text-zinc-400">To</dt>
              <dd data-testid="outbox-detail-to">{email().to}</dd>
              <dt class="text-zinc-500 dark:text-zinc-400">Status</dt>
              <dd class="flex flex-wrap items-center gap-2">
                <Badge tone={statusTones[email().status] ?? 'gray'} testId="outbox-detail-status">
                  {email().status}
                </Badge>
                <Show when={email().transport}>
                  <span class="text-xs text-zinc-500 dark:text-zinc-400">via {email().transport}</span>
                </Show>
              </dd>
              <dt class="text-zinc-500 dark:text-zinc-400">Created</dt>
              <dd>{formatDateTime(email().createdAt)}</dd>
              <Show when={email().sentAt}>
                <dt class="text-zinc-500 dark:text-zinc-400">Sent</dt>
                <dd>{formatDateTime(email().sentAt)}</dd>
              </Show>
            </dl>
            <Show when={email().error}>
              <Alert tone="error" testId="outbox-detail-error">
                {email().error}
              </Alert>
            </Show>
            <Show when={email().actionUrl}>
              {(url) => (
                <div class="rounded-lg border border-brand-200 bg-brand-50 p-3 dark:border-brand-900 dark:bg-brand-950/40">
                  <p class="mb-1 text-xs font-medium text-brand-800 dark:text-brand-300">Link in this email</p>
                  <a
                    href={url()}
                    data-testid="outbox-action-link"
                    class="inline-flex items-center gap-1.5 font-medium break-all text-brand-700 underline-offset-2 hover:underline dark:text-brand-300"
                  >
                    {url()}
                    <ExternalLink class="size-3.5 shrink-0" aria-hidden="true" />
                  </a>
                </div>
              )}
            </Show>
            <div>
              <div class="mb-1.5 flex items-center justify-between">
                <p class="text-xs font-medium text-zinc-500 dark:text-zinc-400">Body</p>
                <Show when={email().htmlBody}>
                  <button
                    type="button"
                    class="text-xs font-medium text-brand-600 hover:underline dark:text-brand-400"
                    onClick={() => setShowHtml(!showHtml())}
                    data-testid="outbox-detail-html-toggle"
                  >
                    {showHtml() ? 'Show plain text' : 'Show HTML version'}
                  </button>
                </Show>
              </div>
              <Show
                when={showHtml() && email().htmlBody}
                fallback={
                  <pre
                    class="max-h-80 overflow-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 font-sans text-sm whitespace-pre-wrap text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
                    data-testid="outbox-detail-body"
                  >
                    {email().textBody || '(no plain-text body)'}
                  </pre>
                }
              >
                {/* An empty sandbox: the email's HTML can neither run scripts nor reach this page. */}
                <iframe
                  title="HTML version of the email"
                  sandbox=""
                  srcdoc={email().htmlBody ?? ''}
                  class="h-80 w-full rounded-lg border border-zinc-200 bg-white dark:border-zinc-800"
                  data-testid="outbox-detail-html"
                />
              </Show>
            </div>
          </div>
        )}
      </QueryState>
    </Dialog>
  )
}
