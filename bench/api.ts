/**
 * The API on Bun against the API on Node: boots each as a child process on a throwaway PGlite database, creates
 * the first account and an API token through the API, then loads two authenticated JSON endpoints with
 * autocannon from this process. The servers run one after the other, never together, so on a 2-core machine
 * each one competes only with the load generator. Prints numbers and ratios; it never judges them.
 *
 *   npx tsx bench/api.ts [--duration 10] [--connections 50] [--warmup 2]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { type AddressInfo, createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const root = fileURLToPath(new URL('..', import.meta.url))
const BOOT_TIMEOUT_MS = 60_000
const POLL_MS = 200
const REQUEST_TIMEOUT_MS = 15_000
const STOP_TIMEOUT_MS = 5_000
const TAIL_BYTES = 4_000

function positiveInt(name: string, raw: string): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number above 0, got "${raw}"`)
  return value
}

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
  },
})
const durationS = positiveInt('duration', flags.duration)
const connections = positiveInt('connections', flags.connections)
const warmupS = positiveInt('warmup', flags.warmup)

type RuntimeName = 'bun' | 'node'

const runtimes: { name: RuntimeName; command: string; args: string[] }[] = [
  // Bun reads a `.env` in the working folder on its own; Node does not, so the two would see different settings.
  { name: 'bun', command: join(root, 'node_modules/.bin/bun'), args: ['--no-env-file', 'edge/api/src/entry/bun.ts'] },
  { name: 'node', command: process.execPath, args: ['--import', 'tsx', 'edge/api/src/entry/node.ts'] },
]

const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers`)
    void Promise.allSettled([...children].map(stop)).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  })
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

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** The parent's environment minus anything that would point the server at a real database, Redis or mail server. */
function serverEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(PRODGY_|DATABASE_URL$|REDIS_URL$|UPSTASH_|SMTP_|LOG_LEVEL$)/.test(key)) continue
    env[key] = value
  }
  return {
    ...env,
    NO_COLOR: '1',
    LOG_LEVEL: 'warn',
    PRODGY_DATA_DIR: 'memory://',
    PRODGY_HOST: '127.0.0.1',
    PRODGY_API_PORT: String(port),
    // The default 600 a minute per token would turn most of the run into 429s.
    PRODGY_RATE_LIMIT_API: '100000000/60',
  }
}

interface Server {
  child: ChildProcess
  baseUrl: string
  bootMs: number
}

