import { A } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Card } from '../../components/card.tsx'
import { TextAreaField } from '../../components/field.tsx'
import { Check, Sparkles } from '../../components/icons.ts'
import * as api from '../../lib/api.ts'
import type { OverviewProposal, Workspace } from '../../lib/api-types.ts'
import { createFormState, orNull } from '../../lib/form.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

type Block = keyof OverviewProposal

const blocks: { key: Block; label: string; hint: string; testId: string }[] = [
  {
    key: 'vision',
    label: 'Vision',
    hint: 'Where the product is going and why it matters.',
    testId: 'kb-overview-vision',
  },
  {
    key: 'targetAudience',
    label: 'Target audience',
    hint: 'Who the product is for: segments, markets, company types.',
    testId: 'kb-overview-target-audience',
  },
  {
    key: 'personas',
    label: 'Personas',
    hint: 'The people who use it, their goals, pains and habits.',
    testId: 'kb-overview-personas',
  },
  {
    key: 'valueProposition',
    label: 'Value proposition',
    hint: 'What the product does for them that alternatives do not.',
    testId: 'kb-overview-value-proposition',
  },
  {
    key: 'okrs',
    label: 'OKRs',
    hint: 'Current objectives and key results, one per line.',
    testId: 'kb-overview-okrs',
  },
]

function valuesOf(workspace: Workspace): Record<Block, string> {
  return {
    vision: workspace.vision ?? '',
    targetAudience: workspace.targetAudience ?? '',
    personas: workspace.personas ?? '',
    valueProposition: workspace.valueProposition ?? '',
    okrs: workspace.okrs ?? '',
  }
}

