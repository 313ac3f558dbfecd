/**
 * Who is calling, resolved once per request from a session JWT, an API token or a service key.
 * Every service function takes a Principal and derives the tenant from it, never from the request body.
 */
export type OrganizationRole = 'user' | 'admin'
/** The effective role in the current organization; Super Admins act as `super_admin` everywhere. */
export type EffectiveRole = OrganizationRole | 'super_admin'

export interface PrincipalUser {
  id: string
  email: string
  fullName: string
  isSuperAdmin: boolean
}

export interface Principal {
  /** How the caller proved who they are. */
  kind: 'session' | 'api_token' | 'service' | 'oauth'
  /** The person the call acts for; absent for a service call without `X-Prodgy-User-Id`. */
  user: PrincipalUser | undefined
  /** The organization the call acts in, or undefined when the user belongs to none yet. */
  organizationId: string | undefined
  role: EffectiveRole | undefined
  /** Fixed for API tokens: the one workspace the token is bound to. */
  workspaceId: string | undefined
  tokenId: string | undefined
  /** The refresh-token family of a session principal, so "sign out other sessions" can keep this one. */
  sessionFamilyId: string | undefined
  /**
   * Which service key was used (`api`, `agentic`), for service calls, and for a caller's credentials that a service
   * (the MCP Gateway) relayed with its own key.
   */
  service: string | undefined
  /** OAuth scopes granted to a connected app (`mcp:read`, `api:write`, …); undefined means the role alone decides. */
  scopes?: readonly string[] | undefined
  ip: string | undefined
}
