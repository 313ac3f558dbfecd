/**
 * The organization's default model (`organizations.default_model_id`): one of its global, active LLM integrations.
 * Generated text (overview blocks, drafted integration templates) uses it first, and falls back to the chat model of
 * the knowledge base's AI provider. Credentials stay in the integration, encrypted; the config built here carries
 * the decrypted key for one call and is never returned.
 */
import { z } from 'zod'
import { requireAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/database.ts'
import { AppError } from '../errors.ts'
import type { AiProviderConfig } from '../knowledge/ai-providers.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { credentialsOf, type IntegrationRow, loadIntegration } from './installed.ts'

/** How each built-in LLM template reaches its vendor through the AI SDK. */
const PROVIDER_OF_TEMPLATE: Record<string, AiProviderConfig['provider']> = {
  openai: 'openai',
  azure_openai: 'azure',
  anthropic: 'anthropic',
  google_gemini: 'google',
  openrouter: 'openai_compatible',
  openai_compatible: 'openai_compatible',
}

export const defaultModelInputSchema = z.object({
  integrationId: z.uuid({ message: 'Choose an installed LLM integration (its id), or null for none.' }).nullable(),
})

function checkUsable(row: IntegrationRow): AiProviderConfig['provider'] {
  const provider = row.template_builtin ? PROVIDER_OF_TEMPLATE[row.template_key] : undefined
  if (row.template_class !== 'llm' || !provider) {
    throw new AppError(
      'not_a_model',
      `${row.title} is not one of the built-in LLM integrations (OpenAI, Azure OpenAI, Anthropic, Google, OpenRouter, OpenAI-compatible).`,
    )
  }
  if (row.workspace_id) {
    throw new AppError('model_not_global', 'The default model must be a global integration (all workspaces).')
  }
  if (!row.active) throw new AppError('integration_inactive', `${row.title} is deactivated; activate it first.`, 409)
  return provider
}

export async function setDefaultModel(
  platform: Platform,
  principal: Principal,
  input: z.infer<typeof defaultModelInputSchema>,
): Promise<{ defaultModelId: string | null }> {
  const organizationId = requireAdmin(principal)
  return platform.db.transaction(async (tx) => {
    if (input.integrationId) checkUsable(await loadIntegration(tx, organizationId, input.integrationId))
    await tx.query('update organizations set default_model_id = $2, updated_at = now() where id = $1', [
      organizationId,
      input.integrationId,
    ])
    await recordAudit(tx, {
      organizationId,
      actor: actorOf(principal),
      action: 'organization.default_model_set',
      targetType: 'organization',
      targetId: organizationId,
      metadata: { integrationId: input.integrationId },
    })
    return { defaultModelId: input.integrationId }
  })
}

/** The chat config of the organization's default model, or undefined when it has none (or it is unusable now). */
export async function loadDefaultModelConfig(
  q: Queryable,
  organizationId: string,
  encryptionKey: string | undefined,
): Promise<AiProviderConfig | undefined> {
  const [org] = await q.query<{ default_model_id: string | null }>(
    'select default_model_id from organizations where id = $1',
    [organizationId],
  )
  if (!org?.default_model_id) return undefined
  const row = await loadIntegration(q, organizationId, org.default_model_id)
  let provider: AiProviderConfig['provider']
  try {
    provider = checkUsable(row)
  } catch {
    return undefined
  }
  const credentials = await credentialsOf(row, encryptionKey)
  const text = (name: string) => {
    const value = row.settings[name]
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  }
  const baseUrl = text('base_url')?.replace(/\/+$/, '')
  return {
    provider,
    chatModel: text('completion'),
    // the Azure template's address is the resource endpoint; the AI SDK wants its `/openai` root
    baseUrl: provider === 'azure' && baseUrl ? `${baseUrl}/openai` : baseUrl,
    apiVersion: text('api_version'),
    apiKey: credentials.api_key,
  }
}
