/**
 * The Web app's client for the REST API in docs/api.md.
 *
 * - Unwraps the `{ success, data, message }` envelope and throws `ApiError` on failure.
 * - Sends the access token (kept in memory and in sessionStorage) and the chosen organization.
 * - On a 401 it refreshes once through the http-only refresh cookie and retries the request once.
 *   If the refresh is refused, the session-expired handler runs (the app sends the person to /login).
 */
import type {
  AiProvider,
  AiProviderInput,
  ApiToken,
  AuditEntry,
  DocumentImportInput,
  DocumentListQuery,
  EmbeddingDetail,
  EmbeddingSummary,
  HealthStatus,
  Invitation,
  InvitationLookup,
  InvitationStatus,
  IssuedApiToken,
  KnowledgeContexts,
  KnowledgeDocument,
  KnowledgeDocumentPage,
  Me,
  Member,
  Organization,
  OrganizationInput,
  OutboxMessage,
  OverviewProposal,
  Page,
  PageQuery,
  PasswordPolicy,
  PipelineSettings,
  Role,
  SearchRequest,
  SearchResult,
  Session,
  StructuredQueryRequest,
  StructuredQueryResult,
  User,
  Workspace,
  WorkspaceInput,
} from './api-types.ts'
import { readStorage, storageKeys, writeStorage } from './storage.ts'

export type * from './api-types.ts'

export interface ApiErrorDetails {
  fields?: Record<string, string[]>
  retryAfterSeconds?: number
  [key: string]: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: ApiErrorDetails | undefined

  constructor(status: number, code: string, message: string, details?: ApiErrorDetails) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /** Problems per request field, as `details.fields` reports them. */
  get fields(): Record<string, string[]> {
    return this.details?.fields ?? {}
  }

  get retryAfterSeconds(): number | undefined {
    const value = this.details?.retryAfterSeconds
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  }
}

/** Turns anything thrown into an ApiError, so forms can show one kind of error. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  console.error(error)
  return new ApiError(0, 'client_error', 'Something went wrong. Please try again.')
}

// ---------------------------------------------------------------------------------------------
// Access token and session expiry

let accessToken: string | null = readStorage('session', storageKeys.accessToken)

export function getAccessToken(): string | null {
  return accessToken
}

export function setAccessToken(token: string | null): void {
  accessToken = token
  writeStorage('session', storageKeys.accessToken, token)
}

let sessionExpiredHandler: () => void = () => window.location.assign('/login')

/** The app replaces the default full-page redirect with a router navigation that remembers where the person was. */
export function onSessionExpired(handler: () => void): void {
  sessionExpiredHandler = handler
}

// ---------------------------------------------------------------------------------------------
// Transport

type QueryValue = string | number | boolean | null | undefined

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  body?: unknown
  query?: Record<string, QueryValue>
  /** Public endpoints send no token and never trigger a refresh. */
  auth?: boolean
}

interface Envelope<T> {
  success: boolean
  data?: T
  message?: string
  error?: string
  details?: ApiErrorDetails
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

/** The credentials and organization every signed-in request carries (also used by uploads and the event stream). */
export function authHeaders(accept = 'application/json'): Headers {
  const headers = new Headers({ Accept: accept })
  if (accessToken) headers.set('Authorization', `Bearer ${accessToken}`)
  const organizationId = readStorage('local', storageKeys.organizationId)
  if (organizationId) headers.set('X-Organization-Id', organizationId)
  return headers
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers = authHeaders()
  if (options.body !== undefined) headers.set('Content-Type', 'application/json')
  if (options.auth === false) headers.delete('Authorization')
  try {
    return await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'include',
    })
  } catch {
    throw new ApiError(0, 'network_error', 'Prodgy could not reach its server. Check your connection and try again.')
  }
}

const statusMessages: Record<number, string> = {
  401: 'Please sign in to continue.',
  403: 'You do not have permission to do this.',
  404: 'This was not found.',
  429: 'Too many attempts. Please wait a moment and try again.',
}

/** Runs the session-expired handler (the event stream and uploads use it when a refresh is refused). */
export function sessionExpired(): void {
  sessionExpiredHandler()
}

