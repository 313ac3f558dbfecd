/** `GET /api/mcp/context`: who calls, where, with which role, scopes and preferences (docs/integrations.md). */

export interface McpUser {
  id: string
  fullName: string | null
  email: string
  role: string | null
  position: string | null
  language: string | null
}

export interface McpWorkspace {
  id: string
  name: string
  [field: string]: unknown
}

export interface AiPreferences {
  directive: string
  confirmDestructiveActions: boolean
}

export interface McpContext {
  user: McpUser | null
  organization: { id: string; name: string; [field: string]: unknown } | null
  workspace: McpWorkspace | null
  aiPreferences: AiPreferences | null
  /** `user`, `admin` or `super_admin`. */
  role: string | null
  /** OAuth scopes of a connected app; absent or null when the role alone decides. */
  scopes?: string[] | null
  instructions: string | null
}

export function isAdminRole(role: string | null | undefined): boolean {
  return role === 'admin' || role === 'super_admin'
}

/** OAuth callers carry scopes: a tool family needs `mcp:<family>`. Other callers are limited by role only. */
export function hasScope(context: McpContext, family: 'read' | 'write' | 'execute' | 'admin'): boolean {
  return !Array.isArray(context.scopes) || context.scopes.includes(`mcp:${family}`)
}
