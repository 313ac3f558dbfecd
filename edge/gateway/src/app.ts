/**
 * The MCP Gateway: MCP over Streamable HTTP at `/mcp`, a portable Hono `fetch` with no database and no state of its
 * own. Each request is answered by a new MCP server built from what the Prodgy API says about the caller, so any
 * replica can serve any request. Runtime glue lives in `entry/*`.
 */

import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js'
import type { Logger } from '@prodgy/core'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { ApiError, type ApiFetcher, type Caller, createApiClient } from './api-client.ts'
import { hasScope, type McpContext } from './context.ts'
import { guardApplies } from './guard.ts'
import { createBareServer, createMcpServer } from './mcp-server.ts'
import type { BoundApi } from './tools/define.ts'
import type { IntegrationTool } from './tools/dynamic.ts'
import { CORE_TOOLS_BY_NAME } from './tools/index.ts'
import { GATEWAY_VERSION } from './version.ts'

export interface GatewayDeps {
  /** The API: its app's in-memory `fetch` in the one-process mode, global `fetch` to PRODGY_API_URL otherwise. */
  api: ApiFetcher
  apiBaseUrl: string
  /** The Gateway's service key (`X-Api-Key`), one of the API's PRODGY_API_TOKEN keys. */
  serviceKey: string
  /** The front door, where the OAuth authorization server lives. */
  publicUrl: string
  /** The resource URL clients use, e.g. `http://localhost:3000/mcp`. */
  mcpUrl: string
  logger: Logger
  /** Deadline of an API call, in milliseconds (30 s). */
  apiTimeoutMs?: number
  /** Deadline of an integration tool call, in milliseconds (90 s; the API has its own, shorter one). */
  toolTimeoutMs?: number
}

/** The largest JSON-RPC body accepted; templates with inline logos are the largest legitimate ones. */
const MAX_BODY_BYTES = 4 * 1024 * 1024
/** Session ids the API tracks: 16–128 letters, digits, dots, dashes or underscores. */
const SESSION_ID = /^[A-Za-z0-9._-]{16,128}$/
const READY_TIMEOUT_MS = 2000
export const MCP_SCOPES = ['mcp:read', 'mcp:write', 'mcp:execute', 'mcp:admin']

