/** The pipeline's platform-wide settings (one row): chunk size and overlap, embedding batch size and concurrency. */
import { z } from 'zod'
import { requireSuperAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { parseInput } from './documents.ts'

export const pipelineSettingsSchema = z
  .object({
    chunkSizeTokens: z.number().int().min(50).max(8000),
    chunkOverlapTokens: z.number().int().min(0).max(7999),
    embeddingBatchSize: z.number().int().min(1).max(2048),
    embeddingConcurrency: z.number().int().min(1).max(32),
  })
  .refine((s) => s.chunkOverlapTokens < s.chunkSizeTokens, {
    message: 'The overlap must be smaller than the chunk size.',
    path: ['chunkOverlapTokens'],
  })
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>

interface SettingsRow {
  chunk_size_tokens: number
  chunk_overlap_tokens: number
  embedding_batch_size: number
  embedding_concurrency: number
}

const DEFAULTS: PipelineSettings = {
  chunkSizeTokens: 400,
  chunkOverlapTokens: 60,
  embeddingBatchSize: 64,
  embeddingConcurrency: 2,
}

function toDto(row: SettingsRow | undefined): PipelineSettings {
  if (!row) return { ...DEFAULTS }
  return {
    chunkSizeTokens: row.chunk_size_tokens,
    chunkOverlapTokens: row.chunk_overlap_tokens,
    embeddingBatchSize: row.embedding_batch_size,
    embeddingConcurrency: row.embedding_concurrency,
  }
}

/** Read by the workers for every document, and by the settings page. */
export async function getPipelineSettings(q: Queryable): Promise<PipelineSettings> {
  const [row] = await q.query<SettingsRow>(
    'select chunk_size_tokens, chunk_overlap_tokens, embedding_batch_size, embedding_concurrency from knowledge_pipeline_settings',
  )
  return toDto(row)
}

/** Super Admin. Applies to documents processed from now on; existing chunks stay until a document is re-imported. */
export async function updatePipelineSettings(
  platform: Platform,
  principal: Principal | undefined,
  input: unknown,
): Promise<PipelineSettings> {
  requireSuperAdmin(principal)
  const settings = parseInput(pipelineSettingsSchema, input)
  return platform.db.transaction(async (tx) => {
    const before = await getPipelineSettings(tx)
    const [row] = await tx.query<SettingsRow>(
      `insert into knowledge_pipeline_settings
              (id, chunk_size_tokens, chunk_overlap_tokens, embedding_batch_size, embedding_concurrency, updated_by)
       values (true, $1, $2, $3, $4, $5)
       on conflict (id) do update set
              chunk_size_tokens = excluded.chunk_size_tokens, chunk_overlap_tokens = excluded.chunk_overlap_tokens,
              embedding_batch_size = excluded.embedding_batch_size, embedding_concurrency = excluded.embedding_concurrency,
              updated_by = excluded.updated_by, updated_at = now()
       returning chunk_size_tokens, chunk_overlap_tokens, embedding_batch_size, embedding_concurrency`,
      [
        settings.chunkSizeTokens,
        settings.chunkOverlapTokens,
        settings.embeddingBatchSize,
        settings.embeddingConcurrency,
        principal?.user?.id ?? null,
      ],
    )
    // platform-wide, so the audit row belongs to no organization
    await recordAudit(tx, {
      organizationId: null,
      actor: actorOf(principal),
      action: 'knowledge.pipeline_settings_updated',
      targetType: 'knowledge_pipeline_settings',
      metadata: { before, after: settings },
    })
    return toDto(row)
  })
}
