/**
 * The API on Bun against the API on Node: boots each as a child process on a throwaway PGlite database, creates
 * the first account and an API token through the API, then loads two authenticated JSON endpoints with
 * autocannon from this process. The servers run one after the other, never together, so on a 2-core machine
 * each one competes only with the load generator. Prints numbers and ratios; it never judges them.
 *
 *   npx tsx bench/api.ts [--duration 10] [--connections 50] [--warmup 2]
 */
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import {
  API_RUNTIMES,
  type ApiRuntime,
  callJson,
  freePort,
  type RunningServer,
  startApi,
} from '../tests/support/servers.ts'
import { exitOnSignal, markdownTable, positiveInt } from './support.ts'

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

const runtimes = API_RUNTIMES.filter((r): r is ApiRuntime & { name: RuntimeName } => r.name !== 'deno')
  // Bun first, then Node: the order of the printed table
  .sort((a, b) => a.name.localeCompare(b.name))

exitOnSignal()

async function boot(runtime: ApiRuntime): Promise<RunningServer> {
  // The default 600 a minute per address would turn most of the run into 429s.
  return startApi(runtime, await freePort(), { LOG_LEVEL: 'warn', PRODGY_RATE_LIMIT_API: '100000000/60' })
}

async function call<T>(
  server: RunningServer,
  method: 'GET' | 'POST',
  path: string,
  expected: number,
  options: { body?: unknown; token?: string } = {},
): Promise<T> {
  const { status, json } = await callJson<{ data: T }>(server.baseUrl, method, path, options)
  if (status !== expected) {
    throw new Error(`${method} ${path} answered ${status}, expected ${expected}: ${JSON.stringify(json).slice(0, 500)}`)
  }
  return json.data
}

interface Target {
  label: string
  path: string
  token: string
}

async function setUp(server: RunningServer): Promise<Target[]> {
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

async function load(server: RunningServer, target: Target, seconds: number): Promise<Measurement> {
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
    await server.stop()
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
  return markdownTable(rows, 2)
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
