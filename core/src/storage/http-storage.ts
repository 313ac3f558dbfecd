/**
 * What the S3 and Supabase Storage adapters share: one HTTP call under a timeout, retried a little on the answers
 * that say "try again" (429, 5xx, a dropped connection). Every object operation they make (PUT of a whole object,
 * GET, DELETE) is idempotent, so a retry cannot do harm. Runtime-neutral: fetch and timers only.
 */
import { FileStorageError } from './file-storage.ts'

export interface HttpStorageOptions {
  /** One attempt gives up after this long. */
  timeoutMs: number
  /** Attempts in all, the first included. */
  attempts: number
  fetch: typeof globalThis.fetch
  /** Names the store in error messages (`S3 bucket files`). */
  label: string
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504])

/**
 * Sends the request `build()` makes (rebuilt per attempt: a signature is time-stamped and a body is consumed) and
 * returns the response of the last attempt, whatever its status. Throws `FileStorageError` when no answer came.
 */
export async function sendWithRetry(
  build: () => Promise<Request> | Request,
  options: HttpStorageOptions,
): Promise<Response> {
  let lastError: unknown
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      const request = await build()
      const response = await options.fetch(request, { signal: AbortSignal.timeout(options.timeoutMs) })
      if (!RETRY_STATUSES.has(response.status) || attempt === options.attempts) return response
      // drain the body so the connection can be reused
      await response.arrayBuffer().catch(() => undefined)
    } catch (error) {
      lastError = error
      if (attempt === options.attempts) break
    }
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)))
  }
  const name = (lastError as { name?: string } | undefined)?.name
  const reason =
    name === 'TimeoutError' || name === 'AbortError'
      ? `did not answer within ${options.timeoutMs} ms`
      : `could not be reached (${(lastError as Error | undefined)?.message ?? 'unknown error'})`
  throw new FileStorageError(`The ${options.label} ${reason}.`, 'file_storage_unavailable')
}

/** Reads a response's body as bytes, under the same timeout the request had. */
export async function readBytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer())
}

/** A short, credential-free description of an error answer for a message. */
export async function describeErrorResponse(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).slice(0, 2000)
  const xmlCode = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1]
  const xmlMessage = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1]
  if (xmlCode) return `${response.status} ${xmlCode}${xmlMessage ? `: ${xmlMessage}` : ''}`
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown; statusCode?: unknown }
    const parts = [json.error, json.message].filter((v) => typeof v === 'string' && v.length > 0)
    if (parts.length > 0) return `${response.status} ${parts.join(': ').slice(0, 300)}`
  } catch {
    // not JSON: fall through to the status alone
  }
  return `${response.status} ${response.statusText}`.trim()
}
