import { createEffect, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Button } from '../../components/button.tsx'
import { Card } from '../../components/card.tsx'
import { FieldFrame, inputClass, TextAreaField, TextField } from '../../components/field.tsx'
import { WorkspaceDetailsFields } from '../../components/workspace-fields.tsx'
import * as api from '../../lib/api.ts'
import type { Workspace } from '../../lib/api-types.ts'
import { createFormState, orNull } from '../../lib/form.ts'
import { session } from '../../lib/session.ts'
import { showToast } from '../../lib/toast.ts'

const contextFields = [
  {
    key: 'vision',
    label: 'Vision',
    hint: 'Where the product is going and why it matters.',
    testId: 'workspace-vision',
  },
  {
    key: 'targetAudience',
    label: 'Target audience',
    hint: 'Who the product is for: segments, markets, company types.',
    testId: 'workspace-target-audience',
  },
  {
    key: 'personas',
    label: 'Personas',
    hint: 'The people who use it, their goals, pains and habits.',
    testId: 'workspace-personas',
  },
  {
    key: 'valueProposition',
    label: 'Value proposition',
    hint: 'What the product does for them that alternatives do not.',
    testId: 'workspace-value-proposition',
  },
  {
    key: 'okrs',
    label: 'OKRs',
    hint: 'Current objectives and key results, one per line.',
    testId: 'workspace-okrs',
  },
] as const

type ContextKey = (typeof contextFields)[number]['key']

function valuesOf(workspace: Workspace) {
  return {
    name: workspace.name,
    description: workspace.description ?? '',
    website: workspace.website ?? '',
    logo: workspace.logo ?? '',
    vision: workspace.vision ?? '',
    targetAudience: workspace.targetAudience ?? '',
    personas: workspace.personas ?? '',
    valueProposition: workspace.valueProposition ?? '',
    okrs: workspace.okrs ?? '',
  }
}

export function GeneralTab(props: { workspace: Workspace; onSaved: (workspace: Workspace) => void }) {
  const [values, setValues] = createStore(valuesOf(props.workspace))
  const form = createFormState(values)
  const readOnly = () => !session.isAdmin()

  // Another workspace opened in the same page: start from its values.
  createEffect(
    on(
      () => props.workspace.id,
      () => setValues(valuesOf(props.workspace)),
      { defer: true },
    ),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    if (!values.name.trim()) return form.fail({ name: ['This field is required.'] })
    const saved = await form.submit(async () => {
      const updated = await api.updateWorkspace(props.workspace.id, {
        name: values.name.trim(),
        description: orNull(values.description),
        website: orNull(values.website),
        logo: orNull(values.logo),
        vision: orNull(values.vision),
        targetAudience: orNull(values.targetAudience),
        personas: orNull(values.personas),
        valueProposition: orNull(values.valueProposition),
        okrs: orNull(values.okrs),
      })
      props.onSaved(updated)
      await session.reload()
    })
    if (saved) showToast('Workspace saved.')
  }

  return (
    <form onSubmit={submit} novalidate>
      <fieldset disabled={readOnly()} class="space-y-6">
        <Show when={readOnly()}>
          <Alert tone="info" testId="workspace-read-only">
            Only Admins can change these settings.
          </Alert>
        </Show>
        <Card title="General" description="How this workspace appears across Prodgy.">
          <div class="space-y-4">
            <div class="grid gap-4 sm:grid-cols-2">
              <TextField
                id="workspace-name"
                label="Name"
                value={values.name}
                onValue={(v) => setValues('name', v)}
                testId="workspace-name"
                error={form.fieldError('name')}
              />
              <FieldFrame
                id="workspace-slug"
                label="Slug"
                hint="Made from the name when the workspace was created."
                testId="workspace-slug"
              >
                <input
                  id="workspace-slug"
                  value={props.workspace.slug}
                  readOnly
                  aria-describedby="workspace-slug-hint"
                  data-testid="workspace-slug"
                  class={`${inputClass} bg-zinc-50 font-mono text-zinc-500 dark:bg-zinc-800/50`}
                />
              </FieldFrame>
            </div>
            <WorkspaceDetailsFields
              prefix="workspace"
              values={values}
              onValue={(key, value) => setValues(key, value)}
              form={form}
              placeholders={{ website: 'https://', logo: 'https://…/logo.png' }}
            />
          </div>
        </Card>
        <Card
          title="Product context"
          description="Agents and connected AI assistants read this to understand the product."
        >
          <div class="space-y-4">
            {contextFields.map((field) => (
              <TextAreaField
                id={field.testId}
                label={field.label}
                hint={field.hint}
                optional
                rows={4}
                value={values[field.key as ContextKey]}
                onValue={(v) => setValues(field.key as ContextKey, v)}
                testId={field.testId}
                error={form.fieldError(field.key)}
              />
            ))}
          </div>
        </Card>
        <Show when={!readOnly()}>
          <div class="sticky bottom-0 -mx-1 space-y-3 border-t border-zinc-200 bg-zinc-50/90 px-1 py-3 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
            <FormError message={form.error()} testId="workspace-error" />
            <div class="flex justify-end">
              <Button type="submit" variant="primary" loading={form.pending()} data-testid="workspace-save">
                Save changes
              </Button>
            </div>
          </div>
        </Show>
      </fieldset>
    </form>
  )
}
