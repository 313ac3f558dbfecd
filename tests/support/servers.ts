/**
 * Starting Prodgy servers as child processes, for the smoke, CLI and browser tests and the benchmarks: a free
 * loopback port, a bounded wait until the server answers, the tail of its output in every failure message, and
 * a stop that always ends the process (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const PRODGY_BIN = join(ROOT, 'cli', 'bin', 'prodgy.mjs')
const POLL_MS = 200
const TAIL_BYTES = 4_000

export interface ApiRuntime {
  name: 'node' | 'bun' | 'deno'
  command: string
  args(port: number): string[]
}

/** The API's three entry files, each started the way a deployer would start it. */
export const API_RUNTIMES: readonly ApiRuntime[] = [
  { name: 'node', command: process.execPath, args: () => ['--import', 'tsx', 'edge/api/src/entry/node.ts'] },
  {
    name: 'bun',
    command: join(ROOT, 'node_modules/.bin/bun'),
    // Bun reads a `.env` in the working folder on its own; a developer's DATABASE_URL there would change the run.
    args: () => ['--no-env-file', 'edge/api/src/entry/bun.ts'],
  },
  {
    name: 'deno',
    command: join(ROOT, 'node_modules/.bin/deno'),
    // The least the API needs with an in-memory database: listen on its one address, read the environment, and
    // read node_modules, where PGlite loads its WebAssembly from.
    args: (port) => [
      'run',
      '--no-prompt',
      `--allow-net=127.0.0.1:${port}`,
      '--allow-env',
      `--allow-read=${join(ROOT, 'node_modules')}`,
      'edge/api/src/entry/deno.ts',
    ],
  },
]

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** The parent's environment minus anything that would point a child at a real database, Redis or mail server. */
export function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(PRODGY_|DATABASE_URL$|REDIS_URL$|UPSTASH_|SMTP_)/.test(key)) continue
    env[key] = value
  }
  return { ...env, NO_COLOR: '1', ...extra }
}

export interface RunningServer {
  child: ChildProcess
  baseUrl: string
  bootMs: number
  /** The last few kilobytes the process wrote, for failure messages. */
  output(): string
  stop(): Promise<number | null>
}

const children = new Set<ChildProcess>()
// A runner killed mid-suite skips `after`; this keeps its servers from outliving it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

export async function startServer(options: {
  name: string
  command: string
  args: string[]
  port: number
  env: NodeJS.ProcessEnv
  readyPath?: string
  timeoutMs?: number
  stopTimeoutMs?: number
}): Promise<RunningServer> {
  const started = performance.now()
  const child = spawn(options.command, options.args, { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let tail = ''
  const push = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES)
  }
  child.stdout?.on('data', push)
  child.stderr?.on('data', push)
  let spawnError: Error | undefined
  child.once('error', (error) => {
    spawnError = error
  })
  const output = () => tail.trim() || '(no output)'
  const baseUrl = `http://127.0.0.1:${options.port}`
  const stop = () => stopProcess(child, options.stopTimeoutMs ?? 10_000)
  const failure = (reason: string) => new Error(`${options.name}: ${reason}\n--- output (tail) ---\n${output()}`)
  const timeoutMs = options.timeoutMs ?? 90_000
  const deadline = started + timeoutMs
  while (performance.now() < deadline) {
    if (spawnError) throw failure(`could not spawn ${options.command}: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      throw failure(`exited before answering (code ${child.exitCode}, signal ${child.signalCode})`)
    }
    try {
      const response = await fetch(`${baseUrl}${options.readyPath ?? '/health'}`, { signal: AbortSignal.timeout(1000) })
      await response.body?.cancel()
      if (response.status === 200) {
        return { child, baseUrl, bootMs: Math.round(performance.now() - started), output, stop }
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  await stop()
  throw failure(`${options.readyPath ?? '/health'} did not answer 200 within ${timeoutMs / 1000} s`)
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code. */
export async function stopProcess(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = once(child, 'exit') as Promise<[number | null]>
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  try {
    const [code] = await exited
    return code
  } finally {
    clearTimeout(timer)
  }
}

export function startApi(runtime: ApiRuntime, port: number, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    name: `API on ${runtime.name}`,
    command: runtime.command,
    args: runtime.args(port),
    port,
    env: isolatedEnv({ PRODGY_DATA_DIR: 'memory://', PRODGY_HOST: '127.0.0.1', PRODGY_API_PORT: String(port), ...env }),
  })
}

export interface RunningPlatform {
  baseUrl: string
  server: RunningServer
  /** Stops the server and removes its data folder. */
  close(): Promise<void>
}

/**
 * The whole platform as `prodgy start` on a free port and a fresh data folder of its own, answering at
 * `baseUrl`. `env` adds to or overrides the server's environment (e.g. `PRODGY_OUTBOUND_ALLOWLIST` for a local
 * stand-in of a service).
 */
export async function startPlatformServer(options: { env?: Record<string, string> } = {}): Promise<RunningPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'prodgy-platform-'))
  const removeData = () => rmSync(dataDir, { recursive: true, force: true })
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  let server: RunningServer
  try {
    server = await startServer({
      name: 'prodgy start',
      command: process.execPath,
      args: [PRODGY_BIN, 'start'],
      port,
      env: isolatedEnv({
        PRODGY_DATA_DIR: join(dataDir, 'data'),
        PRODGY_WEB_PORT: String(port),
        PRODGY_PUBLIC_URL: baseUrl,
        // tests sign in several times from one address
        PRODGY_RATE_LIMIT_AUTH: '1000/60',
        LOG_LEVEL: 'warn',
        ...options.env,
      }),
      readyPath: '/health/ready',
    })
  } catch (error) {
    removeData()
    throw error
  }
  return {
    baseUrl,
    server,
    async close() {
      await server.stop()
      removeData()
    },
  }
}

/** A JSON call to a running server, with a timeout; a body that is not JSON fails with the start of its text. */
export async function callJson<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; timeoutMs?: number } = {},
): Promise<{ status: number; json: T }> {
  const headers: Record<string, string> = {}
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.token) headers.authorization = `Bearer ${options.token}`
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  })
  const text = await response.text()
  try {
    return { status: response.status, json: JSON.parse(text) as T }
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 500)}`)
  }
}
