/**
 * A small Upstash-REST-compatible server over a real Redis, so `@upstash/redis` can be tested without the
 * Upstash cloud (no packaged emulator exists; SRH needs Docker). It speaks the subset the client uses:
 * - `POST /` with a JSON command array (`["incr","k"]`), answering `{ result }`, or `{ error }` with 400;
 * - `POST /pipeline` and `POST /multi-exec` with an array of commands, answering `[{ result } | { error }]`;
 * - `Authorization: Bearer <token>`, 401 otherwise;
 * - `Upstash-Encoding: base64`: bulk strings base64-encoded (the client asks for it by default and decodes
 *   every string it gets back, so a plain string would be read as garbage);
 * - RESP2 reply shapes: object replies are flattened to `[key, value, …]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'

export interface UpstashTestServer {
  /** `http://127.0.0.1:<port>`, for `new Redis({ url, token })` from `@upstash/redis`. */
  url: string
  close(): Promise<void>
}

type Argument = string | number
type Command = [string, ...Argument[]]

const MAX_BODY_BYTES = 1024 * 1024

class BadRequest extends Error {}

export async function startUpstashTestServer(options: { redisUrl: string; token: string }): Promise<UpstashTestServer> {
  // RESP2 like Upstash itself; no offline queue, so a dead Redis answers with an error instead of hanging.
  const redis = new Redis(options.redisUrl, { protocol: 2, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
  redis.on('error', () => undefined)
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', resolve)
      redis.once('error', reject)
    })
  } catch (error) {
    redis.disconnect()
    throw error
  }

  const run = (command: Command) => {
    const [name, ...args] = command
    return redis.callBuffer(name, ...args.map(String))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: 'Unauthorized' })
    if (req.method !== 'POST') return send(res, 405, { error: 'Only POST is supported here' })
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64'
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/'
    let body: unknown
    try {
      body = JSON.parse(await readBody(req))
    } catch (error) {
      return send(res, 400, { error: error instanceof BadRequest ? error.message : 'ERR invalid JSON body' })
    }

    if (path === '/') {
      const command = asCommand(body)
      if (!command) return send(res, 400, { error: 'ERR the body must be a command array' })
      try {
        return send(res, 200, { result: encode(await run(command), base64) })
      } catch (error) {
        return send(res, 400, { error: messageOf(error) })
      }
    }

    if (path === '/pipeline' || path === '/multi-exec') {
      const commands = Array.isArray(body) ? body.map(asCommand) : []
      if (commands.length === 0 || commands.some((c) => !c)) {
        return send(res, 400, { error: 'ERR the body must be an array of command arrays' })
      }
      const valid = commands as Command[]
      if (path === '/pipeline') {
        // One connection, sent in order: the same ordering Upstash gives, with no atomicity across commands.
        const settled = await Promise.allSettled(valid.map(run))
        return send(
          res,
          200,
          settled.map((s) =>
            s.status === 'fulfilled' ? { result: encode(s.value, base64) } : { error: messageOf(s.reason) },
          ),
        )
      }
      const transaction = redis.multi()
      for (const [name, ...args] of valid) transaction.callBuffer(name, ...args.map(String))
      try {
        const replies = (await transaction.exec()) ?? []
        return send(
          res,
          200,
          replies.map(([error, value]) => (error ? { error: messageOf(error) } : { result: encode(value, base64) })),
        )
      } catch (error) {
        return send(res, 400, { error: messageOf(error) })
      }
    }

    return send(res, 404, { error: `ERR unknown endpoint ${path}` })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { error: messageOf(error) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  let closed = false
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (closed) return
      closed = true
      // fetch keeps connections alive; without this, server.close() would wait for them to idle out.
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      redis.disconnect()
    },
  }
}

function asCommand(value: unknown): Command | undefined {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'string') return undefined
  const args: Argument[] = []
  for (const arg of value.slice(1)) {
    if (typeof arg === 'string' || typeof arg === 'number') args.push(arg)
    else if (typeof arg === 'boolean') args.push(String(arg))
    else return undefined
  }
  return [value[0], ...args]
}

/** Redis reply → Upstash JSON: strings (bulk or status) as text or base64, integers as numbers, objects flattened. */
function encode(value: unknown, base64: boolean): unknown {
  if (value === null || value === undefined) return null
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8')
  if (typeof value === 'string') return base64 ? Buffer.from(value).toString('base64') : value
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) return value.map((v) => encode(v, base64))
  if (value instanceof Map) return [...value.entries()].flatMap(([k, v]) => [encode(k, base64), encode(v, base64)])
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [encode(k, base64), encode(v, base64)])
  }
  return value
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BadRequest('ERR request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
