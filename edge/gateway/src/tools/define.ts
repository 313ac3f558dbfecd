/**
 * A core tool: its MCP description (name, JSON Schema input, annotations), who may see it (role and OAuth scope
 * family), and the API call behind it. The input is a zod object, so the JSON Schema clients see and the check the
 * Gateway runs come from one definition.
 */
import { z } from 'zod'
import type { CallOptions } from '../api-client.ts'
import { hasScope, isAdminRole, type McpContext } from '../context.ts'

export interface ToolAnnotations {
  title?: string
  readOnlyHint?: boolean
  destructiveHint?: boolean
  idempotentHint?: boolean
  openWorldHint?: boolean
}

export interface JsonObjectSchema {
  type: 'object'
  properties?: Record<string, object>
  required?: string[]
  [keyword: string]: unknown
}

/** The API, bound to the caller of the current MCP request. */
export interface BoundApi {
  call<T>(method: string, path: string, options?: CallOptions): Promise<T>
}

export interface ToolRunContext {
  api: BoundApi
  context: McpContext
}

/** What a tool returns: text as it is, anything else as indented JSON. */
export type ToolOutput = string | Record<string, unknown> | unknown[]

export type ScopeFamily = 'read' | 'write' | 'admin'

export interface CoreTool {
  name: string
  description: string
  inputSchema: JsonObjectSchema
  annotations: ToolAnnotations
  /** `admin`: organization admins and Super Admins only. */
  role: 'member' | 'admin'
  /** OAuth callers need `mcp:<scope>`. */
  scope: ScopeFamily
  /** Validates the arguments, then runs; a bad argument throws `ToolInputError`. */
  run(args: Record<string, unknown>, ctx: ToolRunContext): Promise<ToolOutput>
}

/** Arguments that do not match the tool's input; the message names each field. */
export class ToolInputError extends Error {
  override name = 'ToolInputError'
}

export function defineTool<S extends z.ZodObject>(spec: {
  name: string
  description: string
  input: S
  annotations: ToolAnnotations
  role?: 'member' | 'admin'
  scope: ScopeFamily
  run(args: z.output<S>, ctx: ToolRunContext): Promise<ToolOutput>
}): CoreTool {
  const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(spec.input, { io: 'input' }) as Record<string, unknown>
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: inputSchema as JsonObjectSchema,
    annotations: spec.annotations,
    role: spec.role ?? 'member',
    scope: spec.scope,
    async run(args, ctx) {
      const parsed = spec.input.safeParse(args)
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) =>
          issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
        )
        throw new ToolInputError(`The arguments of ${spec.name} are not valid. ${problems.join('; ')}`)
      }
      return spec.run(parsed.data, ctx)
    },
  }
}

/** Why `context` may not use `tool`, or undefined when it may. */
export function toolRefusal(tool: Pick<CoreTool, 'name' | 'role' | 'scope'>, context: McpContext): string | undefined {
  if (tool.role === 'admin' && !isAdminRole(context.role)) {
    return `${tool.name} is for organization administrators; your role is ${context.role ?? 'unknown'}.`
  }
  if (!hasScope(context, tool.scope)) {
    return `${tool.name} needs the mcp:${tool.scope} scope, which this connection was not granted.`
  }
  return undefined
}

/** The current workspace, which every workspace-bound tool works in. */
export function workspaceIdOf(context: McpContext): string {
  const id = context.workspace?.id
  if (!id) throw new ToolInputError('This connection is not bound to a workspace.')
  return id
}
