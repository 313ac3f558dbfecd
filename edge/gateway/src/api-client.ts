/**
 * The Gateway's only source of data: the Prodgy API over HTTP (or in memory in the one-process mode). Every call
 * carries the Gateway's service key and the caller's own credentials, so the API decides who acts and what they may
 * see; the Gateway never widens a caller's access.
 */

/** Answers API requests: the API app's in-memory `fetch`, or global `fetch` to PRODGY_API_URL. */
export interface ApiFetcher {
  fetch(request: Request, env?: unknown): Promise<Response> | Response
}

/** The credentials of one MCP request, relayed on every API call made for it. */
export interface Caller {
  /** `Authorization` as the client sent it: `Bearer prodgy_…`, a session JWT or an OAuth access token. */
  authorization?: string | undefined
  /** A service caller's own key (`X-Api-Key`); it replaces the Gateway's key, so the API checks it. */
  apiKey?: string | undefined
  /** `X-Prodgy-User-Id` of a service caller acting for a user. */
  userId?: string | undefined
  /** `X-Workspace-Id` of a service caller. */
  workspaceId?: string | undefined
  /** `X-Organization-Id`, for a Super Admin choosing an organization. */
  organizationId?: string | undefined
  /** The runtime's request environment, passed to an in-memory API so it sees the client's address. */
  env?: unknown
}

/** An answer of the API that is not a success, with the envelope's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ApiClientOptions {
  api: ApiFetcher
  /** The API's base URL; in memory it only has to parse as a URL. */
  baseUrl: string
  serviceKey: string
  /** Deadline of an ordinary call, in milliseconds. */
  timeoutMs?: number
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>
  body?: unknown
  timeoutMs?: number
}

export interface ApiClient {
  /** Calls the API for `caller` and returns the envelope's `data`; failures throw `ApiError`. */
  call<T>(caller: Caller, method: string, path: string, options?: CallOptions): Promise<T>
  /** `GET /health/ready` of the API: true when it answers 200 within the deadline. */
  ready(timeoutMs: number): Promise<boolean>
}

const DEFAULT_TIMEOUT_MS = 30_000

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS

  /**
   * Sends and reads the answer within the deadline. The signal stops a socket call; the timer also bounds an
   * in-memory API, which does not watch the signal.
   */
  async function exchange(
    request: Request,
    env: unknown,
    deadlineMs: number,
    what: string,
  ): Promise<{ status: number; text: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ApiError(504, 'api_timeout', `The Prodgy API did not answer ${what} within ${deadlineMs / 1000} s.`),
          ),
        deadlineMs,
      )
    })
    const work = (async () => {
      const response = await options.api.fetch(request, env)
      return { status: response.status, text: await response.text() }
    })()
    try {
      return await Promise.race([work, deadline])
    } catch (error) {
      if (error instanceof ApiError) throw error
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new ApiError(504, 'api_timeout', `The Prodgy API did not answer ${what} within ${deadlineMs / 1000} s.`)
      }
      throw new ApiError(502, 'api_unreachable', `The Prodgy API could not be reached for ${what}.`)
    } finally {
      clearTimeout(timer)
      work.catch(() => undefined)
    }
  }

  return {
    async call<T>(caller: Caller, method: string, path: string, callOptions: CallOptions = {}): Promise<T> {
      const url = new URL(`${base}${path}`)
      for (const [key, value] of Object.entries(callOptions.query ?? {})) {
        if (value !== undefined && value !== '') url.searchParams.set(key, String(value))
      }
      const headers = new Headers({ accept: 'application/json', 'x-api-key': caller.apiKey ?? options.serviceKey })
      if (caller.authorization) headers.set('authorization', caller.authorization)
      else {
        if (caller.userId) headers.set('x-prodgy-user-id', caller.userId)
        if (caller.workspaceId) headers.set('x-workspace-id', caller.workspaceId)
      }
      if (caller.organizationId) headers.set('x-organization-id', caller.organizationId)
      if (callOptions.body !== undefined) headers.set('content-type', 'application/json')
      const deadlineMs = callOptions.timeoutMs ?? timeoutMs
      const request = new Request(url, {
        method,
        headers,
        body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
        signal: AbortSignal.timeout(deadlineMs),
      })
      const what = `${method} ${path}`
      const { status, text } = await exchange(request, caller.env, deadlineMs, what)
      let envelope: { success?: boolean; data?: unknown; error?: string; message?: string; details?: unknown }
      try {
        envelope = text ? JSON.parse(text) : {}
      } catch {
        throw new ApiError(
          status >= 400 ? status : 502,
          'api_bad_response',
          `The Prodgy API answered ${what} with ${status} and a body that is not JSON.`,
        )
      }
      if (status >= 300 || envelope.success === false) {
        throw new ApiError(
          status >= 400 ? status : 502,
          envelope.error ?? 'api_error',
          envelope.message ?? `The Prodgy API answered ${what} with ${status}.`,
          envelope.details,
        )
      }
      return envelope.data as T
    },

    async ready(deadlineMs: number): Promise<boolean> {
      try {
        const request = new Request(`${base}/health/ready`, { signal: AbortSignal.timeout(deadlineMs) })
        const { status } = await exchange(request, undefined, deadlineMs, 'GET /health/ready')
        return status === 200
      } catch {
        return false
      }
    },
  }
}
