/**
 * One MCP server per HTTP request, built from what the API said about the caller: the tools they may use
 * (core tools by role and scope, then the workspace's integration tools), the instructions, the destructive-action
 * guard and the context injected on a session's first tool call.
 */

import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js'
import type { Logger } from '@prodgy/core'
import { ApiError } from './api-client.ts'
import { hasScope, type McpContext } from './context.ts'
import {
  CONFIRM_ARGUMENT,
  confirmationRequired,
  guardApplies,
  isGuardedTool,
  takeConfirmation,
  withConfirmArgument,
} from './guard.ts'
import { type BoundApi, type CoreTool, ToolInputError, type ToolOutput, toolRefusal } from './tools/define.ts'
import { callIntegrationTool, type IntegrationTool, mcpAnnotations } from './tools/dynamic.ts'
import { BOOTSTRAP_TOOLS, CORE_TOOLS, CORE_TOOLS_BY_NAME } from './tools/index.ts'
import { profileOutput, workspaceOutput } from './tools/profile.ts'
import { GATEWAY_VERSION } from './version.ts'

export const INSTRUCTIONS_PREFACE =
  'You are connected to Prodgy. Before anything else, call get_my_profile and then get_workspace_info: they tell ' +
  'you who you work for, the directive they want followed, and the product this workspace is about. ' +
  'search_knowledge finds what the team has written down; integration tools act on the services the workspace uses.'

export interface RequestState {
  api: BoundApi
  context: McpContext
  /** The workspace's integration tools; undefined when not needed or not allowed. */
  integrationTools: IntegrationTool[] | undefined
  /** `Mcp-Session-Id`: the session whose context delivery the API tracks; none means inject on every call. */
  sessionId: string | undefined
  log: Logger
  toolTimeoutMs: number
  validator: jsonSchemaValidator
}

export function instructionsFor(context: McpContext): string {
  const own = context.instructions?.trim()
  return own ? `${INSTRUCTIONS_PREFACE}\n\n${own}` : INSTRUCTIONS_PREFACE
}

/** Text for a client: strings as they are, anything else as indented JSON. */
function render(output: ToolOutput): string {
  return typeof output === 'string' ? output : JSON.stringify(output, null, 2)
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true }
}

/** Core tools this caller may use, then integration tools whose names no core tool takes. */
export function visibleTools(state: RequestState): Tool[] {
  const guard = guardApplies(state.context)
  const tools: Tool[] = []
  for (const tool of CORE_TOOLS) {
    if (toolRefusal(tool, state.context)) continue
    const guarded = guard && isGuardedTool(tool.name, tool.annotations.destructiveHint)
    tools.push({
      name: tool.name,
      description: tool.description,
      inputSchema: guarded ? withConfirmArgument(tool.inputSchema) : tool.inputSchema,
      annotations: tool.annotations,
    } as Tool)
  }
  if (state.integrationTools) {
    for (const tool of state.integrationTools) {
      if (CORE_TOOLS_BY_NAME.has(tool.name)) continue
      const guarded = guard && isGuardedTool(tool.name, tool.annotations?.destructive)
      tools.push({
        name: tool.name,
        ...(tool.title ? { title: tool.title } : {}),
        description: tool.description,
        inputSchema: guarded ? withConfirmArgument(tool.inputSchema) : tool.inputSchema,
        annotations: mcpAnnotations(tool),
        ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      } as Tool)
    }
  }
  return tools
}

async function runCoreTool(
  tool: CoreTool,
  args: Record<string, unknown>,
  state: RequestState,
): Promise<CallToolResult> {
  const output = await tool.run(args, { api: state.api, context: state.context })
  return { content: [{ type: 'text', text: render(output) }] }
}

/** An object result is also structured content: what a tool with an output schema must return. */
async function runIntegrationTool(name: string, args: Record<string, unknown>, state: RequestState) {
  const workspaceId = state.context.workspace?.id as string
  const call = await callIntegrationTool(state.api, workspaceId, name, args, state.toolTimeoutMs)
  const result: CallToolResult = { content: [{ type: 'text', text: render(call.result as ToolOutput) }] }
  if (call.result && typeof call.result === 'object' && !Array.isArray(call.result)) {
    result.structuredContent = call.result as Record<string, unknown>
  }
  return result
}

