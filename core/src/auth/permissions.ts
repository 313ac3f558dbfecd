/** Role checks shared by the API, the CLI and (later) the Gateway. Each throws a clear error instead of returning false. */
import { ForbiddenError, UnauthorizedError } from '../errors.ts'
import type { Principal, PrincipalUser } from './principal.ts'

export function requireUser(principal: Principal | undefined): PrincipalUser {
  if (!principal) throw new UnauthorizedError()
  if (!principal.user)
    throw new ForbiddenError('This call needs a user; send X-Prodgy-User-Id with the service key.', 'user_required')
  return principal.user
}

/** Account, organization, member and token management are for people in a session, not for API tokens or apps. */
export function requireSession(principal: Principal | undefined): PrincipalUser {
  const user = requireUser(principal)
  if (principal?.kind === 'api_token') {
    throw new ForbiddenError('API tokens cannot manage accounts, organizations, members or tokens.', 'session_required')
  }
  if (principal?.kind === 'oauth') {
    throw new ForbiddenError(
      'Connected apps cannot manage accounts, organizations, members, tokens or app access.',
      'session_required',
    )
  }
  return user
}

/** What a call does, for OAuth scopes: `read`, `write`, `execute` (integration tools) or `admin`. */
export type ScopeFamily = 'read' | 'write' | 'execute' | 'admin'

/** Principals without scopes (sessions, API tokens, services) pass; a connected app needs `mcp:<family>` or `api:<family>`. */
export function hasScope(principal: Principal | undefined, family: ScopeFamily): boolean {
  const scopes = principal?.scopes
  return !scopes || scopes.includes(`mcp:${family}`) || scopes.includes(`api:${family}`)
}

export function requireScope(principal: Principal | undefined, family: ScopeFamily): void {
  if (hasScope(principal, family)) return
  throw new ForbiddenError(
    `This app was not allowed to ${family === 'execute' ? 'run tools' : family}: it needs the mcp:${family} or api:${family} scope.`,
    'insufficient_scope',
  )
}

export function requireOrganization(principal: Principal | undefined): string {
  requireUser(principal)
  if (!principal?.organizationId) {
    throw new ForbiddenError('You are not a member of any organization yet. Create one to continue.', 'no_organization')
  }
  return principal.organizationId
}

export function isAdmin(principal: Principal | undefined): boolean {
  return principal?.role === 'admin' || principal?.role === 'super_admin'
}

export function requireAdmin(principal: Principal | undefined): string {
  const organizationId = requireOrganization(principal)
  if (!isAdmin(principal)) throw new ForbiddenError('Only administrators can do this.', 'admin_required')
  requireScope(principal, 'admin')
  return organizationId
}

export function requireSuperAdmin(principal: Principal | undefined): PrincipalUser {
  const user = requireUser(principal)
  if (!user.isSuperAdmin || principal?.kind === 'api_token' || principal?.kind === 'oauth') {
    throw new ForbiddenError('Only Super Admins can do this.', 'super_admin_required')
  }
  return user
}
