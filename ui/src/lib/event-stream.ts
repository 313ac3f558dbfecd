/**
 * Server-Sent Events read with `fetch`, because `EventSource` cannot send the `Authorization` header and the API
 * takes credentials from headers only (never from the address, where tokens would end up in logs).
 *
 * - Parses the `text/event-stream` format: `event`, `data` (multi-line), `id`, `retry`, `:` comments.
 * - Reconnects when the stream ends (the server closes streams after a while) and sends `Last-Event-ID`, so the
 *   server resumes where it stopped.
 * - A 401 refreshes the access token once, like every other request.
 * - While the stream is unavailable it reports `polling` and calls `poll` every few seconds, and keeps trying to
 *   get the stream back with a growing pause.
 * - A connection that stays silent past twice the heartbeat interval is treated as dead and reopened.
 */
import { authHeaders, refreshAccessToken, sessionExpired } from './api.ts'

export type StreamState = 'connecting' | 'live' | 'polling' | 'closed'

export interface StreamEvent {
  event: string
  data: string
  id: string | undefined
}

export interface EventStreamOptions {
  url: string
  onEvent: (event: StreamEvent) => void
  onState?: (state: StreamState) => void
  /** Called every `pollMs` while the stream is down, to fetch the same information another way. */
  poll?: () => void | Promise<void>
  pollMs?: number
  /** The server sends a comment every 15 s; no byte for this long means the connection is gone. */
  silenceMs?: number
}

export interface EventStream {
  close: () => void
  state: () => StreamState
}

/** Splits a growing text into complete lines; the last, unfinished line waits for more. */
export function createSseParser(onEvent: (event: StreamEvent) => void, onRetry?: (ms: number) => void) {
  let buffer = ''
  let eventType = ''
  let data: string[] = []
  let lastId: string | undefined
  const dispatch = () => {
    if (data.length > 0) onEvent({ event: eventType || 'message', data: data.join('\n'), id: lastId })
    eventType = ''
    data = []
  }
  const line = (text: string) => {
    if (text === '') return dispatch()
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') eventType = value
    else if (field === 'data') data.push(value)
    else if (field === 'id' && !value.includes('\0')) lastId = value
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry?.(Number(value))
  }
  return {
    push(chunk: string) {
      buffer += chunk
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i]
        if (c !== '\n' && c !== '\r') continue
        // a CR at the very end may be the first half of CRLF: wait for the next chunk
        if (c === '\r' && i === buffer.length - 1) break
        line(buffer.slice(start, i))
        if (c === '\r' && buffer[i + 1] === '\n') i++
        start = i + 1
      }
      buffer = buffer.slice(start)
    },
    lastId: () => lastId,
  }
}

export function openEventStream(options: EventStreamOptions): EventStream {
  const pollMs = options.pollMs ?? 3000
  const silenceMs = options.silenceMs ?? 45_000
  let state: StreamState = 'connecting'
  let closed = false
  let controller: AbortController | undefined
  let retryMs = 3000
  let failures = 0
  let lastEventId: string | undefined
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let pollTimer: ReturnType<typeof setInterval> | undefined

  const setState = (next: StreamState) => {
    if (state === next) return
    state = next
    if (next === 'polling' && options.poll && !pollTimer) {
      void options.poll()
      pollTimer = setInterval(() => void options.poll?.(), pollMs)
    } else if (next !== 'polling' && pollTimer) {
      clearInterval(pollTimer)
      pollTimer = undefined
    }
    options.onState?.(next)
  }

  const schedule = (ms: number) => {
    clearTimeout(reconnectTimer)
    if (!closed) reconnectTimer = setTimeout(() => void connect(), ms)
  }

  /** The stream could not be opened or broke: poll meanwhile, and try again later (sooner after a clean end). */
  const fail = () => {
    if (closed) return
    failures++
    setState('polling')
    schedule(Math.min(60_000, 5000 * 2 ** Math.min(failures - 1, 4)))
  }

  const open = async (signal: AbortSignal): Promise<Response> => {
    const request = () => {
      const headers = authHeaders('text/event-stream')
      if (lastEventId) headers.set('Last-Event-ID', lastEventId)
      return fetch(options.url, { headers, credentials: 'include', cache: 'no-store', signal })
    }
    let response = await request()
    if (response.status === 401) {
      if (!(await refreshAccessToken())) {
        sessionExpired()
        throw new Error('signed out')
      }
      response = await request()
    }
    return response
  }

  async function connect(): Promise<void> {
    if (closed) return
    controller?.abort()
    const current = new AbortController()
    controller = current
    let silence: ReturnType<typeof setTimeout> | undefined
    const watch = () => {
      clearTimeout(silence)
      silence = setTimeout(() => current.abort(), silenceMs)
    }
    try {
      const response = await open(current.signal)
      const type = response.headers.get('content-type') ?? ''
      if (!response.ok || !response.body || !type.includes('text/event-stream')) {
        await response.body?.cancel().catch(() => undefined)
        return fail()
      }
      failures = 0
      setState('live')
      const parser = createSseParser(
        (event) => {
          lastEventId = event.id ?? lastEventId
          options.onEvent(event)
        },
        (ms) => {
          retryMs = ms
        },
      )
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      watch()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        watch()
        parser.push(value)
      }
      clearTimeout(silence)
      // a clean end (the server's time limit): reconnect after the pause the server asked for
      if (!closed) {
        setState('connecting')
        schedule(retryMs)
      }
    } catch {
      clearTimeout(silence)
      if (!closed) fail()
    }
  }

  void connect()
  return {
    close() {
      closed = true
      clearTimeout(reconnectTimer)
      controller?.abort()
      setState('closed')
    },
    state: () => state,
  }
}
