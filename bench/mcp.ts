/**
 * The MCP Gateway against the API calls behind its tools. Boots `prodgy start` (API, workers and the embedded
 * Gateway on a throwaway PGlite database) and a separate `prodgy gateway` in front of it, the way a scale-out
 * deployment runs them; sets up an account, a token, a document and an integration whose tool calls a small HTTP
 * server in this process; then measures, at each concurrency, p50/p99 and throughput of
 *
 *   MCP tools/list                         beside GET  /api/integrations-base/product/{id}/tools
 *   MCP tools/call search_knowledge        beside GET  /api/knowledge-base/search
 *   MCP tools/call get_ticket (integration) beside POST /api/integrations-base/product/{id}/tools/get_ticket/call
 *
 * Every client is a closed loop (one request in flight at a time) over keep-alive connections; MCP clients
 * initialize once and send their session id, as real clients do. Prints numbers and the gateway/direct ratios; it
 * never judges them.
 *
 *   npx tsx bench/mcp.ts [--seconds 4] [--warmup 1] [--clients 1,10,50]
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import {
  callJson,
  freePort,
  isolatedEnv,
  PRODGY_BIN,
  type RunningServer,
  startServer,
} from '../tests/support/servers.ts'
import { exitOnSignal, markdownTable, positiveInt } from './support.ts'

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    clients: { type: 'string', default: '1,10,50' },
  },
})
const seconds = positiveInt('seconds', flags.seconds)
const warmupS = positiveInt('warmup', flags.warmup)
const levels = flags.clients.split(',').map((c) => positiveInt('clients', c.trim()))
const SERVICE_KEY = `bench-gateway-key-${crypto.randomUUID()}`
const DESK_TOKEN = 'bench-desk-token'
const PASSWORD = 'Correct-Horse-9'
const REQUEST_TIMEOUT_MS = 30_000

const servers: RunningServer[] = []
const stopAll = async () => {
  for (const server of servers.reverse()) await server.stop()
}
exitOnSignal(stopAll)

/** The external service of the integration: answers one ticket, as fast as it can. */
async function startDesk(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${DESK_TOKEN}`) {
      res.writeHead(401).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ ticket: { key: 'OPS-1', title: 'Renew the certificate', state: 'open' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}

async function must<T>(
  baseUrl: string,
  method: string,
  path: string,
  expected: number,
  options: { body?: unknown; token?: string } = {},
): Promise<T> {
  const { status, json } = await callJson<{ data: T }>(baseUrl, method, path, options)
  if (status !== expected) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`)
  return json.data
}

interface Setup {
  token: string
  workspaceId: string
}

