/**
 * Integration tools: every active integration of the workspace contributes tools, grouped by name by the API (with
 * an `_integration` argument when several integrations provide one name). Their JSON Schemas reach clients as the
 * API gives them.
 */
import type { BoundApi, JsonObjectSchema, ToolAnnotations } from './define.ts'

export interface IntegrationTool {
  name: string
  title?: string
  description: string
  inputSchema: JsonObjectSchema
  annotations: { readOnly?: boolean; destructive?: boolean; idempotent?: boolean }
  outputSchema?: JsonObjectSchema
  providers: { integrationId: string; title: string; templateKey: string }[]
}

export interface ToolCallResult {
  integrationId: string
  tool: string
  status: number
  durationMs: number
  result: unknown
}

export function callIntegrationTool(
  api: BoundApi,
  workspaceId: string,
  name: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<ToolCallResult> {
  return api.call<ToolCallResult>(
    'POST',
    `/api/integrations-base/product/${encodeURIComponent(workspaceId)}/tools/${encodeURIComponent(name)}/call`,
    { body: { arguments: args }, timeoutMs },
  )
}

/** The template's annotations in MCP's words. */
export function mcpAnnotations(tool: IntegrationTool): ToolAnnotations {
  return {
    readOnlyHint: tool.annotations?.readOnly ?? false,
    destructiveHint: tool.annotations?.destructive ?? false,
    idempotentHint: tool.annotations?.idempotent ?? false,
    openWorldHint: true,
  }
}
