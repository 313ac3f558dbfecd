/**
 * A small OpenAI-compatible server for tests and benchmarks, so embeddings and chat run without a model hub.
 *
 * - `POST /v1/embeddings` (OpenAI, OpenAI-compatible, and Azure's `/deployments/<id>/embeddings`): DETERMINISTIC
 *   vectors that carry some meaning. Each lower-cased word is stemmed, stop words are dropped, words from a small
 *   synonym table map to one concept (car, automobile and vehicle are the same concept), and every term is hashed
 *   into a few signed dimensions. The sum is L2-normalised. A question using other words than a passage therefore
 *   still lands near it, and the same text always gives the same vector. The model name seeds the hash, so two
 *   models give unrelated vectors, as real ones do.
 * - `POST /v1beta/models/<m>:embedContent` and `:batchEmbedContents` (Google Generative AI), same vectors.
 * - `POST /v1/chat/completions`, JSON or Server-Sent Events (`stream: true`), with a deterministic reply.
 * - `GET /v1/models`, the model list (credential checks of LLM integrations).
 * - Authentication: `Authorization: Bearer <apiKey>`, Azure's `api-key`, or Google's `x-goog-api-key`; 401 otherwise.
 * - `failNext(n, { status, retryAfterSeconds })` answers the next n model calls with that error (429 by default,
 *   with `Retry-After`); `calls` counts what was asked; `setDelay(ms)` slows every answer (timeouts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface OpenAiTestServerOptions {
  /** Vector size; 64 by default. A request's own `dimensions` (OpenAI) or `outputDimensionality` wins. */
  dimensions?: number
  /** Per-model vector size, for tests that change models and dimensions. */
  dimensionsByModel?: Record<string, number>
  /** The accepted key; `test-key` by default. */
  apiKey?: string
  /** The chat reply for a conversation; by default it echoes the last user message. */
  reply?: (messages: { role: string; content: unknown }[]) => string
}

export interface OpenAiTestServerCalls {
  /** Embedding requests answered (successful or not), all dialects together. */
  embeddings: number
  /** Texts embedded successfully. */
  embeddedTexts: number
  chat: number
  /** Requests answered with a `failNext` error. */
  failed: number
  unauthorized: number
  /** The model named by each successful embedding request, in order. */
  models: string[]
}

export interface OpenAiTestServer {
  /** `http://127.0.0.1:<port>/v1`: the base URL OpenAI clients take. */
  url: string
  /** `http://127.0.0.1:<port>`, for the Azure and Google dialects. */
  origin: string
  apiKey: string
  calls: OpenAiTestServerCalls
  failNext(count: number, options?: { status?: number; retryAfterSeconds?: number }): void
  setDelay(ms: number): void
  /** The vector the server gives `text` under `model`: tests compare against it. */
  vectorFor(text: string, model: string, dimensions?: number): number[]
  close(): Promise<void>
}

/** Words that carry no topic; dropping them keeps questions close to the passages that answer them. */
const STOP_WORDS = new Set(
  (
    'a an the and or but if then of to in on at by for with from into about as is are was were be been being am ' +
    'do does did doing have has had having i me my we our you your he she it its they them their this that these ' +
    'those what which who whom whose when where why how can could should would will shall may might must not no ' +
    'so than too very just there here up down out over under again all any both each few more most other some such ' +
    'only own same s t don now'
  ).split(' '),
)

/** Words that mean the same thing share one concept, so different wording still lands close. */
const SYNONYMS: readonly string[][] = [
  ['car', 'automobile', 'vehicle', 'auto', 'sedan'],
  ['price', 'cost', 'pricing', 'fee', 'charge', 'expense'],
  ['buy', 'purchase', 'acquire', 'order'],
  ['error', 'failure', 'fault', 'bug', 'problem', 'crash'],
  ['fast', 'quick', 'rapid', 'speedy', 'swift'],
  ['big', 'large', 'huge', 'enormous'],
  ['small', 'little', 'tiny', 'minor'],
  ['start', 'begin', 'commence', 'launch'],
  ['end', 'finish', 'complete', 'conclude', 'stop'],
  ['help', 'assist', 'support', 'aid'],
  ['customer', 'client', 'buyer', 'shopper'],
  ['house', 'home', 'residence', 'dwelling'],
  ['doctor', 'physician', 'medic'],
  ['money', 'cash', 'fund', 'payment'],
  ['job', 'work', 'employment', 'occupation'],
  ['happy', 'glad', 'joyful', 'pleased'],
  ['refund', 'reimbursement', 'repayment'],
  ['delete', 'remove', 'erase'],
  ['password', 'passphrase', 'credential'],
  ['ship', 'deliver', 'dispatch', 'shipping', 'delivery'],
]
const CONCEPT = new Map<string, string>()
for (const group of SYNONYMS) for (const word of group) CONCEPT.set(word, `concept:${group[0]}`)

