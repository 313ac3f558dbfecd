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
