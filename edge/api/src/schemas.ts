/** Response shapes for the OpenAPI document. The core services return exactly these (see docs/api.md). */
import { z } from '@hono/zod-openapi'

const when = z.string().openapi({ format: 'date-time' })
const nullableText = z.string().nullable()

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    fullName: z.string(),
    position: nullableText,
    language: z.string(),
    avatar: nullableText,
    isSuperAdmin: z.boolean(),
    emailConfirmed: z.boolean(),
    aiPreferences: z.object({ directive: z.string(), confirmDestructiveActions: z.boolean() }),
    createdAt: when,
  })
  .openapi('User')

export const sessionSchema = z
  .object({
    accessToken: z.string(),
    accessTokenExpiresAt: when,
    refreshToken: z.string(),
    refreshTokenExpiresAt: when,
    user: userSchema,
  })
  .openapi('Session')

export const organizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    website: nullableText,
    description: nullableText,
    industry: nullableText,
    size: nullableText,
    stage: nullableText,
    logo: nullableText,
    status: z.enum(['trial', 'active', 'past_due', 'canceled']),
    defaultModelId: z.uuid().nullable(),
    createdAt: when,
    updatedAt: when,
  })
  .openapi('Organization')

export const workspaceSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    name: z.string(),
    slug: z.string(),
    description: nullableText,
    website: nullableText,
    logo: nullableText,
    vision: nullableText,
    targetAudience: nullableText,
    personas: nullableText,
    valueProposition: nullableText,
    okrs: nullableText,
    memberCount: z.number(),
    createdAt: when,
    updatedAt: when,
  })
  .openapi('Workspace')

export const roleSchema = z.enum(['user', 'admin', 'super_admin'])

export const memberSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    fullName: z.string(),
    avatar: nullableText,
    position: nullableText,
    role: roleSchema,
    workspaceIds: z.array(z.uuid()),
    joinedAt: when,
  })
  .openapi('Member')

export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    fullName: z.string(),
    role: roleSchema,
    workspaceIds: z.array(z.uuid()),
    status: z.enum(['pending', 'active', 'cancelled']),
    invitedBy: z.object({ id: z.uuid(), fullName: z.string() }).nullable(),
    expiresAt: when,
    acceptedAt: when.nullable(),
    createdAt: when,
  })
  .openapi('Invitation')

export const apiTokenSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ example: 'prodgy_Ab12Cd34' }),
    status: z.enum(['active', 'inactive', 'expired', 'revoked']),
    expiresAt: when.nullable(),
    usageCount: z.number(),
    lastUsedAt: when.nullable(),
    createdAt: when,
    createdBy: z.object({ id: z.uuid(), fullName: z.string() }),
  })
  .openapi('ApiToken')

export const newTokenSchema = z
  .object({ token: z.string().openapi({ example: 'prodgy_…' }), apiToken: apiTokenSchema })
  .openapi('NewApiToken')

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.string(),
    actor: z.object({ userId: z.uuid().nullable(), email: nullableText, tokenId: z.uuid().nullable() }),
    workspaceId: z.uuid().nullable(),
    targetType: nullableText,
    targetId: nullableText,
    metadata: z.record(z.string(), z.unknown()),
    ip: nullableText,
    createdAt: when,
  })
  .openapi('AuditEntry')

export const outboxMessageSchema = z
  .object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    textBody: z.string(),
    htmlBody: nullableText,
    actionUrl: nullableText,
    kind: z.string(),
    status: z.enum(['queued', 'sent', 'stored', 'failed']),
    transport: nullableText,
    error: nullableText,
    createdAt: when,
    sentAt: when.nullable(),
  })
  .openapi('OutboxMessage')

export const meSchema = z
  .object({
    user: userSchema,
    organizations: z.array(z.object({ organization: organizationSchema, role: roleSchema })),
    currentOrganizationId: z.uuid().nullable(),
    role: roleSchema.nullable(),
    workspaces: z.array(workspaceSchema),
    apiToken: z.object({ id: z.uuid(), workspaceId: z.uuid() }).optional(),
  })
  .openapi('Me')

