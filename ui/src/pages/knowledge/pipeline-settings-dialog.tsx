import { createEffect, on } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Dialog, DialogFormActions, onDialogOpen } from '../../components/dialog.tsx'
import { TextField } from '../../components/field.tsx'
import { QueryState } from '../../components/query-state.tsx'
import * as api from '../../lib/api.ts'
import type { PipelineSettings } from '../../lib/api-types.ts'
import { createFormState } from '../../lib/form.ts'
import { createQuery } from '../../lib/query.ts'
import { showToast } from '../../lib/toast.ts'

const fields = [
  {
    key: 'chunkSizeTokens',
    label: 'Chunk size (tokens)',
    hint: '50–8000. Larger chunks carry more context; smaller ones match more precisely.',
    testId: 'kb-settings-chunk-size',
    min: 50,
    max: 8000,
  },
  {
    key: 'chunkOverlapTokens',
    label: 'Overlap (tokens)',
    hint: 'Repeated from the end of one chunk at the start of the next; smaller than the chunk size.',
    testId: 'kb-settings-chunk-overlap',
    min: 0,
    max: 7999,
  },
  {
    key: 'embeddingBatchSize',
    label: 'Embedding batch size',
    hint: '1–2048 chunks per call to the embedding provider.',
    testId: 'kb-settings-batch-size',
    min: 1,
    max: 2048,
  },
  {
    key: 'embeddingConcurrency',
    label: 'Concurrency',
    hint: '1–32 embedding calls at once; mind the provider’s rate limits.',
    testId: 'kb-settings-concurrency',
    min: 1,
    max: 32,
  },
] as const

type Key = (typeof fields)[number]['key']

/** Super Admin: how documents are cut into chunks and embedded, for documents processed from now on. */
export function PipelineSettingsDialog(props: { open: boolean; onClose: () => void }) {
  const settings = createQuery(
    () => props.open,
    () => api.getPipelineSettings(),
  )
  const [values, setValues] = createStore<Record<Key, string>>({
    chunkSizeTokens: '',
    chunkOverlapTokens: '',
    embeddingBatchSize: '',
    embeddingConcurrency: '',
  })
  const form = createFormState(values)
  const fill = (data: PipelineSettings) => {
    for (const field of fields) setValues(field.key, String(data[field.key]))
  }
  onDialogOpen(
    () => props.open,
    () => {
      form.reset()
      const data = settings.data()
      if (data) fill(data)
    },
  )
  // the query loads each time the dialog opens
  createEffect(
    on(settings.data, (data) => {
      if (data) fill(data)
    }),
  )

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const problems: Record<string, string[]> = {}
    const numbers = {} as PipelineSettings
    for (const field of fields) {
      const value = Number(values[field.key])
      if (values[field.key].trim() === '' || !Number.isInteger(value) || value < field.min || value > field.max) {
        problems[field.key] = [`A whole number from ${field.min} to ${field.max}.`]
      }
      numbers[field.key] = value
    }
    if (
      !problems.chunkOverlapTokens &&
      !problems.chunkSizeTokens &&
      numbers.chunkOverlapTokens >= numbers.chunkSizeTokens
    ) {
      problems.chunkOverlapTokens = ['The overlap must be smaller than the chunk size.']
    }
    if (Object.keys(problems).length) return form.fail(problems)
    const saved = await form.submit(async () => {
      settings.mutate(await api.updatePipelineSettings(numbers))
    })
    if (saved) {
      showToast('Pipeline settings saved. They apply to documents processed from now on.')
      props.onClose()
    }
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title="Pipeline settings"
      description="Platform-wide. Documents already processed keep their chunks until they are imported again."
      testId="kb-settings-dialog"
    >
      <QueryState query={settings} testId="kb-settings">
        {() => (
          <form onSubmit={submit} novalidate class="space-y-4">
            <div class="grid gap-4 sm:grid-cols-2">
              {fields.map((field) => (
                <TextField
                  id={field.testId}
                  label={field.label}
                  type="number"
                  inputmode="numeric"
                  min={field.min}
                  max={field.max}
                  value={values[field.key]}
                  onValue={(v) => setValues(field.key, v)}
                  testId={field.testId}
                  hint={field.hint}
                  error={form.fieldError(field.key)}
                />
              ))}
            </div>
            <DialogFormActions form={form} testId="kb-settings" onCancel={props.onClose}>
              Save settings
            </DialogFormActions>
          </form>
        )}
      </QueryState>
    </Dialog>
  )
}