async function parse<T>(response: Response): Promise<Envelope<T>> {
  const text = await response.text()
  let payload: unknown
  try {
    payload = text ? JSON.parse(text) : undefined
  } catch {
    payload = undefined
  }
  const retryAfterHeader = Number(response.headers.get('Retry-After'))
  if (payload && typeof payload === 'object' && 'success' in payload) {
    const envelope = payload as Envelope<T>
    if (envelope.success) return envelope
    const details: ApiErrorDetails = { ...envelope.details }
    if (response.status === 429 && details.retryAfterSeconds === undefined && retryAfterHeader > 0) {
      details.retryAfterSeconds = retryAfterHeader
    }
    throw new ApiError(
      response.status,
      envelope.error ?? `http_${response.status}`,
      envelope.message ?? statusMessages[response.status] ?? 'The request failed.',
      details,
    )
  }
  if (response.ok) return { success: true, data: payload as T }
  throw new ApiError(
    response.status,
    `http_${response.status}`,
    statusMessages[response.status] ??
      (response.status >= 500 ? 'The server ran into a problem. Please try again shortly.' : 'The request failed.'),
    response.status === 429 && retryAfterHeader > 0 ? { retryAfterSeconds: retryAfterHeader } : undefined,
  )
}

let refreshInFlight: Promise<boolean> | null = null

/**
 * Asks for a new access token with the refresh cookie. Concurrent callers share one request, and tabs take turns
 * through a Web Lock: a refresh token is single-use, and presenting a used one revokes the whole session family.
 * Resolves false when the server refuses; rejects with a network ApiError when it cannot be reached.
 */
