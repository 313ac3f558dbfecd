/**
 * Builds the API app over a real database (PGlite or PostgreSQL) for tests that call it with
 * `app.request()`, plus helpers to read the emails it wrote and to sign in.
 */
import {
  type CommunicatorDeps,
  createLogger,
  createMemoryFileStorage,
  createMemoryRateLimiter,
  createPlatform,
  type Database,
  type EmbeddingPort,
  type JobName,
  type MemoryFileStorage,
  outboundPolicyFromEnv,
  type Platform,
  parseEnv,
} from '@prodgy/core'
import { createApiApp } from '../app.ts'

export interface TestApi {
  app: ReturnType<typeof createApiApp>
  platform: Platform
  /** Every log line the app wrote, for asserting that no secret reached one. */
  logLines: string[]
  /** Uploaded files, in memory. */
  storage: MemoryFileStorage
  /** Every job the platform queued, in order. */
  enqueued: { name: JobName; payload: unknown }[]
  request(
    path: string,
    init?: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number
    body: { success: boolean; data?: unknown; error?: string; message?: string; details?: unknown } & Record<
      string,
      unknown
    >
    headers: Headers
  }>
  /** The action link of the newest email to `to`. */
  lastLink(to: string): Promise<string>
  tokenFromLink(link: string): string
}

export async function createTestApi(
  db: Database,
  options: {
    env?: Record<string, string>
    authLimit?: { limit: number; windowSeconds: number }
    /** The embedder every organization gets; none by default (full-text search only). */
    embedder?: EmbeddingPort
    generateText?: (organizationId: string, prompt: string) => Promise<string>
    communicator?: CommunicatorDeps
  } = {},
): Promise<TestApi> {
  const logLines: string[] = []
  const storage = createMemoryFileStorage()
  const enqueued: TestApi['enqueued'] = []
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) })
  const env = parseEnv({ PRODGY_PUBLIC_URL: 'http://prodgy.test', ...options.env })
  const platform = await createPlatform({
    db,
    log: logger,
    env,
    dispatchEmail: async () => undefined,
    enqueue: async (name, payload) => {
      enqueued.push({ name, payload })
    },
  })
  const app = createApiApp({
    platform,
    logger,
    rateLimiter: createMemoryRateLimiter(),
    rateLimits: {
      auth: options.authLimit ?? { limit: 10_000, windowSeconds: 60 },
      api: { limit: 100_000, windowSeconds: 60 },
    },
    clientIp: () => '203.0.113.7',
    trustProxy: false,
    secureCookies: false,
    storage,
    ...(options.embedder ? { embedderFor: async () => options.embedder } : {}),
    ...(options.generateText ? { generateText: options.generateText } : {}),
    // the real AI SDK adapter: tests point providers at the local OpenAI-compatible test server
    embedderFactory: async () => (await import('@prodgy/core/adapters/ai-sdk')).createEmbedder,
    outbound: outboundPolicyFromEnv(env),
    ...(options.communicator ? { communicator: options.communicator } : {}),
  })
  return {
    app,
    platform,
    logLines,
    storage,
    enqueued,
    async request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers }
      if (init.body !== undefined) headers['content-type'] = 'application/json'
      if (init.token) headers.authorization = `Bearer ${init.token}`
      const response = await app.request(path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      })
      return { status: response.status, body: (await response.json()) as never, headers: response.headers }
    },
    async lastLink(to) {
      const [row] = await db.query<{ action_url: string }>(
        'select action_url from mail_outbox where to_address = $1 order by created_at desc limit 1',
        [to],
      )
      if (!row) throw new Error(`No email to ${to}`)
      return row.action_url
    },
    tokenFromLink(link) {
      return new URL(link).searchParams.get('token') ?? ''
    },
  }
}

export const STRONG_PASSWORD = 'Correct-Horse-9'
