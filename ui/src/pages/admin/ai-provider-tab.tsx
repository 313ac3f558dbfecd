import { createEffect, createMemo, createSignal, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card } from '../../components/card.tsx'
import { ConfirmDialog } from '../../components/dialog.tsx'
import { SelectField, TextField } from '../../components/field.tsx'
import { KeyRound, Trash2 } from '../../components/icons.ts'
import { QueryState } from '../../components/query-state.tsx'
import * as api from '../../lib/api.ts'
import type { AiProvider, AiProviderName } from '../../lib/api-types.ts'
import { createFormState, orNull } from '../../lib/form.ts'
import { formatDateTime } from '../../lib/format.ts'
import { createQuery } from '../../lib/query.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

const providers: { value: AiProviderName; label: string }[] = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'azure', label: 'Azure OpenAI' },
  { value: 'google', label: 'Google (Gemini)' },
  { value: 'openai_compatible', label: 'OpenAI-compatible (Ollama, LM Studio, vLLM…)' },
]

const examples: Record<AiProviderName, { embedding: string; chat: string; keyHint: string }> = {
  openai: { embedding: 'text-embedding-3-small', chat: 'gpt-4o-mini', keyHint: 'Starts with sk-.' },
  azure: {
    embedding: 'your embedding deployment name',
    chat: 'your chat deployment name',
    keyHint: 'A key of the Azure OpenAI resource.',
  },
  google: { embedding: 'text-embedding-004', chat: 'gemini-2.0-flash', keyHint: 'A Google AI Studio API key.' },
  openai_compatible: {
    embedding: 'nomic-embed-text',
    chat: 'llama3.1',
    keyHint: 'Only if the server asks for one; Ollama does not.',
  },
}

/** Admin: the organization's AI provider: an embedding model for hybrid search, a chat model for generated text. */
export function AiProviderTab() {
  const provider = createQuery(
    () => session.organization()?.id ?? 'current',
    () => api.getAiProvider(),
  )
  // `null` is an answer (no provider yet): wrap it, so the form shows for it too
  const loaded = createMemo(() => {
    const data = provider.data()
    return data === undefined ? undefined : { value: data }
  })
  return (
    <QueryState query={{ ...provider, data: loaded }} testId="ai-provider">
      {(current) => <AiProviderForm current={current().value} onChanged={(next) => provider.mutate(next)} />}
    </QueryState>
  )
}

type KeyAction = 'keep' | 'replace' | 'remove'

function valuesOf(current: AiProvider | null) {
  return {
    provider: (current?.provider ?? 'openai') as AiProviderName,
    embeddingModel: current?.embeddingModel ?? '',
    chatModel: current?.chatModel ?? '',
    baseUrl: current?.baseUrl ?? '',
    resourceName: current?.resourceName ?? '',
    apiVersion: current?.apiVersion ?? '',
    apiKey: '',
  }
}

