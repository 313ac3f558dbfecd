import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { testService } from '@prodgy/core/testing/services'
import postgres from 'postgres'
import { ROOT } from './paths.ts'

const BIN = join(ROOT, 'cli', 'bin', 'prodgy.mjs')
const PASSWORD = 'Correct-Horse-9'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function run(args: string[], env: Record<string, string>, timeoutMs = 90_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prodgy start exited early:\n${output()}`)
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`)
}

describe('the prodgy command on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prodgy-cli-'))
  const env = { PRODGY_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'warn' }
  let server: ChildProcess | undefined
  let token = ''

  after(() => {
    server?.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('creates a Super Admin with an organization and workspace', async () => {
    const result = await run(
      [
        'user',
        'create-admin',
        '--email',
        'Ops@Example.com',
        '--password',
        PASSWORD,
        '--org',
        'Acme Inc',
        '--workspace',
        'Rocket App',
      ],
      env,
    )
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /Created Super Admin ops@example\.com/)
  })

  it('refuses a weak password with the broken rules', async () => {
    const result = await run(
      ['user', 'create-admin', '--email', 'x@example.com', '--password', 'weak', '--org', 'X'],
      env,
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /uppercase/)
  })

  it('prints a new API token for a user and workspace slug', async () => {
    const result = await run(
      ['token', 'create', '--email', 'ops@example.com', '--workspace', 'rocket-app', '--name', 'cli'],
      env,
    )
    assert.equal(result.code, 0, result.stderr)
    token = result.stdout.trim()
    assert.match(token, /^prodgy_[A-Za-z0-9]{32}$/)
    const missing = await run(
      ['token', 'create', '--email', 'ops@example.com', '--workspace', 'nope', '--name', 'x'],
      env,
    )
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /No workspace with slug "nope"/)
  })

  it('starts everything behind one port and serves the API to the token', async () => {
    const port = await freePort()
    let output = ''
    server = spawn(process.execPath, [BIN, 'start'], {
      env: { ...process.env, ...env, PRODGY_WEB_PORT: String(port), LOG_LEVEL: 'info' },
      cwd: ROOT,
    })
    server.stdout?.on('data', (d) => {
      output += d
    })
    server.stderr?.on('data', (d) => {
      output += d
    })
    const base = `http://127.0.0.1:${port}`
    await waitFor(`${base}/health/ready`, 90_000, server, () => output)
    assert.match(output, new RegExp(`Prodgy is running at http://localhost:${port}`))
    const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(me.status, 200)
    const body = (await me.json()) as { data: { user: { email: string }; workspaces: { slug: string }[] } }
    assert.equal(body.data.user.email, 'ops@example.com')
    assert.deepEqual(
      body.data.workspaces.map((w) => w.slug),
      ['rocket-app'],
    )
    const page = await fetch(`${base}/some/client/route`)
    assert.ok(page.status === 200 || page.status === 503)
    assert.match(page.headers.get('content-type') ?? '', /text\/html/)
    const spec = await fetch(`${base}/api/openapi.json`)
    assert.equal(spec.status, 200)
    // the API reference works offline: its assets come from the installed package
    const swagger = await (await fetch(`${base}/swagger`)).text()
    assert.match(swagger, /\/swagger\/assets\/swagger-ui-dist\/swagger-ui-bundle\.js/)
    assert.equal((await fetch(`${base}/swagger/assets/swagger-ui-dist/swagger-ui-bundle.js`)).status, 200)
  })

  it('refuses a second process on the same data folder while the server runs', async () => {
    const result = await run(['migrate'], env)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /in use by another Prodgy process/)
  })

  it('shuts down cleanly on SIGTERM and releases the folder', async () => {
    const exited = new Promise<number | null>((resolve) => server?.on('exit', (code) => resolve(code)))
    server?.kill('SIGTERM')
    assert.equal(await exited, 0)
    const result = await run(['migrate'], env)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /up to date/)
  })
})

const pg = testService('postgres')
describe('the prodgy command on PostgreSQL', { skip: pg.skip }, () => {
  let url = ''
  const name = `prodgy_cli_${Date.now()}`
  before(async () => {
    const admin = postgres(pg.url as string, { max: 1, onnotice: () => undefined })
    await admin.unsafe(`create database ${name}`)
    await admin.end()
    const u = new URL(pg.url as string)
    u.pathname = `/${name}`
    url = u.toString()
  })
  after(async () => {
    const admin = postgres(pg.url as string, { max: 1, onnotice: () => undefined })
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  })

  it('migrates, creates an admin and a token through DATABASE_URL', async () => {
    const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' }
    const migrated = await run(['migrate'], env)
    assert.equal(migrated.code, 0, migrated.stderr)
    assert.match(migrated.stdout, /Applied \d+ migration/)
    const admin = await run(
      [
        'user',
        'create-admin',
        '--email',
        'ops@example.com',
        '--password',
        PASSWORD,
        '--org',
        'Acme',
        '--workspace',
        'Main',
      ],
      env,
    )
    assert.equal(admin.code, 0, admin.stderr)
    const token = await run(
      ['token', 'create', '--email', 'ops@example.com', '--workspace', 'main', '--name', 'x'],
      env,
    )
    assert.match(token.stdout.trim(), /^prodgy_[A-Za-z0-9]{32}$/)
  })
})
