import { A } from '@solidjs/router'
import { createEffect, createSignal, Match, on, Show, Switch } from 'solid-js'
import { FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Card } from '../../components/card.tsx'
import { CopyButton } from '../../components/copy-button.tsx'
import { FieldFrame, inputClass } from '../../components/field.tsx'
import { QueryState } from '../../components/query-state.tsx'
import { type TabItem, TabPanel, Tabs } from '../../components/tabs.tsx'
import type { McpSettings } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import { cx } from '../../lib/cx.ts'
import { createFormState } from '../../lib/form.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'
import { Snippet } from './parts.tsx'

/** Admin: the MCP Server's instructions and template rules, and how to connect an MCP client to it. */
export function McpSettingsTab() {
  const settings = createQuery(
    () => session.organization()?.id ?? 'current',
    () => integrations.getMcpSettings(),
  )
  return (
    <div class="space-y-6">
      <QueryState query={settings} testId="mcp-settings">
        {(current) => <McpSettingsForm current={current()} onSaved={(next) => settings.mutate(next)} />}
      </QueryState>
      <ConnectClient />
    </div>
  )
}

function MonospaceArea(props: {
  id: string
  label: string
  value: string
  onValue: (value: string) => void
  rows: number
  hint: string
  error: string[] | undefined
  placeholder: string
}) {
  return (
    <FieldFrame id={props.id} label={props.label} testId={props.id} hint={props.hint} error={props.error}>
      <textarea
        id={props.id}
        data-testid={props.id}
        rows={props.rows}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(event) => props.onValue(event.currentTarget.value)}
        spellcheck={false}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : `${props.id}-hint`}
        class={cx(inputClass, 'resize-y font-mono text-xs leading-relaxed')}
      />
    </FieldFrame>
  )
}

function McpSettingsForm(props: { current: McpSettings; onSaved: (next: McpSettings) => void }) {
  const [instructions, setInstructions] = createSignal(props.current.instructions)
  const [templateRules, setTemplateRules] = createSignal(props.current.templateRules)
  const form = createFormState({
    get instructions() {
      return instructions()
    },
    get templateRules() {
      return templateRules()
    },
  })
  createEffect(
    on(
      () => props.current,
      (current) => {
        setInstructions(current.instructions)
        setTemplateRules(current.templateRules)
      },
      { defer: true },
    ),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const saved = await form.submit(async () => {
      props.onSaved(
        await integrations.updateMcpSettings({ instructions: instructions(), templateRules: templateRules() }),
      )
    })
    if (saved) showToast('MCP Server settings saved. New MCP sessions receive them.')
  }

  return (
    <Card
      title="MCP Server"
      description="What every MCP client of the organization is told when it connects, and the rules for drafting templates."
      testId="mcp-settings-card"
    >
      <form onSubmit={submit} class="space-y-5" novalidate>
        <MonospaceArea
          id="mcp-instructions"
          label="Instructions (Markdown)"
          rows={12}
          value={instructions()}
          onValue={setInstructions}
          placeholder={
            '# Working with Prodgy\n\n1. Call get_my_profile first and get_workspace_info second.\n2. When an integration fails, show its message and do not retry destructive actions.'
          }
          hint="Sent to MCP clients as their instructions: how to start, how to handle integration errors, how to format work items."
          error={form.fieldError('instructions')}
        />
        <MonospaceArea
          id="mcp-template-rules"
          label="Template-creation rules"
          rows={6}
          value={templateRules()}
          onValue={setTemplateRules}
          placeholder="Tool names in snake_case, starting with a verb. Mark every tool that deletes data as destructive."
          hint="Followed when a template is drafted with AI, here or through the MCP tools."
          error={form.fieldError('templateRules')}
        />
        <FormError message={form.error()} testId="mcp-settings-error" />
        <div class="flex flex-wrap items-center justify-between gap-3">
          <span class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="mcp-settings-updated">
            <Show when={props.current.updatedAt}>{(at) => <>Last changed {formatDateTime(at())}</>}</Show>
          </span>
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="mcp-settings-save">
            Save
          </Button>
        </div>
      </form>
    </Card>
  )
}

type Client = 'claude-code' | 'cursor' | 'windsurf' | 'claude-desktop'

