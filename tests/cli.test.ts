/** The `prodgy` command as an operator uses it: admin and token creation, the one-process server, the data-folder lock. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { testService } from '@prodgy/core/testing/services'
import postgres from 'postgres'
import { freePort, isolatedEnv, PRODGY_BIN, ROOT, type RunningServer, startServer } from './support/servers.ts'

const PASSWORD = 'Correct-Horse-9'

function run(args: string[], env: Record<string, string>, timeoutMs = 90_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [PRODGY_BIN, ...args], { env: isolatedEnv(env), cwd: ROOT })
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

describe('the prodgy command on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prodgy-cli-'))
  const env = { PRODGY_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'warn' }
  let server: RunningServer | undefined
  let token = ''

  after(async () => {
    await server?.stop()
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
    server = await startServer({
      name: 'prodgy start',
      command: process.execPath,
      args: [PRODGY_BIN, 'start'],
      port,
      env: isolatedEnv({ ...env, PRODGY_WEB_PORT: String(port), LOG_LEVEL: 'info' }),
      readyPath: '/health/ready',
    })
    const base = server.baseUrl
    assert.match(server.output(), new RegExp(`Prodgy is running at http://localhost:${port}`))
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
    assert.equal(await server?.stop(), 0)
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
