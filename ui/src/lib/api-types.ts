/**
 * The shapes of docs/api.md, as the Web app receives them. Timestamps are ISO 8601 strings, IDs are UUIDs.
 *
 * The responses are the server's own types from @prodgy/core, imported as types only (nothing of core reaches the
 * bundle), so the two cannot drift apart. What is declared here has no server type: request bodies and answers the
 * server builds inline.
 */
import type {
  AiProviderDto,
  AiProviderKind,
  ApiTokenDto,
  AuditEntry as AuditEntryDto,
  CellValue as CellValueDto,
  ContextSection as ContextSectionDto,
  ContextSectionType as ContextSectionTypeDto,
  DocumentStatus as DocumentStatusDto,
  EmbeddingDetailDto,
  EmbeddingSummaryDto,
  InvitationDto,
  InvitationStatus as InvitationStatusDto,
  KnowledgeContextsDto,
  KnowledgeDocumentChange as KnowledgeDocumentChangeDto,
  KnowledgeDocumentDto,
  KnowledgeDocumentPage as KnowledgeDocumentPageDto,
  MeDto,
  MemberDto,
  MemberRole,
  OrganizationDto,
  OutboxMessageDto,
  OverviewProposal as OverviewProposalDto,
  Page as PageDto,
  PageQuery as PageQueryDto,
  PipelineSettings as PipelineSettingsDto,
  SearchHit as SearchHitDto,
  SearchResult as SearchResultDto,
  SessionDto,
  StructuredQuery,
  StructuredQueryResult as StructuredQueryResultDto,
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

// ---------------------------------------------------------------------------------------------
// Knowledge base (docs/knowledge.md)

export type DocumentStatus = DocumentStatusDto
export type KnowledgeDocument = KnowledgeDocumentDto
/** A page of documents, and whether the organization has an embedding provider. */
export type KnowledgeDocumentPage = KnowledgeDocumentPageDto
/** One `document` event of the progress feed (`updatedAt` is the event's id, not part of its data). */
export type KnowledgeDocumentChange = Omit<KnowledgeDocumentChangeDto, 'updatedAt'> & { updatedAt?: string }
export type SearchHit = SearchHitDto
export type SearchResult = SearchResultDto
export type SearchMode = SearchResult['mode']
export type CellValue = CellValueDto
export type StructuredQueryResult = StructuredQueryResultDto
export type QueryAggregate = StructuredQuery['aggregates'][number]
export type QueryCondition = StructuredQuery['where'][number]
export type QueryOperator = QueryCondition['op']
export type QueryOrder = StructuredQuery['orderBy'][number]
/** What the Web app sends: the server fills in the defaults of what is left out. */
export type StructuredQueryRequest = Pick<StructuredQuery, 'documentId' | 'aggregates'> &
  Partial<Omit<StructuredQuery, 'documentId' | 'aggregates'>> & { workspaceId?: string }
export type ContextSection = ContextSectionDto
export type ContextSectionType = ContextSectionTypeDto
export type KnowledgeContexts = KnowledgeContextsDto
export type OverviewProposal = OverviewProposalDto
export type EmbeddingSummary = EmbeddingSummaryDto
export type EmbeddingDetail = EmbeddingDetailDto
export type PipelineSettings = PipelineSettingsDto

export interface DocumentListQuery extends PageQuery {
  status?: DocumentStatus
  search?: string
}

export interface SearchRequest {
  query: string
  limit?: number
  mode?: SearchMode
  filters?: { source?: string[]; tags?: string[]; language?: string[]; documentIds?: string[] }
}

export interface DocumentImportInput {
  file: File
  name?: string
  description?: string
  source?: string
  subject?: string
  language?: string
  /** Comma-separated, as the API takes them. */
  tags?: string
}

// ---------------------------------------------------------------------------------------------
// AI provider (Admin)

export type AiProvider = AiProviderDto
export type AiProviderName = AiProviderKind

/** `apiKey` is write-only: left out keeps the stored key, `null` removes it. Empty strings clear optional fields. */
export interface AiProviderInput {
  provider: AiProviderName
  embeddingModel?: string | null
  chatModel?: string | null
  baseUrl?: string | null
  resourceName?: string | null
  apiVersion?: string | null
  apiKey?: string | null
}
