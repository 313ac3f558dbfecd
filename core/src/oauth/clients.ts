/**
 * OAuth clients: dynamic registration (RFC 7591) and client authentication at the token and revocation
 * endpoints. Public clients (`none`) prove themselves with PKCE alone; confidential ones get a secret that is
 * shown once and stored only as a SHA-256 hash.
 */
import { randomAlphanumeric, sha256Hex, timingSafeEqual } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import { OAuthError } from './errors.ts'
import { isOAuthScope } from './scopes.ts'
import { randomBase64Url } from './server.ts'

export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic'
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic']
const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const

export interface OAuthClientRow {
  client_id: string
  client_name: string
  client_uri: string | null
  logo_uri: string | null
  redirect_uris: string[]
  grant_types: string[]
  token_endpoint_auth_method: TokenEndpointAuthMethod
  client_secret_hash: string | null
  scope: string | null
  software_id: string | null
  software_version: string | null
  created_at: Date
}

/** The registration response (RFC 7591 §3.2.1); `client_secret` only right after registration. */
export interface ClientInformation {
  client_id: string
  client_id_issued_at: number
  client_secret?: string
  client_secret_expires_at?: number
  client_name: string
  client_uri?: string
  logo_uri?: string
  redirect_uris: string[]
  grant_types: string[]
  response_types: string[]
  token_endpoint_auth_method: TokenEndpointAuthMethod
  scope?: string
  software_id?: string
  software_version?: string
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])
const FORBIDDEN_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'blob:',
  'about:',
  'ftp:',
  'ws:',
  'wss:',
])

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase())
}

/**
 * Why a redirect URI cannot be registered, or undefined when it can: https anywhere; http only on a loopback
 * address (native apps, RFC 8252 §7.3); a private-use scheme such as `cursor://` (RFC 8252 §7.1); no fragment.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 2000) return 'is longer than 2000 characters'
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return 'is not an absolute URI'
  }
  if (uri.includes('#')) return 'must not contain a fragment (#)'
  if (url.username || url.password) return 'must not contain a user name or password'
  if (url.protocol === 'https:') return url.hostname ? undefined : 'needs a host name'
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'uses http, which is allowed only for 127.0.0.1, localhost or [::1]; use https'
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `uses the ${url.protocol} scheme, which cannot receive a redirect`
  return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? undefined : 'has an invalid scheme'
}

/**
 * Whether a requested redirect URI is the registered one. Exact string match, except that for http on a loopback
 * address any port is accepted (RFC 8252 §7.3: native apps take a free port when they start).
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true
  let a: URL
  let b: URL
  try {
    a = new URL(registered)
    b = new URL(requested)
  } catch {
    return false
  }
  return (
    a.protocol === 'http:' &&
    b.protocol === 'http:' &&
    isLoopbackHost(a.hostname) &&
    a.hostname === b.hostname &&
    a.pathname === b.pathname &&
    a.search === b.search &&
    !requested.includes('#')
  )
}

function httpsUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value)
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return undefined
    return 'must be an https URL'
  } catch {
    return 'must be an absolute URL'
  }
}

function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new OAuthError('invalid_client_metadata', `${field} must be a string.`)
  const trimmed = value.trim()
  if (trimmed.length > max) {
    throw new OAuthError('invalid_client_metadata', `${field} is longer than ${max} characters.`)
  }
  return trimmed === '' ? undefined : trimmed
}

function stringArray(body: Record<string, unknown>, field: string): string[] | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new OAuthError('invalid_client_metadata', `${field} must be an array of strings.`)
  }
  return value as string[]
}

function fallbackName(clientUri: string | undefined, redirectUris: string[]): string {
  const source = clientUri ?? redirectUris[0] ?? ''
  try {
    const url = new URL(source)
    if (url.hostname && url.protocol.startsWith('http')) return url.hostname
    return url.protocol.replace(/:$/, '')
  } catch {
    return 'Unnamed application'
  }
}

/** Validates RFC 7591 client metadata and registers the client. Errors carry the RFC 7591 error codes. */
export async function registerClient(q: Queryable, input: unknown): Promise<ClientInformation> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OAuthError('invalid_client_metadata', 'Send the client metadata as a JSON object.')
  }
  const body = input as Record<string, unknown>
  const redirectUris = stringArray(body, 'redirect_uris')
  if (!redirectUris || redirectUris.length === 0) {
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris is required: list at least one redirect URI.')
  }
  if (redirectUris.length > 10) throw new OAuthError('invalid_redirect_uri', 'Register at most 10 redirect URIs.')
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri)
    if (problem) throw new OAuthError('invalid_redirect_uri', `The redirect URI "${uri.slice(0, 200)}" ${problem}.`)
  }

  const method = (optionalString(body, 'token_endpoint_auth_method', 40) ??
    'client_secret_basic') as TokenEndpointAuthMethod
  if (!AUTH_METHODS.includes(method)) {
    throw new OAuthError(
      'invalid_client_metadata',
      `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`,
    )
  }
  const grantTypes = stringArray(body, 'grant_types') ?? ['authorization_code', 'refresh_token']
  const unknownGrant = grantTypes.find((g) => !(GRANT_TYPES as readonly string[]).includes(g))
  if (unknownGrant) {
    throw new OAuthError(
      'invalid_client_metadata',
      `The grant type "${unknownGrant.slice(0, 100)}" is not supported; use authorization_code and refresh_token.`,
    )
  }
  if (!grantTypes.includes('authorization_code')) {
    throw new OAuthError('invalid_client_metadata', 'grant_types must include authorization_code.')
  }
  const responseTypes = stringArray(body, 'response_types') ?? ['code']
  if (responseTypes.some((r) => r !== 'code')) {
    throw new OAuthError('invalid_client_metadata', 'response_types may only contain "code".')
  }
  const scope = optionalString(body, 'scope', 500)
  const badScope = scope?.split(' ').find((s) => s !== '' && s !== 'offline_access' && !isOAuthScope(s))
  if (badScope) throw new OAuthError('invalid_client_metadata', `The scope "${badScope.slice(0, 100)}" is not known.`)
  const clientUri = optionalString(body, 'client_uri', 2000)
  const logoUri = optionalString(body, 'logo_uri', 2000)
  for (const [field, value] of [
    ['client_uri', clientUri],
    ['logo_uri', logoUri],
  ] as const) {
    const problem = value ? httpsUrlProblem(value) : undefined
    if (problem) throw new OAuthError('invalid_client_metadata', `${field} ${problem}.`)
  }
  const clientName = optionalString(body, 'client_name', 200) ?? fallbackName(clientUri, redirectUris)
  const softwareId = optionalString(body, 'software_id', 200)
  const softwareVersion = optionalString(body, 'software_version', 100)

  const clientId = `pgc_${randomAlphanumeric(32)}`
  const secret = method === 'none' ? undefined : `pgcs_${randomBase64Url()}`
  const [row] = await q.query<OAuthClientRow>(
    `insert into oauth_clients (client_id, client_name, client_uri, logo_uri, redirect_uris, grant_types,
       token_endpoint_auth_method, client_secret_hash, scope, software_id, software_version)
     values ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8, $9, $10, $11) returning *`,
    [
      clientId,
      clientName,
      clientUri ?? null,
      logoUri ?? null,
      redirectUris,
      [...new Set(grantTypes)],
      method,
      secret ? await sha256Hex(secret) : null,
      scope ?? null,
      softwareId ?? null,
      softwareVersion ?? null,
    ],
  )
  const info = clientInformation(row as OAuthClientRow)
  return secret ? { ...info, client_secret: secret, client_secret_expires_at: 0 } : info
}

