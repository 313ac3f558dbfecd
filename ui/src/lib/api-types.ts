/** The shapes of docs/api.md, as the Web app receives them. Timestamps are ISO 8601 strings, IDs are UUIDs. */

export type Role = 'user' | 'admin' | 'super_admin'

export interface Page<T> {
  items: T[]
  page: number
  pageSize: number
  total: number
}

export interface PageQuery {
  page?: number
  pageSize?: number
}

export interface AiPreferences {
  directive: string
  confirmDestructiveActions: boolean
}

export interface User {
  id: string
  email: string
  fullName: string
  position: string | null
  language: string | null
  avatar: string | null
  isSuperAdmin: boolean
  emailConfirmed: boolean
  aiPreferences: AiPreferences
  createdAt: string
}

export interface Session {
  accessToken: string
  accessTokenExpiresAt: string
  refreshToken: string
  refreshTokenExpiresAt: string
  user: User
}

export interface Organization {
  id: string
  name: string
  website: string | null
  description: string | null
  industry: string | null
  size: string | null
  stage: string | null
  logo: string | null
  status: string
  defaultModelId: string | null
  createdAt: string
  updatedAt: string
}

export interface Workspace {
  id: string
  organizationId: string
  name: string
  slug: string
  description: string | null
  website: string | null
  logo: string | null
  vision: string | null
  targetAudience: string | null
  personas: string | null
  valueProposition: string | null
  okrs: string | null
  memberCount: number
  createdAt: string
  updatedAt: string
}

export interface Member {
  userId: string
  email: string
  fullName: string
  avatar: string | null
  position: string | null
  role: Role
  workspaceIds: string[]
  joinedAt: string
}

export type InvitationStatus = 'pending' | 'active' | 'cancelled'

export interface Invitation {
  id: string
  email: string
  fullName: string
  role: Role
  workspaceIds: string[]
  status: InvitationStatus
  invitedBy: { id: string; fullName: string } | null
  expiresAt: string
  acceptedAt: string | null
  createdAt: string
}

export type ApiTokenStatus = 'active' | 'inactive' | 'expired' | 'revoked'

export interface ApiToken {
  id: string
  workspaceId: string
  name: string
  prefix: string
  status: ApiTokenStatus
  expiresAt: string | null
  usageCount: number
  lastUsedAt: string | null
  createdAt: string
  createdBy: { id: string; fullName: string } | null
}

/** Returned only when a token is created or regenerated: the one time the full secret is visible. */
export interface IssuedApiToken {
  token: string
  apiToken: ApiToken
}

export interface AuditEntry {
  id: string
  action: string
  actor: { userId: string | null; email: string | null; tokenId: string | null } | null
  workspaceId: string | null
  targetType: string | null
  targetId: string | null
  metadata: Record<string, unknown> | null
  ip: string | null
  createdAt: string
}

export type OutboxStatus = 'queued' | 'sent' | 'stored' | 'failed'

export interface OutboxMessage {
  id: string
  to: string
  subject: string
  textBody: string | null
  htmlBody: string | null
  actionUrl: string | null
  kind: string
  status: OutboxStatus
  transport: string | null
  error: string | null
  createdAt: string
  sentAt: string | null
}

export interface Me {
  user: User
  organizations: { organization: Organization; role: Role }[]
  currentOrganizationId: string | null
  role: Role | null
  workspaces: Workspace[]
  apiToken?: { id: string; workspaceId: string }
}

export interface PasswordPolicy {
  rules: { id: string; description: string }[]
}

export interface InvitationLookup {
  email: string
  fullName: string
  organizationName: string
  role: Role
  accountExists: boolean
}

/** Optional text fields accept null to clear them. */
export interface OrganizationInput {
  name: string
  website?: string | null
  description?: string | null
  industry?: string | null
  size?: string | null
  stage?: string | null
}

export interface WorkspaceInput {
  name?: string
  description?: string | null
  website?: string | null
  logo?: string | null
  vision?: string | null
  targetAudience?: string | null
  personas?: string | null
  valueProposition?: string | null
  okrs?: string | null
}

export interface HealthStatus {
  status?: string
  checks?: Record<string, unknown>
  [key: string]: unknown
}
