export * from './auth/access-token.ts'
export * from './auth/password-policy.ts'
export * from './auth/permissions.ts'
export * from './auth/principal.ts'
export * from './config/env.ts'
export {
  DEFAULT_API_RATE_LIMIT,
  DEFAULT_AUTH_RATE_LIMIT,
  parseRateLimitRule,
  type RateLimitConfig,
  type RateLimiterBackend,
  rateLimitConfigFromEnv,
  selectRateLimiterBackend,
} from './config/rate-limit-config.ts'
export * from './crypto/password-hash.ts'
export * from './crypto/random.ts'
export * from './crypto/secret-box.ts'
export * from './db/database.ts'
export { migrations } from './db/migrations.generated.ts'
export * from './db/migrator.ts'
export * from './errors.ts'
export * from './integrations/communicator.ts'
export * from './integrations/default-model.ts'
export * from './integrations/executor.ts'
export * from './integrations/installed.ts'
export * from './integrations/mcp.ts'
export * from './integrations/outbound.ts'
export * from './integrations/render.ts'
export * from './integrations/template-schema.ts'
export * from './integrations/templates.ts'
export * from './integrations/workspace-tools.ts'
export * from './knowledge/ai-providers.ts'
export { chunkDocument, countTokens, MIN_CHUNK_SIZE_TOKENS } from './knowledge/chunker.ts'
export {
  type ContextSection,
  contextSectionSchema,
  contextSectionsSchema,
  contextsToParsedDocument,
  getContexts,
  importMarkdownSections,
  type KnowledgeContextsDto,
  publishContexts,
  saveContextDraft,
  saveContextDraftSchema,
} from './knowledge/contexts.ts'
export * from './knowledge/detect-format.ts'
export * from './knowledge/document-error.ts'
export {
  deleteDocument,
  documentChanges,
  fileTooLargeError,
  getDocument,
  type ImportDocumentInput,
  importDocument,
  type KnowledgeDocumentChange,
  type KnowledgeDocumentDto,
  type KnowledgeDocumentPage,
  type KnowledgeProviderStatus,
  type KnowledgeScope,
  knowledgeProviderStatus,
  type ListDocumentsQuery,
  listDocuments,
  resolveKnowledgeWorkspace,
  retryDocument,
  toKnowledgeDocumentDto,
} from './knowledge/documents.ts'
export * from './knowledge/embeddings.ts'
export {
  deleteEmbedding,
  type EmbeddingDetailDto,
  type EmbeddingSummaryDto,
  getEmbedding,
  listEmbeddings,
  listEmbeddingsQuerySchema,
} from './knowledge/embeddings-viewer.ts'
export {
  AI_PROVIDER_REQUIRED_MESSAGE,
  generateOverview,
  OVERVIEW_BLOCKS,
  type OverviewDeps,
  type OverviewProposal,
  overviewProposalSchema,
} from './knowledge/overview.ts'
export {
  getPipelineSettings,
  type PipelineSettings,
  pipelineSettingsSchema,
  updatePipelineSettings,
} from './knowledge/pipeline-settings.ts'
export { fuseRankings, RRF_K, type SearchDeps, searchKnowledge } from './knowledge/search.ts'
export { compileStructuredQuery, queryRows } from './knowledge/structured-query.ts'
export * from './knowledge/text-search.ts'
export * from './knowledge/types.ts'
export * from './log.ts'
export * from './mail/dev-outbox-transport.ts'
export * from './mail/mail-port.ts'
export * from './mail/outbox.ts'
export * from './mail/templates.ts'
export * from './oauth/authorize.ts'
export * from './oauth/clients.ts'
export * from './oauth/errors.ts'
export * from './oauth/grants.ts'
export * from './oauth/scopes.ts'
export * from './oauth/server.ts'
export * from './oauth/tokens.ts'
export { createInProcessQueue, type InProcessQueueOptions } from './queue/in-process-queue.ts'
export * from './queue/jobs.ts'
export * from './queue/queue-port.ts'
export { JobTimeoutError } from './queue/run-job.ts'
export {
  createMemoryRateLimiter,
  type MemoryRateLimiter,
  type MemoryRateLimiterOptions,
} from './rate-limit/memory-rate-limiter.ts'
export {
  assertValidRule,
  type RateLimiter,
  type RateLimiterKind,
  type RateLimiterPort,
  type RateLimitResult,
  type RateLimitRule,
} from './rate-limit/rate-limiter.ts'
export * from './services/accounts.ts'
export * from './services/admin.ts'
export * from './services/api-tokens.ts'
export * from './services/audit.ts'
export * from './services/emails.ts'
export * from './services/invitations.ts'
export * from './services/me.ts'
export * from './services/members.ts'
export * from './services/organizations.ts'
export * from './services/pagination.ts'
export * from './services/platform.ts'
export * from './services/principal-resolver.ts'
export * from './services/sessions.ts'
export * from './services/users.ts'
export * from './services/workspace-access.ts'
export * from './storage/file-storage.ts'
export { createMemoryFileStorage, type MemoryFileStorage } from './storage/memory-file-storage.ts'