export function clientInformation(row: OAuthClientRow): ClientInformation {
  return {
    client_id: row.client_id,
    client_id_issued_at: Math.floor(row.created_at.getTime() / 1000),
    client_name: row.client_name,
    ...(row.client_uri ? { client_uri: row.client_uri } : {}),
    ...(row.logo_uri ? { logo_uri: row.logo_uri } : {}),
    redirect_uris: row.redirect_uris,
    grant_types: row.grant_types,
    response_types: ['code'],
    token_endpoint_auth_method: row.token_endpoint_auth_method,
    ...(row.scope ? { scope: row.scope } : {}),
    ...(row.software_id ? { software_id: row.software_id } : {}),
    ...(row.software_version ? { software_version: row.software_version } : {}),
  }
}

export async function findClient(q: Queryable, clientId: string): Promise<OAuthClientRow | undefined> {
  if (clientId.length < 16 || clientId.length > 64) return undefined
  const [row] = await q.query<OAuthClientRow>('select * from oauth_clients where client_id = $1', [clientId])
  return row
}

/** HTTP Basic credentials (RFC 6749 §2.3.1: both parts form-urlencoded before base64). */
function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')?.[1]
  if (!encoded) return undefined
  let decoded: string
  try {
    decoded = atob(encoded)
  } catch {
    throw new OAuthError('invalid_client', 'The Basic credentials are not valid base64.')
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new OAuthError('invalid_client', 'The Basic credentials must be client_id:client_secret.')
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' ')),
    }
  } catch {
    throw new OAuthError('invalid_client', 'The Basic credentials are not form-urlencoded.')
  }
}

/**
 * Identifies the client calling the token or revocation endpoint with the method it registered: the client_id
 * alone for public clients, the secret in the body (`client_secret_post`) or in Basic auth otherwise.
 */
export async function authenticateClient(
  q: Queryable,
  params: URLSearchParams,
  authorization: string | undefined,
): Promise<OAuthClientRow> {
  const basic = basicCredentials(authorization)
  const bodyId = params.get('client_id') ?? undefined
  if (basic && bodyId && basic.id !== bodyId) {
    throw new OAuthError('invalid_client', 'client_id in the body differs from the one in the Authorization header.')
  }
  const clientId = basic?.id ?? bodyId
  if (!clientId) throw new OAuthError('invalid_client', 'Send client_id to say which client is calling.')
  const client = await findClient(q, clientId)
  if (!client) throw new OAuthError('invalid_client', 'This client is not registered. Register it again.')
  const method = client.token_endpoint_auth_method
  if (method === 'none') {
    if (basic?.secret || params.get('client_secret')) {
      throw new OAuthError('invalid_client', 'This client is public (token_endpoint_auth_method none): send no secret.')
    }
    return client
  }
  const secret = method === 'client_secret_basic' ? basic?.secret : (params.get('client_secret') ?? undefined)
  if (!secret) {
    throw new OAuthError(
      'invalid_client',
      method === 'client_secret_basic'
        ? 'This client authenticates with HTTP Basic (client_secret_basic).'
        : 'This client authenticates with client_secret in the body (client_secret_post).',
    )
  }
  if (!timingSafeEqual(await sha256Hex(secret), client.client_secret_hash ?? '')) {
    throw new OAuthError('invalid_client', 'The client secret is wrong.')
  }
  return client
}
