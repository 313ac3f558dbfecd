import { createSignal, For, Match, Show, Switch } from 'solid-js'
import { createStore } from 'solid-js/store'
import { FormError } from '../../components/alert.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { Dialog, onDialogOpen } from '../../components/dialog.tsx'
import { TextAreaField, TextField } from '../../components/field.tsx'
import { CloudUpload, FileText, X } from '../../components/icons.ts'
import { ProgressBar } from '../../components/progress-bar.tsx'
import { cx } from '../../lib/cx.ts'
import type { createFormState } from '../../lib/form.ts'
import type { DocumentFeed } from './document-feed.ts'
import { ACCEPT_ATTRIBUTE, explainError, formatBytes, inFlight, splitList, statusLabels } from './labels.ts'
import type { UploadItem, UploadQueue } from './upload-queue.ts'

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/

interface ImportDialogProps {
  open: boolean
  onClose: () => void
  queue: UploadQueue
  feed: DocumentFeed
  /** Shares the form's field errors with the queue, which reports the server's. */
  form: ReturnType<typeof createFormState>
  values: ImportValues
  setValue: (key: keyof ImportValues, value: string) => void
}

export interface ImportValues {
  name: string
  description: string
  source: string
  subject: string
  language: string
  tags: string
}

export function createImportValues() {
  const [values, setValues] = createStore<ImportValues>({
    name: '',
    description: '',
    source: '',
    subject: '',
    language: '',
    tags: '',
  })
  return { values, setValue: (key: keyof ImportValues, value: string) => setValues(key, value) }
}

