import { type JSX, Show } from 'solid-js'
import type { QueryView } from '../lib/query.ts'
import { Alert } from './alert.tsx'
import { Button } from './button.tsx'
import { Spinner } from './spinner.tsx'

interface QueryStateProps<T> {
  query: QueryView<T>
  testId?: string
  /** Receives an accessor, so the content follows refetches without being rebuilt. */
  children: (data: () => T) => JSX.Element
}

/** Spinner on first load, an error with "Try again" on failure, the content otherwise. */
export function QueryState<T>(props: QueryStateProps<T>) {
  return (
    <>
      <Show when={props.query.error()}>
        {(error) => (
          <Alert tone="error" testId={props.testId ? `${props.testId}-load-error` : undefined} class="mb-4">
            <span>{error().message}</span>{' '}
            <Button size="sm" variant="ghost" class="ml-1" onClick={() => props.query.refetch()}>
              Try again
            </Button>
          </Alert>
        )}
      </Show>
      <Show
        when={props.query.data()}
        fallback={
          <Show when={props.query.loading()}>
            <div class="flex justify-center py-10">
              <Spinner label="Loading…" />
            </div>
          </Show>
        }
      >
        {(data) => props.children(data)}
      </Show>
    </>
  )
}
