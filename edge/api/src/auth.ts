import { type Principal, requireScope, resolvePrincipal, type ScopeFamily, UnauthorizedError } from '@prodgy/core'
import type { Context } from 'hono'
import type { ApiEnv } from './context.ts'
import type { ApiDeps } from './deps.ts'
import { resolveClientIp } from './middleware/request-context.ts'

const resolved = new WeakMap<Context, Promise<Principal | undefined>>()

/** The caller's address: from `X-Forwarded-For` behind a trusted proxy, else what the runtime reports. */
export function clientIpOf(c: Context, deps: ApiDeps): string | undefined {
  return resolveClientIp(c as Context<ApiEnv>, { trustProxy: deps.trustProxy, clientIp: deps.clientIp })
}

/**
 * Resolves the request's credentials once, on first use. Routes that take no credentials never pay for it,
 * and a stale Authorization header on the sign-in or refresh routes cannot get in the way.
 */
export function optionalPrincipal(c: Context<ApiEnv>, deps: ApiDeps): Promise<Principal | undefined> {
  let pending = resolved.get(c)
  if (!pending) {
    pending = resolvePrincipal(
      deps.platform,
      {
        authorization: c.req.header('authorization'),
        apiToken: c.req.header('x-api-token'),
        apiKey: c.req.header('x-api-key'),
        actAsUserId: c.req.header('x-prodgy-user-id'),
        organizationId: c.req.header('x-organization-id'),
        workspaceId: c.req.header('x-workspace-id'),
        ip: clientIpOf(c, deps),
      },
      deps.identityProviders,
    ).then((principal) => {
      c.set('principal', principal)
      return principal
    })
    resolved.set(c, pending)
  }
  return pending
}

/**
 * The caller, who must be known. A connected app (OAuth) also needs the scope family of the call: `read` for
 * GET and HEAD, `write` for the rest, unless the route names its own (`execute` for running integration tools).
 */
export async function principalOf(c: Context<ApiEnv>, deps: ApiDeps, family?: ScopeFamily): Promise<Principal> {
  const principal = await optionalPrincipal(c, deps)
  if (!principal) throw new UnauthorizedError('Sign in, or send an API token as `Authorization: Bearer prodgy_…`.')
  if (principal.scopes) {
    requireScope(principal, family ?? (c.req.method === 'GET' || c.req.method === 'HEAD' ? 'read' : 'write'))
  }
  return principal
}
