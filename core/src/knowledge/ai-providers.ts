/**
 * The organization's AI provider: one row per organization naming the vendor, an embedding model (the knowledge
 * base) and a chat model (generated overview blocks). The API key is write-only: it is stored as AES-256-GCM
 * ciphertext (`secret-box.ts`), never returned, never logged and never written to the audit log.
 *
 * Saving checks the provider with one embedding call before anything is stored, so a wrong key, model or address
 * fails at the form instead of in every later ingestion. A change of embedding model queues `knowledge.reembed`,
 * which embeds the organization's chunks again in the background.
 *
 * This module is runtime-neutral: the embedder that talks to the vendor is injected (`createEmbedder` from
 * `@prodgy/core/adapters/ai-sdk`).
 */
import { z } from 'zod'
import { requireAdmin, requireSession } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { decryptSecret, encryptSecret, requireEncryptionKey } from '../crypto/secret-box.ts'
import type { Queryable } from '../db/database.ts'
import { AppError, NotFoundError, ValidationError, withTimeout } from '../errors.ts'
import { redactText } from '../log.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import type { EmbeddingPort } from './embeddings.ts'

export const AI_PROVIDERS = ['openai', 'azure', 'google', 'openai_compatible'] as const
export type AiProviderKind = (typeof AI_PROVIDERS)[number]

/** Vendors that serve chat only (no embedding models), reachable through an LLM integration. */
export type ChatOnlyProviderKind = 'anthropic'

/** What the pipeline and search need to reach the provider: the decrypted key included. Internal only. */
export interface AiProviderConfig {
  provider: AiProviderKind | ChatOnlyProviderKind
  embeddingModel?: string | undefined
  chatModel?: string | undefined
  baseUrl?: string | undefined
  resourceName?: string | undefined
  apiVersion?: string | undefined
  apiKey?: string | undefined
  /** Learned from the check on save; undefined until then. */
  embeddingDimensions?: number | undefined
}

/** What an administrator sees: every field but the key, and whether one is stored. */
export interface AiProviderDto {
  provider: AiProviderKind
  embeddingModel: string | null
  chatModel: string | null
  baseUrl: string | null
  resourceName: string | null
  apiVersion: string | null
  hasApiKey: boolean
  embeddingDimensions: number | null
  updatedAt: string
}

/** A provider that failed or refused a call. `retryable` is true for rate limits, server errors and timeouts. */
export class AiProviderError extends AppError {
  readonly retryable: boolean
  readonly providerStatus: number | undefined
  constructor(
    code: string,
    message: string,
    options: { retryable: boolean; providerStatus?: number | undefined; status?: number },
  ) {
    super(code, redactText(message), options.status ?? 502, {
      retryable: options.retryable,
      ...(options.providerStatus ? { providerStatus: options.providerStatus } : {}),
    })
    this.name = 'AiProviderError'
    this.retryable = options.retryable
    this.providerStatus = options.providerStatus
  }
}

const modelName = z
  .string()
  .trim()
  .min(1, 'Enter a model name.')
  .max(200)
  .regex(/^[^\s]+$/, 'A model name has no spaces.')

/** Only http(s): a provider address is fetched by the server, so `file:`, `data:` and the like are refused. */
const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.hash
    } catch {
      return false
    }
  }, 'Enter a full address starting with http:// or https://, without a user name, password or #fragment.')
  .transform((value) => value.replace(/\/+$/, ''))

const nullableOptional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable().optional())

export const aiProviderInputSchema = z
  .object({
    provider: z.enum(AI_PROVIDERS),
    embeddingModel: nullableOptional(modelName),
    chatModel: nullableOptional(modelName),
    baseUrl: nullableOptional(httpUrl),
    resourceName: nullableOptional(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'An Azure resource name has letters, digits and dashes.'),
    ),
    apiVersion: nullableOptional(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9._-]{1,40}$/, 'Use an API version such as v1 or 2024-10-21.'),
    ),
    /** Write-only. Omitted: keep the stored key. `null`: remove it. */
    apiKey: z.string().trim().min(1, 'Enter the API key.').max(1000).nullable().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.provider === 'openai_compatible' && !input.baseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: 'An OpenAI-compatible provider needs its address.',
      })
    }
    if (input.provider === 'azure' && !input.resourceName && !input.baseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceName'],
        message: 'Enter the Azure resource name, or the full address of the deployment endpoint.',
      })
    }
  })
export type AiProviderInput = z.input<typeof aiProviderInputSchema>

interface AiProviderRow {
  organization_id: string
  provider: AiProviderKind
  embedding_model: string | null
  chat_model: string | null
  base_url: string | null
  resource_name: string | null
  api_version: string | null
  api_key_ciphertext: string | null
  embedding_dimensions: number | null
  updated_at: Date
}

function toDto(row: AiProviderRow): AiProviderDto {
  return {
    provider: row.provider,
    embeddingModel: row.embedding_model,
    chatModel: row.chat_model,
    baseUrl: row.base_url,
    resourceName: row.resource_name,
    apiVersion: row.api_version,
    hasApiKey: row.api_key_ciphertext !== null,
    embeddingDimensions: row.embedding_dimensions,
    updatedAt: row.updated_at.toISOString(),
  }
}

