import { createSignal, For, Show } from 'solid-js'
import { Alert } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { FieldFrame, inputClass } from '../../components/field.tsx'
import { toApiError } from '../../lib/api.ts'
import type { TemplateDetail } from '../../lib/api-integrations.ts'
import * as integrations from '../../lib/api-integrations.ts'
import { cx } from '../../lib/cx.ts'
import { createFormState } from '../../lib/form.ts'
import { issuesOf } from './parts.tsx'

/** What the editor opens with: a new template (blank, duplicated or drafted), or an organization template to change. */
export type EditorState =
  | { kind: 'create'; json: string; problems?: string[]; note?: string }
  | { kind: 'edit'; template: TemplateDetail }

/** The smallest valid template: a starting point for writing one by hand. */
export const BLANK_TEMPLATE = {
  schemaVersion: 1,
  key: 'my_service',
  version: 1,
  name: 'My service',
  class: 'other',
  description: 'What the service is and what its tools let people and agents do.',
  baseUrl: '{{settings.api_url}}',
  credentials: [{ name: 'api_key', label: 'API key', secret: true, required: true }],
  settings: [{ name: 'api_url', label: 'API URL', type: 'url', required: true }],
  auth: { type: 'bearer', token: '{{credentials.api_key}}' },
  tools: [],
}

/** A built-in template as the start of an organization's own: the same definition under a new key and name. */
export function duplicateOf(template: TemplateDetail): string {
  const copy = { ...template.definition, key: `${template.key}_copy`, name: `${template.name} (copy)`, version: 1 }
  return JSON.stringify(copy, null, 2)
}

/** `tools.0.name: Use lower-case…` → its path and its message. */
function problemText(problem: string): { path: string; message: string } {
  const match = /^([\w.]+): (.*)$/s.exec(problem)
  return match ? { path: match[1] ?? '', message: match[2] ?? '' } : { path: '', message: problem }
}

interface TemplateEditorProps {
  state: EditorState | null
  onClose: () => void
  /** Awaited before the editor closes. */
  onSaved: (template: TemplateDetail, created: boolean) => Promise<void> | void
}

/** Admins: a template as JSON, checked by the server on save; its problems are listed by their path in the JSON. */
export function TemplateEditor(props: TemplateEditorProps) {
  const [json, setJson] = createSignal('')
  const [issues, setIssues] = createSignal<{ path: string; message: string }[]>([])
  const form = createFormState({
    get json() {
      return json()
    },
  })
  const editing = () => (props.state?.kind === 'edit' ? props.state.template : null)
  const drafted = () => (props.state?.kind === 'create' ? (props.state.problems ?? []).map(problemText) : [])

  onDialogOpen(
    () => props.state,
    (state) => {
      form.reset()
      setIssues([])
      setJson(state.kind === 'edit' ? JSON.stringify(state.template.definition, null, 2) : state.json)
    },
  )

  const parse = (): unknown => {
    try {
      return JSON.parse(json())
    } catch (error) {
      form.fail({ json: [`This is not valid JSON: ${(error as Error).message}`] })
      return undefined
    }
  }

  const format = () => {
    const value = parse()
    if (value !== undefined) setJson(JSON.stringify(value, null, 2))
  }

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    setIssues([])
    const definition = parse()
    if (definition === undefined) return
    const existing = editing()
    await form.submit(async () => {
      try {
        const saved = existing
          ? await integrations.updateTemplate(existing.id, definition)
          : await integrations.createTemplate(definition)
        await props.onSaved(saved, !existing)
      } catch (error) {
        setIssues(issuesOf(toApiError(error).fields))
        throw error
      }
    })
  }

  return (
    <Dialog
      open={props.state !== null}
      onClose={props.onClose}
      title={editing() ? `Edit ${editing()?.name}` : 'New template'}
      description="The template in JSON (IntegrationTemplateV1). Nothing is saved until you press Save."
      testId="template-editor"
      size="lg"
    >
      <form onSubmit={submit} class="space-y-4" novalidate>
        <Show when={props.state?.kind === 'create' && props.state.note}>
          {(note) => <Alert testId="template-editor-note">{note()}</Alert>}
        </Show>
        <Show when={drafted().length > 0}>
          <Alert tone="warning" title="Check these before saving" testId="template-editor-problems">
            <ul class="list-disc space-y-0.5 pl-4">
              <For each={drafted()}>
                {(problem) => (
                  <li data-testid="template-editor-problem">
                    <Show when={problem.path}>
                      <code class="font-mono text-xs">{problem.path}</code>:{' '}
                    </Show>
                    {problem.message}
                  </li>
                )}
              </For>
            </ul>
          </Alert>
        </Show>
        <FieldFrame
          id="template-editor-json"
          label="Template JSON"
          testId="template-editor-json"
          error={form.fieldError('json')}
        >
          <textarea
            id="template-editor-json"
            data-testid="template-editor-json"
            rows={22}
            value={json()}
            onInput={(event) => setJson(event.currentTarget.value)}
            spellcheck={false}
            wrap="off"
            autocomplete="off"
            aria-invalid={form.fieldError('json') ? true : undefined}
            aria-describedby={form.fieldError('json') ? 'template-editor-json-error' : undefined}
            class={cx(inputClass, 'resize-y font-mono text-xs leading-relaxed')}
          />
        </FieldFrame>
        <Show when={issues().length > 0}>
          <Alert tone="error" title="The template has problems" testId="template-editor-issues">
            <ul class="list-disc space-y-0.5 pl-4">
              <For each={issues()}>
                {(issue) => (
                  <li data-testid="template-editor-issue" data-path={issue.path}>
                    <code class="font-mono text-xs">{issue.path}</code>: {issue.message}
                  </li>
                )}
              </For>
            </ul>
          </Alert>
        </Show>
        <div class="flex justify-start">
          <Button size="sm" variant="ghost" onClick={format} data-testid="template-editor-format">
            Format JSON
          </Button>
        </div>
        <DialogFormActions form={form} testId="template-editor" onCancel={props.onClose}>
          {editing() ? 'Save template' : 'Save'}
        </DialogFormActions>
      </form>
    </Dialog>
  )
}
