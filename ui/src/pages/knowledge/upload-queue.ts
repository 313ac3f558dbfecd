/**
 * Files waiting to be imported, sent one after another. Each item shows its upload progress, then (once the API has
 * queued it) the document's live pipeline state from the feed. The queue outlives the Import dialog: closing the
 * dialog does not stop the uploads.
 */
import { createSignal } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import * as api from '../../lib/api.ts'
import type { DocumentImportInput, KnowledgeDocument } from '../../lib/api-types.ts'
import { ACCEPTED_EXTENSIONS, DEFAULT_MAX_UPLOAD_BYTES, extensionOf, formatBytes } from './labels.ts'

export type UploadState = 'pending' | 'waiting' | 'uploading' | 'stored' | 'rejected' | 'error'

export interface UploadItem {
  key: number
  file: File
  state: UploadState
  /** Percent of the bytes sent. */
  sent: number
  error?: string | undefined
  documentId?: string | undefined
}

export type ImportMetadata = Omit<DocumentImportInput, 'file'>

const formatList = ACCEPTED_EXTENSIONS.filter((e) => !['markdown', 'htm'].includes(e))
  .map((e) => e.toUpperCase())
  .join(', ')

export function createUploadQueue(
  workspaceId: string,
  hooks: {
    onStored: (document: KnowledgeDocument) => void
    /** A problem with the details (field errors): the queue stops so they can be corrected. */
    onFieldErrors: (fields: Record<string, string[]>, message: string) => void
  },
) {
  const [items, setItems] = createStore<UploadItem[]>([])
  const [maxBytes, setMaxBytes] = createSignal(DEFAULT_MAX_UPLOAD_BYTES)
  const [running, setRunning] = createSignal(false)
  const metadata = new Map<number, ImportMetadata>()
  let nextKey = 1

  const update = (key: number, change: Partial<UploadItem>) => setItems((item) => item.key === key, change)

  /** Checked here before a byte is sent: the extension and the size limit. */
  function check(file: File): string | undefined {
    const extension = extensionOf(file.name)
    if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(extension)) {
      return `${extension ? `.${extension} files` : 'Files without an extension'} cannot be imported. Use ${formatList}.`
    }
    if (file.size === 0) return 'The file is empty.'
    if (file.size > maxBytes()) return `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes())}.`
    return undefined
  }

  function add(files: Iterable<File>) {
    const added: UploadItem[] = []
    for (const file of files) {
      const same = (item: UploadItem) =>
        item.file.name === file.name &&
        item.file.size === file.size &&
        item.file.lastModified === file.lastModified &&
        item.state !== 'error' &&
        item.state !== 'rejected'
      if (items.some(same)) continue
      const problem = check(file)
      added.push({
        key: nextKey++,
        file,
        state: problem ? 'rejected' : 'pending',
        sent: 0,
        error: problem,
      })
    }
    if (added.length) setItems((list) => [...list, ...added])
  }

  function remove(key: number) {
    metadata.delete(key)
    setItems((list) => list.filter((item) => item.key !== key || item.state === 'uploading'))
  }

  /** Forgets what is finished (stored, rejected, failed), keeping what is still waiting or uploading. */
  function clearFinished() {
    setItems((list) =>
      list.filter((item) => item.state === 'pending' || item.state === 'waiting' || item.state === 'uploading'),
    )
  }

  /** Queues every pending file with the details as they are now; `nameFor` gives each its name. */
  function start(details: ImportMetadata, nameFor: (item: UploadItem) => string | undefined) {
    setItems(
      produce((list) => {
        for (const item of list) {
          if (item.state !== 'pending') continue
          metadata.set(item.key, { ...details, name: nameFor(item) })
          item.state = 'waiting'
          item.error = undefined
          item.sent = 0
        }
      }),
    )
    if (!running()) void run()
  }

  async function run() {
    setRunning(true)
    try {
      for (;;) {
        const next = items.find((item) => item.state === 'waiting')
        if (!next) break
        const key = next.key
        // the limit may have been learned from an earlier answer
        const problem = check(next.file)
        if (problem) {
          update(key, { state: 'rejected', error: problem })
          continue
        }
        update(key, { state: 'uploading', sent: 0 })
        try {
          const document = await api.importKnowledgeDocument(
            workspaceId,
            { ...metadata.get(key), file: next.file },
            (sentBytes, total) => update(key, { sent: total > 0 ? (sentBytes / total) * 100 : 0 }),
          )
          update(key, { state: 'stored', sent: 100, documentId: document.id })
          hooks.onStored(document)
        } catch (thrown) {
          const error = api.toApiError(thrown)
          if (error.code === 'duplicate_document') {
            const name = typeof error.details?.name === 'string' ? error.details.name : undefined
            update(key, { state: 'error', error: name ? `Already in the knowledge base as "${name}".` : error.message })
          } else if (error.status === 413) {
            const limit = Number(error.details?.maxBytes)
            if (Number.isFinite(limit) && limit > 0) setMaxBytes(limit)
            update(key, { state: 'error', error: error.message })
          } else if (Object.keys(error.fields).some((field) => field !== 'file')) {
            // the details are wrong for every file: hand them back, keep the files
            update(key, { state: 'pending', sent: 0 })
            setItems((item) => item.state === 'waiting', { state: 'pending' })
            hooks.onFieldErrors(error.fields, error.message)
            break
          } else {
            update(key, { state: 'error', error: error.fields.file?.join(' ') || error.message })
          }
        }
      }
    } finally {
      setRunning(false)
    }
  }

  return { items, add, remove, clearFinished, start, running, maxBytes, check }
}

export type UploadQueue = ReturnType<typeof createUploadQueue>