async function setUp(apiUrl: string, deskUrl: string): Promise<Setup> {
  const session = await must<{ accessToken: string }>(apiUrl, 'POST', '/api/setup', 201, {
    body: {
      email: 'bench@acme.test',
      password: PASSWORD,
      fullName: 'Bench',
      organizationName: 'Acme',
      workspaceName: 'Rocket',
    },
  })
  const me = await must<{ workspaces: { id: string }[] }>(apiUrl, 'GET', '/api/me', 200, { token: session.accessToken })
  const workspaceId = me.workspaces[0]?.id as string
  const { token } = await must<{ token: string }>(apiUrl, 'POST', `/api/workspaces/${workspaceId}/api-tokens`, 201, {
    token: session.accessToken,
    body: { name: 'bench' },
  })
  // the guard would refuse nothing here (get_ticket is read-only), but keep the preference as a new user has it
  const template = await must<{ id: string }>(apiUrl, 'POST', '/api/integration-templates', 201, {
    token,
    body: {
      key: 'bench_desk',
      name: 'Bench desk',
      class: 'devops',
      description: 'Tickets.',
      baseUrl: '{{settings.api_url}}',
      credentials: [{ name: 'token', label: 'API token', secret: true }],
      settings: [{ name: 'api_url', label: 'API address', type: 'url', required: true }],
      auth: { type: 'bearer', token: '{{credentials.token}}' },
      tools: [
        {
          name: 'get_ticket',
          description: 'Read a ticket.',
          annotations: { readOnly: true },
          inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
          request: { method: 'GET', url: '/tickets/{{input.key}}' },
          response: { root: 'ticket' },
        },
      ],
    },
  })
  await must(apiUrl, 'POST', '/api/integrations-base', 201, {
    token,
    body: {
      templateId: template.id,
      title: 'Desk',
      product_id: workspaceId,
      settings: { api_url: deskUrl },
      credentials: { token: DESK_TOKEN },
    },
  })
  const paragraphs = Array.from(
    { length: 40 },
    (_, i) => `## Section ${i}\n\nCustomers may ask for a refund within ${i + 10} days; the team answers in a day.`,
  )
  const form = new FormData()
  form.set('workspaceId', workspaceId)
  form.set('file', new Blob([`# Handbook\n\n${paragraphs.join('\n\n')}`], { type: 'text/markdown' }), 'handbook.md')
  const upload = await fetch(`${apiUrl}/api/knowledge-base/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const uploaded = (await upload.json()) as { data?: { id: string }; message?: string }
  if (upload.status !== 201 || !uploaded.data) throw new Error(`upload answered ${upload.status}: ${uploaded.message}`)
  const deadline = performance.now() + 60_000
  for (;;) {
    const doc = await must<{ status: string }>(
      apiUrl,
      'GET',
      `/api/knowledge-base/documents/${uploaded.data.id}`,
      200,
      {
        token,
      },
    )
    if (doc.status === 'ready') break
    if (doc.status === 'failed') throw new Error('the document could not be ingested')
    if (performance.now() > deadline) throw new Error(`the document is still ${doc.status} after 60 s`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { token, workspaceId }
}

// ---------------------------------------------------------------- load

type Operation = 'tools/list' | 'search_knowledge' | 'get_ticket'
type Side = 'gateway' | 'direct'

interface Measurement {
  requests: number
  failures: number
  requestsPerSecond: number
  p50: number
  p99: number
}

/** One client's next request, already bound to its target; resolves with whether it succeeded. */
type Send = () => Promise<boolean>

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

async function load(senders: Send[], durationS: number): Promise<Measurement> {
  const latencies: number[] = []
  let failures = 0
  const started = performance.now()
  const end = started + durationS * 1000
  await Promise.all(
    senders.map(async (send) => {
      while (performance.now() < end) {
        const t = performance.now()
        const ok = await send().catch(() => false)
        latencies.push(performance.now() - t)
        if (!ok) failures++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    failures,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  }
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }

/** An MCP client over plain HTTP: initializes once, then sends one JSON-RPC request per call with its session id. */
async function mcpClient(gatewayUrl: string, token: string) {
  const auth = { authorization: `Bearer ${token}` }
  const init = await fetch(`${gatewayUrl}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...auth },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
    }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const session = init.headers.get('mcp-session-id')
  await init.text()
  if (init.status !== 200 || !session) throw new Error(`initialize answered ${init.status}`)
  const headers = { ...MCP_HEADERS, ...auth, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' }
  await fetch(`${gatewayUrl}/mcp`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  }).then((r) => r.text())
  let id = 1
  return async (method: string, params: unknown): Promise<boolean> => {
    const response = await fetch(`${gatewayUrl}/mcp`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const body = (await response.json()) as { result?: { isError?: boolean }; error?: unknown }
    return response.status === 200 && body.result !== undefined && body.result.isError !== true
  }
}

async function direct(url: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<boolean> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  await response.arrayBuffer()
  return response.status === 200
}

async function senders(
  side: Side,
  operation: Operation,
  count: number,
  urls: { api: string; gateway: string },
  setup: Setup,
): Promise<Send[]> {
  const { token, workspaceId } = setup
  const product = `${urls.api}/api/integrations-base/product/${workspaceId}`
  if (side === 'direct') {
    const send: Send =
      operation === 'tools/list'
        ? () => direct(`${product}/tools`, token)
        : operation === 'search_knowledge'
          ? () => direct(`${urls.api}/api/knowledge-base/search?workspaceId=${workspaceId}&q=refund&limit=5`, token)
          : () =>
              direct(`${product}/tools/get_ticket/call`, token, {
                method: 'POST',
                body: { arguments: { key: 'OPS-1' } },
              })
    return Array.from({ length: count }, () => send)
  }
  const clients = await Promise.all(Array.from({ length: count }, () => mcpClient(urls.gateway, token)))
  return clients.map((call) =>
    operation === 'tools/list'
      ? () => call('tools/list', {})
      : operation === 'search_knowledge'
        ? () => call('tools/call', { name: 'search_knowledge', arguments: { query: 'refund', limit: 5 } })
        : () => call('tools/call', { name: 'get_ticket', arguments: { key: 'OPS-1' } }),
  )
}

