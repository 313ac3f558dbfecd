/** Role checks shared by the API, the CLI and (later) the Gateway. Each throws a clear error instead of returning false. */
import { ForbiddenError, UnauthorizedError } from '../errors.ts'
import type { Principal, PrincipalUser } from './principal.ts'

export function requireUser(principal: Principal | undefined): PrincipalUser {
  if (!principal) throw new UnauthorizedError()
  if (!principal.user)
    throw new ForbiddenError('This call needs a user; send X-Prodgy-User-Id with the service key.', 'user_required')
  return principal.user
}

/** Account, organization, member and token management are for people in a session, not for API tokens. */
export function requireSession(principal: Principal | undefined): PrincipalUser {
  const user = requireUser(principal)
  if (principal?.kind === 'api_token') {
    throw new ForbiddenError('API tokens cannot manage accounts, organizations, members or tokens.', 'session_required')
  }
  return user
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
  return organizationId
}

export function requireSuperAdmin(principal: Principal | undefined): PrincipalUser {
  const user = requireUser(principal)
  if (!user.isSuperAdmin || principal?.kind === 'api_token') {
    throw new ForbiddenError('Only Super Admins can do this.', 'super_admin_required')
  }
  return user
}