/** Storage → Import: details and metadata, then files by drag and drop or the file picker, sent one at a time. */
export function ImportDialog(props: ImportDialogProps) {
  let input!: HTMLInputElement
  const [dragging, setDragging] = createSignal(false)
  const pending = () => props.queue.items.filter((item) => item.state === 'pending')
  const single = () => pending().length <= 1

  onDialogOpen(
    () => props.open,
    () => {
      props.queue.clearFinished()
      props.form.reset()
    },
  )

  const take = (files: FileList | null | undefined) => {
    if (files?.length) props.queue.add(Array.from(files))
  }

  const submit = (event: SubmitEvent) => {
    event.preventDefault()
    const v = props.values
    const problems: Record<string, string[]> = {}
    if (v.language.trim() && !LANGUAGE_TAG.test(v.language.trim())) {
      problems.language = ['Use a language tag such as en, en-US or pt-BR.']
    }
    if (v.source.trim().length > 100) problems.source = ['At most 100 characters.']
    if (v.subject.trim().length > 300) problems.subject = ['At most 300 characters.']
    const tags = splitList(v.tags)
    if (tags.length > 50) problems.tags = ['At most 50 tags.']
    else if (tags.some((t) => t.length > 60)) problems.tags = ['Each tag has at most 60 characters.']
    if (v.name.trim().length > 300) problems.name = ['At most 300 characters.']
    if (Object.keys(problems).length) return props.form.fail(problems, 'Correct the details, then import again.')
    if (pending().length === 0) return props.form.fail({}, 'Add at least one file to import.')
    props.form.reset()
    const name = single() ? v.name.trim() || undefined : undefined
    props.queue.start(
      {
        description: v.description.trim() || undefined,
        source: v.source.trim() || undefined,
        subject: v.subject.trim() || undefined,
        language: v.language.trim() || undefined,
        tags: tags.join(','),
      },
      () => name,
    )
  }

  const fieldError = (name: string) => {
    if (name === 'tags') {
      return props.form.fieldError('tags') ?? tagErrors()
    }
    return props.form.fieldError(name)
  }
  // the server names each tag's problem `tags.0`, `tags.1`, …
  const tagErrors = () => {
    const list: string[] = []
    for (let i = 0; i < 50; i++) list.push(...(props.form.fieldError(`tags.${i}`) ?? []))
    return list.length ? list : undefined
  }

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title="Import into the knowledge base"
      description="Files are stored, read, split into chunks and embedded in the background; you can close this window."
      testId="kb-import-dialog"
      size="lg"
    >
      <form onSubmit={submit} novalidate class="space-y-5">
        <section
          aria-label="Drop files to import"
          data-testid="kb-import-dropzone"
          data-dragging={dragging() ? 'true' : 'false'}
          onDragEnter={(event) => {
            event.preventDefault()
            setDragging(true)
          }}
          onDragOver={(event) => {
            event.preventDefault()
            if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
            setDragging(true)
          }}
          onDragLeave={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false)
          }}
          onDrop={(event) => {
            event.preventDefault()
            setDragging(false)
            take(event.dataTransfer?.files)
          }}
          class={cx(
            'flex flex-col items-center gap-2 rounded-xl border-2 border-dashed px-6 py-7 text-center transition-colors',
            dragging()
              ? 'border-brand-500 bg-brand-50 dark:bg-brand-950/40'
              : 'border-zinc-300 bg-zinc-50/60 dark:border-zinc-700 dark:bg-zinc-900/40',
          )}
        >
          <CloudUpload class="size-7 text-zinc-400" aria-hidden="true" />
          <p class="text-sm font-medium text-zinc-800 dark:text-zinc-200">Drop files here</p>
          <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="kb-import-limit">
            PDF, DOCX, DOC, TXT, MD, HTML, JSON, XML, CSV, TSV, XLSX, XLS or ODS · up to{' '}
            {formatBytes(props.queue.maxBytes())} each
          </p>
          <Button size="sm" onClick={() => input.click()} data-testid="kb-import-browse">
            Choose files…
          </Button>
          <input
            ref={input}
            id="kb-import-file-input"
            type="file"
            multiple
            accept={ACCEPT_ATTRIBUTE}
            class="sr-only"
            tabIndex={-1}
            aria-label="Files to import"
            data-testid="kb-import-file-input"
            onChange={(event) => {
              take(event.currentTarget.files)
              event.currentTarget.value = ''
            }}
          />
        </section>

        <Show when={props.queue.items.length > 0}>
          <ul class="space-y-2" aria-label="Files" data-testid="kb-upload-list">
            <For each={props.queue.items}>
              {(item) => <UploadRow item={item} feed={props.feed} onRemove={() => props.queue.remove(item.key)} />}
            </For>
          </ul>
        </Show>

        <fieldset class="space-y-4">
          <legend class="mb-3 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Details</legend>
          <div class="grid gap-4 sm:grid-cols-2">
            <TextField
              id="kb-import-name"
              label="Name"
              optional
              value={props.values.name}
              onValue={(v) => props.setValue('name', v)}
              testId="kb-import-name"
              disabled={!single()}
              hint={single() ? 'The file name when left empty.' : 'With several files, each keeps its file name.'}
              error={fieldError('name')}
            />
            <TextField
              id="kb-import-source"
              label="Source"
              optional
              value={props.values.source}
              onValue={(v) => props.setValue('source', v)}
              testId="kb-import-source"
              placeholder="Confluence, Sales, Support…"
              hint="Drives quick filters and duplicate detection."
              error={fieldError('source')}
            />
          </div>
          <TextAreaField
            id="kb-import-description"
            label="Description"
            optional
            rows={2}
            value={props.values.description}
            onValue={(v) => props.setValue('description', v)}
            testId="kb-import-description"
            error={fieldError('description')}
          />
          <div class="grid gap-4 sm:grid-cols-3">
            <TextField
              id="kb-import-subject"
              label="Subject"
              optional
              value={props.values.subject}
              onValue={(v) => props.setValue('subject', v)}
              testId="kb-import-subject"
              error={fieldError('subject')}
            />
            <TextField
              id="kb-import-language"
              label="Language"
              optional
              value={props.values.language}
              onValue={(v) => props.setValue('language', v)}
              testId="kb-import-language"
              placeholder="en-US"
              autocomplete="off"
              error={fieldError('language')}
            />
            <TextField
              id="kb-import-tags"
              label="Tags"
              optional
              value={props.values.tags}
              onValue={(v) => props.setValue('tags', v)}
              testId="kb-import-tags"
              placeholder="pricing, faq"
              hint="Comma-separated."
              error={fieldError('tags')}
            />
          </div>
        </fieldset>

        <FormError message={props.form.error()} testId="kb-import-error" />
        <div class="flex items-center justify-end gap-2">
          <Button onClick={props.onClose} data-testid="kb-import-cancel">
            Close
          </Button>
          <Button type="submit" variant="primary" disabled={pending().length === 0} data-testid="kb-import-submit">
            {pending().length > 1 ? `Import ${pending().length} files` : 'Import'}
          </Button>
        </div>
      </form>
    </Dialog>
  )
}