/** The five information blocks of the workspace, edited by Admins, with an AI proposal to review block by block. */
export function OverviewTab(props: { workspace: Workspace; onSaved: (workspace: Workspace) => void }) {
  const [values, setValues] = createStore(valuesOf(props.workspace))
  const form = createFormState(values)
  const readOnly = () => !session.isAdmin()
  const [proposal, setProposal] = createSignal<OverviewProposal | null>(null)
  const [accepted, setAccepted] = createStore<Partial<Record<Block, boolean>>>({})
  const [generating, setGenerating] = createSignal(false)
  const [generateError, setGenerateError] = createSignal<api.ApiError | null>(null)

  const saved = () => valuesOf(props.workspace)
  const dirty = () => blocks.some((b) => values[b.key] !== saved()[b.key])

  const generate = async () => {
    setGenerating(true)
    setGenerateError(null)
    try {
      setProposal(await api.generateOverview(props.workspace.id))
      setAccepted({ vision: false, targetAudience: false, personas: false, valueProposition: false, okrs: false })
    } catch (error) {
      setGenerateError(api.toApiError(error))
    } finally {
      setGenerating(false)
    }
  }

  const accept = (key: Block) => {
    const text = proposal()?.[key]
    if (text === undefined) return
    setValues(key, text)
    setAccepted(key, true)
  }

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const ok = await form.submit(async () => {
      const updated = await api.updateWorkspace(props.workspace.id, {
        vision: orNull(values.vision),
        targetAudience: orNull(values.targetAudience),
        personas: orNull(values.personas),
        valueProposition: orNull(values.valueProposition),
        okrs: orNull(values.okrs),
      })
      props.onSaved(updated)
      setProposal(null)
      void session.reload()
    })
    if (ok) showToast('Overview saved.')
  }

  return (
    <form onSubmit={submit} novalidate class="space-y-6">
      <Card
        title="Product overview"
        description="Agents and connected AI assistants read these blocks to understand the product."
        testId="kb-overview-card"
        actions={
          <Show when={!readOnly()}>
            <Button onClick={generate} loading={generating()} data-testid="kb-overview-generate">
              <Show when={!generating()}>
                <Sparkles class="size-4 text-amber-500" aria-hidden="true" />
              </Show>
              {generating() ? 'Generating…' : 'Generate'}
            </Button>
          </Show>
        }
      >
        <div class="space-y-5">
          <Show when={readOnly()}>
            <Alert tone="info" testId="kb-overview-read-only">
              Only Admins can change the overview.
            </Alert>
          </Show>
          <Show when={generateError()}>
            {(error) => (
              <Show
                when={error().code === 'ai_provider_required'}
                fallback={
                  <Alert tone="error" testId="kb-overview-generate-error">
                    {error().message}
                  </Alert>
                }
              >
                <Alert tone="warning" title="An AI provider is needed" testId="kb-overview-provider-required">
                  Generating the overview reads the knowledge base and asks a chat model to write the blocks. Add a
                  provider with a chat model first.{' '}
                  <A
                    href="/admin?tab=ai-provider"
                    class="font-medium underline underline-offset-2"
                    data-testid="kb-overview-provider-link"
                  >
                    Open Admin → AI provider
                  </A>
                </Alert>
              </Show>
            )}
          </Show>
          <Show when={proposal()}>
            <Alert tone="info" testId="kb-overview-proposal">
              <div class="flex flex-wrap items-center justify-between gap-2">
                <span>
                  Review the proposal beside each block. Accept the ones you keep, then save. Nothing is saved yet.
                </span>
                <span class="flex gap-2">
                  <Button
                    size="sm"
                    onClick={() => {
                      for (const b of blocks) accept(b.key)
                    }}
                    data-testid="kb-overview-accept-all"
                  >
                    Accept all
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setProposal(null)} data-testid="kb-overview-discard">
                    Discard proposal
                  </Button>
                </span>
              </div>
            </Alert>
          </Show>
          <fieldset disabled={readOnly()} class="space-y-5">
            <For each={blocks}>
              {(block) => (
                <div class={proposal() ? 'grid gap-4 lg:grid-cols-2' : ''}>
                  <TextAreaField
                    id={block.testId}
                    label={block.label}
                    hint={block.hint}
                    optional
                    rows={proposal() ? 6 : 4}
                    value={values[block.key]}
                    onValue={(v) => setValues(block.key, v)}
                    testId={block.testId}
                    error={form.fieldError(block.key)}
                  />
                  <Show when={proposal()}>
                    {(p) => (
                      <div class="space-y-1.5">
                        <div class="flex items-center justify-between gap-2">
                          <p class="text-sm font-medium text-zinc-800 dark:text-zinc-200">
                            <Sparkles class="mr-1 inline size-3.5 text-amber-500" aria-hidden="true" />
                            Proposed {block.label.toLowerCase()}
                          </p>
                          <Button
                            size="sm"
                            variant={accepted[block.key] ? 'ghost' : 'secondary'}
                            disabled={accepted[block.key] || values[block.key] === p()[block.key]}
                            onClick={() => accept(block.key)}
                            data-testid={`kb-overview-accept-${block.key}`}
                            aria-label={`Accept the proposed ${block.label.toLowerCase()}`}
                          >
                            <Show when={accepted[block.key]} fallback="Accept">
                              <Check class="size-3.5" aria-hidden="true" />
                              Accepted
                            </Show>
                          </Button>
                        </div>
                        <div
                          class="max-h-48 min-h-[7.5rem] overflow-y-auto rounded-lg border border-dashed border-amber-300 bg-amber-50/50 px-3 py-2 text-sm leading-relaxed whitespace-pre-wrap text-zinc-800 dark:border-amber-800/60 dark:bg-amber-950/20 dark:text-zinc-200"
                          data-testid={`kb-overview-proposal-${block.key}`}
                        >
                          {p()[block.key] || <span class="text-zinc-400">(nothing proposed)</span>}
                        </div>
                      </div>
                    )}
                  </Show>
                </div>
              )}
            </For>
          </fieldset>
        </div>
      </Card>
      <Show when={!readOnly()}>
        <div class="sticky bottom-0 -mx-1 space-y-3 border-t border-zinc-200 bg-zinc-50/90 px-1 py-3 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
          <FormError message={form.error()} testId="kb-overview-error" />
          <div class="flex items-center justify-end gap-3">
            <Show when={dirty()}>
              <span class="text-xs text-amber-700 dark:text-amber-400" data-testid="kb-overview-unsaved">
                Unsaved changes
              </span>
            </Show>
            <Button type="submit" variant="primary" loading={form.pending()} data-testid="kb-overview-save">
              Save overview
            </Button>
          </div>
        </div>
      </Show>
    </form>
  )
}
