import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { checkOutboundUrl, isNonPublicAddress, type OutboundPolicy, outboundFetch, parseAllowlist } from './outbound.ts'

const policy = (over: Partial<OutboundPolicy> = {}): OutboundPolicy => ({
  allowlist: [],
  timeoutMs: 2000,
  maxResponseBytes: 1024,
  ...over,
})

describe('the outbound SSRF guard', () => {
  it('classifies private, loopback, link-local and reserved addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '[::1]',
    ]) {
      assert.equal(isNonPublicAddress(ip), true, ip)
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700::1111', '140.82.112.3']) {
      assert.equal(isNonPublicAddress(ip), false, ip)
    }
  })

  it('refuses non-http schemes, credentials in URLs, loopback and metadata addresses', async () => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://example.com',
      'http://user:pass@example.com/',
      'http://127.0.0.1:8080/',
      'http://localhost/',
      'http://api.localhost/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://metadata.google.internal/',
    ]) {
      await assert.rejects(checkOutboundUrl(url, policy()), (e: Error & { code?: string }) => {
        assert.match(e.code ?? '', /outbound_blocked|invalid_url/, url)
        return true
      })
    }
  })

  it('checks every address a name resolves to', async () => {
    const resolveHost = async (host: string) =>
      host === 'evil.example' ? ['93.184.216.34', '10.0.0.5'] : ['93.184.216.34']
    await assert.rejects(checkOutboundUrl('https://evil.example/x', policy({ resolveHost })), /private/)
    await checkOutboundUrl('https://good.example/x', policy({ resolveHost }))
  })

  it('lets the operator allowlist open names, addresses and IPv4 networks', async () => {
    const allowlist = parseAllowlist(' Jira.Internal , 127.0.0.1,10.0.5.0/24 ')
    assert.deepEqual(allowlist, ['jira.internal', '127.0.0.1', '10.0.5.0/24'])
    const resolveHost = async () => ['10.0.5.7']
    await checkOutboundUrl('http://127.0.0.1:9/', policy({ allowlist }))
    await checkOutboundUrl('http://10.0.5.9/', policy({ allowlist }))
    await checkOutboundUrl('https://jira.internal/', policy({ allowlist, resolveHost }))
    await checkOutboundUrl('https://other.internal/', policy({ allowlist, resolveHost }))
    await assert.rejects(checkOutboundUrl('http://10.0.6.1/', policy({ allowlist })), /private/)
  })
})

describe('outbound fetch limits', () => {
  let url: string
  const server = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ data: 'x'.repeat(5000) }))
    } else if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      let n = 0
      const timer = setInterval(() => {
        res.write('y'.repeat(400))
        if (++n === 10) {
          clearInterval(timer)
          res.end()
        }
      }, 5)
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 3000).unref()
    } else if (req.url === '/redirect-private') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' })
      res.end()
    } else if (req.url === '/redirect-ok') {
      res.writeHead(302, { location: '/ok' })
      res.end()
    } else {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true, auth: req.headers.authorization ?? null }))
    }
  })
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => {
    server.closeAllConnections()
    server.close()
  })
  const open = () => policy({ allowlist: ['127.0.0.1'] })

  it('refuses a response above the size cap, declared or streamed', async () => {
    await assert.rejects(outboundFetch({ url: `${url}/big`, method: 'GET', headers: {} }, open()), /more than 1 KB/)
    await assert.rejects(outboundFetch({ url: `${url}/stream`, method: 'GET', headers: {} }, open()), /more than 1 KB/)
  })

  it('gives up at the deadline with a timeout error', async () => {
    await assert.rejects(
      outboundFetch({ url: `${url}/slow`, method: 'GET', headers: {} }, { ...open(), timeoutMs: 200 }),
      (e: Error & { code?: string }) => e.code === 'tool_timeout',
    )
  })

  it('checks every redirect hop and follows allowed ones', async () => {
    await assert.rejects(
      outboundFetch({ url: `${url}/redirect-private`, method: 'GET', headers: {} }, open()),
      (e: Error & { code?: string }) => e.code === 'outbound_blocked',
    )
    const ok = await outboundFetch(
      { url: `${url}/redirect-ok`, method: 'GET', headers: { authorization: 'Bearer t' } },
      open(),
    )
    assert.equal(ok.status, 200)
    assert.equal(JSON.parse(ok.text).auth, 'Bearer t')
  })
})
