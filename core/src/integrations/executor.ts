/**
 * Runs a template's tool (or its credential check) against the service: validates the input against the tool's
 * JSON Schema, renders the request, applies the template's auth, sends it through the guarded outbound fetch
 * (`outbound.ts`) and maps the response. Every secret value of the call is scrubbed from errors it raises.
 */
import { z } from 'zod'
import { AppError, describeFieldErrors, fieldErrors } from '../errors.ts'
import { type OutboundPolicy, type OutboundRequest, outboundFetch } from './outbound.ts'
import { getPath, type RenderScope, renderText, renderValue } from './render.ts'
import type { HttpRequestTemplate, IntegrationTemplate, ResponseMapping, TemplateTool } from './template-schema.ts'

export type { OutboundPolicy } from './outbound.ts'

export interface TemplateCall {
  template: IntegrationTemplate
  integrationId: string
  settings: Record<string, unknown>
  credentials: Record<string, string>
}

export interface ToolRunResult {
  status: number
  result: unknown
  durationMs: number
}

const MAX_ERROR_TEXT = 300

/** Removes every secret value of the call from a text (credentials and fetched tokens). */
export function createScrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  )
  return (text) => {
    let out = text
    for (const value of values) {
      out = out.split(value).join('[redacted]')
      const encoded = encodeURIComponent(value)
      if (encoded !== value) out = out.split(encoded).join('[redacted]')
    }
    return out
  }
}

function secretsOf(call: TemplateCall): string[] {
  const secretNames = new Set(call.template.credentials.filter((f) => f.secret).map((f) => f.name))
  const values = Object.entries(call.credentials)
    .filter(([name]) => secretNames.has(name))
    .map(([, value]) => value)
  return values
}