export function refreshAccessToken(): Promise<boolean> {
  refreshInFlight ??= (async () => {
    const attempt = async (): Promise<boolean> => {
      const response = await send('/api/auth/refresh', { method: 'POST', body: {}, auth: false })
      try {
        const envelope = await parse<Session>(response)
        if (!envelope.data?.accessToken) return false
        setAccessToken(envelope.data.accessToken)
        return true
      } catch (error) {
        if (error instanceof ApiError && error.status >= 500) throw error
        setAccessToken(null)
        return false
      }
    }
    try {
      return typeof navigator !== 'undefined' && navigator.locks
        ? await navigator.locks.request('prodgy.refresh', attempt)
        : await attempt()
    } finally {
      refreshInFlight = null
    }
  })()
  return refreshInFlight
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<Envelope<T>> {
  let response = await send(path, options)
  if (response.status === 401 && options.auth !== false) {
    if (!(await refreshAccessToken())) {
      sessionExpiredHandler()
      return parse<T>(response)
    }
    response = await send(path, options)
  }
  return parse<T>(response)
}

/** Calls an endpoint whose answer is `data` (also used by the other area clients, such as api-integrations.ts). */
export async function call<T>(path: string, options?: RequestOptions): Promise<T> {
  return (await request<T>(path, options)).data as T
}

/** Calls an endpoint whose answer is a `message` for a person. */
export async function say(path: string, options?: RequestOptions): Promise<string> {
  return (await request<unknown>(path, options)).message ?? ''
}

const id = encodeURIComponent

// ---------------------------------------------------------------------------------------------
// First run

export const getSetupStatus = () => call<{ needsSetup: boolean }>('/api/setup', { auth: false })

export const runSetup = (body: {
  email: string
  password: string
  fullName: string
  organizationName: string
  workspaceName?: string
}) => call<Session>('/api/setup', { method: 'POST', body, auth: false })

// ---------------------------------------------------------------------------------------------
// Authentication

export const getPasswordPolicy = () => call<PasswordPolicy>('/api/auth/password-policy', { auth: false })

export const signup = (body: { email: string; fullName: string }) =>
  say('/api/auth/signup', { method: 'POST', body, auth: false })

export const confirmEmail = (body: { token: string; password: string }) =>
  call<Session>('/api/auth/confirm', { method: 'POST', body, auth: false })

export const login = (body: { email: string; password: string }) =>
  call<Session>('/api/auth/login', { method: 'POST', body, auth: false })

/** Exchanges the refresh cookie for a new session (used directly when restoring a session on load). */
export const refreshSession = () => call<Session>('/api/auth/refresh', { method: 'POST', body: {}, auth: false })

export const logout = () => say('/api/auth/logout', { method: 'POST', body: {}, auth: false })

export const forgotPassword = (body: { email: string }) =>
  call<{ cooldownSeconds: number }>('/api/auth/forgot-password', { method: 'POST', body, auth: false })

export const resetPassword = (body: { token: string; password: string }) =>
  say('/api/auth/reset-password', { method: 'POST', body, auth: false })

// ---------------------------------------------------------------------------------------------
// The signed-in user

export const getMe = () => call<Me>('/api/me')

export const updateMe = (body: {
  fullName?: string
  position?: string | null
  language?: string
  avatar?: string | null
}) => call<User>('/api/me', { method: 'PATCH', body })

export const updateAiPreferences = (body: { directive: string; confirmDestructiveActions: boolean }) =>
  call<User>('/api/me/ai-preferences', { method: 'PUT', body })

export const changePassword = (body: { currentPassword: string; newPassword: string }) =>
  say('/api/me/password', { method: 'POST', body })

export const deleteAccount = (body: { password: string }) => say('/api/me', { method: 'DELETE', body })

// ---------------------------------------------------------------------------------------------
// Organizations

export const listOrganizations = (query: PageQuery & { search?: string } = {}) =>
  call<Page<Organization>>('/api/organizations', { query: { ...query } })

export const createOrganization = (body: OrganizationInput) =>
  call<Organization>('/api/organizations', { method: 'POST', body })

export const getCurrentOrganization = () => call<Organization>('/api/organizations/current')

export const updateCurrentOrganization = (body: Partial<OrganizationInput> & { logo?: string | null }) =>
  call<Organization>('/api/organizations/current', { method: 'PATCH', body })

export const deleteCurrentOrganization = (body: { confirmName: string }) =>
  say('/api/organizations/current', { method: 'DELETE', body })

// ---------------------------------------------------------------------------------------------
// Workspaces

export const listWorkspaces = (query: PageQuery = {}) =>
  call<Page<Workspace>>('/api/workspaces', { query: { ...query } })

export const createWorkspace = (body: { name: string; description?: string; website?: string; logo?: string }) =>
  call<Workspace>('/api/workspaces', { method: 'POST', body })

export const getWorkspace = (workspaceId: string) => call<Workspace>(`/api/workspaces/${id(workspaceId)}`)

export const updateWorkspace = (workspaceId: string, body: WorkspaceInput) =>
  call<Workspace>(`/api/workspaces/${id(workspaceId)}`, { method: 'PATCH', body })

export const deleteWorkspace = (workspaceId: string, body: { confirmName: string }) =>
  say(`/api/workspaces/${id(workspaceId)}`, { method: 'DELETE', body })

export const listWorkspaceMembers = (workspaceId: string, query: PageQuery = {}) =>
  call<Page<Member>>(`/api/workspaces/${id(workspaceId)}/members`, { query: { ...query } })

export const addWorkspaceMember = (workspaceId: string, body: { userId: string }) =>
  say(`/api/workspaces/${id(workspaceId)}/members`, { method: 'POST', body })

export const removeWorkspaceMember = (workspaceId: string, userId: string) =>
  say(`/api/workspaces/${id(workspaceId)}/members/${id(userId)}`, { method: 'DELETE' })

// ---------------------------------------------------------------------------------------------
// Members and invitations

export const listMembers = (query: PageQuery & { search?: string } = {}) =>
  call<Page<Member>>('/api/members', { query: { ...query } })

export const updateMember = (userId: string, body: { role?: Role; workspaceIds?: string[] }) =>
  call<Member>(`/api/members/${id(userId)}`, { method: 'PATCH', body })

export const removeMember = (userId: string) => say(`/api/members/${id(userId)}`, { method: 'DELETE' })

export const listInvitations = (query: PageQuery & { status?: InvitationStatus } = {}) =>
  call<Page<Invitation>>('/api/invitations', { query: { ...query } })

export const createInvitation = (body: { email: string; fullName: string; role: Role; workspaceIds: string[] }) =>
  call<Invitation>('/api/invitations', { method: 'POST', body })

export const cancelInvitation = (invitationId: string) =>
  call<Invitation>(`/api/invitations/${id(invitationId)}/cancel`, { method: 'POST', body: {} })

export const lookupInvitation = (token: string) =>
  call<InvitationLookup>('/api/invitations/lookup', { query: { token }, auth: false })

export const acceptInvitation = (body: { token: string; fullName?: string; password?: string }) =>
  call<Session>('/api/invitations/accept', { method: 'POST', body, auth: false })

// ---------------------------------------------------------------------------------------------
// API tokens

export const listApiTokens = (workspaceId: string, query: PageQuery = {}) =>
  call<Page<ApiToken>>(`/api/workspaces/${id(workspaceId)}/api-tokens`, { query: { ...query } })

export const createApiToken = (workspaceId: string, body: { name: string; expiresAt?: string }) =>
  call<IssuedApiToken>(`/api/workspaces/${id(workspaceId)}/api-tokens`, { method: 'POST', body })

export const regenerateApiToken = (tokenId: string) =>
  call<IssuedApiToken>(`/api/api-tokens/${id(tokenId)}/regenerate`, { method: 'POST', body: {} })

export const renewApiToken = (tokenId: string, body: { expiresAt: string | null }) =>
  call<ApiToken>(`/api/api-tokens/${id(tokenId)}/renew`, { method: 'POST', body })

export const activateApiToken = (tokenId: string) =>
  call<ApiToken>(`/api/api-tokens/${id(tokenId)}/activate`, { method: 'POST', body: {} })

export const deactivateApiToken = (tokenId: string) =>
  call<ApiToken>(`/api/api-tokens/${id(tokenId)}/deactivate`, { method: 'POST', body: {} })

export const revokeApiToken = (tokenId: string) =>
  call<ApiToken>(`/api/api-tokens/${id(tokenId)}/revoke`, { method: 'POST', body: {} })

export const listApiTokenAudit = (tokenId: string, query: PageQuery = {}) =>
  call<Page<AuditEntry>>(`/api/api-tokens/${id(tokenId)}/audit`, { query: { ...query } })

// ---------------------------------------------------------------------------------------------
// Administration

export const listAuditLog = (query: PageQuery & { action?: string } = {}) =>
  call<Page<AuditEntry>>('/api/audit-log', { query: { ...query } })

export const listOutbox = (query: PageQuery = {}) =>
  call<Page<OutboxMessage>>('/api/admin/outbox', { query: { ...query } })

export const getOutboxMessage = (messageId: string) => call<OutboxMessage>(`/api/admin/outbox/${id(messageId)}`)

export const listPlatformUsers = (query: PageQuery & { search?: string } = {}) =>
  call<Page<User>>('/api/admin/users', { query: { ...query } })

export const updatePlatformUser = (userId: string, body: { isSuperAdmin: boolean }) =>
  call<User>(`/api/admin/users/${id(userId)}`, { method: 'PATCH', body })

export const getAiProvider = async (): Promise<AiProvider | null> => {
  try {
    return (await call<AiProvider | null>('/api/organizations/current/ai-provider')) ?? null
  } catch (error) {
    // no provider yet: answered as `data: null`, or as 404 by a server that treats it as missing
    if (error instanceof ApiError && error.status === 404 && error.code !== 'organization_not_found') return null
    throw error
  }
}

export const saveAiProvider = (body: AiProviderInput) =>
  call<AiProvider>('/api/organizations/current/ai-provider', { method: 'PUT', body })

export const deleteAiProvider = () => say('/api/organizations/current/ai-provider', { method: 'DELETE' })

// ---------------------------------------------------------------------------------------------
// Knowledge base (docs/knowledge.md)

export const listKnowledgeDocuments = (workspaceId: string, query: DocumentListQuery = {}) =>
  call<KnowledgeDocumentPage>('/api/knowledge-base', { query: { workspaceId, ...query } })

export const getKnowledgeDocument = (documentId: string) =>
  call<KnowledgeDocument>(`/api/knowledge-base/documents/${id(documentId)}`)

export const retryKnowledgeDocument = (documentId: string) =>
  call<KnowledgeDocument>(`/api/knowledge-base/documents/${id(documentId)}/retry`, { method: 'POST', body: {} })

export const deleteKnowledgeDocument = (documentId: string) =>
  say(`/api/knowledge-base/documents/${id(documentId)}`, { method: 'DELETE' })

export const searchKnowledge = (workspaceId: string, body: SearchRequest) =>
  call<SearchResult>('/api/knowledge-base/search', { method: 'POST', body: { workspaceId, ...body } })

export const queryKnowledgeRows = (body: StructuredQueryRequest) =>
  call<StructuredQueryResult>('/api/knowledge-base/query', { method: 'POST', body })

export const getKnowledgeContexts = (workspaceId: string) =>
  call<KnowledgeContexts>('/api/knowledge-base/contexts', { query: { workspaceId } })

export const saveKnowledgeContexts = (workspaceId: string, draft: KnowledgeContexts['draft']) =>
  call<KnowledgeContexts>('/api/knowledge-base/contexts', { method: 'PUT', body: { workspaceId, draft } })

export const publishKnowledgeContexts = (workspaceId: string) =>
  call<KnowledgeContexts>('/api/knowledge-base/contexts/publish', { method: 'POST', body: { workspaceId } })

export const generateOverview = (workspaceId: string) =>
  call<OverviewProposal>('/api/knowledge-base/overview/generate', { method: 'POST', body: { workspaceId } })

export const listEmbeddings = (workspaceId: string, query: PageQuery & { id?: string } = {}) =>
  call<Page<EmbeddingSummary>>('/api/knowledge-base/embeddings', { query: { workspaceId, ...query } })

export const getEmbedding = (embeddingId: string) =>
  call<EmbeddingDetail>(`/api/knowledge-base/embeddings/${id(embeddingId)}`)

export const deleteEmbedding = (embeddingId: string) =>
  say(`/api/knowledge-base/embeddings/${id(embeddingId)}`, { method: 'DELETE' })

export const getPipelineSettings = () => call<PipelineSettings>('/api/knowledge-base/settings')

export const updatePipelineSettings = (body: PipelineSettings) =>
  call<PipelineSettings>('/api/knowledge-base/settings', { method: 'PUT', body })

/** Multipart: sent with XMLHttpRequest, the one browser API that reports upload progress. */
function sendForm(path: string, form: FormData, onProgress?: (sent: number, total: number) => void): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.withCredentials = true
    for (const [key, value] of authHeaders()) xhr.setRequestHeader(key, value)
    if (onProgress) {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total)
      }
    }
    xhr.onload = () => {
      if (xhr.status < 200) {
        reject(new ApiError(0, 'network_error', 'The upload was interrupted. Check your connection and try again.'))
        return
      }
      const headers = new Headers()
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':')
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim())
      }
      const empty = xhr.status === 204 || xhr.status === 304
      resolve(new Response(empty ? null : xhr.responseText, { status: xhr.status, headers }))
    }
    xhr.onerror = () =>
      reject(new ApiError(0, 'network_error', 'The upload was interrupted. Check your connection and try again.'))
    xhr.send(form)
  })
}

