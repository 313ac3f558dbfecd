import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createFileStorageFromEnv, type FileStorageEnv } from '../adapters/file-storage-from-env.ts'
import { createLocalFileStorage } from '../adapters/local-file-storage.ts'
import { createS3FileStorage } from '../adapters/s3-file-storage.ts'
import { createSupabaseFileStorage } from '../adapters/supabase-file-storage.ts'
import { ValidationError } from '../errors.ts'
import { type S3TestServer, startS3TestServer } from '../testing/s3-test-server.ts'
import {
  type SupabaseStorageTestServer,
  startSupabaseStorageTestServer,
} from '../testing/supabase-storage-test-server.ts'
import { fileStorageContract } from './file-storage.contract.ts'
import { FileStorageError } from './file-storage.ts'

const S3_KEY_ID = 'AKIDPRODGYTEST'
const S3_SECRET = 'prodgy-test-secret-access-key-0123456789'
const SUPABASE_KEY = 'service-role-key-for-tests-0123456789'

/**
 * Virtual-host addressing needs `<bucket>.<host>` to resolve; this fetch sends the signed request to the loopback
 * server with its Host header unchanged, as DNS would for a real bucket host.
 */
function loopbackFetch(port: number): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input as Request, init)
    const url = new URL(request.url)
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: request.method,
          path: url.pathname + url.search,
          headers: { ...Object.fromEntries(request.headers), host: url.host },
          signal: request.signal,
        },
        (incoming) => {
          const parts: Buffer[] = []
          incoming.on('data', (part: Buffer) => parts.push(part))
          incoming.on('end', () => {
            const status = incoming.statusCode ?? 500
            const headers = new Headers()
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (typeof value === 'string') headers.set(name, value)
            }
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(parts), { status, headers }))
          })
          incoming.on('error', reject)
        },
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }
}

const localRoots: string[] = []
after(async () => {
  for (const root of localRoots) await rm(root, { recursive: true, force: true })
})

fileStorageContract({
  name: 'local folder',
  async open() {
    const root = await mkdtemp(join(tmpdir(), 'prodgy-files-'))
    localRoots.push(root)
    return { storage: createLocalFileStorage({ root }), close: async () => undefined }
  },
})

fileStorageContract({
  name: 'S3, path-style',
  async open() {
    const server = await startS3TestServer({ accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET, buckets: ['files'] })
    const storage = createS3FileStorage({
      bucket: 'files',
      region: 'us-east-1',
      endpoint: server.endpoint,
      accessKeyId: S3_KEY_ID,
      secretAccessKey: S3_SECRET,
      forcePathStyle: true,
    })
    return { storage, close: () => server.close() }
  },
})

fileStorageContract({
  name: 'S3, virtual-host style, in another region',
  async open() {
    const server = await startS3TestServer({
      accessKeyId: S3_KEY_ID,
      secretAccessKey: S3_SECRET,
      region: 'eu-west-3',
      buckets: ['my-bucket'],
    })
    const storage = createS3FileStorage({
      bucket: 'my-bucket',
      region: 'eu-west-3',
      endpoint: `http://s3.test:${server.port}`,
      accessKeyId: S3_KEY_ID,
      secretAccessKey: S3_SECRET,
      forcePathStyle: false,
      fetch: loopbackFetch(server.port),
    })
    return { storage, close: () => server.close() }
  },
})

for (const legacyStatus of [true, false]) {
  fileStorageContract({
    name: `Supabase Storage (${legacyStatus ? 'not found as 400' : 'not found as 404'})`,
    async open() {
      const server = await startSupabaseStorageTestServer({
        serviceRoleKey: SUPABASE_KEY,
        buckets: ['knowledge'],
        legacyStatus,
      })
      const storage = createSupabaseFileStorage({ url: server.url, serviceRoleKey: SUPABASE_KEY, bucket: 'knowledge' })
      return { storage, close: () => server.close() }
    },
  })
}

describe('local file storage', () => {
  it('writes through a temporary file and leaves none behind', async () => {
    const root = await mkdtemp(join(tmpdir(), 'prodgy-files-'))
    localRoots.push(root)
    const storage = createLocalFileStorage({ root })
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storage.put('o/w/d/same.txt', new TextEncoder().encode(`v${i}`), 'text/plain'),
      ),
    )
    assert.deepEqual(await readdir(join(root, 'o/w/d')), ['same.txt'])
    assert.match(new TextDecoder().decode(await storage.get('o/w/d/same.txt')), /^v\d$/)
    assert.equal((await stat(join(root, 'o/w/d/same.txt'))).mode & 0o777, 0o600)
  })
})

