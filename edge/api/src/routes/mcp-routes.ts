/** What the MCP Gateway asks the API for: the caller's context, the MCP settings, and per-session context delivery. */
import { z } from '@hono/zod-openapi'
import {
  getMcpContext,
  getMcpSettings,
  markSessionContext,
  mcpSettingsInputSchema,
  updateMcpSettings,
} from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute } from '../route.ts'
import type { ApiRouter } from '../router.ts'

const TAG = 'MCP'

const mcpSettingsSchema = z
  .object({ instructions: z.string(), templateRules: z.string(), updatedAt: z.string().nullable() })
  .openapi('McpSettings')

const nullableText = z.string().nullable()
const mcpContextSchema = z
  .object({
    user: z
      .object({
        id: z.string(),
        fullName: z.string(),
        email: z.string(),
        role: z.string().nullable(),
        position: nullableText,
        language: z.string(),
      })
      .nullable(),
    organization: z.object({
      id: z.string(),
      name: z.string(),
      website: nullableText,
      description: nullableText,
      industry: nullableText,
      size: nullableText,
      stage: nullableText,
    }),
    workspace: z.object({
      id: z.string(),
      name: z.string(),
      slug: z.string(),
      description: nullableText,
      vision: nullableText,
      targetAudience: nullableText,
      personas: nullableText,
      valueProposition: nullableText,
      okrs: nullableText,
      activeIntegrations: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          templateKey: z.string(),
          templateName: z.string(),
          class: z.string(),
        }),
      ),
    }),
    aiPreferences: z.object({ directive: z.string(), confirmDestructiveActions: z.boolean() }).nullable(),
    role: z.string().nullable(),
    scopes: z.array(z.string()).nullable(),
    instructions: z.string(),
    tools: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .openapi('McpContext')

export function registerMcpRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/mcp/context',
      tag: TAG,
      summary: "The caller's profile, organization, workspace context, AI preferences, scopes and MCP instructions",
      query: z.object({
        workspaceId: z.uuid().optional(),
        include: z
          .enum(['tools'])
          .optional()
          .openapi({ description: "`tools` adds the workspace's integration tools" }),
      }),
      response: mcpContextSchema,
    },
    async (c, { query }) => ({
      data: await getMcpContext(platform, await principalOf(c, deps), query.workspaceId, {
        includeTools: query.include === 'tools',
      }),
    }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/mcp/settings',
      tag: TAG,
      summary: 'The MCP Server settings: instructions for clients and template-creation rules (Admin)',
      response: mcpSettingsSchema,
    },
    async (c) => ({ data: await getMcpSettings(platform, await principalOf(c, deps)) }),
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/mcp/settings',
      tag: TAG,
      summary: 'Update the MCP Server settings (Admin)',
      body: mcpSettingsInputSchema,
      response: mcpSettingsSchema,
    },
    async (c, { body }) => ({
      data: await updateMcpSettings(platform, await principalOf(c, deps), body),
      message: 'The MCP settings were saved.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/mcp/sessions/{sessionId}/context',
      tag: TAG,
      summary: "Mark an MCP session's context as delivered; `firstDelivery` is true once per session",
      params: z.object({ sessionId: z.string().min(16).max(128) }),
      response: z.object({ firstDelivery: z.boolean() }),
    },
    async (c, { params }) => ({
      // bookkeeping of the Gateway, not a change of data: reading is enough
      data: await markSessionContext(platform, await principalOf(c, deps, 'read'), params.sessionId),
    }),
  )
}