// ---------------------------------------------------------------- report

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(value < 10 ? 1 : 0))
const ratio = (a: number, b: number) => (b > 0 && !Number.isNaN(a) ? `${(a / b).toFixed(2)}×` : 'n/a')

function table(results: Map<string, Record<Side, Measurement>>): string {
  const rows = [
    ['operation', 'clients', 'side', 'req/s', 'p50 ms', 'p99 ms', 'failed'],
    ['---', '---:', '---', '---:', '---:', '---:', '---:'],
  ]
  for (const [key, bySide] of results) {
    const [operation, clients] = key.split('|') as [string, string]
    for (const side of ['gateway', 'direct'] as const) {
      const m = bySide[side]
      rows.push([
        side === 'gateway' ? operation : '',
        side === 'gateway' ? clients : '',
        side,
        Math.round(m.requestsPerSecond).toString(),
        ms(m.p50),
        ms(m.p99),
        `${m.failures}/${m.requests}`,
      ])
    }
    rows.push([
      '',
      '',
      '**gateway/direct**',
      ratio(bySide.gateway.requestsPerSecond, bySide.direct.requestsPerSecond),
      ratio(bySide.gateway.p50, bySide.direct.p50),
      ratio(bySide.gateway.p99, bySide.direct.p99),
      '',
    ])
  }
  return markdownTable(rows, 3)
}

const started = performance.now()
console.log(
  `MCP Gateway benchmark: clients ${levels.join(', ')}, ${warmupS} s warm-up + ${seconds} s per cell, ` +
    `Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`,
)
const results = new Map<string, Record<Side, Measurement>>()
const desk = await startDesk()
let failed = false
try {
  const webPort = await freePort()
  const gatewayPort = await freePort()
  const apiUrl = `http://127.0.0.1:${webPort}`
  const common = {
    LOG_LEVEL: 'warn',
    PRODGY_API_TOKEN: SERVICE_KEY,
    // every request of the run comes from one address; the default 600 a minute would answer 429
    PRODGY_RATE_LIMIT_API: '100000000/60',
  }
  process.stdout.write('booting prodgy start and prodgy gateway… ')
  servers.push(
    await startServer({
      name: 'prodgy start',
      command: process.execPath,
      args: [PRODGY_BIN, 'start'],
      port: webPort,
      readyPath: '/health/ready',
      env: isolatedEnv({
        ...common,
        PRODGY_DATA_DIR: 'memory://',
        PRODGY_WEB_PORT: String(webPort),
        PRODGY_PUBLIC_URL: apiUrl,
        PRODGY_OUTBOUND_ALLOWLIST: '127.0.0.1',
        PRODGY_ENCRYPTION_KEY: `bench-encryption-key-${crypto.randomUUID()}`,
      }),
    }),
  )
  servers.push(
    await startServer({
      name: 'prodgy gateway',
      command: process.execPath,
      args: [PRODGY_BIN, 'gateway'],
      port: gatewayPort,
      readyPath: '/health/ready',
      env: isolatedEnv({
        ...common,
        PRODGY_HOST: '127.0.0.1',
        PRODGY_GATEWAY_PORT: String(gatewayPort),
        PRODGY_API_URL: apiUrl,
        PRODGY_PUBLIC_URL: apiUrl,
      }),
    }),
  )
  const urls = { api: apiUrl, gateway: `http://127.0.0.1:${gatewayPort}` }
  console.log('done')
  const setup = await setUp(apiUrl, desk.url)
  for (const operation of ['tools/list', 'search_knowledge', 'get_ticket'] as const) {
    for (const clients of levels) {
      const bySide = {} as Record<Side, Measurement>
      for (const side of ['gateway', 'direct'] as const) {
        const send = await senders(side, operation, clients, urls, setup)
        // checked once first, so a broken setup fails here rather than as a table of failures
        if (!(await (send[0] as Send)())) throw new Error(`${side} ${operation} failed on its first call`)
        await load(send, warmupS)
        bySide[side] = await load(send, seconds)
        process.stdout.write(
          `  ${operation} × ${clients} ${side}: p50 ${ms(bySide[side].p50)} ms, ${Math.round(bySide[side].requestsPerSecond)} req/s\n`,
        )
      }
      results.set(`${operation}|${clients}`, bySide)
    }
  }
} catch (error) {
  console.error(`\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}`)
  failed = true
} finally {
  await stopAll()
  desk.close()
}
if (failed) process.exit(1)
console.log(`\n${table(results)}\n`)
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)