/**
 * The identity of an embedding model as stored next to every vector (`provider:model`): vectors of two identities
 * are never compared, and a change of identity re-embeds.
 */
export function embeddingModelId(config: Pick<AiProviderConfig, 'provider' | 'embeddingModel'>): string | undefined {
  return config.embeddingModel ? `${config.provider}:${config.embeddingModel}` : undefined
}

/** Providers that cannot be called without a key; an OpenAI-compatible server (a local one) may not need one. */
const KEY_REQUIRED: ReadonlySet<AiProviderKind> = new Set(['openai', 'azure', 'google'])

/** How long saving waits for the provider's check. */
export const PROVIDER_CHECK_TIMEOUT_MS = 20_000
const CHECK_TEXT = 'Prodgy checks that this embedding model answers.'

export async function getAiProvider(
  platform: Platform,
  principal: Principal | undefined,
): Promise<AiProviderDto | null> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  const [row] = await platform.db.query<AiProviderRow>('select * from ai_providers where organization_id = $1', [
    organizationId,
  ])
  return row ? toDto(row) : null
}

export interface SaveAiProviderDeps {
  createEmbedder: (config: AiProviderConfig) => EmbeddingPort
  /** Overrides the check's time limit (tests). */
  checkTimeoutMs?: number
}

/** Where the stored key may be reused: the same vendor at the same address, so an edit cannot send it elsewhere. */
function sameDestination(
  row: AiProviderRow,
  next: { provider: string; baseUrl: string | null; resourceName: string | null },
) {
  return row.provider === next.provider && row.base_url === next.baseUrl && row.resource_name === next.resourceName
}

export async function saveAiProvider(
  platform: Platform,
  deps: SaveAiProviderDeps,
  principal: Principal | undefined,
  input: AiProviderInput,
): Promise<AiProviderDto> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  const parsed = aiProviderInputSchema.safeParse(input)
  if (!parsed.success) {
    const fields: Record<string, string[]> = {}
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || 'provider'
      fields[key] = [...(fields[key] ?? []), issue.message]
    }
    throw new ValidationError(
      `Some fields are not valid. ${parsed.error.issues.map((i) => i.message).join(' ')}`,
      fields,
    )
  }
  const value = parsed.data
  const azure = value.provider === 'azure'
  const next = {
    provider: value.provider,
    embeddingModel: value.embeddingModel ?? null,
    chatModel: value.chatModel ?? null,
    baseUrl: value.baseUrl ?? null,
    resourceName: azure ? (value.resourceName ?? null) : null,
    apiVersion: azure ? (value.apiVersion ?? null) : null,
  }

  const [existing] = await platform.db.query<AiProviderRow>('select * from ai_providers where organization_id = $1', [
    organizationId,
  ])

  // The key to use: a new one, none, or the stored one when the destination is unchanged.
  let apiKey: string | undefined
  let keyChange: 'set' | 'kept' | 'cleared' | 'none'
  if (typeof value.apiKey === 'string') {
    apiKey = value.apiKey
    keyChange = 'set'
  } else if (value.apiKey === null) {
    keyChange = existing?.api_key_ciphertext ? 'cleared' : 'none'
  } else if (existing?.api_key_ciphertext) {
    if (!sameDestination(existing, next)) {
      throw new ValidationError('Enter the API key again: the provider or its address changed.', {
        apiKey: ['Enter the API key again when changing the provider or its address.'],
      })
    }
    apiKey = await decryptSecret(existing.api_key_ciphertext, requireEncryptionKey(platform.settings.encryptionKey))
    keyChange = 'kept'
  } else {
    keyChange = 'none'
  }
  if (!apiKey && KEY_REQUIRED.has(next.provider)) {
    throw new ValidationError('This provider needs an API key.', { apiKey: ['Enter the API key.'] })
  }
  const ciphertext = apiKey
    ? keyChange === 'kept'
      ? (existing?.api_key_ciphertext as string)
      : await encryptSecret(apiKey, requireEncryptionKey(platform.settings.encryptionKey))
    : null

  const config: AiProviderConfig = {
    provider: next.provider,
    embeddingModel: next.embeddingModel ?? undefined,
    chatModel: next.chatModel ?? undefined,
    baseUrl: next.baseUrl ?? undefined,
    resourceName: next.resourceName ?? undefined,
    apiVersion: next.apiVersion ?? undefined,
    apiKey,
  }
  let dimensions: number | null = null
  if (config.embeddingModel) dimensions = await checkEmbedding(deps, config)

  const newModel = embeddingModelId(config) ?? null
  const oldModel = existing
    ? (embeddingModelId({ provider: existing.provider, embeddingModel: existing.embedding_model ?? undefined }) ?? null)
    : null

  const { row, reembed } = await platform.db.transaction(async (tx) => {
    const [saved] = await tx.query<AiProviderRow>(
      `insert into ai_providers (organization_id, provider, embedding_model, chat_model, base_url, resource_name,
                                 api_version, api_key_ciphertext, embedding_dimensions, updated_by, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       on conflict (organization_id) do update
         set provider = excluded.provider, embedding_model = excluded.embedding_model, chat_model = excluded.chat_model,
             base_url = excluded.base_url, resource_name = excluded.resource_name, api_version = excluded.api_version,
             api_key_ciphertext = excluded.api_key_ciphertext, embedding_dimensions = excluded.embedding_dimensions,
             updated_by = excluded.updated_by, updated_at = now()
       returning *`,
      [
        organizationId,
        next.provider,
        next.embeddingModel,
        next.chatModel,
        next.baseUrl,
        next.resourceName,
        next.apiVersion,
        ciphertext,
        dimensions,
        principal?.user?.id ?? null,
      ],
    )
    // Chunks embedded by another model (or by none) are embedded again; with no model they keep what they have.
    let stale = false
    if (newModel && newModel !== oldModel) {
      const [found] = await tx.query<{ stale: boolean }>(
        `select exists (select 1 from knowledge_chunks
                         where organization_id = $1 and embedding_model is distinct from $2) as stale`,
        [organizationId, newModel],
      )
      stale = found?.stale === true
    }
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'ai_provider.updated',
      targetType: 'ai_provider',
      targetId: organizationId,
      // never the key: only whether it changed
      metadata: {
        provider: next.provider,
        embeddingModel: next.embeddingModel,
        chatModel: next.chatModel,
        baseUrl: next.baseUrl,
        keyChange,
        reembed: stale,
      },
    })
    return { row: saved as AiProviderRow, reembed: stale }
  })
  if (reembed) await platform.enqueue('knowledge.reembed', { organizationId })
  platform.log.info('AI provider saved', {
    organizationId,
    provider: next.provider,
    embeddingModel: next.embeddingModel,
    reembed,
  })
  return toDto(row)
}