async function upload<T>(path: string, form: FormData, onProgress?: (sent: number, total: number) => void) {
  let response = await sendForm(path, form, onProgress)
  if (response.status === 401) {
    if (!(await refreshAccessToken())) {
      sessionExpiredHandler()
      return parse<T>(response)
    }
    response = await sendForm(path, form, onProgress)
  }
  return parse<T>(response)
}

export async function importKnowledgeDocument(
  workspaceId: string,
  input: DocumentImportInput,
  onProgress?: (sent: number, total: number) => void,
): Promise<KnowledgeDocument> {
  const form = new FormData()
  form.set('workspaceId', workspaceId)
  for (const key of ['name', 'description', 'source', 'subject', 'language', 'tags'] as const) {
    const value = input[key]?.trim()
    if (value) form.set(key, value)
  }
  // the file last: the server reads the text fields before it
  form.set('file', input.file, input.file.name)
  return (await upload<KnowledgeDocument>('/api/knowledge-base/documents', form, onProgress)).data as KnowledgeDocument
}

export async function importContextSections(workspaceId: string, file: File) {
  const form = new FormData()
  form.set('workspaceId', workspaceId)
  form.set('file', file, file.name)
  const envelope = await upload<KnowledgeContexts['draft']>('/api/knowledge-base/contexts/import', form)
  return { sections: envelope.data ?? [], message: envelope.message ?? '' }
}

// ---------------------------------------------------------------------------------------------
// Health (outside /api; answered by every service)

export const getHealth = () => call<HealthStatus>('/health', { auth: false })

export const getReadiness = () => call<HealthStatus>('/health/ready', { auth: false })
