/**
 * Smoke test of the API's three entry files: each runtime boots the real server on a throwaway PGlite database,
 * answers the health checks and completes one authenticated round trip (setup, then `/api/me`). It catches what
 * unit tests cannot: a dependency or an entry file that works under tsx but not under Bun's or Deno's loaders.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { type AddressInfo, createServer } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const BOOT_TIMEOUT_MS = 60_000
const POLL_MS = 200
const REQUEST_TIMEOUT_MS = 15_000
const STOP_TIMEOUT_MS = 10_000
const TAIL_BYTES = 4_000

interface RuntimeCase {
  name: 'node' | 'bun' | 'deno'
  command: string
  args(port: number): string[]
}

const runtimes: RuntimeCase[] = [
  {
    name: 'node',
    command: process.execPath,
    args: () => ['--import', 'tsx', 'edge/api/src/entry/node.ts'],
  },
  {
    name: 'bun',
    command: join(root, 'node_modules/.bin/bun'),
    // Bun reads a `.env` in the working folder on its own; a developer's DATABASE_URL there would change the test.
    args: () => ['--no-env-file', 'edge/api/src/entry/bun.ts'],
  },
  {
    name: 'deno',
    command: join(root, 'node_modules/.bin/deno'),
    // The least the API needs with an in-memory database: listen on its one address, read the whole environment
    // (`Deno.env.toObject()`), and read node_modules, where PGlite loads its WebAssembly and data files from.
    args: (port) => [
      'run',
      '--no-prompt',
      `--allow-net=127.0.0.1:${port}`,
      '--allow-env',
      `--allow-read=${join(root, 'node_modules')}`,
      'edge/api/src/entry/deno.ts',
    ],
  },
]

/** The parent's environment minus anything that would point the child at a real database, Redis or mail server. */
function childEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(PRODGY_|DATABASE_URL$|REDIS_URL$|UPSTASH_|SMTP_)/.test(key)) continue
    env[key] = value
  }
  return {
    ...env,
    NO_COLOR: '1',
    PRODGY_DATA_DIR: 'memory://',
    PRODGY_HOST: '127.0.0.1',
    PRODGY_API_PORT: String(port),
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

class Tail {
  private text = ''
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-TAIL_BYTES)
  }
  toString(): string {
    return this.text.trim() || '(empty)'
  }
}

interface RunningServer {
  child: ChildProcess
  baseUrl: string
  bootMs: number
  stderr: Tail
  stdout: Tail
}

const children = new Set<ChildProcess>()
// A runner killed mid-suite skips `after`; this keeps its servers from outliving it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

async function start(runtime: RuntimeCase): Promise<RunningServer> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(runtime.command, runtime.args(port), {
    cwd: root,
    env: childEnv(port),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const stdout = new Tail()
  const stderr = new Tail()
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
  let spawnError: Error | undefined
  child.once('error', (error) => {
    spawnError = error
  })

  const baseUrl = `http://127.0.0.1:${port}`
  const failure = (reason: string) =>
    new Error(`${runtime.name}: ${reason}\n--- stderr (tail) ---\n${stderr}\n--- stdout (tail) ---\n${stdout}`)
  const deadline = started + BOOT_TIMEOUT_MS
  while (performance.now() < deadline) {
    if (spawnError) throw failure(`could not spawn ${runtime.command}: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      throw failure(`exited before answering /health (code ${child.exitCode}, signal ${child.signalCode})`)
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(POLL_MS * 5) })
      await response.body?.cancel()
      if (response.status === 200) {
        return { child, baseUrl, bootMs: Math.round(performance.now() - started), stderr, stdout }
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw failure(`/health did not answer 200 within ${BOOT_TIMEOUT_MS / 1000} s`)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  try {
    await exited
  } finally {
    clearTimeout(timer)
  }
}

async function call(
  server: RunningServer,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {}
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.token) headers.authorization = `Bearer ${options.token}`
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    assert.fail(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 500)}`)
  }
  return { status: response.status, json }
}

for (const runtime of runtimes) {
  describe(`API on ${runtime.name}`, () => {
    let server: RunningServer | undefined

    before(async () => {
      server = await start(runtime)
    })

    after(async () => {
      if (server) await stop(server.child)
    })

    const running = (): RunningServer => {
      assert.ok(server, `${runtime.name} did not start`)
      return server
    }

    test('GET /health answers ok', async (t) => {
      const s = running()
      t.diagnostic(`${runtime.name} booted in ${s.bootMs} ms`)
      const { status, json } = await call(s, 'GET', '/health')
      assert.equal(status, 200)
      const body = json as { success?: unknown; data?: { status?: unknown; service?: unknown } }
      assert.deepEqual(
        { success: body.success, data: { status: body.data?.status, service: body.data?.service } },
        { success: true, data: { status: 'ok', service: 'api' } },
      )
    })

    test('GET /health/ready answers 200', async () => {
      const { status, json } = await call(running(), 'GET', '/health/ready')
      assert.equal(status, 200, `readiness: ${JSON.stringify(json)}`)
    })

    test('setup, then /api/me with the session shows the workspace', async () => {
      const s = running()
      const email = `ada.${runtime.name}@example.com`
      const setup = await call(s, 'POST', '/api/setup', {
        body: {
          email,
          password: 'Correct-Horse-9',
          fullName: 'Ada Lovelace',
          organizationName: `Acme on ${runtime.name}`,
          workspaceName: 'Main',
        },
      })
      assert.equal(setup.status, 201, `setup: ${JSON.stringify(setup.json)}`)
      const session = setup.json as { success: boolean; data: { accessToken?: unknown } }
      assert.equal(session.success, true)
      assert.equal(typeof session.data.accessToken, 'string')

      const me = await call(s, 'GET', '/api/me', { token: session.data.accessToken as string })
      assert.equal(me.status, 200, `me: ${JSON.stringify(me.json)}`)
      const data = (me.json as { data: { user: { email: string }; workspaces: { name: string; slug: string }[] } }).data
      assert.equal(data.user.email, email)
      assert.deepEqual(
        data.workspaces.map((w) => ({ name: w.name, slug: w.slug })),
        [{ name: 'Main', slug: 'main' }],
      )
    })

    test('stops cleanly on SIGTERM', async () => {
      const { child } = running()
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
      child.kill('SIGTERM')
      const timeout = AbortSignal.timeout(STOP_TIMEOUT_MS)
      const [code, signal] = await Promise.race([
        exited,
        once(timeout, 'abort').then(() => assert.fail(`${runtime.name} ignored SIGTERM for ${STOP_TIMEOUT_MS} ms`)),
      ])
      assert.deepEqual({ code, signal }, { code: 0, signal: null })
    })
  })
}