function AiProviderForm(props: { current: AiProvider | null; onChanged: (next: AiProvider | null) => void }) {
  const [values, setValues] = createStore(valuesOf(props.current))
  const form = createFormState(values)
  const [keyAction, setKeyAction] = createSignal<KeyAction>(props.current?.hasApiKey ? 'keep' : 'replace')
  const [removeOpen, setRemoveOpen] = createSignal(false)
  const example = () => examples[values.provider]

  createEffect(
    on(
      () => props.current,
      (current) => {
        setValues(valuesOf(current))
        setKeyAction(current?.hasApiKey ? 'keep' : 'replace')
      },
      { defer: true },
    ),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems: Record<string, string[]> = {}
    if (!values.embeddingModel.trim() && !values.chatModel.trim()) {
      problems.embeddingModel = ['Enter an embedding model, a chat model, or both.']
    }
    if (values.provider === 'openai_compatible' && !values.baseUrl.trim()) {
      problems.baseUrl = ['An OpenAI-compatible provider needs its address.']
    }
    if (values.provider === 'azure' && !values.resourceName.trim() && !values.baseUrl.trim()) {
      problems.resourceName = ['Enter the Azure resource name, or the full address of the deployment endpoint.']
    }
    if (keyAction() === 'replace' && !values.apiKey.trim() && values.provider !== 'openai_compatible') {
      problems.apiKey = ['Enter the API key.']
    }
    if (Object.keys(problems).length) return form.fail(problems)
    const usesBaseUrl = values.provider === 'openai_compatible' || values.provider === 'azure'
    const key = keyAction()
    const saved = await form.submit(async () => {
      const next = await api.saveAiProvider({
        provider: values.provider,
        embeddingModel: orNull(values.embeddingModel),
        chatModel: orNull(values.chatModel),
        baseUrl: usesBaseUrl ? orNull(values.baseUrl) : null,
        resourceName: values.provider === 'azure' ? orNull(values.resourceName) : null,
        apiVersion: values.provider === 'azure' ? orNull(values.apiVersion) : null,
        ...(key === 'remove'
          ? { apiKey: null }
          : key === 'replace' && values.apiKey.trim()
            ? { apiKey: values.apiKey.trim() }
            : {}),
      })
      props.onChanged(next)
    })
    if (saved) showToast('AI provider saved: it answered the test embedding.')
  }

  const remove = async () => {
    await api.deleteAiProvider()
    props.onChanged(null)
    showToast('AI provider removed. Search uses full text only.')
  }

  return (
    <Card
      title="AI provider"
      description="The embedding model powers hybrid search; the chat model writes generated overview blocks."
      testId="ai-provider-card"
      actions={
        <Show
          when={props.current}
          fallback={
            <Badge tone="gray" testId="ai-provider-status">
              Not configured
            </Badge>
          }
        >
          {(current) => (
            <Badge tone="green" testId="ai-provider-status">
              {current().embeddingDimensions
                ? `Configured · ${current().embeddingDimensions} dimensions`
                : 'Configured'}
            </Badge>
          )}
        </Show>
      }
    >
      <form onSubmit={submit} novalidate class="space-y-5">
        <Show when={!props.current}>
          <Alert tone="info" testId="ai-provider-none">
            Without a provider, the knowledge base works on full-text search alone. Saving checks the provider with one
            embedding call.
          </Alert>
        </Show>
        <div class="grid gap-4 sm:grid-cols-2">
          <SelectField
            id="ai-provider-provider"
            label="Provider"
            value={values.provider}
            onValue={(v) => setValues('provider', v as AiProviderName)}
            options={providers}
            testId="ai-provider-provider"
            error={form.fieldError('provider')}
          />
          <div />
          <TextField
            id="ai-provider-embedding-model"
            label="Embedding model"
            optional
            value={values.embeddingModel}
            onValue={(v) => setValues('embeddingModel', v)}
            placeholder={example().embedding}
            testId="ai-provider-embedding-model"
            hint="Changing it re-embeds the knowledge base in the background."
            error={form.fieldError('embeddingModel')}
            autocomplete="off"
            spellcheck={false}
          />
          <TextField
            id="ai-provider-chat-model"
            label="Chat model"
            optional
            value={values.chatModel}
            onValue={(v) => setValues('chatModel', v)}
            placeholder={example().chat}
            testId="ai-provider-chat-model"
            hint="Used by Generate on the knowledge base overview."
            error={form.fieldError('chatModel')}
            autocomplete="off"
            spellcheck={false}
          />
          <Show when={values.provider === 'azure'}>
            <TextField
              id="ai-provider-resource-name"
              label="Resource name"
              value={values.resourceName}
              onValue={(v) => setValues('resourceName', v)}
              placeholder="my-openai-resource"
              testId="ai-provider-resource-name"
              hint="The part before .openai.azure.com."
              error={form.fieldError('resourceName')}
              autocomplete="off"
              spellcheck={false}
            />
            <TextField
              id="ai-provider-api-version"
              label="API version"
              optional
              value={values.apiVersion}
              onValue={(v) => setValues('apiVersion', v)}
              placeholder="2024-10-21"
              testId="ai-provider-api-version"
              error={form.fieldError('apiVersion')}
              autocomplete="off"
              spellcheck={false}
            />
          </Show>
          <Show when={values.provider === 'openai_compatible' || values.provider === 'azure'}>
            <TextField
              id="ai-provider-base-url"
              label="Base URL"
              optional={values.provider === 'azure'}
              type="url"
              value={values.baseUrl}
              onValue={(v) => setValues('baseUrl', v)}
              placeholder={
                values.provider === 'azure'
                  ? 'https://…openai.azure.com/openai/deployments/…'
                  : 'http://localhost:11434/v1'
              }
              testId="ai-provider-base-url"
              hint={
                values.provider === 'azure'
                  ? 'Instead of the resource name, the full address of the endpoint.'
                  : 'The OpenAI-compatible address of the server, usually ending in /v1.'
              }
              error={form.fieldError('baseUrl')}
              class="sm:col-span-2"
              autocomplete="off"
              spellcheck={false}
            />
          </Show>
        </div>

        <div class="space-y-2 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <p class="flex items-center gap-2 text-sm font-medium">
            <KeyRound class="size-4 text-zinc-400" aria-hidden="true" />
            API key
          </p>
          <Show
            when={keyAction() === 'replace'}
            fallback={
              <div class="flex flex-wrap items-center gap-3">
                <Show
                  when={keyAction() === 'keep'}
                  fallback={
                    <span class="text-sm text-amber-700 dark:text-amber-400" data-testid="ai-provider-key-removing">
                      The saved key will be removed when you save.
                    </span>
                  }
                >
                  <span class="text-sm text-zinc-700 dark:text-zinc-300" data-testid="ai-provider-key-saved">
                    A key is saved. It is never shown again.
                  </span>
                </Show>
                <div class="flex gap-2">
                  <Show when={keyAction() === 'keep'}>
                    <Button size="sm" onClick={() => setKeyAction('replace')} data-testid="ai-provider-key-replace">
                      Replace
                    </Button>
                    <Button
                      size="sm"
                      variant="danger-outline"
                      onClick={() => setKeyAction('remove')}
                      data-testid="ai-provider-key-remove"
                    >
                      Remove
                    </Button>
                  </Show>
                  <Show when={keyAction() === 'remove'}>
                    <Button size="sm" onClick={() => setKeyAction('keep')} data-testid="ai-provider-key-keep">
                      Keep the key
                    </Button>
                  </Show>
                </div>
              </div>
            }
          >
            <div class="flex flex-wrap items-end gap-2">
              <TextField
                id="ai-provider-api-key"
                label="New API key"
                type="password"
                optional={values.provider === 'openai_compatible'}
                value={values.apiKey}
                onValue={(v) => setValues('apiKey', v)}
                testId="ai-provider-api-key"
                hint={`${example().keyHint} Stored encrypted; never displayed.`}
                error={form.fieldError('apiKey')}
                autocomplete="new-password"
                spellcheck={false}
                class="min-w-64 flex-1"
              />
              <Show when={props.current?.hasApiKey}>
                <Button
                  size="sm"
                  class="mb-6"
                  onClick={() => {
                    setValues('apiKey', '')
                    setKeyAction('keep')
                  }}
                  data-testid="ai-provider-key-keep"
                >
                  Keep the saved key
                </Button>
              </Show>
            </div>
          </Show>
        </div>

        <FormError message={form.error()} testId="ai-provider-error" />
        <div class="flex flex-wrap items-center justify-between gap-3">
          <span class="text-xs text-zinc-500 dark:text-zinc-400">
            <Show when={props.current}>{(current) => <>Last changed {formatDateTime(current().updatedAt)}</>}</Show>
          </span>
          <div class="flex gap-2">
            <Show when={props.current}>
              <Button
                variant="danger-outline"
                onClick={() => setRemoveOpen(true)}
                data-testid="ai-provider-remove-open"
              >
                <Trash2 class="size-4" aria-hidden="true" />
                Remove provider
              </Button>
            </Show>
            <Button type="submit" variant="primary" loading={form.pending()} data-testid="ai-provider-save">
              {form.pending() ? 'Checking the provider…' : 'Save'}
            </Button>
          </div>
        </div>
      </form>
      <ConfirmDialog
        open={removeOpen()}
        onClose={() => setRemoveOpen(false)}
        title="Remove the AI provider?"
        description="Its settings and key are deleted. Search falls back to full text; ✨ Generate stops working until a provider is added again."
        confirmLabel="Remove provider"
        danger
        onConfirm={remove}
        testId="ai-provider-remove"
      />
    </Card>
  )
}