/** One short embedding under a time limit; resolves the model's dimension, or throws a message for the form. */
async function checkEmbedding(deps: SaveAiProviderDeps, config: AiProviderConfig): Promise<number> {
  const timeoutMs = deps.checkTimeoutMs ?? PROVIDER_CHECK_TIMEOUT_MS
  const controller = new AbortController()
  try {
    const embedder = deps.createEmbedder(config)
    const result = await withTimeout(
      embedder.embed([CHECK_TEXT], { signal: controller.signal }),
      timeoutMs,
      'The AI provider',
    )
    const vector = result.vectors[0]
    if (result.vectors.length !== 1 || !vector || vector.length !== result.dimensions || result.dimensions < 1) {
      throw new AiProviderError('ai_provider_invalid_response', 'The provider answered without an embedding.', {
        retryable: false,
      })
    }
    if (result.dimensions > 16_000) {
      throw new AiProviderError(
        'ai_provider_invalid_response',
        `The model returns ${result.dimensions} dimensions; at most 16,000 can be stored.`,
        { retryable: false },
      )
    }
    return result.dimensions
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new AppError(
      'ai_provider_check_failed',
      `The provider did not answer the embedding check, so nothing was saved. ${redactText(reason)}`,
      400,
      { reason: error instanceof AppError ? error.code : 'unknown' },
    )
  } finally {
    controller.abort()
  }
}

export async function deleteAiProvider(platform: Platform, principal: Principal | undefined): Promise<void> {
  requireSession(principal)
  const organizationId = requireAdmin(principal)
  await platform.db.transaction(async (tx) => {
    const [deleted] = await tx.query<{ provider: string }>(
      'delete from ai_providers where organization_id = $1 returning provider',
      [organizationId],
    )
    if (!deleted) throw new NotFoundError('The AI provider', 'ai_provider_not_found')
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'ai_provider.deleted',
      targetType: 'ai_provider',
      targetId: organizationId,
      metadata: { provider: deleted.provider },
    })
  })
  platform.log.info('AI provider removed', { organizationId })
}

/**
 * The organization's provider with its key decrypted, for the pipeline and search; undefined when none is set.
 * Throws `EncryptionKeyMissingError` when a key is stored but no encryption key is configured, and
 * `SecretDecryptionError` when it was stored under another key.
 */
export async function loadAiProviderConfig(
  q: Queryable,
  organizationId: string,
  encryptionKey: string | undefined,
): Promise<AiProviderConfig | undefined> {
  const [row] = await q.query<AiProviderRow>('select * from ai_providers where organization_id = $1', [organizationId])
  if (!row) return undefined
  return {
    provider: row.provider,
    embeddingModel: row.embedding_model ?? undefined,
    chatModel: row.chat_model ?? undefined,
    baseUrl: row.base_url ?? undefined,
    resourceName: row.resource_name ?? undefined,
    apiVersion: row.api_version ?? undefined,
    apiKey: row.api_key_ciphertext
      ? await decryptSecret(row.api_key_ciphertext, requireEncryptionKey(encryptionKey))
      : undefined,
    embeddingDimensions: row.embedding_dimensions ?? undefined,
  }
}
