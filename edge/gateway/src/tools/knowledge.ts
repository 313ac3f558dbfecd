/** Search over the workspace's knowledge base (hybrid: full text and vectors, fused). */
import { z } from 'zod'
import { defineTool, workspaceIdOf } from './define.ts'

interface SearchResult {
  hits: { documentId: string; documentName: string; content: string; score: number }[]
  mode: string
  notice?: string
}

export const searchKnowledge = defineTool({
  name: 'search_knowledge',
  description:
    "Searches the workspace's knowledge base (documents, notes, spreadsheets, contexts) by meaning and by words. " +
    'Returns the best passages with their document name and score, best first.',
  input: z.object({
    query: z.string().trim().min(1, 'Type something to search for.').max(2000).describe('What to look for.'),
    limit: z.number().int().min(1).max(50).optional().describe('How many passages to return (1–50, default 10).'),
    mode: z
      .enum(['hybrid', 'text', 'vector'])
      .optional()
      .describe('hybrid (default) fuses full text and meaning; text or vector uses one ranking.'),
  }),
  annotations: { title: 'Search the knowledge base', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  async run(args, { api, context }) {
    const result = await api.call<SearchResult>('GET', '/api/knowledge-base/search', {
      query: { workspaceId: workspaceIdOf(context), q: args.query, limit: args.limit, mode: args.mode },
    })
    return {
      mode: result.mode,
      ...(result.notice ? { notice: result.notice } : {}),
      hits: result.hits.map((hit) => ({
        documentName: hit.documentName,
        documentId: hit.documentId,
        score: hit.score,
        content: hit.content,
      })),
    }
  },
})
