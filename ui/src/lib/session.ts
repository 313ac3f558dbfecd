/**
 * Who is signed in, in which organization and workspace. One module-level store, read by every page.
 * The access token lives in the API client; this module keeps what `/api/me` answered.
 */
import { createSignal } from 'solid-js'
import * as api from './api.ts'
import type { Me, Organization, Session, Workspace } from './api-types.ts'
import { readStorage, storageKeys, writeStorage } from './storage.ts'

const [me, setMe] = createSignal<Me | null>(null)
const [organization, setOrganization] = createSignal<Organization | null>(null)
const [needsSetup, setNeedsSetup] = createSignal(false)
const [chosenWorkspaceId, setChosenWorkspaceId] = createSignal(readStorage('local', storageKeys.workspaceId))

function isForbiddenOrMissing(error: unknown): boolean {
  return error instanceof api.ApiError && (error.status === 403 || error.status === 404)
}

async function fetchMe(): Promise<Me> {
  try {
    return await api.getMe()
  } catch (error) {
    // A remembered organization the person can no longer open (removed, deleted, other account): forget it once.
    if (isForbiddenOrMissing(error) && readStorage('local', storageKeys.organizationId)) {
      writeStorage('local', storageKeys.organizationId, null)
      return api.getMe()
    }
    throw error
  }
}

async function load(): Promise<void> {
  const data = await fetchMe()
  let current = data.organizations.find((m) => m.organization.id === data.currentOrganizationId)?.organization ?? null
  if (!current && data.currentOrganizationId) {
    // A Super Admin working in an organization they are not a member of.
    current = await api.getCurrentOrganization().catch(() => null)
  }
  setOrganization(current)
  setMe(data)
  // Pin the current workspace, so creating another one (which may sort first) never switches it silently.
  const chosen = chosenWorkspaceId()
  if (!data.workspaces.some((w) => w.id === chosen)) {
    const first = data.workspaces[0]?.id ?? null
    setChosenWorkspaceId(first)
    writeStorage('local', storageKeys.workspaceId, first)
  }
}

function clear(): void {
  api.setAccessToken(null)
  writeStorage('local', storageKeys.signedIn, null)
  setMe(null)
  setOrganization(null)
}

export const session = {
  me,
  organization,
  /** True until the first-run setup has created the first Super Admin. */
  needsSetup,
  setNeedsSetup,
  user: () => me()?.user ?? null,
  isSignedIn: () => me() !== null,
  isSuperAdmin: () => me()?.user.isSuperAdmin === true,
  /** Admin of the current organization, or a Super Admin anywhere. */
  isAdmin: () => {
    const data = me()
    return data !== null && (data.user.isSuperAdmin || data.role === 'admin' || data.role === 'super_admin')
  },
  hasOrganization: () => Boolean(me()?.currentOrganizationId),
  workspaces: (): Workspace[] => me()?.workspaces ?? [],
  workspace: (): Workspace | null => {
    const list = me()?.workspaces ?? []
    return list.find((w) => w.id === chosenWorkspaceId()) ?? list[0] ?? null
  },

  selectWorkspace(workspaceId: string): void {
    setChosenWorkspaceId(workspaceId)
    writeStorage('local', storageKeys.workspaceId, workspaceId)
  },

  /** Reloads `/api/me` (after creating or deleting workspaces, changing the profile, …). */
  reload: load,

  /** Picks the organization every request acts in, then reloads what depends on it. */
  async switchOrganization(organizationId: string): Promise<void> {
    writeStorage('local', storageKeys.organizationId, organizationId)
    writeStorage('local', storageKeys.workspaceId, null)
    setChosenWorkspaceId(null)
    await load()
  },

  async signIn(data: Session): Promise<void> {
    api.setAccessToken(data.accessToken)
    writeStorage('local', storageKeys.signedIn, '1')
    await load()
  },

  /** On page load: reuse the tab's access token, or the refresh cookie; stay signed out quietly otherwise. */
  async restore(): Promise<void> {
    if (!api.getAccessToken()) {
      if (readStorage('local', storageKeys.signedIn) !== '1') return
      if (!(await api.refreshAccessToken())) {
        clear()
        return
      }
    }
    try {
      await load()
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) {
        clear()
        return
      }
      throw error
    }
  },

  /** Forgets the session here first (so nothing can reuse it), then asks the server to revoke the refresh cookie. */
  async signOut(): Promise<void> {
    clear()
    writeStorage('local', storageKeys.organizationId, null)
    try {
      await api.logout()
    } catch {
      // Signed out locally either way; the server-side session expires on its own.
    }
  },

  /** The refresh cookie was refused: forget the session; guarded pages then send the person to /login. */
  expire: clear,
}