const clients: TabItem<Client>[] = [
  { id: 'claude-code', label: 'Claude Code' },
  { id: 'cursor', label: 'Cursor' },
  { id: 'windsurf', label: 'Windsurf' },
  { id: 'claude-desktop', label: 'Claude Desktop' },
]

const TOKEN = '<your API token>'

function json(value: unknown): string {
  return JSON.stringify(value, null, 2)
}

/** The MCP URL and ready-to-paste setups for common clients; the token comes from a workspace's API tokens. */
function ConnectClient() {
  const url = `${window.location.origin}/mcp`
  const [client, setClient] = createSignal<Client>('claude-code')
  const tokensHref = () => {
    const workspace = session.workspace()
    return workspace ? `/workspaces/${workspace.id}/settings?tab=tokens` : null
  }
  return (
    <Card
      title="Connect a client"
      description="MCP clients reach Prodgy at one address, with an API token of the workspace they work in."
      testId="mcp-connect-card"
    >
      <div class="space-y-5">
        <div class="space-y-1.5">
          <p class="text-sm font-medium text-zinc-800 dark:text-zinc-200">MCP URL</p>
          <div class="flex items-center gap-2">
            <code
              class="min-w-0 flex-1 truncate rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-sm dark:border-zinc-800 dark:bg-zinc-950"
              data-testid="mcp-connect-url"
            >
              {url}
            </code>
            <CopyButton text={url} label="Copy the MCP URL" testId="mcp-connect-url-copy" variant="button" />
          </div>
        </div>
        <p class="text-sm text-zinc-600 dark:text-zinc-300" data-testid="mcp-connect-token-note">
          Replace <code class="rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800">{TOKEN}</code> with a token
          from{' '}
          <Show when={tokensHref()} fallback="the API tokens of a workspace">
            {(href) => (
              <A
                href={href()}
                class="font-medium text-brand-700 underline dark:text-brand-300"
                data-testid="mcp-connect-tokens-link"
              >
                the API tokens of {session.workspace()?.name}
              </A>
            )}
          </Show>
          . The token decides the workspace and whose permissions the client has.
        </p>
        <div>
          <Tabs label="MCP clients" tabs={clients} value={client()} onChange={setClient} testIdPrefix="mcp-client" />
          <TabPanel id={client()}>
            <Switch>
              <Match when={client() === 'claude-code'}>
                <div class="space-y-4">
                  <Snippet
                    label="Terminal"
                    testId="mcp-snippet-claude-code"
                    text={`claude mcp add --transport http prodgy ${url} --header "Authorization: Bearer ${TOKEN}"`}
                  />
                  <Snippet
                    label=".mcp.json"
                    testId="mcp-snippet-claude-code-json"
                    text={json({
                      mcpServers: { prodgy: { type: 'http', url, headers: { Authorization: `Bearer ${TOKEN}` } } },
                    })}
                    hint="Or share it with a project: .mcp.json at its root (or ~/.claude/mcp.json for every project)."
                  />
                </div>
              </Match>
              <Match when={client() === 'cursor'}>
                <Snippet
                  label=".cursor/mcp.json"
                  testId="mcp-snippet-cursor"
                  text={json({ mcpServers: { prodgy: { url, headers: { Authorization: `Bearer ${TOKEN}` } } } })}
                  hint="In the project's .cursor/mcp.json, or ~/.cursor/mcp.json for every project."
                />
              </Match>
              <Match when={client() === 'windsurf'}>
                <Snippet
                  label="~/.codeium/windsurf/mcp_config.json"
                  testId="mcp-snippet-windsurf"
                  text={json({
                    mcpServers: { prodgy: { serverUrl: url, headers: { Authorization: `Bearer ${TOKEN}` } } },
                  })}
                />
              </Match>
              <Match when={client() === 'claude-desktop'}>
                <Snippet
                  label="claude_desktop_config.json"
                  testId="mcp-snippet-claude-desktop"
                  text={json({
                    mcpServers: {
                      prodgy: {
                        command: 'npx',
                        // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote expands it from env
                        args: ['mcp-remote', url, '--header', 'Authorization:${AUTH_HEADER}'],
                        env: { AUTH_HEADER: `Bearer ${TOKEN}` },
                      },
                    },
                  })}
                  hint="Claude Desktop starts local servers only; mcp-remote (Node.js) relays to this URL with the token."
                />
              </Match>
            </Switch>
          </TabPanel>
        </div>
      </div>
    </Card>
  )
}
