/**
 * The embeddings viewer (Super Admin): the chunks of the current organization's knowledge bases as the index holds
 * them, to check what was embedded and to remove a bad chunk. Scoped to the organization the Super Admin acts in
 * (`X-Organization-Id`), like every tenant-owned query.
 */
import { z } from 'zod'
import { requireOrganization, requireSuperAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { NotFoundError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import { type Page, pageBounds, pageQuerySchema, toPage } from '../services/pagination.ts'
import type { Platform } from '../services/platform.ts'
import { parseInput } from './documents.ts'

const PREVIEW_LENGTH = 200

export const listEmbeddingsQuerySchema = pageQuerySchema.extend({
  workspaceId: z.uuid().optional(),
  /** The start of a chunk id, as shown in the list (hex digits and dashes). */
  id: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f-]{1,36}$/, 'Use the start of an id: hex digits and dashes.')
    .optional(),
})

export interface EmbeddingSummaryDto {
  id: string
  insertedAt: string
  metadata: Record<string, unknown>
  version: number
  documentId: string
  preview: string
}

export interface EmbeddingDetailDto extends Omit<EmbeddingSummaryDto, 'preview'> {
  /** The knowledge base: one per workspace. */
  workspaceId: string
  documentName: string
  ordinal: number
  content: string
  tokenCount: number
  textConfig: string
  embeddingModel: string | null
  embeddingDimensions: number | null
}

interface ChunkRow {
  id: string
  inserted_at: Date
  metadata: Record<string, unknown>
  version: number
  document_id: string
  preview: string
}

export async function listEmbeddings(
  platform: Platform,
  principal: Principal | undefined,
  input: z.input<typeof listEmbeddingsQuerySchema>,
): Promise<Page<EmbeddingSummaryDto>> {
  requireSuperAdmin(principal)
  const organizationId = requireOrganization(principal)
  const query = parseInput(listEmbeddingsQuerySchema, input)
  const { limit, offset } = pageBounds(query)
  const filter = `where c.organization_id = $1
      and ($2::uuid is null or c.workspace_id = $2)
      and ($3::text is null or c.id::text like $3 || '%')`
  const params = [organizationId, query.workspaceId ?? null, query.id ?? null]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from knowledge_chunks c ${filter}`,
    params,
  )
  const rows = await platform.db.query<ChunkRow>(
    `select c.id, c.inserted_at, c.metadata, c.version, c.document_id, left(c.content, ${PREVIEW_LENGTH}) as preview
       from knowledge_chunks c ${filter}
      order by c.inserted_at desc, c.id
      limit $4 offset $5`,
    [...params, limit, offset],
  )
  return toPage(
    rows.map((r) => ({
      id: r.id,
      insertedAt: r.inserted_at.toISOString(),
      metadata: r.metadata ?? {},
      version: r.version,
      documentId: r.document_id,
      preview: r.preview,
    })),
    count?.n ?? 0,
    query,
  )
}

export async function getEmbedding(
  platform: Platform,
  principal: Principal | undefined,
  id: string,
): Promise<EmbeddingDetailDto> {
  requireSuperAdmin(principal)
  const organizationId = requireOrganization(principal)
  const [row] = await platform.db.query<{
    id: string
    inserted_at: Date
    metadata: Record<string, unknown>
    version: number
    document_id: string
    workspace_id: string
    document_name: string
    ordinal: number
    content: string
    token_count: number
    text_config: string
    embedding_model: string | null
    embedding_dimensions: number | null
  }>(
    `select c.id, c.inserted_at, c.metadata, c.version, c.document_id, c.workspace_id, d.name as document_name,
            c.ordinal, c.content, c.token_count, c.text_config::text as text_config, c.embedding_model,
            c.embedding_dimensions
       from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
      where c.id = $1 and c.organization_id = $2`,
    [id, organizationId],
  )
  if (!row) throw new NotFoundError('Embedding', 'embedding_not_found')
  return {
    id: row.id,
    insertedAt: row.inserted_at.toISOString(),
    metadata: row.metadata ?? {},
    version: row.version,
    documentId: row.document_id,
    workspaceId: row.workspace_id,
    documentName: row.document_name,
    ordinal: row.ordinal,
    content: row.content,
    tokenCount: row.token_count,
    textConfig: row.text_config,
    embeddingModel: row.embedding_model,
    embeddingDimensions: row.embedding_dimensions,
  }
}

/** Removes one chunk from the index; its document keeps the others, and a retry of the document brings it back. */
export async function deleteEmbedding(platform: Platform, principal: Principal | undefined, id: string): Promise<void> {
  requireSuperAdmin(principal)
  const organizationId = requireOrganization(principal)
  await platform.db.transaction(async (tx) => {
    const [row] = await tx.query<{ document_id: string; workspace_id: string; ordinal: number }>(
      'delete from knowledge_chunks where id = $1 and organization_id = $2 returning document_id, workspace_id, ordinal',
      [id, organizationId],
    )
    if (!row) throw new NotFoundError('Embedding', 'embedding_not_found')
    await tx.query(
      'update knowledge_documents set chunk_count = greatest(chunk_count - 1, 0), updated_at = now() where id = $1',
      [row.document_id],
    )
    await recordAudit(tx, {
      organizationId,
      workspaceId: row.workspace_id,
      actor: actorOf(principal),
      action: 'knowledge.embedding_deleted',
      targetType: 'knowledge_chunk',
      targetId: id,
      metadata: { documentId: row.document_id, ordinal: row.ordinal },
    })
  })
}