/** The state shown for one file: waiting, upload progress, then the document's pipeline state. */
function UploadRow(props: { item: UploadItem; feed: DocumentFeed; onRemove: () => void }) {
  const live = () => (props.item.documentId ? props.feed.live(props.item.documentId) : undefined)
  const state = () => {
    const item = props.item
    if (item.state !== 'stored') return item.state
    const status = live()?.status ?? 'queued'
    return status === 'ready' ? 'ready' : status === 'failed' ? 'failed' : 'processing'
  }
  // one bar from first byte to ready: the upload fills the first tenth, the pipeline the rest
  const progress = () => {
    if (props.item.state === 'uploading') return 1 + props.item.sent * 0.09
    return 10 + (live()?.progress ?? 0) * 0.9
  }
  return (
    <li
      data-testid="kb-upload-item"
      data-state={state()}
      data-file-name={props.item.file.name}
      class="rounded-lg border border-zinc-200 px-3 py-2.5 dark:border-zinc-800"
    >
      <div class="flex items-center gap-3">
        <FileText class="size-4 shrink-0 text-zinc-400" aria-hidden="true" />
        <div class="min-w-0 flex-1">
          <div class="flex items-baseline justify-between gap-3">
            <p class="truncate text-sm font-medium" data-testid="kb-upload-item-name">
              {props.item.file.name}
            </p>
            <span class="shrink-0 text-xs text-zinc-500 dark:text-zinc-400" data-testid="kb-upload-item-status">
              <Switch>
                <Match when={state() === 'pending'}>{formatBytes(props.item.file.size)} · ready to import</Match>
                <Match when={state() === 'waiting'}>Waiting…</Match>
                <Match when={state() === 'uploading'}>Uploading {Math.round(props.item.sent)}%</Match>
                <Match when={state() === 'processing'}>
                  {statusLabels[live()?.status ?? 'queued']} {live()?.progress ?? 0}%
                </Match>
                <Match when={state() === 'ready'}>
                  <Badge tone="green">Ready</Badge>
                </Match>
                <Match when={state() === 'failed'}>
                  <Badge tone="red">Failed</Badge>
                </Match>
                <Match when={state() === 'rejected' || state() === 'error'}>
                  <Badge tone="red">Not imported</Badge>
                </Match>
              </Switch>
            </span>
          </div>
          <Show when={state() === 'uploading' || state() === 'processing'}>
            <ProgressBar
              class="mt-1.5"
              value={progress()}
              label={`${props.item.file.name} progress`}
              testId="kb-upload-item-progress"
            />
          </Show>
          <Show when={props.item.error ?? (state() === 'failed' ? live()?.error : undefined)}>
            {(message) => (
              <p class="mt-1 text-xs text-red-600 dark:text-red-400" data-testid="kb-upload-item-error">
                {message()}
                <Show when={state() === 'failed' && explainError(live()?.errorCode)}>
                  {(hint) => <span class="block text-zinc-500 dark:text-zinc-400">{hint()}</span>}
                </Show>
              </p>
            )}
          </Show>
        </div>
        <Show
          when={props.item.state !== 'uploading' && !(state() === 'processing' && inFlight(live()?.status ?? 'queued'))}
        >
          <IconButton
            label={`Remove ${props.item.file.name} from the list`}
            class="size-7"
            onClick={props.onRemove}
            data-testid="kb-upload-item-remove"
          >
            <X class="size-3.5" aria-hidden="true" />
          </IconButton>
        </Show>
      </div>
    </li>
  )
}
