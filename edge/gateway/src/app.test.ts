/**
 * The Gateway's own HTTP surface, where it answers without the API: discovery metadata, the authentication
 * challenge, the methods it refuses, session ids and readiness when the API is away. The paths that need the API
 * are covered in tests/mcp-gateway.test.ts against the real one.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import { createLogger } from '@prodgy/core'
import { createGatewayApp, newSessionId } from './app.ts'

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })

/** A loopback port nothing listens on: the API is down. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function gateway(apiCalls: Request[], apiBaseUrl = 'http://127.0.0.1:9') {
  return createGatewayApp({
    api: {
      fetch(request) {
        apiCalls.push(request)
        return fetch(request)
      },
    },
    apiBaseUrl,
    serviceKey: 'gateway-key-'.padEnd(48, 'x'),
    publicUrl: 'https://prodgy.example/',
    mcpUrl: 'https://prodgy.example/mcp',
    logger: createLogger({ write: () => undefined }),
    apiTimeoutMs: 2000,
  })
}

describe('MCP Gateway HTTP surface', () => {
  it('serves RFC 9728 protected-resource metadata at both addresses, open to any origin', async () => {
    const app = gateway([])
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await app.request(path, { headers: { origin: 'https://client.example' } })
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('access-control-allow-origin'), '*')
      assert.deepEqual(await response.json(), {
        resource: 'https://prodgy.example/mcp',
        authorization_servers: ['https://prodgy.example'],
        scopes_supported: ['mcp:read', 'mcp:write', 'mcp:execute', 'mcp:admin'],
        bearer_methods_supported: ['header'],
        resource_name: 'Prodgy',
      })
    }
    const preflight = await app.request('/.well-known/oauth-protected-resource/mcp', {
      method: 'OPTIONS',
      headers: { origin: 'https://client.example', 'access-control-request-method': 'GET' },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
  })

  it('answers 401 with the metadata address when no credential is sent, without calling the API', async () => {
    const calls: Request[] = []
    const response = await gateway(calls).request('/mcp', { method: 'POST', headers: MCP_HEADERS, body: TOOLS_LIST })
    assert.equal(response.status, 401)
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer resource_metadata="https://prodgy.example/.well-known/oauth-protected-resource/mcp"',
    )
    const body = (await response.json()) as { error: { message: string } }
    assert.match(body.error.message, /Authorization: Bearer/)
    assert.equal(calls.length, 0)
  })

  it('refuses the event stream (GET) with 405 and Allow: POST, and ends sessions (DELETE) with 200', async () => {
    const app = gateway([])
    const get = await app.request('/mcp', { headers: { accept: 'text/event-stream', authorization: 'Bearer x' } })
    assert.equal(get.status, 405)
    assert.equal(get.headers.get('allow'), 'POST')
    const put = await app.request('/mcp', { method: 'PUT' })
    assert.equal(put.status, 405)
    const ended = await app.request('/mcp', { method: 'DELETE', headers: { 'mcp-session-id': newSessionId() } })
    assert.equal(ended.status, 200)
    const noSession = await app.request('/mcp', { method: 'DELETE' })
    assert.equal(noSession.status, 400)
  })

  it('lets browser clients read the session id and the challenge', async () => {
    const preflight = await gateway([]).request('/mcp', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://inspector.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, mcp-session-id, mcp-protocol-version, content-type',
      },
    })
    assert.equal(preflight.status, 204)
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()
    for (const header of ['authorization', 'mcp-session-id', 'mcp-protocol-version', 'content-type']) {
      assert.ok(allowed.includes(header), `${header} is allowed`)
    }
    const refused = await gateway([]).request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, origin: 'https://inspector.example' },
      body: TOOLS_LIST,
    })
    const exposed = (refused.headers.get('access-control-expose-headers') ?? '').toLowerCase()
    assert.ok(exposed.includes('mcp-session-id') && exposed.includes('www-authenticate'))
  })

  it('refuses bodies that are not JSON and session ids the API would not accept', async () => {
    const app = gateway([])
    const notJson = await app.request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: 'Bearer prodgy_abc' },
      body: '{"jsonrpc":',
    })
    assert.equal(notJson.status, 400)
    assert.equal(((await notJson.json()) as { error: { code: number } }).error.code, -32700)
    const badSession = await app.request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: 'Bearer prodgy_abc', 'mcp-session-id': 'short id' },
      body: TOOLS_LIST,
    })
    assert.equal(badSession.status, 400)
  })

  it('reports the API being away: /health answers, /health/ready and MCP calls do not', async () => {
    const calls: Request[] = []
    const app = gateway(calls, `http://127.0.0.1:${await closedPort()}`)
    const health = await app.request('/health')
    assert.equal(health.status, 200)
    assert.equal(((await health.json()) as { data: { service: string } }).data.service, 'gateway')
    const ready = await app.request('/health/ready')
    assert.equal(ready.status, 503)
    const call = await app.request('/mcp', {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: 'Bearer prodgy_abc' },
      body: TOOLS_LIST,
    })
    assert.equal(call.status, 502)
    const body = (await call.json()) as { error: { message: string } }
    assert.match(body.error.message, /could not be reached/)
    // the relayed call carried the caller's token and the Gateway's key
    const relayed = calls.at(-1) as Request
    assert.equal(relayed.headers.get('authorization'), 'Bearer prodgy_abc')
    assert.equal(relayed.headers.get('x-api-key'), 'gateway-key-'.padEnd(48, 'x'))
    assert.equal(new URL(relayed.url).pathname, '/api/mcp/context')
  })

  it('makes session ids of 32 random hex characters', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newSessionId()))
    assert.equal(ids.size, 100)
    for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/)
  })
})
