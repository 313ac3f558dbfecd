/** Dates and names as people read them, in the browser's own locale. */
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

export function formatDate(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso)
  return date ? dateFormat.format(date) : fallback
}

export function formatDateTime(iso: string | null | undefined, fallback = '—'): string {
  const date = parse(iso)
  return date ? dateTimeFormat.format(date) : fallback
}

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
]

export function formatRelative(iso: string | null | undefined, fallback = 'Never'): string {
  const date = parse(iso)
  if (!date) return fallback
  const seconds = (date.getTime() - Date.now()) / 1000
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit)
  }
  return 'just now'
}

export function initials(name: string | null | undefined, email?: string): string {
  const source = (name ?? '').trim() || (email ?? '').trim()
  const parts = source.split(/[\s@._-]+/).filter(Boolean)
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ''}${parts[1]?.[0] ?? ''}` : source.slice(0, 2)
  return letters.toUpperCase() || '?'
}

export const roleLabels = { user: 'User', admin: 'Admin', super_admin: 'Super Admin' } as const

/** `<input type="datetime-local">` value for an ISO timestamp, and back. */
export function toLocalInput(iso: string | null | undefined): string {
  const date = parse(iso)
  if (!date) return ''
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 16)
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
