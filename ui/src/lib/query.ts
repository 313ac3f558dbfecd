/**
 * Data loaded for a view. Unlike a bare resource it never throws when read: the last good value stays visible
 * while a new one loads, and a failure is an `error` to show beside it. Only the newest request may write.
 */
import { createEffect, createSignal, untrack } from 'solid-js'
import { type ApiError, toApiError } from './api.ts'

type Source<S> = S | false | null | undefined

export interface Query<T> {
  data: () => T | undefined
  error: () => ApiError | null
  loading: () => boolean
  refetch: () => Promise<void>
  mutate: (value: T | undefined) => void
}

/** What a view reads of a query (no `mutate`), so a query of a richer page still fits a component of plain pages. */
export type QueryView<T> = Omit<Query<T>, 'mutate'>

export function createQuery<S, T>(source: () => Source<S>, fetcher: (input: S) => Promise<T>): Query<T> {
  const [data, setData] = createSignal<T | undefined>(undefined)
  const [error, setError] = createSignal<ApiError | null>(null)
  const [loading, setLoading] = createSignal(true)
  let latest = 0

  const load = async (input: S) => {
    const ticket = ++latest
    setLoading(true)
    try {
      const value = await fetcher(input)
      if (ticket !== latest) return
      setData(() => value)
      setError(null)
    } catch (thrown) {
      if (ticket === latest) setError(toApiError(thrown))
    } finally {
      if (ticket === latest) setLoading(false)
    }
  }

  createEffect(() => {
    const input = source()
    if (input === false || input === null || input === undefined) return
    untrack(() => void load(input))
  })

  return {
    data,
    error,
    loading,
    refetch: async () => {
      const input = untrack(source)
      if (input !== false && input !== null && input !== undefined) await load(input)
    },
    mutate: (value) => setData(() => value),
  }
}

/** A signal that follows another after a pause in changes (search boxes). */
export function createDebounced<T>(value: () => T, ms = 300): () => T {
  const [settled, setSettled] = createSignal(untrack(value))
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(() => {
    const next = value()
    clearTimeout(timer)
    timer = setTimeout(() => setSettled(() => next), ms)
  })
  return settled
}

/** The page of a list with a search box: a new search starts again from page 1; `settled` follows it after a pause. */
export function createPagedSearch() {
  const [search, setText] = createSignal('')
  const [page, setPage] = createSignal(1)
  return {
    search,
    setSearch(value: string) {
      setText(value)
      setPage(1)
    },
    settled: createDebounced(search),
    page,
    setPage,
  }
}
