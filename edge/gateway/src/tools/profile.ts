/** The caller's own context: profile, workspace, and personal AI preferences. */
import { z } from 'zod'
import type { McpContext } from '../context.ts'
import { defineTool, ToolInputError } from './define.ts'

/** What `get_my_profile` answers for a caller that acts for no user (a service without `X-Prodgy-User-Id`). */
export const UNAUTHENTICATED_CONTEXT = 'unauthenticated_context'

export function profileOutput(context: McpContext) {
  if (!context.user) return UNAUTHENTICATED_CONTEXT
  return { user: context.user, organization: context.organization, aiPreferences: context.aiPreferences }
}

export function workspaceOutput(context: McpContext) {
  return { workspace: context.workspace }
}

export const getMyProfile = defineTool({
  name: 'get_my_profile',
  description:
    'Who you are working for: the user (name, email, role, position, language), their organization (name, industry, ' +
    'size, stage…) and their AI preferences (a personal directive to follow, and whether destructive actions need ' +
    `confirmation). Call it first in a conversation. Answers "${UNAUTHENTICATED_CONTEXT}" when no user is signed in.`,
  input: z.object({}),
  annotations: { title: 'My profile', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  run: async (_args, { context }) => profileOutput(context),
})

export const getWorkspaceInfo = defineTool({
  name: 'get_workspace_info',
  description:
    'The workspace (product) this connection works in: vision, target audience, personas, value proposition, OKRs ' +
    'and the integrations active in it. Call it second, after get_my_profile.',
  input: z.object({}),
  annotations: { title: 'Workspace context', readOnlyHint: true, openWorldHint: false },
  scope: 'read',
  run: async (_args, { context }) => workspaceOutput(context),
})

export const updateMyAiPreferences = defineTool({
  name: 'update_my_ai_preferences',
  description:
    "Changes the user's AI preferences: `directive` is a personal Markdown instruction every AI client should follow; " +
    '`confirmDestructiveActions` makes update_* and delete_* tools ask for confirmation before acting. Send one or both.',
  input: z
    .object({
      directive: z.string().max(20_000).optional().describe('The personal directive, in Markdown.'),
      confirmDestructiveActions: z
        .boolean()
        .optional()
        .describe('true: updates and deletions need "_confirm": true before they act.'),
    })
    .refine((v) => v.directive !== undefined || v.confirmDestructiveActions !== undefined, {
      message: 'Send directive, confirmDestructiveActions, or both.',
    }),
  annotations: { title: 'Update my AI preferences', readOnlyHint: false, idempotentHint: true, openWorldHint: false },
  scope: 'write',
  async run(args, { api, context }) {
    if (!context.user) throw new ToolInputError('AI preferences belong to a user, and this connection acts for none.')
    const current = context.aiPreferences ?? { directive: '', confirmDestructiveActions: false }
    const body = {
      directive: args.directive ?? current.directive,
      confirmDestructiveActions: args.confirmDestructiveActions ?? current.confirmDestructiveActions,
    }
    const user = await api.call<{ aiPreferences?: unknown }>('PUT', '/api/me/ai-preferences', { body })
    return { aiPreferences: user.aiPreferences ?? body }
  },
})
