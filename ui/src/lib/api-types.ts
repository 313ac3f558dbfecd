/**
 * The shapes of docs/api.md, as the Web app receives them. Timestamps are ISO 8601 strings, IDs are UUIDs.
 *
 * The responses are the server's own types from @prodgy/core, imported as types only (nothing of core reaches the
 * bundle), so the two cannot drift apart. What is declared here has no server type: request bodies and answers the
 * server builds inline.
 */
import type {
  ApiTokenDto,
  AuditEntry as AuditEntryDto,
  InvitationDto,
  InvitationStatus as InvitationStatusDto,
  MeDto,
  MemberDto,
  MemberRole,
  OrganizationDto,
  OutboxMessageDto,
  Page as PageDto,
  PageQuery as PageQueryDto,
  SessionDto,
  UserDto,
  WorkspaceDto,
} from '@prodgy/core'

export type Role = MemberRole
export type Page<T> = PageDto<T>
export type User = UserDto
export type Session = SessionDto
export type Organization = OrganizationDto
export type Workspace = WorkspaceDto
export type Member = MemberDto
export type Invitation = InvitationDto
export type InvitationStatus = InvitationStatusDto
export type ApiToken = ApiTokenDto
export type AuditEntry = AuditEntryDto
export type OutboxMessage = OutboxMessageDto
export type Me = MeDto

/** List endpoints fall back to the server's defaults for what is left out. */
export type PageQuery = Partial<PageQueryDto>

/** Returned only when a token is created or regenerated: the one time the full secret is visible. */
export interface IssuedApiToken {
  token: string
  apiToken: ApiToken
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