/** The tool's input, checked against its JSON Schema, with property defaults applied. */
export function validateToolInput(tool: TemplateTool, input: Record<string, unknown>): Record<string, unknown> {
  const withDefaults: Record<string, unknown> = { ...input }
  for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
    if (withDefaults[name] === undefined && property && 'default' in property) withDefaults[name] = property.default
  }
  let schema: z.ZodType
  try {
    schema = z.fromJSONSchema(tool.inputSchema as Parameters<typeof z.fromJSONSchema>[0])
  } catch (error) {
    throw new AppError(
      'template_invalid',
      `The input schema of ${tool.name} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
      500,
    )
  }
  const result = schema.safeParse(withDefaults)
  if (!result.success) {
    const fields = fieldErrors(result.error.issues, 'input')
    throw new AppError(
      'tool_input_invalid',
      `The input of ${tool.name} is not valid. ${describeFieldErrors(fields)}`,
      400,
      {
        fields,
      },
    )
  }
  return withDefaults
}

function joinUrl(base: string | undefined, path: string): string {
  if (/^https?:\/\//i.test(path) || !base) return path
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

const tokenCache = new Map<string, { token: string; expiresAt: number }>()

async function clientCredentialsToken(
  call: TemplateCall,
  auth: Extract<IntegrationTemplate['auth'], { type: 'oauth2_client_credentials' }>,
  scope: RenderScope,
  policy: OutboundPolicy,
  scrub: (text: string) => string,
): Promise<string> {
  const tokenUrl = renderText(auth.tokenUrl, scope)
  const clientId = renderText(auth.clientId, scope)
  const clientSecret = renderText(auth.clientSecret, scope)
  const scopeText = auth.scope ? renderText(auth.scope, scope) : ''
  const cacheKey = `${call.integrationId}|${tokenUrl}|${clientId}|${scopeText}`
  const cached = tokenCache.get(cacheKey)
  if (cached && cached.expiresAt > Date.now() + 30_000) return cached.token
  const form = new URLSearchParams({ grant_type: 'client_credentials' })
  if (scopeText) form.set('scope', scopeText)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if (auth.clientAuth === 'basic') headers.authorization = `Basic ${btoa(`${clientId}:${clientSecret}`)}`
  else {
    form.set('client_id', clientId)
    form.set('client_secret', clientSecret)
  }
  const response = await outboundFetch({ url: tokenUrl, method: 'POST', headers, body: form.toString() }, policy)
  let body: { access_token?: unknown; expires_in?: unknown; error_description?: unknown; error?: unknown } = {}
  try {
    body = JSON.parse(response.text)
  } catch {}
  if (response.status >= 400 || typeof body.access_token !== 'string') {
    const why = String(body.error_description ?? body.error ?? `status ${response.status}`)
    throw new AppError(
      'integration_auth_failed',
      scrub(`The service refused the client credentials: ${why.slice(0, MAX_ERROR_TEXT)}`),
      502,
      { upstreamStatus: response.status },
    )
  }
  const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600
  tokenCache.set(cacheKey, { token: body.access_token, expiresAt: Date.now() + ttl * 1000 })
  return body.access_token
}

async function buildRequest(
  call: TemplateCall,
  template: HttpRequestTemplate,
  scope: RenderScope,
  policy: OutboundPolicy,
  scrub: (text: string) => string,
  secrets: string[],
): Promise<OutboundRequest> {
  const { auth } = call.template
  if (auth.type === 'oauth2_client_credentials') {
    const token = await clientCredentialsToken(call, auth, scope, policy, scrub)
    secrets.push(token)
    scope.auth = { token }
  }
  const base = call.template.baseUrl ? renderText(call.template.baseUrl, scope) : undefined
  const encodeInput = (path: string) => path.startsWith('input.')
  const url = new URL(joinUrl(base, renderText(template.url, scope, encodeInput)))
  for (const [name, value] of Object.entries(template.query ?? {})) {
    const rendered = renderText(value, scope)
    if (rendered !== '') url.searchParams.set(name, rendered)
  }
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Prodgy-Integrations/1' }
  for (const [name, value] of Object.entries(template.headers ?? {})) {
    const rendered = renderText(value, scope)
    if (rendered !== '') headers[name.toLowerCase()] = rendered
  }
  switch (auth.type) {
    case 'bearer':
      headers.authorization = `Bearer ${renderText(auth.token, scope)}`
      break
    case 'oauth2_client_credentials':
      headers.authorization = `Bearer ${(scope.auth as { token: string }).token}`
      break
    case 'basic': {
      const pair = `${renderText(auth.username, scope)}:${renderText(auth.password, scope)}`
      const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(pair)))
      secrets.push(encoded)
      headers.authorization = `Basic ${encoded}`
      break
    }
    case 'header':
      headers[auth.name.toLowerCase()] = renderText(auth.value, scope)
      break
    case 'query':
      url.searchParams.set(auth.name, renderText(auth.value, scope))
      break
    case 'none':
      break
  }
  let body: string | undefined
  if (template.body !== undefined && template.method !== 'GET') {
    const rendered = renderValue(template.body, scope)
    if (template.bodyType === 'form') {
      const form = new URLSearchParams()
      for (const [name, value] of Object.entries((rendered ?? {}) as Record<string, unknown>)) {
        if (value !== undefined && value !== null) {
          form.set(name, typeof value === 'string' ? value : JSON.stringify(value))
        }
      }
      body = form.toString()
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
    } else {
      body = JSON.stringify(rendered ?? {})
      headers['content-type'] ??=
        template.bodyType === 'json-patch' ? 'application/json-patch+json' : 'application/json; charset=utf-8'
    }
  }
  return { url: url.toString(), method: template.method, headers, body }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {}
  }
  return text
}

/** A short, human-readable reason from a service's error body (shapes of Jira, GitHub, Slack, Azure DevOps…). */
function upstreamReason(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, MAX_ERROR_TEXT) || undefined
  if (!body || typeof body !== 'object') return undefined
  const b = body as Record<string, unknown>
  const candidates = [
    b.message,
    b.error_description,
    typeof b.error === 'string' ? b.error : (b.error as Record<string, unknown> | undefined)?.message,
    Array.isArray(b.errorMessages) ? b.errorMessages.join('; ') : undefined,
    b.errors && typeof b.errors === 'object' && !Array.isArray(b.errors)
      ? Object.entries(b.errors as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('; ')
      : undefined,
  ]
  const found = candidates.find((c) => typeof c === 'string' && c.trim() !== '') as string | undefined
  return found?.slice(0, MAX_ERROR_TEXT)
}

function mapResponse(body: unknown, mapping: ResponseMapping | undefined, scope: RenderScope): unknown {
  if (!mapping) return body
  const root = mapping.root ? getPath(body, mapping.root) : body
  const mapItem = (item: unknown) => {
    if (!mapping.fields) return item
    const out: Record<string, unknown> = {}
    for (const [name, path] of Object.entries(mapping.fields)) {
      const value = path.includes('{{') ? renderText(path, { ...scope, item }) : getPath(item, path)
      if (value !== undefined) out[name] = value
    }
    return out
  }
  let result: unknown
  if (Array.isArray(root)) result = { [mapping.listName ?? 'items']: root.map(mapItem) }
  else if (root === undefined || root === null) result = mapping.fields ? {} : root
  else result = mapItem(root)
  if (mapping.include && result && typeof result === 'object' && !Array.isArray(result)) {
    for (const [name, path] of Object.entries(mapping.include)) {
      const value = getPath(body, path)
      if (value !== undefined && value !== null && value !== '') (result as Record<string, unknown>)[name] = value
    }
  }
  return result
}

async function send(
  call: TemplateCall,
  request: HttpRequestTemplate,
  input: Record<string, unknown>,
  policy: OutboundPolicy,
  what: string,
): Promise<{ status: number; body: unknown; scope: RenderScope; durationMs: number }> {
  const secrets = secretsOf(call)
  const scrub = createScrubber(secrets)
  const scope: RenderScope = {
    input,
    settings: call.settings,
    credentials: call.credentials,
    integration: { id: call.integrationId },
  }
  const started = Date.now()
  try {
    const outbound = await buildRequest(call, request, scope, policy, scrub, secrets)
    const response = await outboundFetch(outbound, policy)
    const body = parseBody(response.text, response.headers.get('content-type'))
    if (response.status >= 400) {
      const reason = upstreamReason(body)
      const credentialsRejected = response.status === 401 || response.status === 403
      throw new AppError(
        'tool_upstream_error',
        createScrubber(secrets)(
          `${call.template.name} answered ${response.status} to ${what}` +
            (credentialsRejected ? ' (the credentials were refused or lack a permission)' : '') +
            (reason ? `: ${reason}` : '.'),
        ),
        502,
        { upstreamStatus: response.status },
      )
    }
    // Slack-style APIs answer 200 with { ok: false, error } when they refuse a call
    if (body && typeof body === 'object' && (body as { ok?: unknown }).ok === false) {
      const reason = String((body as { error?: unknown }).error ?? 'refused')
      throw new AppError(
        'tool_upstream_error',
        createScrubber(secrets)(`${call.template.name} refused ${what}: ${reason}.`),
        502,
        { upstreamStatus: response.status, upstreamError: reason },
      )
    }
    return { status: response.status, body, scope, durationMs: Date.now() - started }
  } catch (error) {
    if (error instanceof AppError) {
      const scrubbed = createScrubber(secrets)(error.message)
      if (scrubbed === error.message) throw error
      throw new AppError(error.code, scrubbed, error.status, error.details)
    }
    throw new AppError('tool_failed', createScrubber(secrets)(`${what} failed: ${String(error)}`), 502)
  }
}

export async function runTemplateTool(
  call: TemplateCall,
  toolName: string,
  input: Record<string, unknown>,
  policy: OutboundPolicy,
): Promise<ToolRunResult> {
  const tool = call.template.tools.find((t) => t.name === toolName)
  if (!tool) {
    throw new AppError('tool_not_found', `${call.template.name} has no tool named ${toolName}.`, 404)
  }
  const checked = validateToolInput(tool, input)
  const sent = await send(call, tool.request, checked, policy, toolName)
  return { status: sent.status, result: mapResponse(sent.body, tool.response, sent.scope), durationMs: sent.durationMs }
}

/** Checks the credentials with the template's validation request; throws an AppError the installer can act on. */
export async function runTemplateValidation(call: TemplateCall, policy: OutboundPolicy): Promise<void> {
  const validation = call.template.validation
  if (!validation) return
  try {
    const sent = await send(call, validation.request, {}, policy, 'the credential check')
    if (validation.expectStatus && !validation.expectStatus.includes(sent.status)) {
      throw new AppError(
        'integration_validation_failed',
        `${call.template.name} answered ${sent.status} to the credential check; expected ${validation.expectStatus.join(' or ')}.`,
        400,
      )
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'tool_upstream_error') {
      throw new AppError(
        'integration_validation_failed',
        `The credentials were not accepted. ${error.message}`,
        400,
        error.details,
      )
    }
    throw error
  }
}
