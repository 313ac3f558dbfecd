/** Keys the Web app and Studio share. Studio reads the same names, so keep them in step. */
export const storageKeys = {
  accessToken: 'prodgy.accessToken',
  organizationId: 'prodgy.organizationId',
  workspaceId: 'prodgy.workspaceId',
  theme: 'prodgy.theme',
  /**
   * '1' while this browser holds a session. Not a secret: it only spares signed-out visitors a refresh call
   * (which counts against the sign-in rate limit) on every page load.
   */
  signedIn: 'prodgy.signedIn',
} as const

type Area = 'local' | 'session'

function area(which: Area): Storage | undefined {
  try {
    return which === 'local' ? window.localStorage : window.sessionStorage
  } catch {
    // Storage can be switched off (private modes, strict privacy settings); the app then keeps state in memory only.
    return undefined
  }
}

export function readStorage(which: Area, key: string): string | null {
  try {
    return area(which)?.getItem(key) ?? null
  } catch {
    return null
  }
}

export function writeStorage(which: Area, key: string, value: string | null): void {
  try {
    const store = area(which)
    if (value === null) store?.removeItem(key)
    else store?.setItem(key, value)
  } catch {
    // Quota or privacy errors are not worth interrupting the user for.
  }
}
