import { useSearchParams } from '@solidjs/router'

/** Only same-site paths: a `next` parameter must never send someone to another site. */
export function safeNext(next: string | string[] | undefined, fallback = '/'): string {
  const value = Array.isArray(next) ? next[0] : next
  return value?.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback
}

/** Paths served by other apps on the same origin (Studio); reaching them needs a full page load. */
export function isOutsideApp(path: string): boolean {
  return path === '/studio' || path.startsWith('/studio/')
}

export function searchParam(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? ''
}

/** The selected tab lives in `?tab=` so it survives reloads and can be linked to. */
export function useTabParam<T extends string>(allowed: () => readonly T[], fallback: T): [() => T, (tab: T) => void] {
  const [params, setParams] = useSearchParams()
  const current = (): T => {
    const value = searchParam(params.tab) as T
    return allowed().includes(value) ? value : fallback
  }
  return [current, (tab: T) => setParams({ tab }, { replace: true })]
}