/** A fresh `Mcp-Session-Id`: 128 random bits as 32 hex characters. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

type JsonRpcMessage = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown }

function rpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

export function createGatewayApp(deps: GatewayDeps): Hono {
  const app = new Hono()
  const client = createApiClient({
    api: deps.api,
    baseUrl: deps.apiBaseUrl,
    serviceKey: deps.serviceKey,
    timeoutMs: deps.apiTimeoutMs,
  })
  const toolTimeoutMs = deps.toolTimeoutMs ?? 90_000
  // One validator for every request: the SDK would otherwise build a new Ajv per server.
  const validator = new AjvJsonSchemaValidator()
  const resourceMetadataUrl = `${new URL(deps.mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`
  const metadata = {
    resource: deps.mcpUrl,
    authorization_servers: [deps.publicUrl.replace(/\/+$/, '')],
    scopes_supported: MCP_SCOPES,
    bearer_methods_supported: ['header'],
    resource_name: 'Prodgy',
  }
  const challenge = (extra = '') => ({
    'WWW-Authenticate': `Bearer ${extra}resource_metadata="${resourceMetadataUrl}"`,
  })

  app.get('/health', (c) =>
    c.json({ success: true, data: { status: 'ok', service: 'gateway', version: GATEWAY_VERSION } }),
  )
  app.get('/health/ready', async (c) => {
    const api = await client.ready(READY_TIMEOUT_MS)
    return api
      ? c.json({ success: true, data: { status: 'ready', checks: { api } } })
      : c.json(
          {
            success: false,
            error: 'not_ready',
            message: 'The Prodgy API is not answering.',
            details: { checks: { api } },
          },
          503,
        )
  })

  // RFC 9728: where clients learn which authorization server issues tokens for this resource.
  app.use('/.well-known/oauth-protected-resource/*', cors({ origin: '*', allowMethods: ['GET', 'OPTIONS'] }))
  app.use('/.well-known/oauth-protected-resource', cors({ origin: '*', allowMethods: ['GET', 'OPTIONS'] }))
  app.get('/.well-known/oauth-protected-resource', (c) => c.json(metadata))
  app.get('/.well-known/oauth-protected-resource/mcp', (c) => c.json(metadata))

  // Bearer tokens are not ambient credentials, so any origin may call (browser-based MCP clients do).
  app.use(
    '/mcp',
    cors({
      origin: '*',
      allowMethods: ['POST', 'DELETE', 'OPTIONS'],
      allowHeaders: [
        'Authorization',
        'Content-Type',
        'Accept',
        'Mcp-Session-Id',
        'Mcp-Protocol-Version',
        'Last-Event-ID',
        'X-Organization-Id',
      ],
      exposeHeaders: ['Mcp-Session-Id', 'WWW-Authenticate'],
    }),
  )
  app.get('/mcp', () =>
    rpcError(405, -32000, 'This server does not offer a server-to-client event stream; send requests with POST.', {
      Allow: 'POST',
    }),
  )
  app.delete('/mcp', (c) => {
    if (!c.req.header('mcp-session-id'))
      return rpcError(400, -32000, 'Send the Mcp-Session-Id header to end a session.')
    // Sessions hold no state on the Gateway: there is nothing to delete.
    return c.body(null, 200)
  })
  app.post(
    '/mcp',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => rpcError(413, -32000, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`),
    }),
    (c) => handleMcp(c),
  )
  app.all('/mcp', () => rpcError(405, -32000, 'Method not allowed.', { Allow: 'POST, DELETE' }))
  app.notFound((c) =>
    c.json({ success: false, error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` }, 404),
  )

  async function handleMcp(c: Context): Promise<Response> {
    const started = performance.now()
    const log = deps.logger.child({ requestId: crypto.randomUUID() })
    const authorization = c.req.header('authorization')
    const apiKey = c.req.header('x-api-key')
    if (!authorization && !apiKey) {
      return rpcError(401, -32001, 'Authentication required: send Authorization: Bearer <token>.', challenge())
    }
    const caller: Caller = {
      authorization,
      apiKey,
      userId: c.req.header('x-prodgy-user-id'),
      workspaceId: c.req.header('x-workspace-id'),
      organizationId: c.req.header('x-organization-id'),
      env: c.env,
    }
    // A token bound to a workspace needs nothing more; a session token names one (header or `?workspaceId=`).
    const requestedWorkspace = c.req.header('x-workspace-id') ?? c.req.query('workspaceId')
    const api: BoundApi = { call: (method, path, options) => client.call(caller, method, path, options) }

    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      return rpcError(400, -32700, 'Parse error: the body is not valid JSON.')
    }
    const messages = (Array.isArray(body) ? body : [body]) as JsonRpcMessage[]
    const requests = messages.filter(
      (m) => m !== null && typeof m === 'object' && typeof m.method === 'string' && m.id !== undefined,
    )
    const methods = requests.map((m) => m.method as string)
    const isInitialize = methods.includes('initialize')
    const headerSession = c.req.header('mcp-session-id')
    if (headerSession !== undefined && !SESSION_ID.test(headerSession)) {
      return rpcError(400, -32000, 'The Mcp-Session-Id header is not a valid session id.')
    }
    const sessionId = isInitialize ? newSessionId() : headerSession

    let server: ReturnType<typeof createBareServer>
    if (requests.length === 0) {
      server = createBareServer(validator)
    } else {
      const toolCalls = requests.filter((m) => m.method === 'tools/call')
      // the integration tools come with the context in one API call when this request may need them
      const mayNeedTools =
        methods.includes('tools/list') ||
        toolCalls.some((m) => !CORE_TOOLS_BY_NAME.has(String((m.params as { name?: unknown })?.name)))
      let context: McpContext & { tools?: IntegrationTool[] }
      try {
        context = await client.call<McpContext & { tools?: IntegrationTool[] }>(caller, 'GET', '/api/mcp/context', {
          query: { workspaceId: requestedWorkspace, ...(mayNeedTools ? { include: 'tools' } : {}) },
        })
      } catch (error) {
        return contextFailure(error, log)
      }
      // tools/list shows them; a call needs their annotations only when the destructive-action guard is on
      const needIntegrationTools =
        context.workspace &&
        hasScope(context, 'execute') &&
        (methods.includes('tools/list') ||
          (guardApplies(context) &&
            toolCalls.some((m) => !CORE_TOOLS_BY_NAME.has(String((m.params as { name?: unknown })?.name)))))
      // asked for with the context above whenever this can be true; the API includes them for the execute scope
      const integrationTools = needIntegrationTools ? (context.tools ?? []) : undefined
      server = createMcpServer({ api, context, integrationTools, sessionId, log, toolTimeoutMs, validator })
    }

    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    })
    try {
      await server.connect(transport)
      const response = await transport.handleRequest(c.req.raw, { parsedBody: body })
      const headers = new Headers(response.headers)
      if (isInitialize && response.status === 200 && sessionId) headers.set('Mcp-Session-Id', sessionId)
      const text = await response.text()
      log.info('mcp request', {
        methods,
        tools: requests
          .filter((m) => m.method === 'tools/call')
          .map((m) => String((m.params as { name?: unknown })?.name)),
        status: response.status,
        durationMs: Math.round(performance.now() - started),
      })
      return new Response(text || null, { status: response.status, headers })
    } finally {
      await server.close().catch(() => undefined)
    }
  }

  function contextFailure(error: unknown, log: Logger): Response {
    if (!(error instanceof ApiError)) {
      log.error('the caller context could not be loaded', { error })
      return rpcError(502, -32603, 'The Gateway could not reach the Prodgy API.')
    }
    if (error.status === 401) {
      return rpcError(401, -32001, error.message, challenge('error="invalid_token", '))
    }
    // the caller's own problem (no workspace, no access, too many requests): the API's status and words
    if (error.status < 500) return rpcError(error.status, -32001, error.message)
    log.warn('the caller context could not be loaded', { status: error.status, code: error.code })
    return rpcError(error.status >= 500 ? error.status : 502, -32603, error.message)
  }

  return app
}
