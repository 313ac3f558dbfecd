/**
 * Proposes a workspace's overview blocks (vision, target audience, personas, value proposition, OKRs) from its
 * knowledge base with the organization's chat model. The proposal is returned, never saved: a person reviews it and
 * saves what they keep through `PATCH /api/workspaces/{id}`.
 */
import { z } from 'zod'
import { isAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { AppError, ConflictError, ForbiddenError, withTimeout } from '../errors.ts'
import type { Platform } from '../services/platform.ts'
import { resolveKnowledgeWorkspace } from './documents.ts'
import type { EmbeddingPort } from './embeddings.ts'
import { searchKnowledge } from './search.ts'
import type { SearchHit } from './types.ts'

const GENERATE_TIMEOUT_MS = 120_000
const PASSAGES_PER_BLOCK = 5
const PASSAGE_CHARS = 1200

export const OVERVIEW_BLOCKS = ['vision', 'targetAudience', 'personas', 'valueProposition', 'okrs'] as const
export type OverviewBlock = (typeof OVERVIEW_BLOCKS)[number]

/** What each block is about, as a search query over the knowledge base and as guidance for the model. */
const BLOCK_GUIDE: Record<OverviewBlock, { question: string; instruction: string }> = {
  vision: {
    question: 'product vision mission long-term goal why the product exists',
    instruction: 'the product vision in two to four sentences',
  },
  targetAudience: {
    question: 'target audience customers market segments who buys and uses the product',
    instruction: 'who the product is for: segments, company sizes, roles, markets',
  },
  personas: {
    question: 'user personas roles their goals needs pains and behaviours',
    instruction: 'two to four personas as Markdown, each with a name, role, goals and pains',
  },
  valueProposition: {
    question: 'value proposition benefits differentiators why customers choose the product over alternatives',
    instruction: 'the value proposition: the problem, the promise, the differentiators',
  },
  okrs: {
    question: 'objectives key results goals metrics targets roadmap priorities',
    instruction: 'two to four objectives as Markdown, each with two to four measurable key results',
  },
}

const blockText = z.preprocess(
  (value) => (Array.isArray(value) ? value.map((v) => `- ${String(v)}`).join('\n') : value),
  z.string().trim().min(1).max(20_000),
)
export const overviewProposalSchema = z.object({
  vision: blockText,
  targetAudience: blockText,
  personas: blockText,
  valueProposition: blockText,
  okrs: blockText,
})
export type OverviewProposal = z.infer<typeof overviewProposalSchema>

export interface OverviewDeps {
  embedder?: EmbeddingPort | undefined
  /** The organization's chat model; undefined when none is configured. */
  generate?: ((prompt: string) => Promise<string>) | undefined
}

export const AI_PROVIDER_REQUIRED_MESSAGE =
  'Generating the overview needs an AI provider with a chat model. An administrator can add one in the AI provider settings.'

function passage(hit: SearchHit, n: number): string {
  const text = hit.content.length > PASSAGE_CHARS ? `${hit.content.slice(0, PASSAGE_CHARS)}…` : hit.content
  return `[${n}] (${hit.documentName}) ${text.replace(/\s+/g, ' ').trim()}`
}

export function buildOverviewPrompt(
  workspace: { name: string; description: string | null; website: string | null },
  passages: Record<OverviewBlock, string[]>,
): string {
  const sections = OVERVIEW_BLOCKS.map((block) => {
    const found = passages[block]
    return `## ${block}: ${BLOCK_GUIDE[block].instruction}\n${found.length ? found.join('\n') : '(no passages found)'}`
  })
  return [
    'You write the overview of a product for its team, from passages of the team’s knowledge base.',
    `Product: ${workspace.name}`,
    ...(workspace.description ? [`Description: ${workspace.description}`] : []),
    ...(workspace.website ? [`Website: ${workspace.website}`] : []),
    '',
    'Passages found for each block:',
    ...sections,
    '',
    'Rules: base every statement on the passages or the description; do not invent numbers, customers or facts.',
    'When the passages say nothing about a block, write a short proposal from the description and begin it with "Draft:".',
    'Answer with one JSON object and nothing else, with exactly these string fields (Markdown allowed inside):',
    '{"vision": "…", "targetAudience": "…", "personas": "…", "valueProposition": "…", "okrs": "…"}',
  ].join('\n')
}

/** Reads the model's answer: the JSON object, with or without a code fence or words around it. */
export function parseOverviewAnswer(
  answer: string,
): { ok: true; value: OverviewProposal } | { ok: false; problem: string } {
  const start = answer.indexOf('{')
  const end = answer.lastIndexOf('}')
  if (start < 0 || end <= start) return { ok: false, problem: 'the answer contains no JSON object' }
  let json: unknown
  try {
    json = JSON.parse(answer.slice(start, end + 1))
  } catch (error) {
    return { ok: false, problem: `the JSON does not parse (${(error as Error).message})` }
  }
  const parsed = overviewProposalSchema.safeParse(json)
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'object'))]
    return { ok: false, problem: `these fields are missing or not text: ${fields.join(', ')}` }
  }
  return { ok: true, value: parsed.data }
}

/** Admins: a proposal for the five overview blocks of the workspace, not saved. */
export async function generateOverview(
  platform: Platform,
  deps: OverviewDeps,
  principal: Principal | undefined,
  workspaceId: string | undefined,
): Promise<OverviewProposal> {
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, workspaceId)
  if (!isAdmin(principal)) {
    throw new ForbiddenError('Only administrators can generate the workspace overview.', 'admin_required')
  }
  const [provider] = await platform.db.query<{ chat_model: string | null }>(
    'select chat_model from ai_providers where organization_id = $1',
    [scope.organizationId],
  )
  const generate = deps.generate
  if (!provider?.chat_model || !generate) throw new ConflictError(AI_PROVIDER_REQUIRED_MESSAGE, 'ai_provider_required')

  const [workspace] = await platform.db.query<{ name: string; description: string | null; website: string | null }>(
    'select name, description, website from workspaces where id = $1 and organization_id = $2',
    [scope.workspaceId, scope.organizationId],
  )
  const passages = {} as Record<OverviewBlock, string[]>
  const numbered = new Map<string, number>()
  for (const block of OVERVIEW_BLOCKS) {
    const result = await searchKnowledge(platform, { embedder: deps.embedder }, principal, scope.workspaceId, {
      query: BLOCK_GUIDE[block].question,
      limit: PASSAGES_PER_BLOCK,
    })
    // a passage found for several blocks is quoted in full once and referred to by number after that
    passages[block] = result.hits.map((hit) => {
      const known = numbered.get(hit.chunkId)
      if (known) return `[${known}] (quoted above)`
      const n = numbered.size + 1
      numbered.set(hit.chunkId, n)
      return passage(hit, n)
    })
  }
  const prompt = buildOverviewPrompt(workspace ?? { name: 'Untitled', description: null, website: null }, passages)
  const ask = (text: string) => withTimeout(generate(text), GENERATE_TIMEOUT_MS, 'The AI model')
  const first = parseOverviewAnswer(await ask(prompt))
  if (first.ok) return first.value
  const second = parseOverviewAnswer(
    await ask(
      `${prompt}\n\nYour previous answer could not be used: ${first.problem}. Answer again with only the JSON object.`,
    ),
  )
  if (second.ok) return second.value
  platform.log.warn('the chat model returned no usable overview twice', { problem: second.problem })
  throw new AppError(
    'ai_invalid_response',
    'The AI model did not return a usable overview. Try again, or choose another chat model.',
    502,
  )
}
