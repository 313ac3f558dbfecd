/**
 * File storage in a Supabase Storage bucket over its REST API, with the service-role key (server side only: the
 * bucket stays private and no browser ever talks to it):
 * - upload   `POST   {url}/storage/v1/object/{bucket}/{key}` with `x-upsert: true` (a retried upload overwrites);
 * - download `GET    {url}/storage/v1/object/authenticated/{bucket}/{key}`;
 * - remove   `DELETE {url}/storage/v1/object/{bucket}/{key}`.
 * The key goes both as `Authorization: Bearer` and as `apikey` (the API gateway in front of Storage checks the
 * latter). A missing object is answered 404, or 400 with `statusCode: "404"` in the body by older Storage versions;
 * both read as "no such key".
 */
import { assertStorageKey, FileStorageError, type FileStoragePort } from '../storage/file-storage.ts'
import { describeErrorResponse, readBytes, sendWithRetry } from '../storage/http-storage.ts'

export interface SupabaseFileStorageOptions {
  /** The project address, `https://<ref>.supabase.co` or a self-hosted gateway. */
  url: string
  serviceRoleKey: string
  bucket: string
  /** One request gives up after this long; 30 s by default. */
  timeoutMs?: number
  /** Attempts per operation on 429, 5xx or a dropped connection; 3 by default. */
  attempts?: number
  fetch?: typeof globalThis.fetch
}

async function isNotFound(response: Response): Promise<boolean> {
  if (response.status === 404) return true
  if (response.status !== 400) return false
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { statusCode?: unknown; error?: unknown } | undefined
  return String(body?.statusCode) === '404' || body?.error === 'not_found'
}

export function createSupabaseFileStorage(options: SupabaseFileStorageOptions): FileStoragePort {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(options.bucket)) {
    throw new FileStorageError(`"${options.bucket}" is not a valid Supabase bucket name.`, 'file_storage_misconfigured')
  }
  const base = `${new URL(options.url).toString().replace(/\/+$/, '')}/storage/v1/object`
  const auth = { authorization: `Bearer ${options.serviceRoleKey}`, apikey: options.serviceRoleKey }
  const http = {
    timeoutMs: options.timeoutMs ?? 30_000,
    attempts: options.attempts ?? 3,
    fetch: options.fetch ?? globalThis.fetch,
    label: `Supabase Storage bucket ${options.bucket}`,
  }

  return {
    kind: 'supabase',

    async put(key, body, contentType) {
      const url = `${base}/${options.bucket}/${assertStorageKey(key)}`
      const response = await sendWithRetry(
        () =>
          new Request(url, {
            method: 'POST',
            body: body as Uint8Array<ArrayBuffer>,
            headers: { ...auth, 'content-type': contentType, 'x-upsert': 'true', 'cache-control': 'no-cache' },
          }),
        http,
      )
      if (!response.ok) {
        throw new FileStorageError(`The ${http.label} refused the upload: ${await describeErrorResponse(response)}.`)
      }
      await response.arrayBuffer().catch(() => undefined)
    },

    async get(key) {
      const url = `${base}/authenticated/${options.bucket}/${assertStorageKey(key)}`
      const response = await sendWithRetry(() => new Request(url, { method: 'GET', headers: auth }), http)
      if (await isNotFound(response)) {
        await response.arrayBuffer().catch(() => undefined)
        return undefined
      }
      if (!response.ok) {
        throw new FileStorageError(`The ${http.label} refused the download: ${await describeErrorResponse(response)}.`)
      }
      return readBytes(response)
    },

    async delete(key) {
      const url = `${base}/${options.bucket}/${assertStorageKey(key)}`
      const response = await sendWithRetry(() => new Request(url, { method: 'DELETE', headers: auth }), http)
      if (!response.ok && !(await isNotFound(response))) {
        throw new FileStorageError(`The ${http.label} refused the removal: ${await describeErrorResponse(response)}.`)
      }
      await response.arrayBuffer().catch(() => undefined)
    },
  }
}
