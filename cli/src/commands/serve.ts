import { type ServerType, serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { createApiFromEnv, type RunningApi } from '@prodgy/api/runtime/compose'
import { lockDataDir } from '@prodgy/api/runtime/data-dir-lock'
import {
  createDevOutboxTransport,
  createInProcessQueue,
  createLogger,
  type Env,
  type Logger,
  type MailTransport,
  migrate,
  migrations,
  parseEnv,
  type QueuePort,
  randomAlphanumeric,
} from '@prodgy/core'
import { createBullmqQueue } from '@prodgy/core/adapters/bullmq'
import { createDatabaseFromEnv } from '@prodgy/core/adapters/database-from-env'
import { createGatewayApp } from '@prodgy/gateway'
import { createGatewayFromEnv, mcpUrlFrom } from '@prodgy/gateway/runtime/compose'
import { createSmtpTransport, createWorkerService } from '@prodgy/service'
import type { Context } from 'hono'
import { createFrontDoor, proxyTo } from '../front-door.ts'
import { STUDIO_DIST, UI_DIST } from '../paths.ts'

const clientIp = (c: Context) => getConnInfo(c).remote.address
const SHUTDOWN_TIMEOUT_MS = 10_000

function listen(fetch: (request: Request, env: unknown) => Response | Promise<Response>, host: string, port: number) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, () => resolve(server))
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} is already in use. Stop the other program or set another port in the environment.`)
          : error,
      )
    })
  })
}

/** Stops on SIGINT/SIGTERM, running each step once, in order, within a deadline. */
function onShutdown(log: Logger, steps: (() => Promise<unknown>)[]) {
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    const deadline = setTimeout(() => {
      log.error('shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS)
    deadline.unref()
    for (const step of steps) await step().catch((error) => log.warn('shutdown step failed', { error }))
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    // keep-alive sockets would hold close() open until they idle out
    ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
  })
}

export function mailTransportFor(env: Env, log: Logger): MailTransport {
  if (!env.SMTP_HOST) return createDevOutboxTransport({ log })
  return createSmtpTransport({
    host: env.SMTP_HOST,
    port: env.SMTP_PORT,
    secure: env.SMTP_SECURE,
    user: env.SMTP_USER,
    password: env.SMTP_PASSWORD,
    from: env.MAIL_FROM,
  })
}

/** `prodgy start`: the Web app, the API and the workers in one process, one port. */
export async function runStart(): Promise<number> {
  const env = parseEnv(process.env)
  const logger = createLogger({ level: env.LOG_LEVEL, bindings: { service: 'prodgy' } })
  const queue: QueuePort = env.REDIS_URL
    ? createBullmqQueue({ url: env.REDIS_URL, log: logger })
    : createInProcessQueue({ log: logger })
  let api: RunningApi
  try {
    api = await createApiFromEnv(process.env, { clientIp, lockDataDir, queue, logger })
  } catch (error) {
    await queue.close({ timeoutMs: 1000 })
    throw error
  }
  // One process, one store and one key: the workers read the files the API stored and decrypt what it saved.
  const worker = createWorkerService({
    db: api.platform.db,
    queue,
    mail: mailTransportFor(env, logger),
    log: logger,
    concurrency: env.PRODGY_WORKER_CONCURRENCY,
    storage: api.storage,
    encryptionKey: api.platform.settings.encryptionKey,
  })
  await worker.start()
  // The Gateway in memory: its API calls reach the API app without a socket. Without PRODGY_API_TOKEN it gets a key
  // of its own for this run, known to this process only.
  let serviceKey = env.PRODGY_API_TOKEN
  if (!serviceKey) {
    serviceKey = randomAlphanumeric(48)
    api.platform.settings.serviceKeys.gateway = serviceKey
  }
  const gateway = createGatewayApp({
    api: { fetch: (request, requestEnv) => api.app.fetch(request, requestEnv) },
    apiBaseUrl: env.PRODGY_PUBLIC_URL,
    serviceKey,
    publicUrl: env.PRODGY_PUBLIC_URL,
    mcpUrl: mcpUrlFrom(env),
    logger: logger.child({ service: 'gateway' }),
  })
  const front = createFrontDoor({
    api: api.app.fetch,
    gateway: gateway.fetch,
    uiDist: UI_DIST,
    studioDist: STUDIO_DIST,
  })
  let server: ServerType
  try {
    server = await listen(front.fetch, env.PRODGY_HOST, env.PRODGY_WEB_PORT)
  } catch (error) {
    await worker.stop({ timeoutMs: 2000 })
    await api.close()
    throw error
  }
  const url = `http://${env.PRODGY_HOST === '127.0.0.1' || env.PRODGY_HOST === '0.0.0.0' ? 'localhost' : env.PRODGY_HOST}:${env.PRODGY_WEB_PORT}`
  logger.info('prodgy is running', { url, queue: queue.kind, mail: env.SMTP_HOST ? 'smtp' : 'development outbox' })
  console.log(`\n  Prodgy is running at ${url}\n  API reference: ${url}/swagger\n  MCP server: ${mcpUrlFrom(env)}\n`)
  onShutdown(logger, [() => closeServer(server), () => worker.stop({ timeoutMs: 5000 }), () => api.close()])
  return -1
}

