/**
 * File storage in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Backblaze B2, …) over plain fetch, signed
 * with AWS Signature Version 4 by `aws4fetch` (no AWS SDK, so it runs on every runtime). Path-style addressing
 * (`<endpoint>/<bucket>/<key>`) by default, which every S3-compatible server accepts; virtual-host style
 * (`<bucket>.<endpoint host>/<key>`) when `forcePathStyle` is false, as AWS prefers.
 *
 * Uploads sign the SHA-256 of the body (`x-amz-content-sha256`), so the store refuses a body altered in transit.
 */
import { AwsClient } from 'aws4fetch'
import { toHex } from '../crypto/random.ts'
import { assertStorageKey, FileStorageError, type FileStoragePort } from '../storage/file-storage.ts'
import { describeErrorResponse, readBytes, sendWithRetry } from '../storage/http-storage.ts'

export interface S3FileStorageOptions {
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string | undefined
  /** `https://s3.<region>.amazonaws.com` when unset. */
  endpoint?: string | undefined
  /** Path-style addressing; true by default. */
  forcePathStyle?: boolean
  /** One request gives up after this long; 30 s by default. */
  timeoutMs?: number
  /** Attempts per operation on 429, 5xx or a dropped connection; 3 by default. */
  attempts?: number
  fetch?: typeof globalThis.fetch
}

export function createS3FileStorage(options: S3FileStorageOptions): FileStoragePort {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket)) {
    throw new FileStorageError(`"${options.bucket}" is not a valid S3 bucket name.`, 'file_storage_misconfigured')
  }
  const endpoint = new URL(options.endpoint ?? `https://s3.${options.region}.amazonaws.com`)
  const basePath = endpoint.pathname.replace(/\/+$/, '')
  const pathStyle = options.forcePathStyle ?? true
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    service: 's3',
    region: options.region,
    // retries are ours (sendWithRetry), with timeouts; aws4fetch's own would retry ten times without one
    retries: 0,
  })
  const http = {
    timeoutMs: options.timeoutMs ?? 30_000,
    attempts: options.attempts ?? 3,
    fetch: options.fetch ?? globalThis.fetch,
    label: `S3 bucket ${options.bucket}`,
  }

  const urlOf = (key: string) => {
    const safe = assertStorageKey(key)
    if (pathStyle) return `${endpoint.protocol}//${endpoint.host}${basePath}/${options.bucket}/${safe}`
    return `${endpoint.protocol}//${options.bucket}.${endpoint.host}${basePath}/${safe}`
  }

  const sign = (url: string, init: RequestInit & { headers?: Record<string, string> }) => client.sign(url, init)

  return {
    kind: 's3',

    async put(key, body, contentType) {
      const url = urlOf(key)
      const digest = toHex(await crypto.subtle.digest('SHA-256', body as Uint8Array<ArrayBuffer>))
      const response = await sendWithRetry(
        () =>
          sign(url, {
            method: 'PUT',
            body: body as Uint8Array<ArrayBuffer>,
            headers: { 'content-type': contentType, 'x-amz-content-sha256': digest },
          }),
        http,
      )
      if (!response.ok) {
        throw new FileStorageError(`The ${http.label} refused the upload: ${await describeErrorResponse(response)}.`)
      }
      await response.arrayBuffer().catch(() => undefined)
    },

    async get(key) {
      const url = urlOf(key)
      const response = await sendWithRetry(() => sign(url, { method: 'GET' }), http)
      if (response.status === 404) {
        await response.arrayBuffer().catch(() => undefined)
        return undefined
      }
      if (!response.ok) {
        throw new FileStorageError(`The ${http.label} refused the download: ${await describeErrorResponse(response)}.`)
      }
      return readBytes(response)
    },

    async delete(key) {
      const url = urlOf(key)
      const response = await sendWithRetry(() => sign(url, { method: 'DELETE' }), http)
      // S3 answers 204 for a missing key too; some compatible stores answer 404, which means the same here.
      if (!response.ok && response.status !== 404) {
        throw new FileStorageError(`The ${http.label} refused the removal: ${await describeErrorResponse(response)}.`)
      }
      await response.arrayBuffer().catch(() => undefined)
    },
  }
}
