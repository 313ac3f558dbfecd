/**
 * A small S3-compatible server for tests: the object operations the S3 adapter uses (PUT, GET, HEAD and DELETE of
 * one object, path-style or virtual-host addressing), checked the way S3 checks them. No S3 emulator is packaged for
 * this machine (MinIO needs its own binary), and an adapter tested against itself would prove nothing, so the
 * signature is recomputed here, independently of `aws4fetch`, from AWS's published Signature Version 4 rules:
 *
 * - `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/s3/aws4_request,
 *   SignedHeaders=<;-list>, Signature=<hex>`; an unknown key id is `InvalidAccessKeyId` (403);
 * - `x-amz-date` within 15 minutes of now (`RequestTimeTooSkewed`, 403), its date equal to the scope's;
 * - `host` and every `x-amz-*` header must be signed; `x-amz-content-sha256` is required (S3 refuses without it);
 * - canonical request = method, URI (each segment URI-encoded once; S3 does not normalise paths), sorted query,
 *   signed headers (lower-case, trimmed, inner spaces collapsed), the signed-header list and the payload hash;
 *   string to sign = algorithm, date, scope, SHA-256 of the canonical request; key = HMAC chain from
 *   `AWS4<secret>`. A mismatch is `SignatureDoesNotMatch` (403);
 * - a signed payload hash must match the body (`XAmzContentSHA256Mismatch`, 400).
 * Errors are S3's XML (`<Error><Code>…</Code><Message>…</Message></Error>`); a missing key is `NoSuchKey` (404),
 * DELETE answers 204 whether or not the key existed, as S3 does.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface S3TestServerOptions {
  accessKeyId: string
  secretAccessKey: string
  region?: string
  /** Buckets that exist; others answer `NoSuchBucket`. */
  buckets: string[]
}

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`: the S3_ENDPOINT to configure. */
  endpoint: string
  port: number
  calls: { put: number; get: number; delete: number; rejected: number; failed: number }
  /** The stored objects, `<bucket>/<key>` → bytes and content type. */
  objects: Map<string, { body: Uint8Array; contentType: string }>
  /** Answers the next n requests with this status (503 by default) before checking anything. */
  failNext(count: number, status?: number): void
  close(): Promise<void>
}

const MAX_SKEW_MS = 15 * 60_000
const MAX_BODY_BYTES = 64 * 1024 * 1024

function xmlError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/xml' })
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`)
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, with uppercase hex. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest()
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

interface Authorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

function parseAuthorization(header: string | undefined): Authorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header ?? '',
    )
  if (!match) return undefined
  return {
    accessKeyId: match[1] as string,
    date: match[2] as string,
    region: match[3] as string,
    service: match[4] as string,
    signedHeaders: (match[5] as string).split(';'),
    signature: match[6] as string,
  }
}

/** `20261126T101500Z` → epoch milliseconds. */
function parseAmzDate(value: string | undefined): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '')
  if (!match) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s)
}

