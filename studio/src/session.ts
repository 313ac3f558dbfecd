/**
 * Studio signs in the same way as the Web app: the tab's access token (sessionStorage `prodgy.accessToken`),
 * or a new one from the http-only refresh cookie. The keys match ui/src/lib/storage.ts.
 */
const keys = {
  accessToken: 'prodgy.accessToken',
  organizationId: 'prodgy.organizationId',
  workspaceId: 'prodgy.workspaceId',
  signedIn: 'prodgy.signedIn',
} as const

export interface StudioWorkspace {
  id: string
  name: string
  description: string | null
}

export interface StudioMe {
  user: { id: string; email: string; fullName: string; isSuperAdmin: boolean }
  organizations: { organization: { id: string; name: string }; role: string }[]
  currentOrganizationId: string | null
  workspaces: StudioWorkspace[]
}

export interface StudioSession {
  me: StudioMe
  organizationName: string | null
  workspace: StudioWorkspace | null
}

function read(store: 'local' | 'session', key: string): string | null {
  try {
    return (store === 'local' ? localStorage : sessionStorage).getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key)
    else sessionStorage.setItem(key, value)
  } catch {
    // Without storage the token simply lives for this page only.
  }
}

async function envelope<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as { success?: boolean; data?: T; message?: string } | null
  if (!response.ok || !body?.success) {
    throw new StudioError(response.status, body?.message ?? `The server answered ${response.status}.`)
  }
  return body.data as T
}

export class StudioError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'StudioError'
  }
}

async function refresh(): Promise<string | null> {
  const attempt = async () => {
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
    })
    if (response.status === 401 || response.status === 400 || response.status === 403) return null
    const session = await envelope<{ accessToken: string }>(response)
    write(keys.accessToken, session.accessToken)
    return session.accessToken
  }
  // Refresh tokens are single-use; take turns with Web app tabs doing the same.
  return navigator.locks ? navigator.locks.request('prodgy.refresh', attempt) : attempt()
}

async function fetchMe(token: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` }
  const organizationId = read('local', keys.organizationId)
  if (organizationId) headers['X-Organization-Id'] = organizationId
  return fetch('/api/me', { headers, credentials: 'include' })
}

/** Resolves to the signed-in session, or null when nobody is signed in. */
export async function loadSession(): Promise<StudioSession | null> {
  // Without a tab token, only try the refresh cookie when this browser signed in (the Web app sets the hint).
  let token = read('session', keys.accessToken)
  if (!token && read('local', keys.signedIn) === '1') token = await refresh()
  if (!token) return null
  let response = await fetchMe(token)
  if (response.status === 401) {
    token = await refresh()
    if (!token) return null
    response = await fetchMe(token)
  }
  const me = await envelope<StudioMe>(response)
  const chosen = read('local', keys.workspaceId)
  return {
    me,
    organizationName:
      me.organizations.find((m) => m.organization.id === me.currentOrganizationId)?.organization.name ?? null,
    workspace: me.workspaces.find((w) => w.id === chosen) ?? me.workspaces[0] ?? null,
  }
}
