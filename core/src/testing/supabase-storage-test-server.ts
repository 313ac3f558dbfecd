/**
 * A small Supabase Storage server for tests: the object routes of the Storage REST API the adapter uses, with the
 * request and answer shapes of Supabase's published Storage API reference (storage-api's OpenAPI):
 * - `POST /storage/v1/object/{bucket}/{path}` uploads the raw body; without `x-upsert: true` an existing object is
 *   a `Duplicate` error; answers `{ Id, Key: "<bucket>/<path>" }`;
 * - `PUT` on the same route replaces an existing object;
 * - `GET /storage/v1/object/authenticated/{bucket}/{path}` (and the older `GET /storage/v1/object/{bucket}/{path}`)
 *   downloads;
 * - `DELETE /storage/v1/object/{bucket}/{path}` answers `{ message: "Successfully deleted" }`.
 * Errors use Storage's body `{ statusCode: "<code>", error, message }`; as older Storage versions do, a missing
 * object or bucket answers HTTP 400 with `statusCode: "404"` in the body (`legacyStatus: false` answers 404).
 * What the real service checks first is checked here too: `apikey` must be a known key (the API gateway), and
 * `Authorization: Bearer` must carry the service-role key (Storage), else 403 `Unauthorized`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SupabaseStorageTestServerOptions {
  serviceRoleKey: string
  buckets: string[]
  /** Older Storage answers "not found" as HTTP 400 with `statusCode: "404"`; true by default. */
  legacyStatus?: boolean
}

export interface SupabaseStorageTestServer {
  /** `http://127.0.0.1:<port>`: the SUPABASE_URL to configure. */
  url: string
  calls: { upload: number; download: number; remove: number; unauthorized: number; failed: number }
  objects: Map<string, { body: Uint8Array; contentType: string }>
  failNext(count: number, status?: number): void
  close(): Promise<void>
}

const MAX_BODY_BYTES = 64 * 1024 * 1024

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function readBody(req: IncomingMessage): Promise<Buffer> {
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
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })
}

export async function startSupabaseStorageTestServer(
  options: SupabaseStorageTestServerOptions,
): Promise<SupabaseStorageTestServer> {
  const buckets = new Set(options.buckets)
  const legacy = options.legacyStatus ?? true
  const objects = new Map<string, { body: Uint8Array; contentType: string }>()
  const calls = { upload: 0, download: 0, remove: 0, unauthorized: 0, failed: 0 }
  let failures = { remaining: 0, status: 503 }

  const error = (res: ServerResponse, code: string, name: string, message: string) => {
    const http = code === '404' && legacy ? 400 : Number(code)
    send(res, http, { statusCode: code, error: name, message })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    if (failures.remaining > 0) {
      failures.remaining--
      calls.failed++
      return send(res, failures.status, {
        statusCode: String(failures.status),
        error: 'Service Unavailable',
        message: 'Try again.',
      })
    }
    if (req.headers.apikey !== options.serviceRoleKey) {
      calls.unauthorized++
      return send(res, 401, { message: 'Invalid API key' })
    }
    if (req.headers.authorization !== `Bearer ${options.serviceRoleKey}`) {
      calls.unauthorized++
      return error(res, '403', 'Unauthorized', 'invalid signature')
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    const match = /^\/storage\/v1\/object\/(?:(authenticated)\/)?([^/]+)\/(.+)$/.exec(path)
    if (!match) return error(res, '404', 'not_found', 'Route not found')
    const [, authenticated, bucket = '', key = ''] = match
    if (!buckets.has(bucket)) return error(res, '404', 'Bucket not found', 'Bucket not found')
    const id = `${bucket}/${key}`

    if ((req.method === 'POST' || req.method === 'PUT') && !authenticated) {
      calls.upload++
      const exists = objects.has(id)
      if (req.method === 'POST' && exists && req.headers['x-upsert'] !== 'true') {
        return error(res, '409', 'Duplicate', 'The resource already exists')
      }
      if (req.method === 'PUT' && !exists) return error(res, '404', 'not_found', 'Object not found')
      objects.set(id, {
        body: new Uint8Array(body),
        contentType: String(req.headers['content-type'] ?? 'application/octet-stream'),
      })
      return send(res, 200, { Id: crypto.randomUUID(), Key: id })
    }
    if (req.method === 'GET') {
      calls.download++
      const object = objects.get(id)
      if (!object) return error(res, '404', 'not_found', 'Object not found')
      res.writeHead(200, { 'content-type': object.contentType, 'content-length': String(object.body.byteLength) })
      return res.end(Buffer.from(object.body))
    }
    if (req.method === 'DELETE' && !authenticated) {
      calls.remove++
      if (!objects.delete(id)) return error(res, '404', 'not_found', 'Object not found')
      return send(res, 200, { message: 'Successfully deleted' })
    }
    return error(res, '405', 'Method not allowed', `${req.method} is not supported on this route`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => {
      if (!res.headersSent) send(res, 500, { statusCode: '500', error: 'internal', message: String(failure) })
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    objects,
    failNext(count, status = 503) {
      failures = { remaining: count, status }
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