async function boot(runtime: (typeof runtimes)[number]): Promise<Server> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(runtime.command, runtime.args, {
    cwd: root,
    env: serverEnv(port),
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
  const failure = (reason: string) =>
    new Error(`${runtime.name}: ${reason}\n--- stderr (tail) ---\n${stderr}\n--- stdout (tail) ---\n${stdout}`)

  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = started + BOOT_TIMEOUT_MS
  while (performance.now() < deadline) {
    if (spawnError) throw failure(`could not spawn ${runtime.command}: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      throw failure(`exited before answering /health (code ${child.exitCode}, signal ${child.signalCode})`)
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(POLL_MS * 5) })
      await response.body?.cancel()
      if (response.status === 200) return { child, baseUrl, bootMs: Math.round(performance.now() - started) }
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

async function call<T>(
  server: Server,
  method: 'GET' | 'POST',
  path: string,
  expected: number,
  options: { body?: unknown; token?: string } = {},
): Promise<T> {
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
  if (response.status !== expected) {
    throw new Error(`${method} ${path} answered ${response.status}, expected ${expected}: ${text.slice(0, 500)}`)
  }
  return (JSON.parse(text) as { data: T }).data
}

interface Target {
  label: string
  path: string
  token: string
}

async function setUp(server: Server): Promise<Target[]> {
  const session = await call<{ accessToken: string }>(server, 'POST', '/api/setup', 201, {
    body: {
      email: 'bench@example.com',
      password: 'Correct-Horse-9',
      fullName: 'Bench Mark',
      organizationName: 'Bench',
      workspaceName: 'Main',
    },
  })
  const me = await call<{ workspaces: { id: string }[] }>(server, 'GET', '/api/me', 200, {
    token: session.accessToken,
  })
  const workspaceId = me.workspaces[0]?.id
  if (!workspaceId) throw new Error('setup created no workspace')
  const created = await call<{ token: string }>(server, 'POST', `/api/workspaces/${workspaceId}/api-tokens`, 201, {
    token: session.accessToken,
    body: { name: 'bench' },
  })
  return [
    { label: 'GET /api/me (API token)', path: '/api/me', token: created.token },
    { label: 'GET /api/workspaces/{id} (session)', path: `/api/workspaces/${workspaceId}`, token: session.accessToken },
  ]
}

interface Measurement {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  total: number
}

async function load(server: Server, target: Target, seconds: number): Promise<Measurement> {
  // A run that never returns would hold the servers open; autocannon stops itself at `duration`, this is the backstop.
  const guardMs = (seconds + 30) * 1000
  let guard: NodeJS.Timeout | undefined
  const result = await Promise.race([
    autocannon({
      url: `${server.baseUrl}${target.path}`,
      method: 'GET',
      headers: { authorization: `Bearer ${target.token}` },
      connections,
      duration: seconds,
      timeout: 10,
    }),
    new Promise<never>((_, reject) => {
      guard = setTimeout(() => reject(new Error(`autocannon ran past ${guardMs / 1000} s`)), guardMs)
    }),
  ]).finally(() => clearTimeout(guard))
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
  }
}

type Results = Map<string, Partial<Record<RuntimeName, Measurement>>>

async function benchRuntime(runtime: (typeof runtimes)[number], results: Results): Promise<number> {
  process.stdout.write(`${runtime.name}: booting… `)
  const server = await boot(runtime)
  try {
    process.stdout.write(`ready in ${server.bootMs} ms; setting up… `)
    const targets = await setUp(server)
    console.log('done')
    for (const target of targets) {
      // Checked once by hand so that a broken token fails here with the answer, not as a table full of non-2xx.
      await call(server, 'GET', target.path, 200, { token: target.token })
      await load(server, target, warmupS)
      const measured = await load(server, target, durationS)
      if (measured.total === measured.non2xx) {
        throw new Error(`${runtime.name} ${target.label}: no request answered 2xx (${measured.non2xx} non-2xx)`)
      }
      console.log(`  ${target.label}: ${Math.round(measured.requestsPerSecond)} req/s`)
      results.set(target.label, { ...results.get(target.label), [runtime.name]: measured })
    }
    return server.bootMs
  } finally {
    await stop(server.child)
  }
}

const ms = (value: number) => value.toFixed(value < 10 ? 1 : 0)
const ratio = (bun: number, node: number) => (node > 0 ? `${(bun / node).toFixed(2)}×` : 'n/a')

function table(results: Results): string {
  const rows = [
    ['endpoint', 'runtime', 'req/s', 'p50 ms', 'p99 ms', 'errors / non-2xx'],
    ['---', '---', '---:', '---:', '---:', '---:'],
  ]
  for (const [label, byRuntime] of results) {
    for (const name of ['bun', 'node'] as const) {
      const m = byRuntime[name]
      if (!m) continue
      rows.push([
        label,
        name,
        Math.round(m.requestsPerSecond).toString(),
        ms(m.p50),
        ms(m.p99),
        `${m.errors} / ${m.non2xx}`,
      ])
    }
    const { bun, node } = byRuntime
    if (bun && node) {
      rows.push([
        '',
        '**bun/node**',
        ratio(bun.requestsPerSecond, node.requestsPerSecond),
        ratio(bun.p50, node.p50),
        ratio(bun.p99, node.p99),
        '',
      ])
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row, index) =>
      index === 1
        ? `| ${widths.map((w, column) => (row[column]!.endsWith(':') ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
        : `| ${row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`,
    )
    .join('\n')
}

const started = performance.now()
console.log(
  `API benchmark: ${connections} connections, ${warmupS} s warm-up + ${durationS} s per endpoint, ` +
    `Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`,
)
const results: Results = new Map()
const boots: string[] = []
try {
  for (const runtime of runtimes) boots.push(`${runtime.name} ${await benchRuntime(runtime, results)} ms`)
} catch (error) {
  console.error(`\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
console.log(`\n${table(results)}\n`)
console.log(`boot to first /health 200: ${boots.join(', ')}`)
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)
