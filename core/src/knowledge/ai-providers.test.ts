import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { createEmbedder } from '../adapters/ai-sdk.ts'
import type { Principal } from '../auth/principal.ts'
import { decryptSecret } from '../crypto/secret-box.ts'
import type { Database } from '../db/database.ts'
import { AppError } from '../errors.ts'
import { silentLogger } from '../log.ts'
import type { JobName } from '../queue/jobs.ts'
import type { Platform } from '../services/platform.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { type OpenAiTestServer, startOpenAiTestServer } from '../testing/openai-test-server.ts'
import { principalFor, testPlatform } from '../testing/tenants.ts'
import {
  type AiProviderInput,
  deleteAiProvider,
  getAiProvider,
  loadAiProviderConfig,
  saveAiProvider,
} from './ai-providers.ts'

const ENCRYPTION_KEY = 'test-encryption-key-with-enough-characters-0123'

function platformFor(db: Database, enqueued: { name: JobName; payload: unknown }[], encryptionKey = ENCRYPTION_KEY) {
  return testPlatform(db, {
    log: silentLogger,
    enqueue: async (name, payload) => {
      enqueued.push({ name, payload })
    },
    settings: {
      publicUrl: 'http://localhost:3000',
      jwtSecret: 'x'.repeat(40),
      encryptionKey,
      maxUploadBytes: 1024 * 1024,
    },
  })
}

function principalOf(user: { id: string }, organizationId: string, role: 'admin' | 'user'): Principal {
  return principalFor({ id: user.id, email: `${role}@example.com`, fullName: role }, organizationId, {
    role,
    ip: '127.0.0.1',
  })
}

