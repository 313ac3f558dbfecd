/**
 * The Web app's client for OAuth consent and Connected Apps (docs/oauth.md): what an application asks for, the
 * person's answer, and the apps connected to a workspace.
 */
import { call, say } from './api.ts'

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

/** Only administrators of the chosen organization may grant these. */
export const ADMIN_SCOPES: readonly OAuthScope[] = ['mcp:admin', 'api:admin']

/** Plain-language descriptions of what each scope lets an application do. */
export const SCOPE_DESCRIPTIONS: Record<OAuthScope, { title: string; description: string }> = {
  'mcp:read': {
    title: 'Read through MCP',
    description: 'Your profile, the workspace, its knowledge base and its integrations.',
  },
  'mcp:write': {
    title: 'Make changes through MCP',
    description: 'For example your AI preferences, or installing an integration.',
  },
  'mcp:execute': {
    title: 'Run integration tools through MCP',
    description: 'For example create a work item in Jira or send a Slack message as you.',
  },
  'mcp:admin': {
    title: 'Administer through MCP',
    description: 'Integration templates and the MCP Server settings. Administrators only.',
  },
  'api:read': { title: 'Read through the REST API', description: 'Data you can see in this workspace.' },
  'api:write': {
    title: 'Make changes through the REST API',
    description: 'Create, change and delete data you can change in this workspace.',
  },
  'api:execute': { title: 'Run integration tools through the REST API', description: 'Tools of active integrations.' },
  'api:admin': {
    title: 'Administer through the REST API',
    description: 'Administrator actions in the organization. Administrators only.',
  },
}

export function scopeTitle(scope: string): string {
  return SCOPE_DESCRIPTIONS[scope as OAuthScope]?.title ?? scope
}

export interface ConsentDetails {
  client: { id: string; name: string; uri: string | null; logoUri: string | null }
  requestedScopes: OAuthScope[]
  organizations: {
    id: string
    name: string
    role: 'user' | 'admin' | 'super_admin'
    workspaces: { id: string; name: string }[]
  }[]
}

export interface ConsentDecision {
  organizationId: string
  workspaceId: string
  scopes: OAuthScope[]
  approve: boolean
}

export interface ConnectedApp {
  id: string
  clientId: string
  clientName: string
  clientUri: string | null
  logoUri: string | null
  scopes: OAuthScope[]
  organizationId: string
  workspaceId: string
  workspaceName: string
  userId: string
  userName: string
  authorizedAt: string
  lastUsedAt: string | null
  usageCount: number
}

/** The authorization request parameters, as the authorization endpoint passed them to the consent page. */
export type AuthorizationQuery = Record<string, string>

export function getConsent(query: AuthorizationQuery): Promise<ConsentDetails> {
  return call('/api/oauth/consent', { query })
}

export function decideConsent(query: AuthorizationQuery, decision: ConsentDecision): Promise<{ redirectTo: string }> {
  return call('/api/oauth/consent', { method: 'POST', body: { ...query, ...decision } })
}

export async function listConnectedApps(workspaceId: string): Promise<ConnectedApp[]> {
  return (await call<{ items: ConnectedApp[] }>('/api/connected-apps', { query: { workspaceId } })).items
}

export function revokeConnectedApp(id: string): Promise<string> {
  return say(`/api/connected-apps/${encodeURIComponent(id)}`, { method: 'DELETE' })
}