/** Marks the session's context as delivered; true when this was the first delivery (or there is no session). */
async function firstDelivery(state: RequestState): Promise<boolean> {
  if (!state.sessionId) return true
  try {
    const data = await state.api.call<{ firstDelivery: boolean }>(
      'POST',
      `/api/mcp/sessions/${encodeURIComponent(state.sessionId)}/context`,
    )
    return data.firstDelivery === true
  } catch (error) {
    // Better to repeat the context than to leave a client without it.
    state.log.warn('could not record the context delivery; injecting it', { error })
    return true
  }
}

async function callTool(name: string, rawArgs: Record<string, unknown>, state: RequestState): Promise<CallToolResult> {
  const core = CORE_TOOLS_BY_NAME.get(name)
  // Integration tools are listed for a call only when the guard needs their annotations; otherwise the API finds
  // the tool itself and says so when there is none.
  const listed = core ? undefined : state.integrationTools?.find((t) => t.name === name)
  if (!core) {
    if (!hasScope(state.context, 'execute')) {
      return errorResult(`${name} is not a Prodgy tool, or needs the mcp:execute scope, which this connection lacks.`)
    }
    if (state.integrationTools && !listed) {
      return errorResult(`Unknown tool: ${name}. Call tools/list to see the available tools.`)
    }
  }
  const refusal = core ? toolRefusal(core, state.context) : undefined
  if (refusal) return errorResult(refusal)

  const destructive = core ? core.annotations.destructiveHint : listed?.annotations?.destructive
  const { confirmed, rest: args } = takeConfirmation(rawArgs)
  if (guardApplies(state.context) && isGuardedTool(name, destructive) && !confirmed) {
    return errorResult(confirmationRequired(name, args))
  }
  if (!guardApplies(state.context) && CONFIRM_ARGUMENT in rawArgs) {
    state.log.debug('ignored _confirm: the guard is off for this user', { tool: name })
  }

  const bootstrap = BOOTSTRAP_TOOLS.has(name)
  // The delivery is recorded beside the call, so it adds no waiting.
  const delivery = firstDelivery(state)
  let result: CallToolResult
  try {
    result = core ? await runCoreTool(core, args, state) : await runIntegrationTool(name, args, state)
  } catch (error) {
    if (error instanceof ApiError || error instanceof ToolInputError) result = errorResult(error.message)
    else {
      state.log.error('tool failed', { tool: name, error })
      result = errorResult(
        `${name} failed on the Gateway's side. Try again; if it keeps failing, tell an administrator.`,
      )
    }
  }
  const inject = await delivery
  if (inject && !bootstrap) {
    result.content = [
      { type: 'text', text: render(profileOutput(state.context)) },
      { type: 'text', text: render(workspaceOutput(state.context)) },
      ...result.content,
    ]
  }
  return result
}

export function createMcpServer(state: RequestState): Server {
  const server = new Server(
    { name: 'prodgy', title: 'Prodgy', version: GATEWAY_VERSION },
    {
      capabilities: { tools: { listChanged: false } },
      instructions: instructionsFor(state.context),
      jsonSchemaValidator: state.validator,
    },
  )
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: visibleTools(state) }))
  server.setRequestHandler(CallToolRequestSchema, async (request) =>
    callTool(request.params.name, (request.params.arguments ?? {}) as Record<string, unknown>, state),
  )
  return server
}

/** A server for requests that carry no tool work (notifications, responses): nothing to look up. */
export function createBareServer(validator: jsonSchemaValidator): Server {
  return new Server(
    { name: 'prodgy', title: 'Prodgy', version: GATEWAY_VERSION },
    { capabilities: { tools: { listChanged: false } }, jsonSchemaValidator: validator },
  )
}
