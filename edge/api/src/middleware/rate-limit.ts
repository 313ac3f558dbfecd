/**
 * Rate limiting for API routes. Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds until the window ends); a blocked request gets 429 with `Retry-After` and the
 * error envelope, and never reaches the handler.
 *
 * Mount it after `requestContext`, and after authentication when `key` reads the principal:
 *   app.use('/api/auth/*', rateLimit({ limiter, rule: config.auth, keyPrefix: 'auth', trustProxy }))
 *   app.use('/api/*', rateLimit({ limiter, rule: config.api, keyPrefix: 'api', key: principalOrIpKey, trustProxy }))
 */
import { assertValidRule, RateLimitedError, type RateLimiterPort, type RateLimitRule } from '@prodgy/core'
import type { Context, MiddlewareHandler } from 'hono'
import type { ApiEnv } from '../context.ts'
import { type ClientIpOptions, resolveClientIp } from './request-context.ts'

export interface RateLimitOptions extends ClientIpOptions {
  limiter: RateLimiterPort
  rule: RateLimitRule
  /** Names the rule in counter keys (`auth`, `api`), so two rules never share a counter. */
  keyPrefix: string
  /**
   * Who is counted; default: the client address (`ipKey`). `clientIp` is that address, or `unknown` when
   * none can be found, in which case all such requests share one budget. That shows a missing `clientIp`
   * or `trustProxy` setting at once as 429s, instead of leaving the API silently unlimited.
   */
  key?: (c: Context<ApiEnv>, clientIp: string) => string
  /**
   * Requests that are not counted; default: CORS preflights, which carry no credentials and do no work,
   * and would otherwise halve a browser's budget on cross-origin calls.
   */
  skip?: (c: Context<ApiEnv>) => boolean
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<ApiEnv> {
  // A bad rule is a configuration mistake: fail at start-up, not with a 500 on every request.
  assertValidRule(options.rule)
  const key = options.key ?? ((_c, ip) => ipKey(ip))
  const skip = options.skip ?? ((c) => c.req.method === 'OPTIONS')
  return async (c, next) => {
    if (skip(c)) return next()
    const ip = resolveClientIp(c, options) ?? 'unknown'
    const result = await options.limiter.hit(`${options.keyPrefix}:${key(c, ip)}`, options.rule)
    const headers = {
      'RateLimit-Limit': String(result.limit),
      'RateLimit-Remaining': String(result.remaining),
      'RateLimit-Reset': String(result.resetSeconds),
    }
    if (!result.allowed) {
      const seconds = result.resetSeconds
      const error = new RateLimitedError(
        `Too many requests. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
        seconds,
      )
      return c.json({ success: false, error: error.code, message: error.message, details: error.details }, 429, {
        ...headers,
        'Retry-After': String(seconds),
      })
    }
    await next()
    // With two rules on one route (API-wide and auth), the tighter one's numbers reach the client.
    const inner = Number(c.res.headers.get('RateLimit-Remaining') ?? Number.POSITIVE_INFINITY)
    if (result.remaining <= inner) for (const [name, value] of Object.entries(headers)) c.header(name, value)
  }
}

/**
 * The default key: the client address. An IPv6 client is counted by its /64 network, since one host
 * usually holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip)
  if (mapped?.[1]) return `ip:${mapped[1]}`
  if (!ip.includes(':')) return `ip:${ip}`
  const prefix = ipv6Prefix64(ip)
  return prefix ? `ip:${prefix}` : `ip:${ip}`
}

/**
 * For the API-wide rule: a signed-in caller is counted by who they are, wherever they call from, so people
 * behind one office NAT do not share a budget; an API token has its own budget; anonymous calls fall back
 * to the address.
 */
export function principalOrIpKey(c: Context<ApiEnv>, clientIp: string): string {
  const principal = c.get('principal')
  if (principal?.kind === 'api_token' && principal.tokenId) return `api-token:${principal.tokenId}`
  if (principal?.kind === 'service') return `service:${principal.service ?? 'unknown'}:${principal.user?.id ?? '-'}`
  if (principal?.user) return `user:${principal.user.id}`
  return ipKey(clientIp)
}

function ipv6Prefix64(ip: string): string | undefined {
  const halves = ip.split('::')
  if (halves.length > 2) return undefined
  const split = (part: string | undefined) => (part ? part.split(':') : [])
  const head = split(halves[0])
  const tail = split(halves[1])
  // A trailing dotted IPv4 (64:ff9b::1.2.3.4) stands for two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0)
  const missing = 8 - width(head) - width(tail)
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  const first = groups.slice(0, 4)
  if (first.length < 4 || first.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined
  return `${first.map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`
}
