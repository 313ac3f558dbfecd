/**
 * The outermost API middleware: gives every request an id and a bound logger, and writes one access-log
 * line when it ends. Mount it before everything else (rate limiting included) so that every answer, a 429
 * too, carries `X-Request-Id` and gets its line.
 *
 * The line holds method, path, status, duration, client IP and who called. Never headers, bodies or the
 * query string: tokens travel in all three (`/api/invitations/lookup?token=…`).
 */
import type { Logger } from '@prodgy/core'
import type { Context, MiddlewareHandler } from 'hono'
import type { ApiEnv } from '../context.ts'

export interface ClientIpOptions {
  /**
   * How many reverse proxies in front of the API append the caller's address to `X-Forwarded-For`
   * (`true` means one). Unset or `false`: the header is ignored, since any client can send it.
   */
  trustProxy?: boolean | number
  /**
   * The address of the TCP peer, from the runtime (`getConnInfo` of the Node, Bun or Deno adapter), which
   * the entry file knows and this runtime-neutral code does not.
   */
  clientIp?: (c: Context<ApiEnv>) => string | undefined
}

export interface RequestContextOptions extends ClientIpOptions {
  logger: Logger
}

/** Letters, digits, `.`, `_`, `-`: safe to echo in a header and to put in a log line. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/

export function requestContext(options: RequestContextOptions): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now()
    const incoming = c.req.header('X-Request-Id')
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
    const log = options.logger.child({ requestId })
    c.set('requestId', requestId)
    c.set('log', log)
    let threw = false
    try {
      await next()
    } catch (error) {
      threw = true
      throw error
    } finally {
      const status = threw ? 500 : c.res.status
      if (!threw) c.header('X-Request-Id', requestId)
      const principal = c.get('principal')
      const fields: Record<string, unknown> = {
        method: c.req.method,
        // `path` never includes the query string.
        path: c.req.path,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ip: resolveClientIp(c, options),
      }
      if (principal) {
        fields.userId = principal.user?.id
        // Not `tokenId`: the logger masks every field whose name contains "token", and a token's id is
        // no secret; it is what an operator needs to find the token that made a call.
        fields.auth = principal.kind
        fields.authId = principal.kind === 'api_token' ? principal.tokenId : principal.service
      }
      if (status >= 500) log.warn('request', fields)
      else log.info('request', fields)
    }
  }
}

/**
 * The caller's IP, or undefined when neither a trusted proxy header nor the runtime gives one.
 * Behind N trusted proxies the caller is the N-th address from the right of `X-Forwarded-For`: proxies
 * append, so everything to the left of that came from the client and may be forged.
 */
export function resolveClientIp(c: Context<ApiEnv>, options: ClientIpOptions): string | undefined {
  const hops = options.trustProxy === true ? 1 : typeof options.trustProxy === 'number' ? options.trustProxy : 0
  if (hops > 0) {
    const header = c.req.header('X-Forwarded-For')
    if (header) {
      const entries = header
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)
      const ip = normalizeIp(entries[Math.max(0, entries.length - hops)])
      if (ip) return ip
    }
  }
  return normalizeIp(options.clientIp?.(c))
}

/** An IPv4 or IPv6 address without port or brackets, lower-cased; anything else is not an address. */
export function normalizeIp(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  let ip = raw.trim()
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d+)?$/.exec(ip)
  if (bracketed?.[1]) ip = bracketed[1]
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip)
  if (v4WithPort?.[1]) ip = v4WithPort[1]
  return /^[0-9A-Fa-f:.]{2,45}$/.test(ip) && /[.:]/.test(ip) ? ip.toLowerCase() : undefined
}
