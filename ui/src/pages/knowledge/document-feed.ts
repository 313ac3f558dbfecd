/**
 * Live pipeline state of a workspace's documents: the `document` events of `/api/knowledge-base/events`, read with
 * `fetch` (see lib/event-stream.ts), merged with what list pages and uploads answer. The newest `updatedAt` wins, so
 * a list page fetched before an event cannot roll a document back. While the stream is down, `poll` runs every 3 s.
 */
import { createSignal, onCleanup } from 'solid-js'
import { createStore } from 'solid-js/store'
import * as api from '../../lib/api.ts'
import type { DocumentStatus, KnowledgeDocument, KnowledgeDocumentChange } from '../../lib/api-types.ts'
import { openEventStream, type StreamState } from '../../lib/event-stream.ts'
import { inFlight } from './labels.ts'

export interface LiveDocument {
  status: DocumentStatus
  progress: number
  errorCode: string | null
  error: string | null
  chunkCount: number
  updatedAt?: string | undefined
}

export interface DocumentFeed {
  state: () => StreamState
  live: (id: string) => LiveDocument | undefined
  /** A document as last known: the list's copy with the newest live state over it. */
  merge: (document: KnowledgeDocument) => KnowledgeDocument
  /** Records what an answer of the API said about documents (list pages, uploads, retries). */
  absorb: (documents: KnowledgeDocument[]) => void
  /** Uploads in flight: polled one by one while the stream is down, since they may not be on the list page shown. */
  track: (id: string) => void
}

function newer(current: LiveDocument | undefined, incoming: LiveDocument): boolean {
  if (!current?.updatedAt || !incoming.updatedAt) return true
  return Date.parse(incoming.updatedAt) >= Date.parse(current.updatedAt)
}

export function createDocumentFeed(
  workspaceId: string,
  hooks: {
    /** Every change from the stream, after it is recorded. */
    onChange?: (change: KnowledgeDocumentChange) => void
    /** The stream is down: refresh what is on screen. */
    poll?: () => void | Promise<void>
  } = {},
): DocumentFeed {
  const [documents, setDocuments] = createStore<Record<string, LiveDocument>>({})
  const [state, setState] = createSignal<StreamState>('connecting')
  const tracked = new Set<string>()

  const apply = (id: string, incoming: LiveDocument) => {
    if (newer(documents[id], incoming)) setDocuments(id, { ...incoming })
  }

  const pollTracked = async () => {
    await Promise.all(
      [...tracked].map(async (id) => {
        const current = documents[id]
        if (current && !inFlight(current.status)) {
          tracked.delete(id)
          return
        }
        try {
          const document = await api.getKnowledgeDocument(id)
          apply(id, document)
        } catch {
          tracked.delete(id)
        }
      }),
    )
  }

  const stream = openEventStream({
    url: `/api/knowledge-base/events?workspaceId=${encodeURIComponent(workspaceId)}`,
    onState: setState,
    poll: async () => {
      await Promise.all([hooks.poll?.(), pollTracked()])
    },
    onEvent: (event) => {
      if (event.event !== 'document') return
      let data: KnowledgeDocumentChange
      try {
        data = JSON.parse(event.data) as KnowledgeDocumentChange
      } catch {
        return
      }
      if (!data?.id || !data.status) return
      // the event's id is the document's updatedAt
      const change = { ...data, updatedAt: data.updatedAt ?? event.id }
      apply(change.id, {
        status: change.status,
        progress: change.progress,
        errorCode: change.errorCode,
        error: change.error,
        chunkCount: change.chunkCount,
        updatedAt: change.updatedAt,
      })
      hooks.onChange?.(change)
    },
  })
  onCleanup(() => stream.close())

  return {
    state,
    live: (id) => documents[id],
    merge(document) {
      const live = documents[document.id]
      if (!live || !newer({ ...document }, live)) return document
      return { ...document, ...live, updatedAt: live.updatedAt ?? document.updatedAt }
    },
    absorb(list) {
      for (const document of list) {
        apply(document.id, {
          status: document.status,
          progress: document.progress,
          errorCode: document.errorCode,
          error: document.error,
          chunkCount: document.chunkCount,
          updatedAt: document.updatedAt,
        })
      }
    },
    track(id) {
      tracked.add(id)
    },
  }
}