export async function startS3TestServer(options: S3TestServerOptions): Promise<S3TestServer> {
  const region = options.region ?? 'us-east-1'
  const buckets = new Set(options.buckets)
  const objects = new Map<string, { body: Uint8Array; contentType: string }>()
  const calls = { put: 0, get: 0, delete: 0, rejected: 0, failed: 0 }
  let failures = { remaining: 0, status: 503 }

  const reject = (res: ServerResponse, status: number, code: string, message: string) => {
    calls.rejected++
    xmlError(res, status, code, message)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    if (failures.remaining > 0) {
      failures.remaining--
      calls.failed++
      return xmlError(res, failures.status, 'ServiceUnavailable', 'Please reduce your request rate.')
    }
    const method = req.method ?? 'GET'
    const rawUrl = req.url ?? '/'
    const [rawPath = '/', rawQuery = ''] = rawUrl.split('?', 2)
    const host = req.headers.host ?? ''

    // --- authentication, as S3 does it
    const auth = parseAuthorization(req.headers.authorization)
    if (!auth) return reject(res, 403, 'AccessDenied', 'The request is not signed with AWS4-HMAC-SHA256.')
    if (auth.accessKeyId !== options.accessKeyId) {
      return reject(res, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
    }
    if (auth.service !== 's3' || auth.region !== region) {
      return reject(res, 400, 'AuthorizationHeaderMalformed', `The authorization header scope must name ${region}/s3.`)
    }
    const amzDate = req.headers['x-amz-date']
    const signedAt = parseAmzDate(typeof amzDate === 'string' ? amzDate : undefined)
    if (signedAt === undefined || (amzDate as string).slice(0, 8) !== auth.date) {
      return reject(res, 403, 'AccessDenied', 'x-amz-date is missing or does not match the credential scope.')
    }
    if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) {
      return reject(res, 403, 'RequestTimeTooSkewed', 'The difference between the request time and now is too large.')
    }
    const payloadHash = req.headers['x-amz-content-sha256']
    if (typeof payloadHash !== 'string') {
      return reject(res, 400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256.')
    }
    const mustSign = ['host', ...Object.keys(req.headers).filter((h) => h.startsWith('x-amz-'))]
    for (const header of mustSign) {
      if (!auth.signedHeaders.includes(header)) {
        return reject(res, 403, 'AccessDenied', `The header ${header} must be signed.`)
      }
    }
    const canonicalUri = rawPath
      .split('/')
      .map((segment) => uriEncode(decodeURIComponent(segment)))
      .join('/')
    const canonicalQuery = rawQuery
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [k = '', v = ''] = pair.split('=', 2)
        return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))] as const
      })
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&')
    const canonicalHeaders = auth.signedHeaders
      .map((name) => {
        const value = req.headers[name]
        const text = Array.isArray(value) ? value.join(',') : (value ?? '')
        return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`
      })
      .join('')
    const canonicalRequest = [
      method,
      canonicalUri,
      canonicalQuery,
      canonicalHeaders,
      auth.signedHeaders.join(';'),
      payloadHash,
    ].join('\n')
    const scope = `${auth.date}/${region}/s3/aws4_request`
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, auth.date), region), 's3'), 'aws4_request')
    const expected = createHmac('sha256', signingKey).update(stringToSign).digest()
    if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
      return reject(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      )
    }
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(body)) {
      return reject(res, 400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match.")
    }

    // --- addressing: virtual-host (`<bucket>.<host>`) or path-style (`/<bucket>/<key>`)
    const path = decodeURIComponent(rawPath)
    let bucket: string
    let key: string
    const hostname = host.replace(/:\d+$/, '')
    const virtual = [...buckets].find((b) => hostname.startsWith(`${b}.`))
    if (virtual) {
      bucket = virtual
      key = path.replace(/^\/+/, '')
    } else {
      const [, first = '', ...rest] = path.split('/')
      bucket = first
      key = rest.join('/')
    }
    if (!buckets.has(bucket)) return xmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist.')
    if (!key) return xmlError(res, 400, 'InvalidRequest', 'This server stores and reads single objects only.')
    const id = `${bucket}/${key}`

    if (method === 'PUT') {
      calls.put++
      objects.set(id, {
        body: new Uint8Array(body),
        contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      })
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` })
      return res.end()
    }
    if (method === 'GET' || method === 'HEAD') {
      calls.get++
      const object = objects.get(id)
      if (!object) return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.')
      res.writeHead(200, { 'content-type': object.contentType, 'content-length': String(object.body.byteLength) })
      return res.end(method === 'HEAD' ? undefined : Buffer.from(object.body))
    }
    if (method === 'DELETE') {
      calls.delete++
      objects.delete(id)
      res.writeHead(204)
      return res.end()
    }
    return xmlError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) xmlError(res, 500, 'InternalError', error instanceof Error ? error.message : String(error))
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
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
