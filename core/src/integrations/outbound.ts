/**
 * Outbound HTTP for integrations, with the guards a server that fetches user-supplied addresses needs:
 *
 * - SSRF: only http(s); no user name or password in the URL; no private, loopback, link-local, shared, multicast or
 *   reserved address, checked on the IP literal and, when the runtime can resolve names (`resolveHost`), on every
 *   address the name resolves to. An operator allowlist (PRODGY_OUTBOUND_ALLOWLIST: host names, IPs, IPv4 CIDRs)
 *   opens named internal services. Redirects are followed by hand (at most 3), each hop checked again, and
 *   credentials are not carried to another origin.
 * - A deadline for the whole call, and a cap on the response size read from the stream.
 *
 * A name can resolve differently between the check and the connection (DNS rebinding); deployments that need a
 * hard guarantee run behind an egress proxy. See docs/security.md.
 */
import { AppError } from '../errors.ts'

export interface OutboundPolicy {
  /** Host names, IP addresses and IPv4 CIDRs that may be reached although they are not public. */
  allowlist: readonly string[]
  timeoutMs: number
  maxResponseBytes: number
  fetch?: typeof fetch
  /** Resolves a host name to its addresses (all of them); runtimes without DNS leave it out. */
  resolveHost?: (host: string) => Promise<string[]>
}

export interface OutboundRequest {
  url: string
  method: string
  headers: Record<string, string>
  body?: string | undefined
}

export interface OutboundResponse {
  status: number
  headers: Headers
  text: string
  url: string
}

const MAX_REDIRECTS = 3

export function parseAllowlist(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const v = Number(part)
    if (v > 255) return undefined
    n = n * 256 + v
  }
  return n
}

function inCidr(ip: number, base: string, bits: number): boolean {
  const b = ipv4ToNumber(base)
  if (b === undefined) return false
  if (bits === 0) return true
  const mask = bits === 32 ? 0xffffffff : ~(0xffffffff >>> bits) >>> 0
  return (ip & mask) >>> 0 === (b & mask) >>> 0
}

const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
]

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

export function isIpLiteral(host: string): boolean {
  const h = stripBrackets(host)
  return ipv4ToNumber(h) !== undefined || h.includes(':')
}

