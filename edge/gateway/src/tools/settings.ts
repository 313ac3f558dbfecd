/** The organization's MCP settings: the instructions every client receives, and the rules for new templates. */
import { z } from 'zod'
import { defineTool } from './define.ts'

export const getMcpSettings = defineTool({
  name: 'get_mcp_settings',
  description:
    "Reads the organization's MCP settings: `instructions` (sent to every MCP client as its system prompt) and " +
    '`templateRules` (the rules to follow when creating integration templates).',
  input: z.object({}),
  annotations: { title: 'MCP settings', readOnlyHint: true, openWorldHint: false },
  role: 'admin',
  scope: 'admin',
  run: (_args, { api }) => api.call('GET', '/api/mcp/settings'),
})

export const updateMcpSettings = defineTool({
  name: 'update_mcp_settings',
  description:
    "Changes the organization's MCP settings. Send only what changes: `instructions` (Markdown system prompt for MCP " +
    'clients) and/or `templateRules` (rules for creating integration templates).',
  input: z
    .object({
      instructions: z.string().max(100_000).optional().describe('The instructions, in Markdown.'),
      templateRules: z.string().max(100_000).optional().describe('The rules for new templates, in Markdown.'),
    })
    .refine((v) => v.instructions !== undefined || v.templateRules !== undefined, {
      message: 'Send instructions, templateRules, or both.',
    }),
  annotations: { title: 'Update MCP settings', readOnlyHint: false, idempotentHint: true, openWorldHint: false },
  role: 'admin',
  scope: 'admin',
  run: (args, { api }) => api.call('PUT', '/api/mcp/settings', { body: args }),
})