describe('S3 file storage', () => {
  let server: S3TestServer
  before(async () => {
    server = await startS3TestServer({ accessKeyId: S3_KEY_ID, secretAccessKey: S3_SECRET, buckets: ['files'] })
  })
  after(async () => {
    await server?.close()
  })
  const storage = (overrides: Partial<Parameters<typeof createS3FileStorage>[0]> = {}) =>
    createS3FileStorage({
      bucket: 'files',
      region: 'us-east-1',
      endpoint: server.endpoint,
      accessKeyId: S3_KEY_ID,
      secretAccessKey: S3_SECRET,
      ...overrides,
    })

  it('is refused with another secret: the server checks the signature', async () => {
    const before = server.calls.rejected
    await assert.rejects(
      storage({ secretAccessKey: 'wrong-secret' }).put('a/b.txt', new Uint8Array([1]), 'text/plain'),
      (error: unknown) => {
        assert.ok(error instanceof FileStorageError)
        assert.match(error.message, /SignatureDoesNotMatch/)
        assert.ok(!error.message.includes('wrong-secret'))
        return true
      },
    )
    await assert.rejects(storage({ accessKeyId: 'AKIDUNKNOWN' }).get('a/b.txt'), /InvalidAccessKeyId/)
    await assert.rejects(storage({ region: 'eu-central-1' }).get('a/b.txt'), /AuthorizationHeaderMalformed/)
    assert.equal(server.calls.rejected - before, 3)
  })

  it('names a missing bucket', async () => {
    await assert.rejects(
      storage({ bucket: 'other-bucket' }).put('a/b.txt', new Uint8Array([1]), 'text/plain'),
      /NoSuchBucket/,
    )
  })

  it('retries a 503 and then succeeds', async () => {
    server.failNext(2)
    await storage().put('retry/file.txt', new Uint8Array([7]), 'text/plain')
    assert.deepEqual(await storage().get('retry/file.txt'), new Uint8Array([7]))
    assert.equal(server.objects.get('files/retry/file.txt')?.contentType, 'text/plain')
  })

  it('gives up after its attempts with the last answer', async () => {
    server.failNext(5)
    await assert.rejects(storage({ attempts: 2 }).get('retry/file.txt'), /503 ServiceUnavailable/)
    server.failNext(0)
  })

  it('times out an endpoint that does not answer', async () => {
    // accepts connections and never answers
    const sockets = new Set<Socket>()
    const silent = createNetServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()))
    const { port } = silent.address() as AddressInfo
    try {
      const started = Date.now()
      await assert.rejects(
        storage({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 150, attempts: 1 }).get('x/y.txt'),
        /did not answer within 150 ms/,
      )
      assert.ok(Date.now() - started < 5_000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })
})

describe('Supabase file storage', () => {
  let server: SupabaseStorageTestServer
  before(async () => {
    server = await startSupabaseStorageTestServer({ serviceRoleKey: SUPABASE_KEY, buckets: ['knowledge'] })
  })
  after(async () => {
    await server?.close()
  })

  it('is refused with another key', async () => {
    const storage = createSupabaseFileStorage({ url: server.url, serviceRoleKey: 'not-the-key', bucket: 'knowledge' })
    await assert.rejects(storage.put('a/b.txt', new Uint8Array([1]), 'text/plain'), (error: unknown) => {
      assert.ok(error instanceof FileStorageError)
      assert.match(error.message, /401|403/)
      assert.ok(!error.message.includes('not-the-key'))
      return true
    })
    assert.ok(server.calls.unauthorized >= 1)
  })

  it('names a missing bucket on upload', async () => {
    const storage = createSupabaseFileStorage({ url: server.url, serviceRoleKey: SUPABASE_KEY, bucket: 'nope' })
    await assert.rejects(storage.put('a/b.txt', new Uint8Array([1]), 'text/plain'), /Bucket not found/)
  })

  it('stores the content type and retries a 503', async () => {
    server.failNext(1)
    const storage = createSupabaseFileStorage({ url: server.url, serviceRoleKey: SUPABASE_KEY, bucket: 'knowledge' })
    await storage.put('o/w/d/file.json', new TextEncoder().encode('{}'), 'application/json')
    assert.equal(server.objects.get('knowledge/o/w/d/file.json')?.contentType, 'application/json')
  })
})

describe('createFileStorageFromEnv', () => {
  const base: FileStorageEnv = {
    S3_ENDPOINT: undefined,
    S3_REGION: 'us-east-1',
    S3_BUCKET: undefined,
    S3_ACCESS_KEY_ID: undefined,
    S3_SECRET_ACCESS_KEY: undefined,
    S3_FORCE_PATH_STYLE: true,
    SUPABASE_URL: undefined,
    SUPABASE_SERVICE_ROLE_KEY: undefined,
    SUPABASE_STORAGE_BUCKET: 'knowledge',
    PRODGY_FILES_DIR: join(tmpdir(), 'prodgy-never-created'),
  }

  it('prefers S3, then Supabase, then the local folder', () => {
    const s3 = createFileStorageFromEnv({
      ...base,
      S3_BUCKET: 'files',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      SUPABASE_URL: 'http://127.0.0.1:1',
      SUPABASE_SERVICE_ROLE_KEY: 'k',
    })
    assert.equal(s3.storage.kind, 's3')
    assert.equal(s3.description, 's3:files')
    const supabase = createFileStorageFromEnv({
      ...base,
      SUPABASE_URL: 'http://127.0.0.1:1',
      SUPABASE_SERVICE_ROLE_KEY: 'k',
    })
    assert.equal(supabase.storage.kind, 'supabase')
    const local = createFileStorageFromEnv(base)
    assert.equal(local.storage.kind, 'local')
    assert.match(local.description, /^local:/)
    assert.equal(createFileStorageFromEnv({ ...base, PRODGY_DATA_DIR: 'memory://' }).storage.kind, 'memory')
    // with PostgreSQL the data folder setting means nothing: files go to the folder, where other processes see them
    const shared = createFileStorageFromEnv({ ...base, PRODGY_DATA_DIR: 'memory://', DATABASE_URL: 'postgres://h/db' })
    assert.equal(shared.storage.kind, 'local')
  })

  it('names the missing variables of a half-configured store', () => {
    assert.throws(
      () => createFileStorageFromEnv({ ...base, S3_BUCKET: 'files' }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError)
        assert.match(error.message, /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/)
        return true
      },
    )
    assert.throws(() => createFileStorageFromEnv({ ...base, SUPABASE_URL: 'http://x' }), /SUPABASE_SERVICE_ROLE_KEY/)
  })
})
