/**
 * Smoke test of the Gateway's three entry files: one API on Node, then the Gateway under Node, Bun and Deno in turn
 * in front of it. Each answers its health checks and one MCP round trip with the official client (initialize,
 * tools/list, a tool call), catching a dependency that works under tsx but not under Bun's or Deno's loaders.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {
  API_RUNTIMES,
  callJson,
  freePort,
  isolatedEnv,
  ROOT,
  type RunningServer,
  startApi,
  startServer,
  stopProcess,
} from './support/servers.ts'

const SERVICE_KEY = 'gateway-runtime-smoke-service-key-0123456789'

const GATEWAY_RUNTIMES: { name: string; command: string; args(port: number, apiPort: number): string[] }[] = [
  { name: 'node', command: process.execPath, args: () => ['--import', 'tsx', 'edge/gateway/src/entry/node.ts'] },
  {
    name: 'bun',
    command: join(ROOT, 'node_modules/.bin/bun'),
    args: () => ['--no-env-file', 'edge/gateway/src/entry/bun.ts'],
  },
  {
    name: 'deno',
    command: join(ROOT, 'node_modules/.bin/deno'),
    // its own address, the API's, and the environment: nothing else
    args: (port, apiPort) => [
      'run',
      '--no-prompt',
      `--allow-net=127.0.0.1:${port},127.0.0.1:${apiPort}`,
      '--allow-env',
      'edge/gateway/src/entry/deno.ts',
    ],
  },
]

describe('Gateway entry files', () => {
  let api: RunningServer | undefined
  let apiPort: number
  let token: string

  before(async () => {
    apiPort = await freePort()
    api = await startApi(API_RUNTIMES[0] as (typeof API_RUNTIMES)[number], apiPort, { PRODGY_API_TOKEN: SERVICE_KEY })
    const setup = await callJson<{ data: { accessToken: string } }>(api.baseUrl, 'POST', '/api/setup', {
      body: {
        email: 'ada@example.com',
        password: 'Correct-Horse-9',
        fullName: 'Ada Lovelace',
        organizationName: 'Acme',
        workspaceName: 'Main',
      },
    })
    assert.equal(setup.status, 201, JSON.stringify(setup.json))
    const me = await callJson<{ data: { workspaces: { id: string }[] } }>(api.baseUrl, 'GET', '/api/me', {
      token: setup.json.data.accessToken,
    })
    const created = await callJson<{ data: { token: string } }>(
      api.baseUrl,
      'POST',
      `/api/workspaces/${me.json.data.workspaces[0]?.id}/api-tokens`,
      { token: setup.json.data.accessToken, body: { name: 'smoke' } },
    )
    token = created.json.data.token
  })
  after(async () => {
    await api?.stop()
  })

  for (const runtime of GATEWAY_RUNTIMES) {
    test(`the Gateway on ${runtime.name}: health, MCP round trip, clean stop`, async (t) => {
      const port = await freePort()
      const gateway = await startServer({
        name: `Gateway on ${runtime.name}`,
        command: runtime.command,
        args: runtime.args(port, apiPort),
        port,
        readyPath: '/health/ready',
        env: isolatedEnv({
          PRODGY_HOST: '127.0.0.1',
          PRODGY_GATEWAY_PORT: String(port),
          PRODGY_API_URL: `http://127.0.0.1:${apiPort}`,
          PRODGY_API_TOKEN: SERVICE_KEY,
          PRODGY_PUBLIC_URL: 'http://prodgy.test',
        }),
      })
      try {
        t.diagnostic(`${runtime.name} booted in ${gateway.bootMs} ms`)
        const health = await callJson<{ data: { service: string } }>(gateway.baseUrl, 'GET', '/health')
        assert.equal(health.json.data.service, 'gateway')
        const client = new Client({ name: 'smoke', version: '1.0.0' })
        await client.connect(
          new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}/mcp`), {
            requestInit: { headers: { Authorization: `Bearer ${token}` } },
          }),
        )
        try {
          const tools = (await client.listTools()).tools.map((tool) => tool.name)
          assert.ok(tools.includes('search_knowledge'))
          const profile = await client.callTool({ name: 'get_my_profile', arguments: {} })
          const first = profile.content as { type: string; text: string }[]
          assert.equal(
            (JSON.parse(first[0]?.text ?? '{}') as { user: { email: string } }).user.email,
            'ada@example.com',
          )
        } finally {
          await client.close()
        }
        assert.equal(await stopProcess(gateway.child, 10_000), 0, gateway.output())
      } finally {
        await gateway.stop()
      }
    })
  }
})