/** `prodgy api`: the API alone. */
export async function runApi(): Promise<number> {
  const env = parseEnv(process.env)
  const api = await createApiFromEnv(process.env, { clientIp, lockDataDir })
  const server = await listen(api.app.fetch, env.PRODGY_HOST, env.PRODGY_API_PORT)
  api.logger.info('api listening', { url: `http://${env.PRODGY_HOST}:${env.PRODGY_API_PORT}` })
  onShutdown(api.logger, [() => closeServer(server), () => api.close()])
  return -1
}

/**
 * Where `prodgy web` forwards `/mcp`: the origin of PRODGY_MCP_URL when it names another host than the front door,
 * else a Gateway on this host at PRODGY_GATEWAY_PORT.
 */
export function gatewayUrlFrom(env: Env): string {
  const named = env.PRODGY_MCP_URL ? new URL(env.PRODGY_MCP_URL).origin : undefined
  return named && named !== new URL(env.PRODGY_PUBLIC_URL).origin
    ? named
    : `http://127.0.0.1:${env.PRODGY_GATEWAY_PORT}`
}

/** `prodgy web`: the Web app and Studio, forwarding API calls to PRODGY_API_URL and `/mcp` to the Gateway. */
export async function runWeb(): Promise<number> {
  const env = parseEnv(process.env)
  const logger = createLogger({ level: env.LOG_LEVEL, bindings: { service: 'web' } })
  const gatewayUrl = gatewayUrlFrom(env)
  const front = createFrontDoor({
    api: proxyTo(env.PRODGY_API_URL),
    gateway: proxyTo(gatewayUrl),
    uiDist: UI_DIST,
    studioDist: STUDIO_DIST,
  })
  const server = await listen(front.fetch, env.PRODGY_HOST, env.PRODGY_WEB_PORT)
  logger.info('web listening', {
    url: `http://${env.PRODGY_HOST}:${env.PRODGY_WEB_PORT}`,
    api: env.PRODGY_API_URL,
    gateway: gatewayUrl,
  })
  onShutdown(logger, [() => closeServer(server)])
  return -1
}

/** `prodgy gateway`: the MCP Gateway alone, calling the API at PRODGY_API_URL with the key PRODGY_API_TOKEN. */
export async function runGateway(): Promise<number> {
  const gateway = createGatewayFromEnv(process.env)
  const server = await listen(gateway.app.fetch, gateway.host, gateway.port)
  gateway.logger.info('gateway listening', {
    url: `http://${gateway.host}:${gateway.port}`,
    api: gateway.apiUrl,
    mcpUrl: gateway.mcpUrl,
  })
  onShutdown(gateway.logger, [() => closeServer(server)])
  return -1
}

/** `prodgy migrate`. */
export async function runMigrate(): Promise<number> {
  const env = parseEnv(process.env)
  const database = await createDatabaseFromEnv(env, { lockDataDir })
  try {
    const result = await migrate(database.db, migrations, { log: (m) => console.log(m) })
    console.log(
      result.applied.length > 0
        ? `Applied ${result.applied.length} migration(s) to ${database.description}.`
        : `The database (${database.description}) is up to date.`,
    )
    return 0
  } finally {
    await database.close()
  }
}