/** A crude English stemmer: enough for plurals and common verb endings to meet their base word. */
function stem(word: string): string {
  if (CONCEPT.has(word)) return word
  const rules: [RegExp, string][] = [
    [/ies$/, 'y'],
    [/sses$/, 'ss'],
    [/([^s])s$/, '$1'],
    [/ing$/, ''],
    [/ed$/, ''],
    [/ly$/, ''],
  ]
  for (const [pattern, replacement] of rules) {
    if (pattern.test(word) && word.length > 3) {
      const stemmed = word.replace(pattern, replacement)
      // `purchased` → `purchas` → `purchase`: restore a dropped final e when that names a known word.
      if (!CONCEPT.has(stemmed) && CONCEPT.has(`${stemmed}e`)) return `${stemmed}e`
      return stemmed
    }
  }
  return word
}

function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const out: string[] = []
  for (const word of words) {
    if (STOP_WORDS.has(word)) continue
    const base = stem(word)
    out.push(CONCEPT.get(base) ?? CONCEPT.get(word) ?? base)
  }
  return out
}

/** FNV-1a, 32 bits: stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

export function deterministicEmbedding(text: string, model: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0)
  const found = terms(text)
  // Three signed slots per term: few enough that unrelated terms rarely collide, enough to survive one collision.
  for (const term of found) {
    for (let k = 0; k < 3; k++) {
      const h = fnv1a(`${model}|${term}|${k}`)
      const slot = h % dimensions
      vector[slot] = (vector[slot] as number) + ((h >>> 16) & 1 ? 1 : -1) * (k === 0 ? 1 : 0.5)
    }
  }
  let norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0))
  if (norm === 0) {
    // Text without a topic word: a fixed direction per model, still a unit vector.
    vector[fnv1a(`${model}|empty`) % dimensions] = 1
    norm = 1
  }
  return vector.map((v) => v / norm)
}

const MAX_BODY_BYTES = 32 * 1024 * 1024

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    req.on('data', (part: Buffer) => {
      size += part.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'))
        req.destroy()
        return
      }
      parts.push(part)
    })
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

function openAiError(res: ServerResponse, status: number, message: string, code: string, headers = {}) {
  sendJson(res, status, { error: { message, type: code, code, param: null } }, headers)
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : '',
      )
      .join('')
  }
  return ''
}

export async function startOpenAiTestServer(options: OpenAiTestServerOptions = {}): Promise<OpenAiTestServer> {
  const apiKey = options.apiKey ?? 'test-key'
  const defaultDimensions = options.dimensions ?? 64
  const calls: OpenAiTestServerCalls = {
    embeddings: 0,
    embeddedTexts: 0,
    chat: 0,
    failed: 0,
    unauthorized: 0,
    models: [],
  }
  let failures: { remaining: number; status: number; retryAfterSeconds: number } = {
    remaining: 0,
    status: 429,
    retryAfterSeconds: 0,
  }
  let delayMs = 0
  const reply =
    options.reply ??
    ((messages) => {
      const last = [...messages].reverse().find((m) => m.role === 'user')
      return `You said: ${contentText(last?.content)}`
    })

  const dimensionsFor = (model: string, asked: unknown) =>
    typeof asked === 'number' && Number.isInteger(asked) && asked > 0
      ? asked
      : (options.dimensionsByModel?.[model] ?? defaultDimensions)

  const authorised = (req: IncomingMessage) =>
    req.headers.authorization === `Bearer ${apiKey}` ||
    req.headers['api-key'] === apiKey ||
    req.headers['x-goog-api-key'] === apiKey

  /** Answers with the scheduled failure, if one is due; true when it did. */
  const failIfDue = (res: ServerResponse, google: boolean) => {
    if (failures.remaining <= 0) return false
    failures.remaining--
    calls.failed++
    const headers = { 'retry-after': String(failures.retryAfterSeconds) }
    const message = failures.status === 429 ? 'Rate limit reached, slow down.' : 'The server had an error.'
    if (google)
      sendJson(res, failures.status, { error: { code: failures.status, message, status: 'UNAVAILABLE' } }, headers)
    else
      openAiError(
        res,
        failures.status,
        message,
        failures.status === 429 ? 'rate_limit_exceeded' : 'server_error',
        headers,
      )
    return true
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    const google = path.startsWith('/v1beta/')
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      if (!authorised(req)) {
        calls.unauthorized++
        return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_api_key')
      }
      // the model list, as OpenAI's `GET /v1/models` shapes it
      return sendJson(res, 200, {
        object: 'list',
        data: ['test-chat', 'test-embed'].map((id) => ({
          id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'prodgy-test',
        })),
      })
    }
    if (req.method !== 'POST') return openAiError(res, 405, 'Only POST is supported here.', 'method_not_allowed')
    if (!authorised(req)) {
      calls.unauthorized++
      if (google)
        return sendJson(res, 401, { error: { code: 401, message: 'API key not valid.', status: 'UNAUTHENTICATED' } })
      // quoting the refused key, as some servers do: the adapter must keep it out of its messages
      const presented =
        String(req.headers.authorization ?? '').replace(/^Bearer\s+/, '') || String(req.headers['api-key'] ?? '')
      return openAiError(res, 401, `Incorrect API key provided: ${presented}.`, 'invalid_api_key')
    }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>
    } catch {
      return openAiError(res, 400, 'The body is not valid JSON.', 'invalid_json')
    }

    const azureDeployment = /^\/(?:openai\/)?deployments\/([^/]+)\/embeddings$/.exec(path)
    if (path === '/v1/embeddings' || path === '/embeddings' || azureDeployment) {
      calls.embeddings++
      if (failIfDue(res, false)) return
      const model = azureDeployment ? decodeURIComponent(azureDeployment[1] as string) : String(body.model ?? '')
      const input = typeof body.input === 'string' ? [body.input] : body.input
      if (!model || !Array.isArray(input) || input.some((v) => typeof v !== 'string')) {
        return openAiError(res, 400, 'Send a model and an input array of strings.', 'invalid_request_error')
      }
      const dimensions = dimensionsFor(model, body.dimensions)
      calls.models.push(model)
      calls.embeddedTexts += input.length
      return sendJson(res, 200, {
        object: 'list',
        model,
        data: (input as string[]).map((text, index) => ({
          object: 'embedding',
          index,
          embedding: deterministicEmbedding(text, model, dimensions),
        })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      })
    }

    const googleCall = /^\/v1beta\/models\/([^/:]+):(embedContent|batchEmbedContents)$/.exec(path)
    if (googleCall) {
      calls.embeddings++
      if (failIfDue(res, true)) return
      const model = decodeURIComponent(googleCall[1] as string)
      type GoogleRequest = { content?: { parts?: { text?: string }[] }; outputDimensionality?: number }
      const requests: GoogleRequest[] =
        googleCall[2] === 'embedContent' ? [body as GoogleRequest] : ((body.requests as GoogleRequest[]) ?? [])
      const vectors = requests.map((r) =>
        deterministicEmbedding(
          (r.content?.parts ?? []).map((p) => p.text ?? '').join(''),
          model,
          dimensionsFor(model, r.outputDimensionality),
        ),
      )
      calls.models.push(model)
      calls.embeddedTexts += vectors.length
      if (googleCall[2] === 'embedContent') return sendJson(res, 200, { embedding: { values: vectors[0] } })
      return sendJson(res, 200, { embeddings: vectors.map((values) => ({ values })) })
    }

    if (path === '/v1/chat/completions' || path === '/chat/completions') {
      calls.chat++
      if (failIfDue(res, false)) return
      const model = String(body.model ?? 'test-chat')
      const messages = Array.isArray(body.messages) ? (body.messages as { role: string; content: unknown }[]) : []
      const text = reply(messages)
      const id = `chatcmpl-${calls.chat}`
      const created = 1_790_000_000
      const usage = { prompt_tokens: messages.length, completion_tokens: text.split(/\s+/).length, total_tokens: 0 }
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens
      if (body.stream !== true) {
        return sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage,
        })
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
        )
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])
      for (const piece of text.match(/\S+\s*/g) ?? []) {
        chunk([{ index: 0, delta: { content: piece }, finish_reason: null }])
      }
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }])
      const streamOptions = body.stream_options as { include_usage?: boolean } | undefined
      if (streamOptions?.include_usage) chunk([], { usage })
      res.end('data: [DONE]\n\n')
      return
    }

    return openAiError(res, 404, `No route for ${path}.`, 'not_found')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        openAiError(res, 500, error instanceof Error ? error.message : String(error), 'server_error')
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/v1`,
    origin,
    apiKey,
    calls,
    failNext(count, failure = {}) {
      failures = { remaining: count, status: failure.status ?? 429, retryAfterSeconds: failure.retryAfterSeconds ?? 0 }
    },
    setDelay(ms) {
      delayMs = ms
    },
    vectorFor(text, model, dimensions) {
      return deterministicEmbedding(text, model, dimensions ?? dimensionsFor(model, undefined))
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
