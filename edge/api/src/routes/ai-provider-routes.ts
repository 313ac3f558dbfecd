import { z } from '@hono/zod-openapi'
import { aiProviderInputSchema, deleteAiProvider, getAiProvider, saveAiProvider, UnavailableError } from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute } from '../route.ts'
import type { ApiRouter } from '../router.ts'

const aiProviderSchema = z
  .object({
    provider: z.enum(['openai', 'azure', 'google', 'openai_compatible']),
    embeddingModel: z.string().nullable(),
    chatModel: z.string().nullable(),
    baseUrl: z.string().nullable(),
    resourceName: z.string().nullable(),
    apiVersion: z.string().nullable(),
    hasApiKey: z.boolean(),
    embeddingDimensions: z.number().nullable(),
    updatedAt: z.string(),
  })
  .openapi('AiProvider')

/** The organization's AI provider for the knowledge base (Admin). The API key is write-only. */
export function registerAiProviderRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/organizations/current/ai-provider',
      tag: 'Organizations',
      summary: "The organization's AI provider, without its key (null when none is set)",
      response: aiProviderSchema.nullable(),
    },
    async (c) => ({ data: await getAiProvider(platform, await principalOf(c, deps)) }),
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/organizations/current/ai-provider',
      tag: 'Organizations',
      summary: 'Set the AI provider; an embedding model is checked with one call before it is saved',
      body: aiProviderInputSchema,
      response: aiProviderSchema,
    },
    async (c, { body }) => {
      const principal = await principalOf(c, deps)
      if (!deps.embedderFactory) {
        throw new UnavailableError('This server cannot reach AI providers.', 'ai_unavailable')
      }
      const createEmbedder = await deps.embedderFactory()
      return {
        data: await saveAiProvider(platform, { createEmbedder }, principal, body),
        message: 'The AI provider was saved.',
      }
    },
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/organizations/current/ai-provider',
      tag: 'Organizations',
      summary: 'Remove the AI provider; search falls back to full text',
    },
    async (c) => {
      await deleteAiProvider(platform, await principalOf(c, deps))
      return { data: null, message: 'The AI provider was removed.' }
    },
  )
}
