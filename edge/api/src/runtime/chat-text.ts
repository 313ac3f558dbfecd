/**
 * One completion from the organization's model: its default model (an LLM integration) when it has one, else the
 * chat model of the knowledge base's AI provider. The AI SDK is loaded on first use.
 */
import { ConflictError, loadAiProviderConfig, loadDefaultModelConfig, type Platform } from '@prodgy/core'

type AiSdk = [typeof import('@prodgy/core/adapters/ai-sdk'), typeof import('ai')]

export function createChatTextGenerator(
  platform: Platform,
  loadAiSdk: () => Promise<AiSdk>,
  options: { timeoutMs?: number } = {},
): (organizationId: string, prompt: string) => Promise<string> {
  return async (organizationId, prompt) => {
    const key = platform.settings.encryptionKey
    const config =
      (await loadDefaultModelConfig(platform.db, organizationId, key)) ??
      (await loadAiProviderConfig(platform.db, organizationId, key))
    if (!config?.chatModel) {
      throw new ConflictError(
        'No chat model is configured for this organization: choose a default model among its LLM integrations, ' +
          'or set a chat model in the AI provider.',
        'ai_provider_required',
      )
    }
    const [{ createChatModel }, { generateText }] = await loadAiSdk()
    const result = await generateText({
      model: createChatModel(config),
      prompt,
      maxRetries: 2,
      abortSignal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    })
    return result.text
  }
}