for (const kind of testDatabaseKinds()) {
  describe(`AI provider settings on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let db: Database
    let server: OpenAiTestServer
    let organizationId: string
    let workspaceId: string
    let admin: Principal
    let member: Principal
    let enqueued: { name: JobName; payload: unknown }[]
    let platform: Platform
    const deps = { createEmbedder: (config: Parameters<typeof createEmbedder>[0]) => createEmbedder(config) }

    before(async () => {
      handle = await kind.create({ migrated: true })
      db = handle.db
      server = await startOpenAiTestServer({ dimensions: 32 })
      const [org] = await db.query<{ id: string }>(`insert into organizations (name) values ('Acme') returning id`)
      organizationId = org?.id as string
      const [ws] = await db.query<{ id: string }>(
        `insert into workspaces (organization_id, name, slug) values ($1, 'Main', 'main') returning id`,
        [organizationId],
      )
      workspaceId = ws?.id as string
      const users = await db.query<{ id: string }>(
        `insert into users (email, full_name) values ('admin@example.com', 'Admin'), ('user@example.com', 'User')
         returning id`,
      )
      admin = principalOf(users[0] as { id: string }, organizationId, 'admin')
      member = principalOf(users[1] as { id: string }, organizationId, 'user')
    })
    beforeEach(async () => {
      enqueued = []
      platform = platformFor(db, enqueued)
      await db.query('delete from ai_providers')
      await db.query('delete from knowledge_documents')
    })
    after(async () => {
      await server?.close()
      await handle?.drop()
    })

    const compatible = (extra: Partial<AiProviderInput> = {}): AiProviderInput => ({
      provider: 'openai_compatible',
      embeddingModel: 'embed-a',
      chatModel: 'chat-a',
      baseUrl: `${server.url}/`,
      apiKey: server.apiKey,
      ...extra,
    })

    it('saves after one embedding check, encrypts the key and never returns it', async () => {
      assert.equal(await getAiProvider(platform, admin), null)
      const before = server.calls.embeddings
      const saved = await saveAiProvider(platform, deps, admin, compatible())
      assert.equal(server.calls.embeddings - before, 1)
      assert.equal(saved.provider, 'openai_compatible')
      assert.equal(saved.baseUrl, server.url)
      assert.equal(saved.hasApiKey, true)
      assert.equal(saved.embeddingDimensions, 32)
      assert.ok(!JSON.stringify(saved).includes(server.apiKey))
      assert.deepEqual(await getAiProvider(platform, admin), saved)

      const [row] = await db.query<{ api_key_ciphertext: string }>('select api_key_ciphertext from ai_providers')
      assert.match(row?.api_key_ciphertext ?? '', /^v1\./)
      assert.equal(await decryptSecret(row?.api_key_ciphertext as string, ENCRYPTION_KEY), server.apiKey)

      const config = await loadAiProviderConfig(db, organizationId, ENCRYPTION_KEY)
      assert.equal(config?.apiKey, server.apiKey)
      assert.equal(config?.embeddingModel, 'embed-a')
      assert.equal(config?.embeddingDimensions, 32)

      const audit = await db.query<{ action: string; metadata: Record<string, unknown> }>(
        `select action, metadata from audit_log where action = 'ai_provider.updated'`,
      )
      assert.equal(audit.length, 1)
      assert.equal(audit[0]?.metadata.keyChange, 'set')
      assert.ok(!JSON.stringify(audit).includes(server.apiKey))
    })

    it('keeps the stored key when omitted, clears it on null, and asks again when the address changes', async () => {
      await saveAiProvider(platform, deps, admin, compatible())
      const kept = await saveAiProvider(platform, deps, admin, compatible({ apiKey: undefined, chatModel: 'chat-b' }))
      assert.equal(kept.hasApiKey, true)
      assert.equal(kept.chatModel, 'chat-b')

      await assert.rejects(
        saveAiProvider(platform, deps, admin, compatible({ apiKey: undefined, baseUrl: `${server.origin}/other/v1` })),
        (error: unknown) =>
          error instanceof AppError && error.code === 'validation_failed' && /again/.test(error.message),
      )

      // the test server needs the key, so clearing it fails the check and nothing changes
      await assert.rejects(
        saveAiProvider(platform, deps, admin, compatible({ apiKey: null })),
        (error: unknown) => error instanceof AppError && error.code === 'ai_provider_check_failed',
      )
      const cleared = await saveAiProvider(platform, deps, admin, compatible({ apiKey: null, embeddingModel: null }))
      assert.equal(cleared.hasApiKey, false)
      assert.equal(cleared.embeddingModel, null)
    })

    it('refuses a key the provider rejects, and saves nothing', async () => {
      await assert.rejects(
        saveAiProvider(platform, deps, admin, compatible({ apiKey: 'sk-wrong-key' })),
        (error: unknown) => {
          assert.ok(error instanceof AppError)
          assert.equal(error.code, 'ai_provider_check_failed')
          assert.equal(error.status, 400)
          assert.ok(!error.message.includes('sk-wrong-key'))
          return true
        },
      )
      assert.equal(await getAiProvider(platform, admin), null)
    })

    it('times the check out', async () => {
      server.setDelay(500)
      try {
        await assert.rejects(
          saveAiProvider({ ...platform }, { ...deps, checkTimeoutMs: 100 }, admin, compatible()),
          (error: unknown) => error instanceof AppError && error.code === 'ai_provider_check_failed',
        )
      } finally {
        server.setDelay(0)
      }
    })

    it('validates the input', async () => {
      const invalid: AiProviderInput[] = [
        compatible({ baseUrl: 'file:///etc/passwd' }),
        compatible({ baseUrl: 'ftp://example.com' }),
        compatible({ baseUrl: 'http://user:pass@example.com' }),
        compatible({ baseUrl: null }),
        { provider: 'azure', embeddingModel: 'd', apiKey: 'k' },
        { provider: 'openai', embeddingModel: 'm' },
        compatible({ embeddingModel: 'has spaces' }),
        { provider: 'nope' as 'openai' },
      ]
      for (const input of invalid) {
        await assert.rejects(
          saveAiProvider(platform, deps, admin, input),
          (error: unknown) => error instanceof AppError && error.code === 'validation_failed',
          JSON.stringify(input),
        )
      }
    })

    it('is for administrators only', async () => {
      await assert.rejects(getAiProvider(platform, member), /administrators/)
      await assert.rejects(saveAiProvider(platform, deps, member, compatible()), /administrators/)
      await assert.rejects(deleteAiProvider(platform, member), /administrators/)
      await assert.rejects(getAiProvider(platform, undefined), /Authentication/)
    })

    it('says what to set when no encryption key is configured', async () => {
      const keyless = platformFor(db, enqueued, undefined as unknown as string)
      keyless.settings.encryptionKey = undefined
      await assert.rejects(saveAiProvider(keyless, deps, admin, compatible()), /PRODGY_ENCRYPTION_KEY/)
      // a provider without a key needs no encryption key
      const saved = await saveAiProvider(keyless, deps, admin, {
        provider: 'openai_compatible',
        chatModel: 'local-chat',
        baseUrl: server.url,
      })
      assert.equal(saved.hasApiKey, false)
    })

    it('queues a re-embedding when the model changes and chunks exist', async () => {
      await saveAiProvider(platform, deps, admin, compatible())
      assert.deepEqual(enqueued, [])
      const [doc] = await db.query<{ id: string }>(
        `insert into knowledge_documents (organization_id, workspace_id, name, content_hash)
         values ($1, $2, 'Doc', 'h') returning id`,
        [organizationId, workspaceId],
      )
      await db.query(
        `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
           search_vector, embedding_model)
         values ($1, $2, $3, 0, 'text', 1, to_tsvector('simple', 'text'), 'openai_compatible:embed-a')`,
        [organizationId, workspaceId, doc?.id],
      )
      // same model: nothing to do
      await saveAiProvider(platform, deps, admin, compatible({ chatModel: 'chat-z' }))
      assert.deepEqual(enqueued, [])
      await saveAiProvider(platform, deps, admin, compatible({ embeddingModel: 'embed-b' }))
      assert.deepEqual(enqueued, [{ name: 'knowledge.reembed', payload: { organizationId } }])
      const [audit] = await db.query<{ metadata: Record<string, unknown> }>(
        `select metadata from audit_log where action = 'ai_provider.updated' order by created_at desc limit 1`,
      )
      assert.equal(audit?.metadata.reembed, true)
    })

    it('deletes the provider', async () => {
      await saveAiProvider(platform, deps, admin, compatible())
      await deleteAiProvider(platform, admin)
      assert.equal(await getAiProvider(platform, admin), null)
      assert.equal(await loadAiProviderConfig(db, organizationId, ENCRYPTION_KEY), undefined)
      await assert.rejects(deleteAiProvider(platform, admin), /was not found/)
      const [audit] = await db.query(`select 1 from audit_log where action = 'ai_provider.deleted'`)
      assert.ok(audit)
    })

    it('refuses to load a key stored under another encryption key', async () => {
      await saveAiProvider(platform, deps, admin, compatible())
      await assert.rejects(
        loadAiProviderConfig(db, organizationId, 'another-encryption-key-that-is-long-enough'),
        /could not be decrypted/,
      )
      await assert.rejects(loadAiProviderConfig(db, organizationId, undefined), /PRODGY_ENCRYPTION_KEY/)
    })
  })
}
