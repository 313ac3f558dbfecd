/** The scopes a connected app can hold: `mcp:*` for MCP tools through the Gateway, `api:*` for the REST API. */
import { OAuthError } from './errors.ts'

export const OAUTH_SCOPES = [
  'mcp:read',
  'mcp:write',
  'mcp:execute',
  'mcp:admin',
  'api:read',
  'api:write',
  'api:execute',
  'api:admin',
] as const
export type OAuthScope = (typeof OAUTH_SCOPES)[number]

/** What a client gets when its authorization request names no scope. */
export const DEFAULT_OAUTH_SCOPES: readonly OAuthScope[] = ['mcp:read', 'mcp:write', 'mcp:execute']
/** Only administrators of the chosen organization may grant these. */
export const ADMIN_OAUTH_SCOPES: readonly OAuthScope[] = ['mcp:admin', 'api:admin']

/** Plain-language descriptions, shown on the consent page and in the documentation. */
export const OAUTH_SCOPE_DESCRIPTIONS: Record<OAuthScope, string> = {
  'mcp:read': 'Read your profile, the workspace, its knowledge base and its integrations through MCP tools.',
  'mcp:write': 'Change things through MCP tools, such as your AI preferences or installing an integration.',
  'mcp:execute': "Run the workspace's integration tools through MCP, for example create a work item in Jira.",
  'mcp:admin': 'Administer through MCP: integration templates and the MCP Server settings.',
  'api:read': 'Read data through the REST API.',
  'api:write': 'Create, change and delete data through the REST API.',
  'api:execute': 'Run integration tools through the REST API.',
  'api:admin': 'Administrator actions through the REST API.',
}

export function isOAuthScope(value: string): value is OAuthScope {
  return (OAUTH_SCOPES as readonly string[]).includes(value)
}

/**
 * Reads a space-separated `scope` parameter. Absent or empty gives the default; `offline_access` is accepted and
 * dropped (refresh tokens are always issued); anything else unknown is refused with the names of the bad values.
 */
export function parseScopeParam(value: string | undefined, fallback = DEFAULT_OAUTH_SCOPES): OAuthScope[] {
  const words = (value ?? '').split(' ').filter((w) => w.length > 0 && w !== 'offline_access')
  if ((value ?? '').trim() === '') return [...fallback]
  const unknown = words.filter((w) => !isOAuthScope(w))
  if (unknown.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `Unknown scope ${unknown.map((w) => `"${w}"`).join(', ')}. Known scopes: ${OAUTH_SCOPES.join(', ')}.`,
    )
  }
  if (words.length === 0) return [...fallback]
  return orderScopes(words as OAuthScope[])
}

/** Scopes without repeats, in the canonical order above. */
export function orderScopes(scopes: readonly string[]): OAuthScope[] {
  return OAUTH_SCOPES.filter((s) => scopes.includes(s))
}