/** True for every address that is not a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const ip = stripBrackets(address).toLowerCase()
  const v4 = ipv4ToNumber(ip)
  if (v4 !== undefined) return PRIVATE_V4.some(([base, bits]) => inCidr(v4, base, bits))
  if (!ip.includes(':')) return true
  // IPv4-mapped and -translated forms carry an IPv4 address
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  if (mapped) return isNonPublicAddress(mapped[1] as string)
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip)
  if (hexMapped) {
    const hi = Number.parseInt(hexMapped[1] as string, 16)
    const lo = Number.parseInt(hexMapped[2] as string, 16)
    return isNonPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
  }
  if (ip === '::' || ip === '::1') return true
  const first = Number.parseInt(ip.split(':')[0] || '0', 16)
  if ((first & 0xfe00) === 0xfc00) return true // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return true // fe80::/10 link-local
  if ((first & 0xff00) === 0xff00) return true // multicast
  if (ip.startsWith('2001:db8:')) return true // documentation
  return false
}

function allowlisted(host: string, address: string | undefined, allowlist: readonly string[]): boolean {
  const h = stripBrackets(host).toLowerCase()
  for (const entry of allowlist) {
    if (entry === h || (address && entry === address.toLowerCase())) return true
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(entry)
    if (cidr) {
      const candidate = ipv4ToNumber(address ?? h)
      if (candidate !== undefined && inCidr(candidate, cidr[1] as string, Number(cidr[2]))) return true
    }
  }
  return false
}

export class OutboundBlockedError extends AppError {
  constructor(message: string) {
    super('outbound_blocked', message, 403)
    this.name = 'OutboundBlockedError'
  }
}

/** Throws OutboundBlockedError when the URL may not be fetched under the policy. */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy): Promise<URL> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new AppError('invalid_url', `"${raw.slice(0, 200)}" is not a valid URL. Check the integration's settings.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OutboundBlockedError(`Only http and https addresses can be called, not ${url.protocol}.`)
  }
  if (url.username || url.password) {
    throw new OutboundBlockedError('Addresses with a user name or password in them are refused; use credentials.')
  }
  const host = url.hostname.toLowerCase()
  const blocked = () =>
    new OutboundBlockedError(
      `${host} is a private, loopback or link-local address, which integrations may not reach. An operator can ` +
        'allow it with PRODGY_OUTBOUND_ALLOWLIST.',
    )
  if (allowlisted(host, undefined, policy.allowlist)) return url
  if (isIpLiteral(host)) {
    if (isNonPublicAddress(host)) throw blocked()
    return url
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === 'metadata.google.internal') throw blocked()
  if (policy.resolveHost) {
    let addresses: string[]
    try {
      addresses = await policy.resolveHost(host)
    } catch {
      throw new AppError('outbound_unreachable', `The host ${host} could not be found.`, 502)
    }
    for (const address of addresses) {
      if (isNonPublicAddress(address) && !allowlisted(host, address, policy.allowlist)) throw blocked()
    }
  }
  return url
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge(maxBytes)
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}

function tooLarge(maxBytes: number) {
  return new AppError(
    'tool_response_too_large',
    `The service answered with more than ${Math.round(maxBytes / 1024)} KB; narrow the request (a smaller limit or a filter).`,
    502,
  )
}

/** Fetches under the policy: guarded address, manual redirects, deadline, size cap. */
export async function outboundFetch(request: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const doFetch = policy.fetch ?? fetch
  const signal = AbortSignal.timeout(policy.timeoutMs)
  let current = { ...request, headers: { ...request.headers } }
  try {
    for (let hop = 0; ; hop++) {
      const url = await checkOutboundUrl(current.url, policy)
      const response = await doFetch(url, {
        method: current.method,
        headers: current.headers,
        body: current.body,
        redirect: 'manual',
        signal,
      })
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => undefined)
        if (hop >= MAX_REDIRECTS) {
          throw new AppError('tool_upstream_error', 'The service redirected too many times.', 502)
        }
        const next = new URL(location, url)
        const headers = { ...current.headers }
        if (next.origin !== url.origin) {
          for (const name of Object.keys(headers)) {
            if (/^(authorization|cookie|x-api-key|api-key|x-goog-api-key)$/i.test(name)) delete headers[name]
          }
        }
        const keepBody = response.status === 307 || response.status === 308
        current = {
          url: next.toString(),
          method: keepBody ? current.method : 'GET',
          headers,
          body: keepBody ? current.body : undefined,
        }
        continue
      }
      const text = await readCapped(response, policy.maxResponseBytes)
      return { status: response.status, headers: response.headers, text, url: url.toString() }
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    if (signal.aborted) {
      throw new AppError(
        'tool_timeout',
        `The service did not answer within ${Math.round(policy.timeoutMs / 1000)} s.`,
        504,
      )
    }
    throw new AppError(
      'outbound_unreachable',
      `The service could not be reached (${error instanceof Error ? error.message : String(error)}).`,
      502,
    )
  }
}

/** The policy the environment configures (PRODGY_OUTBOUND_ALLOWLIST, PRODGY_INTEGRATION_TIMEOUT_MS, …). */
export function outboundPolicyFromEnv(
  env: {
    PRODGY_OUTBOUND_ALLOWLIST: string
    PRODGY_INTEGRATION_TIMEOUT_MS: number
    PRODGY_INTEGRATION_MAX_RESPONSE_KB: number
  },
  extras: Pick<OutboundPolicy, 'fetch' | 'resolveHost'> = {},
): OutboundPolicy {
  return {
    allowlist: parseAllowlist(env.PRODGY_OUTBOUND_ALLOWLIST),
    timeoutMs: env.PRODGY_INTEGRATION_TIMEOUT_MS,
    maxResponseBytes: env.PRODGY_INTEGRATION_MAX_RESPONSE_KB * 1024,
    ...extras,
  }
}
