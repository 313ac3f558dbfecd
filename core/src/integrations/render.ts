/**
 * Fills a template's request with values: `{{input.x}}`, `{{settings.x}}`, `{{credentials.x}}`, `{{auth.token}}`,
 * `{{integration.id}}` (and `{{item.x}}` in response field mappings). Paths are dot paths (`input.labels.0`), with
 * brackets for names that contain dots (`item.fields["System.Title"]`). `{{input.model ?? settings.completion}}`
 * takes the first that has a value.
 *
 * - A string that is exactly one placeholder keeps the value's type; when the value is missing the property (or
 *   array element) is left out, so optional fields disappear instead of being sent empty.
 * - In a string with text around placeholders, a missing value is an empty string and objects are JSON.
 * - An object with an `$if` key is kept only when that path has a non-empty value; `$if` itself is removed.
 * - In URLs, `input.*` values are percent-encoded (they come from callers); settings and credentials are not.
 *
 * Nothing here evaluates code: a placeholder is a path lookup, never an expression.
 */
export type RenderScope = Record<string, unknown>

const PATH = String.raw`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_$-]+|\[(?:"[^"]*"|'[^']*')\])*`
const EXPRESSION = `${PATH}(?:\\s*\\?\\?\\s*${PATH})*`
const PLACEHOLDER = new RegExp(`\\{\\{\\s*(${EXPRESSION})\\s*\\}\\}`, 'g')
const WHOLE = new RegExp(`^\\{\\{\\s*(${EXPRESSION})\\s*\\}\\}$`)
const SEGMENT = /([^.[\]]+)|\[(?:"([^"]*)"|'([^']*)')\]/g

/** Splits `a.b.0["c.d"]` into `a`, `b`, `0`, `c.d`: brackets hold names that contain dots. */
export function pathSegments(path: string): string[] {
  return [...path.matchAll(SEGMENT)].map((m) => (m[1] ?? m[2] ?? m[3]) as string)
}

export function getPath(value: unknown, path: string): unknown {
  let current = value
  for (const part of pathSegments(path)) {
    if (current === null || current === undefined) return undefined
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)]
    else if (typeof current === 'object' && Object.hasOwn(current, part)) {
      current = (current as Record<string, unknown>)[part]
    } else return undefined
  }
  return current
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
  )
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** The first of `a ?? b ?? c` that has a value (`a` alone for a plain path). */
function resolve(scope: RenderScope, expression: string): unknown {
  const paths = expression.split('??').map((p) => p.trim())
  for (const path of paths) {
    const value = getPath(scope, path)
    if (value !== undefined && value !== null && value !== '') return value
  }
  return getPath(scope, paths.at(-1) as string)
}

/** Renders one string. `encode` decides, per placeholder path, whether its value is percent-encoded. */
export function renderString(
  template: string,
  scope: RenderScope,
  encode?: (path: string) => boolean,
): string | unknown | undefined {
  const whole = WHOLE.exec(template)
  if (whole && !encode) return resolve(scope, whole[1] as string)
  return template.replace(PLACEHOLDER, (_, expression: string) => {
    const text = asText(resolve(scope, expression))
    return encode?.(expression) ? encodeURIComponent(text) : text
  })
}

/** Renders a string to text: used for headers, query values and URLs, where a value must be a string. */
export function renderText(template: string, scope: RenderScope, encode?: (path: string) => boolean): string {
  return asText(renderString(template, scope, encode))
}

/** Renders a JSON body template (see the module comment for the rules). */
export function renderValue(value: unknown, scope: RenderScope): unknown {
  if (typeof value === 'string') return renderString(value, scope)
  if (Array.isArray(value)) {
    return value.map((item) => renderValue(item, scope)).filter((item) => item !== undefined)
  }
  if (value && typeof value === 'object') {
    const source = value as Record<string, unknown>
    if (typeof source.$if === 'string' && isEmpty(getPath(scope, source.$if))) return undefined
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(source)) {
      if (key === '$if') continue
      const rendered = renderValue(inner, scope)
      if (rendered !== undefined) out[key] = rendered
    }
    return out
  }
  return value
}

/** Every placeholder path a template value uses, for checks such as "each `input.x` is declared". */
export function placeholdersIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER)) {
      for (const path of (match[1] as string).split('??')) out.add(path.trim())
    }
  } else if (Array.isArray(value)) {
    for (const item of value) placeholdersIn(item, out)
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$if' && typeof inner === 'string') out.add(inner)
      else placeholdersIn(inner, out)
    }
  }
  return out
}