// ---------------------------------------------------------------- knowledge base (docs/knowledge.md)

const documentStatusSchema = z.enum(['queued', 'parsing', 'embedding', 'ready', 'failed'])

export const knowledgeDocumentSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    kind: z.enum(['file', 'context']),
    name: z.string(),
    description: nullableText,
    source: nullableText,
    subject: nullableText,
    language: nullableText,
    tags: z.array(z.string()),
    fileName: nullableText,
    format: nullableText.openapi({ example: 'pdf' }),
    sizeBytes: z.number(),
    status: documentStatusSchema,
    progress: z.number().openapi({ example: 40 }),
    errorCode: nullableText.openapi({ example: 'format_mismatch' }),
    error: nullableText,
    chunkCount: z.number(),
    rowCount: z.number(),
    embeddingModel: nullableText,
    createdAt: when,
    updatedAt: when,
  })
  .openapi('KnowledgeDocument')

export const knowledgeDocumentPageSchema = z
  .object({
    items: z.array(knowledgeDocumentSchema),
    page: z.number(),
    pageSize: z.number(),
    total: z.number(),
    provider: z.object({ configured: z.boolean(), embeddingModel: nullableText }),
  })
  .openapi('KnowledgeDocumentPage')

export const knowledgeDocumentChangeSchema = z
  .object({
    id: z.uuid(),
    status: documentStatusSchema,
    progress: z.number(),
    errorCode: nullableText,
    error: nullableText,
    chunkCount: z.number(),
  })
  .openapi('KnowledgeDocumentChange')

export const searchResultSchema = z
  .object({
    hits: z.array(
      z.object({
        chunkId: z.uuid(),
        documentId: z.uuid(),
        documentName: z.string(),
        content: z.string(),
        score: z.number(),
        ranks: z.object({ text: z.number().optional(), vector: z.number().optional() }),
        metadata: z.record(z.string(), z.unknown()),
      }),
    ),
    mode: z.enum(['hybrid', 'text', 'vector']),
    notice: z.string().optional(),
  })
  .openapi('SearchResult')

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const structuredQueryResultSchema = z
  .object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), cellSchema)) })
  .openapi('StructuredQueryResult')

/** A context section: `id`, `type`, `title` and the fields of its type (see `contextSectionSchema` in core). */
const contextSectionDocSchema = z
  .object({ id: z.string(), type: z.string().openapi({ example: 'list' }), title: z.string() })
  .catchall(z.unknown())
  .openapi('ContextSection')

export const knowledgeContextsSchema = z
  .object({
    draft: z.array(contextSectionDocSchema),
    published: z.array(contextSectionDocSchema),
    version: z.number(),
    publishedAt: when.nullable(),
  })
  .openapi('KnowledgeContexts')

export const overviewProposalResponseSchema = z
  .object({
    vision: z.string(),
    targetAudience: z.string(),
    personas: z.string(),
    valueProposition: z.string(),
    okrs: z.string(),
  })
  .openapi('OverviewProposal')

export const embeddingSummarySchema = z
  .object({
    id: z.uuid(),
    insertedAt: when,
    metadata: z.record(z.string(), z.unknown()),
    version: z.number(),
    documentId: z.uuid(),
    preview: z.string(),
  })
  .openapi('EmbeddingSummary')

export const embeddingDetailSchema = z
  .object({
    id: z.uuid(),
    insertedAt: when,
    metadata: z.record(z.string(), z.unknown()),
    version: z.number(),
    documentId: z.uuid(),
    workspaceId: z.uuid(),
    documentName: z.string(),
    ordinal: z.number(),
    content: z.string(),
    tokenCount: z.number(),
    textConfig: z.string(),
    embeddingModel: nullableText,
    embeddingDimensions: z.number().nullable(),
  })
  .openapi('Embedding')

export const pipelineSettingsResponseSchema = z
  .object({
    chunkSizeTokens: z.number(),
    chunkOverlapTokens: z.number(),
    embeddingBatchSize: z.number(),
    embeddingConcurrency: z.number(),
  })
  .openapi('PipelineSettings')
