/** Pending state, field errors and a message for one form. Nothing typed is cleared on failure. */
import { createEffect, createSignal, on } from 'solid-js'
import { toApiError } from './api.ts'

export interface FormState {
  pending: () => boolean
  error: () => string | null
  setError: (message: string | null) => void
  fieldError: (name: string) => string[] | undefined
  /** Runs the action once at a time; returns true when it finished without throwing. */
  submit: (action: () => Promise<unknown>) => Promise<boolean>
  /** Shows problems found before calling the server, in the same places as the server's. */
  fail: (fields: Record<string, string[]>, message?: string) => void
  reset: () => void
}

/**
 * `watch` is the form's values (a store, or an object of getters): when one changes, its field's error goes away,
 * and a problem found before submitting disappears once every field it named was edited.
 * `aliases` maps a value's key to the API field it is sent as (`current` → `currentPassword`); `fieldError` and `fail`
 * take either name.
 */
export function createFormState(watch?: object, aliases: Record<string, string> = {}): FormState {
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [fields, setFields] = createSignal<Record<string, string[]>>({})
  let messageIsLocal = false
  const fieldOf = (name: string) => aliases[name] ?? name

  const clearField = (name: string) => {
    const current = fields()
    if (!(name in current)) return
    const rest = { ...current }
    delete rest[name]
    setFields(rest)
    if (messageIsLocal && Object.keys(rest).length === 0) setError(null)
  }
  if (watch) {
    for (const key of Object.keys(watch)) {
      const read = () => (watch as Record<string, unknown>)[key]
      createEffect(on(read, () => clearField(fieldOf(key)), { defer: true }))
    }
  }

  return {
    pending,
    error,
    setError,
    fieldError: (name) => {
      const problems = fields()[fieldOf(name)]
      return problems && problems.length > 0 ? problems : undefined
    },
    async submit(action) {
      if (pending()) return false
      messageIsLocal = false
      setPending(true)
      setError(null)
      setFields({})
      try {
        await action()
        return true
      } catch (thrown) {
        const apiError = toApiError(thrown)
        setFields(apiError.fields)
        setError(apiError.message)
        return false
      } finally {
        setPending(false)
      }
    },
    fail(problems, message) {
      messageIsLocal = true
      setFields(Object.fromEntries(Object.entries(problems).map(([name, list]) => [fieldOf(name), list])))
      setError(message ?? null)
    },
    reset() {
      setError(null)
      setFields({})
    },
  }
}

/** An optional text field as the API wants it: trimmed, or null to clear it. */
export function orNull(value: string): string | null {
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}
