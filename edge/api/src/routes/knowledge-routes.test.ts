import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { EmbeddingPort } from '@prodgy/core'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createTestApi, STRONG_PASSWORD, type TestApi } from '../testing/harness.ts'

type Session = { accessToken: string; user: { id: string } }
type Doc = { id: string; name: string; status: string; progress: number; errorCode: string | null; format: string }
type Envelope = Awaited<ReturnType<TestApi['request']>>

const DIMENSIONS = 16
const SYNONYMS: Record<string, string> = { reimbursement: 'refund', repay: 'refund', automobile: 'car' }

/** A deterministic embedder for the tests: words, folded by a few synonyms, hashed into signed dimensions. */
function wordVector(text: string): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0)
  for (const raw of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
    const word = SYNONYMS[raw] ?? raw
    let h = 2166136261
    for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
    v[h % DIMENSIONS] = (v[h % DIMENSIONS] as number) + ((h >> 8) & 1 ? 1 : -1)
  }
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}
const embedder: EmbeddingPort = {
  model: 'test:words',
  async embed(texts) {
    return { vectors: texts.map(wordVector), dimensions: DIMENSIONS }
  },
}

for (const kind of testDatabaseKinds()) {
  describe(`knowledge base API on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let api: TestApi // no AI provider wired
    let ai: TestApi // the same database, with an embedder and a chat model
    const prompts: string[] = []
    const answers: string[] = []
    let root: Session // Super Admin of Acme
    let admin: Session // Admin of Acme
    let user: Session // User of Acme with access to Rocket only
    let rocket: string
    let side: string
    let acmeToken: string // API token bound to Rocket
    let globexToken: string // API token of another organization
    let notes: Doc

    async function upload(
      token: string,
      fields: Record<string, string>,
      file: { name: string; content: string | Uint8Array; type?: string },
      target = api,
    ): Promise<Envelope> {
      const form = new FormData()
      for (const [k, v] of Object.entries(fields)) form.set(k, v)
      form.set('file', new Blob([file.content as BlobPart], { type: file.type ?? 'text/plain' }), file.name)
      const response = await target.app.request('/api/knowledge-base/documents', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      })
      return { status: response.status, body: (await response.json()) as never, headers: response.headers }
    }

    async function addChunks(documentId: string, contents: string[], config = 'english') {
      const [doc] = await handle.db.query<{ organization_id: string; workspace_id: string }>(
        'select organization_id, workspace_id from knowledge_documents where id = $1',
        [documentId],
      )
      for (const [ordinal, content] of contents.entries()) {
        await handle.db.query(
          `insert into knowledge_chunks (organization_id, workspace_id, document_id, ordinal, content, token_count,
                  metadata, text_config, search_vector, embedding, embedding_dimensions, embedding_model)
           values ($1, $2, $3, $4, $5, 12, $6::jsonb, $7::regconfig, to_tsvector($7::regconfig, $5), $8::vector, $9, $10)`,
          [
            doc?.organization_id,
            doc?.workspace_id,
            documentId,
            ordinal,
            content,
            { headings: ['Section'] },
            config,
            `[${wordVector(content).join(',')}]`,
            DIMENSIONS,
            embedder.model,
          ],
        )
      }
      await handle.db.query(
        `update knowledge_documents set status = 'ready', progress = 100, chunk_count = $2 where id = $1`,
        [documentId, contents.length],
      )
    }

    const invite = async (email: string, role: string, workspaceIds: string[] = []) => {
      const res = await api.request('/api/invitations', {
        token: root.accessToken,
        body: { email, fullName: email, role, workspaceIds },
      })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      const token = api.tokenFromLink(await api.lastLink(email))
      const accepted = await api.request('/api/invitations/accept', {
        body: { token, fullName: email, password: STRONG_PASSWORD },
      })
      return accepted.body.data as Session
    }

    before(async () => {
      handle = await kind.create({ migrated: true })
      const env = { PRODGY_KB_MAX_UPLOAD_MB: '2' }
      api = await createTestApi(handle.db, { env })
      ai = await createTestApi(handle.db, {
        env,
        embedder,
        generateText: async (_organizationId, prompt) => {
          prompts.push(prompt)
          return answers.shift() ?? 'no more answers'
        },
      })
      root = (
        await api.request('/api/setup', {
          body: {
            email: 'root@acme.test',
            password: STRONG_PASSWORD,
            fullName: 'Root',
            organizationName: 'Acme',
            workspaceName: 'Rocket',
          },
        })
      ).body.data as Session
      const me = (await api.request('/api/me', { token: root.accessToken })).body.data as {
        workspaces: { id: string }[]
      }
      rocket = me.workspaces[0]?.id as string
      side = (
        (await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Side' } })).body.data as {
          id: string
        }
      ).id
      admin = await invite('boss@acme.test', 'admin')
      user = await invite('dev@acme.test', 'user', [rocket])
      acmeToken = (
        (await api.request(`/api/workspaces/${rocket}/api-tokens`, { token: root.accessToken, body: { name: 'kb' } }))
          .body.data as { token: string }
      ).token

      await api.request('/api/auth/signup', { body: { email: 'owner@globex.test', fullName: 'Owner' } })
      const confirm = api.tokenFromLink(await api.lastLink('owner@globex.test'))
      const owner = (await api.request('/api/auth/confirm', { body: { token: confirm, password: STRONG_PASSWORD } }))
        .body.data as Session
      await api.request('/api/organizations', { token: owner.accessToken, body: { name: 'Globex' } })
      const again = (
        await api.request('/api/auth/login', {
          body: { email: 'owner@globex.test', password: STRONG_PASSWORD },
        })
      ).body.data as Session
      const globexWs = (await api.request('/api/workspaces', { token: again.accessToken, body: { name: 'Theirs' } }))
        .body.data as { id: string }
      globexToken = (
        (
          await api.request(`/api/workspaces/${globexWs.id}/api-tokens`, {
            token: again.accessToken,
            body: { name: 'kb' },
          })
        ).body.data as { token: string }
      ).token
    })
    after(async () => {
      await handle?.drop()
    })

    it('imports a file: 201, stored under the tenant, queued for the pipeline', async () => {
      const res = await upload(
        root.accessToken,
        { workspaceId: rocket, tags: 'faq, pricing', language: 'en', source: 'handbook', description: 'Refund rules' },
        {
          name: 'Refund policy.md',
          content: '# Refunds\nCustomers who cancel get a full refund.',
          type: 'text/markdown',
        },
      )
      assert.equal(res.status, 201, JSON.stringify(res.body))
      notes = res.body.data as Doc
      const doc = res.body.data as Record<string, unknown>
      assert.equal(doc.status, 'queued')
      assert.equal(doc.progress, 0)
      assert.equal(doc.format, 'md')
      assert.equal(doc.kind, 'file')
      assert.equal(doc.name, 'Refund policy.md')
      assert.equal(doc.workspaceId, rocket)
      assert.deepEqual(doc.tags, ['faq', 'pricing'])
      assert.equal(doc.language, 'en')
      assert.equal(doc.sizeBytes, 49)
      assert.deepEqual(
        Object.keys(doc).sort(),
        [
          'id',
          'workspaceId',
          'kind',
          'name',
          'description',
          'source',
          'subject',
          'language',
          'tags',
          'fileName',
          'format',
          'sizeBytes',
          'status',
          'progress',
          'errorCode',
          'error',
          'chunkCount',
          'rowCount',
          'embeddingModel',
          'createdAt',
          'updatedAt',
        ].sort(),
      )
      const [org] = await handle.db.query<{ organization_id: string }>(
        'select organization_id from workspaces where id = $1',
        [rocket],
      )
      assert.deepEqual(api.storage.keys(), [`${org?.organization_id}/${rocket}/${notes.id}/Refund_policy.md`])
      assert.deepEqual(api.enqueued.at(-1), { name: 'knowledge.ingest', payload: { documentId: notes.id } })
      const [audit] = await handle.db.query<{ action: string }>(`select action from audit_log where target_id = $1`, [
        notes.id,
      ])
      assert.equal(audit?.action, 'knowledge.document_uploaded')
    })

    it('answers 409 for the same content again, naming the existing document', async () => {
      const res = await upload(
        user.accessToken,
        { workspaceId: rocket },
        { name: 'copy.md', content: '# Refunds\nCustomers who cancel get a full refund.' },
      )
      assert.equal(res.status, 409)
      assert.equal(res.body.error, 'duplicate_document')
      assert.match(res.body.message ?? '', /Refund policy\.md/)
      assert.equal((res.body.details as { documentId: string }).documentId, notes.id)
      // another knowledge base may hold the same file
      const elsewhere = await upload(
        root.accessToken,
        { workspaceId: side },
        { name: 'copy.md', content: '# Refunds\nCustomers who cancel get a full refund.' },
      )
      assert.equal(elsewhere.status, 201)
    })

    it('takes uploads above the 1 MB JSON limit, refuses them above the upload limit with 413', async () => {
      const big = await upload(acmeToken, {}, { name: 'big.txt', content: new Uint8Array(1_500_000).fill(97) })
      assert.equal(big.status, 201, JSON.stringify(big.body))
      const before = api.storage.keys().length
      const tooBig = await upload(
        acmeToken,
        {},
        { name: 'huge.txt', content: new Uint8Array(2 * 1024 * 1024 + 1).fill(98) },
      )
      assert.equal(tooBig.status, 413)
      assert.equal(tooBig.body.error, 'file_too_large')
      assert.match(tooBig.body.message ?? '', /2 MB/)
      assert.equal(api.storage.keys().length, before)
      const json = await api.request('/api/knowledge-base/search', {
        token: root.accessToken,
        body: { workspaceId: rocket, query: 'x'.repeat(1_100_000) },
      })
      assert.equal(json.status, 413)
      assert.equal(json.body.error, 'payload_too_large')
    })

    it('refuses what it cannot import, with clear errors', async () => {
      const exe = await upload(root.accessToken, { workspaceId: rocket }, { name: 'tool.exe', content: 'MZ' })
      assert.equal(exe.status, 415)
      assert.equal(exe.body.error, 'unsupported_format')
      const notMultipart = await api.request('/api/knowledge-base/documents', {
        token: root.accessToken,
        body: { workspaceId: rocket },
      })
      assert.equal(notMultipart.status, 415)
      const noWorkspace = await upload(root.accessToken, {}, { name: 'a.txt', content: 'a' })
      assert.equal(noWorkspace.status, 400)
      const badLanguage = await upload(
        root.accessToken,
        { workspaceId: rocket, language: 'English!' },
        { name: 'b.txt', content: 'b' },
      )
      assert.equal(badLanguage.status, 400)
      const anonymous = await api.app.request('/api/knowledge-base/documents', { method: 'POST', body: new FormData() })
      assert.equal(anonymous.status, 401)
    })

    it('lists documents with the provider status, filtered by status and name', async () => {
      const res = await api.request(`/api/knowledge-base?workspaceId=${rocket}`, { token: user.accessToken })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const page = res.body.data as { items: Doc[]; total: number; provider: unknown; pageSize: number }
      assert.equal(page.total, 2)
      assert.equal(page.pageSize, 20)
      assert.deepEqual(page.provider, { configured: false, embeddingModel: null })
      assert.deepEqual(
        page.items.map((d) => d.name),
        ['big.txt', 'Refund policy.md'],
      )
      const byToken = await api.request('/api/knowledge-base?search=refund', { token: acmeToken })
      assert.deepEqual(
        (byToken.body.data as { items: Doc[] }).items.map((d) => d.id),
        [notes.id],
      )
      const failed = await api.request(`/api/knowledge-base?workspaceId=${rocket}&status=failed`, {
        token: root.accessToken,
      })
      assert.equal((failed.body.data as { total: number }).total, 0)
      const [org] = await handle.db.query<{ organization_id: string }>(
        'select organization_id from workspaces where id = $1',
        [rocket],
      )
      await handle.db.query(
        `insert into ai_providers (organization_id, provider, embedding_model, chat_model, base_url)
         values ($1, 'openai_compatible', 'test-embed', 'test-chat', 'http://127.0.0.1:1/v1')`,
        [org?.organization_id],
      )
      const withProvider = await api.request(`/api/knowledge-base?workspaceId=${rocket}`, { token: root.accessToken })
      assert.deepEqual((withProvider.body.data as { provider: unknown }).provider, {
        configured: true,
        embeddingModel: 'test-embed',
      })
      const noAccess = await api.request(`/api/knowledge-base?workspaceId=${side}`, { token: user.accessToken })
      assert.equal(noAccess.status, 403)
      const missing = await api.request('/api/knowledge-base', { token: root.accessToken })
      assert.equal(missing.status, 400)
    })

    it('retries failed documents only', async () => {
      const early = await api.request(`/api/knowledge-base/documents/${notes.id}/retry`, {
        token: user.accessToken,
        body: {},
      })
      assert.equal(early.status, 409)
      assert.equal(early.body.error, 'document_not_failed')
      await handle.db.query(
        `update knowledge_documents set status = 'failed', progress = 40, error_code = 'corrupt_file', error = 'Broken' where id = $1`,
        [notes.id],
      )
      const shown = (await api.request(`/api/knowledge-base/documents/${notes.id}`, { token: user.accessToken })).body
        .data as Doc
      assert.equal(shown.errorCode, 'corrupt_file')
      const queuedBefore = api.enqueued.length
      const res = await api.request(`/api/knowledge-base/documents/${notes.id}/retry`, {
        token: user.accessToken,
        body: {},
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const doc = res.body.data as Doc
      assert.equal(doc.status, 'queued')
      assert.equal(doc.progress, 0)
      assert.equal(doc.errorCode, null)
      assert.deepEqual(api.enqueued.slice(queuedBefore), [
        { name: 'knowledge.ingest', payload: { documentId: notes.id } },
      ])
    })

    it('searches with full text alone without a provider, and says so', async () => {
      await addChunks(notes.id, [
        'Customers who cancel within 30 days get a full refund of the annual plan.',
        'Refunds are paid to the original card within five business days.',
      ])
      const res = await api.request(`/api/knowledge-base/search?workspaceId=${rocket}&q=refund%20annual`, {
        token: user.accessToken,
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const result = res.body.data as {
        hits: {
          content: string
          documentId: string
          documentName: string
          ranks: { text?: number }
          metadata: unknown
        }[]
        mode: string
        notice?: string
      }
      assert.equal(result.mode, 'text')
      assert.match(result.notice ?? '', /embedding provider/)
      assert.equal(result.hits[0]?.documentId, notes.id)
      assert.equal(result.hits[0]?.documentName, 'Refund policy.md')
      assert.equal(result.hits[0]?.ranks.text, 1)
      assert.deepEqual(result.hits[0]?.metadata, { headings: ['Section'] })
      const filtered = await api.request(
        `/api/knowledge-base/search?workspaceId=${rocket}&q=refund&tags=nothing,else`,
        { token: user.accessToken },
      )
      assert.deepEqual((filtered.body.data as { hits: unknown[] }).hits, [])
      const byTag = await api.request(`/api/knowledge-base/search?q=refund&tags=pricing&tags=x`, { token: acmeToken })
      assert.equal((byTag.body.data as { hits: unknown[] }).hits.length, 2)
      const empty = await api.request(`/api/knowledge-base/search?workspaceId=${rocket}&q=`, {
        token: user.accessToken,
      })
      assert.equal(empty.status, 400)
    })

    it('searches hybrid with an embedding provider, fusing both rankings', async () => {
      const res = await ai.request('/api/knowledge-base/search', {
        token: user.accessToken,
        body: { workspaceId: rocket, query: 'reimbursement', limit: 5 },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const result = res.body.data as {
        hits: { ranks: { text?: number; vector?: number }; score: number }[]
        mode: string
      }
      assert.equal(result.mode, 'hybrid')
      assert.ok(result.hits.length > 0)
      assert.equal(result.hits[0]?.ranks.text, undefined, 'the word is not in the text: found by its vector')
      assert.equal(result.hits[0]?.ranks.vector, 1)
      const both = await ai.request('/api/knowledge-base/search', {
        token: acmeToken,
        body: { query: 'refund', filters: { documentIds: [notes.id] } },
      })
      const top = (both.body.data as { hits: { ranks: { text?: number; vector?: number } }[] }).hits[0]
      assert.ok(top?.ranks.text && top.ranks.vector)
    })

    it('keeps tenants apart: another organization sees nothing', async () => {
      for (const [method, path] of [
        ['GET', `/api/knowledge-base/documents/${notes.id}`],
        ['POST', `/api/knowledge-base/documents/${notes.id}/retry`],
        ['DELETE', `/api/knowledge-base/documents/${notes.id}`],
      ] as const) {
        const res = await api.request(path, { method, token: globexToken, ...(method === 'POST' ? { body: {} } : {}) })
        assert.equal(res.status, 404, `${method} ${path}`)
      }
      for (const target of [api, ai]) {
        const theirs = await target.request('/api/knowledge-base/search?q=refund', { token: globexToken })
        assert.equal(theirs.status, 200)
        assert.deepEqual((theirs.body.data as { hits: unknown[] }).hits, [])
      }
      const peek = await api.request(`/api/knowledge-base/search?workspaceId=${rocket}&q=refund`, {
        token: globexToken,
      })
      assert.equal(peek.status, 404)
      const list = await api.request(`/api/knowledge-base?workspaceId=${rocket}`, { token: globexToken })
      assert.equal(list.status, 404)
      // the other workspace of the same organization does not see Rocket's chunks either
      const sideSearch = await ai.request(`/api/knowledge-base/search?workspaceId=${side}&q=refund`, {
        token: root.accessToken,
      })
      assert.deepEqual((sideSearch.body.data as { hits: unknown[] }).hits, [])
      const query = await api.request('/api/knowledge-base/query', {
        token: globexToken,
        body: { documentId: notes.id, aggregates: [{ fn: 'count' }] },
      })
      assert.equal(query.status, 404)
    })

    it('sums spreadsheet rows by group', async () => {
      const sheet = await upload(
        root.accessToken,
        { workspaceId: rocket },
        { name: 'sales.csv', content: 'Region,Revenue\n' },
      )
      const sales = sheet.body.data as Doc
      const [doc] = await handle.db.query<{ organization_id: string }>(
        'select organization_id from knowledge_documents where id = $1',
        [sales.id],
      )
      for (const [i, data] of [
        { Region: 'EU', Revenue: 100 },
        { Region: 'EU', Revenue: '20.5' },
        { Region: 'US', Revenue: 300 },
        { Region: 'US', Revenue: 'unknown' },
      ].entries()) {
        await handle.db.query(
          `insert into knowledge_rows (organization_id, workspace_id, document_id, sheet, row_number, data)
           values ($1, $2, $3, 'sales', $4, $5::jsonb)`,
          [doc?.organization_id, rocket, sales.id, i + 1, data],
        )
      }
      const res = await api.request('/api/knowledge-base/query', {
        token: user.accessToken,
        body: {
          workspaceId: rocket,
          documentId: sales.id,
          groupBy: ['Region'],
          aggregates: [{ fn: 'sum', column: 'Revenue', as: 'total' }, { fn: 'count' }],
          orderBy: [{ key: 'total', direction: 'desc' }],
        },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body.data, {
        columns: ['Region', 'total', 'count'],
        rows: [
          { Region: 'US', total: 300, count: 2 },
          { Region: 'EU', total: 120.5, count: 2 },
        ],
      })
      const badOrder = await api.request('/api/knowledge-base/query', {
        token: user.accessToken,
        body: {
          workspaceId: rocket,
          documentId: sales.id,
          aggregates: [{ fn: 'count' }],
          orderBy: [{ key: 'Revenue', direction: 'asc' }],
        },
      })
      assert.equal(badOrder.status, 400)
      const unknown = await api.request('/api/knowledge-base/query', {
        token: acmeToken,
        body: { documentId: crypto.randomUUID(), aggregates: [{ fn: 'count' }] },
      })
      assert.equal(unknown.status, 404)
    })

    it('saves context drafts for members, publishes them for Admins', async () => {
      const empty = await api.request(`/api/knowledge-base/contexts?workspaceId=${rocket}`, { token: user.accessToken })
      assert.deepEqual(empty.body.data, { draft: [], published: [], version: 0, publishedAt: null })
      const draft = [
        { id: 'a', type: 'plain_text', title: 'Mission', content: 'Help product teams ship.' },
        { id: 'b', type: 'checklist', title: 'Launch', items: [{ text: 'Pricing page', done: true }] },
        {
          id: 'c',
          type: 'group',
          title: 'Persona',
          name: 'Paula',
          description: 'A PM',
          goals: ['Ship'],
          pains: [],
          traits: [],
        },
      ]
      const saved = await api.request('/api/knowledge-base/contexts', {
        method: 'PUT',
        token: user.accessToken,
        body: { workspaceId: rocket, draft },
      })
      assert.equal(saved.status, 200, JSON.stringify(saved.body))
      assert.deepEqual((saved.body.data as { draft: unknown }).draft, draft)
      const invalid = await api.request('/api/knowledge-base/contexts', {
        method: 'PUT',
        token: user.accessToken,
        body: { workspaceId: rocket, draft: [{ id: 'x', type: 'link', title: 'Bad', url: 'ftp://nope' }] },
      })
      assert.equal(invalid.status, 400)
      const refused = await api.request('/api/knowledge-base/contexts/publish', {
        token: user.accessToken,
        body: { workspaceId: rocket },
      })
      assert.equal(refused.status, 403)
      const published = await api.request('/api/knowledge-base/contexts/publish', {
        token: admin.accessToken,
        body: { workspaceId: rocket },
      })
      assert.equal(published.status, 200, JSON.stringify(published.body))
      const contexts = published.body.data as { published: unknown; version: number; publishedAt: string }
      assert.deepEqual(contexts.published, draft)
      assert.equal(contexts.version, 1)
      assert.ok(contexts.publishedAt)
      const [doc] = await handle.db.query<{ id: string; kind: string; status: string }>(
        `select id, kind, status from knowledge_documents where workspace_id = $1 and kind = 'context'`,
        [rocket],
      )
      assert.equal(doc?.status, 'queued')
      assert.deepEqual(api.enqueued.at(-1), { name: 'knowledge.ingest', payload: { documentId: doc?.id } })
      const again = await api.request('/api/knowledge-base/contexts/publish', { token: acmeToken, body: {} })
      assert.equal((again.body.data as { version: number }).version, 2)
      const docs = await handle.db.query(
        `select id from knowledge_documents where workspace_id = $1 and kind = 'context'`,
        [rocket],
      )
      assert.equal(docs.length, 1, 'one context document per workspace')
    })

    it('reads a Markdown file into draft sections', async () => {
      const form = new FormData()
      form.set('workspaceId', rocket)
      form.set('file', new Blob(['# Vision\nShip faster.\n\n## Markets\n- EU\n- US\n']), 'contexts.md')
      const res = await api.app.request('/api/knowledge-base/contexts/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}` },
        body: form,
      })
      assert.equal(res.status, 200)
      const body = (await res.json()) as { data: { type: string; title: string }[] }
      assert.deepEqual(
        body.data.map((s) => [s.type, s.title]),
        [
          ['text_area', 'Vision'],
          ['list', 'Markets'],
        ],
      )
      const wrong = new FormData()
      wrong.set('workspaceId', rocket)
      wrong.set('file', new Blob(['x']), 'contexts.txt')
      const refused = await api.app.request('/api/knowledge-base/contexts/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}` },
        body: wrong,
      })
      assert.equal(refused.status, 415)
    })

    it('proposes the overview with the chat model, retrying once on an invalid answer, without saving', async () => {
      const none = await api.request('/api/knowledge-base/overview/generate', {
        token: admin.accessToken,
        body: { workspaceId: rocket },
      })
      assert.equal(none.status, 409)
      assert.equal(none.body.error, 'ai_provider_required')
      const forbidden = await ai.request('/api/knowledge-base/overview/generate', {
        token: user.accessToken,
        body: { workspaceId: rocket },
      })
      assert.equal(forbidden.status, 403)
      answers.push(
        'Sure! Here it is: {"vision": "Ship"',
        '```json\n{"vision":"Refunds made simple.","targetAudience":"SaaS teams","personas":["Paula, PM"],"valueProposition":"Fast refunds","okrs":"- O1"}\n```',
      )
      const res = await ai.request('/api/knowledge-base/overview/generate', {
        token: admin.accessToken,
        body: { workspaceId: rocket },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body.data, {
        vision: 'Refunds made simple.',
        targetAudience: 'SaaS teams',
        personas: '- Paula, PM',
        valueProposition: 'Fast refunds',
        okrs: '- O1',
      })
      assert.equal(prompts.length, 2)
      assert.match(prompts[0] ?? '', /Product: Rocket/)
      assert.match(prompts[0] ?? '', /full refund of the annual plan/)
      assert.match(prompts[1] ?? '', /could not be used/)
      const ws = (await api.request(`/api/workspaces/${rocket}`, { token: admin.accessToken })).body.data as {
        vision: string | null
      }
      assert.equal(ws.vision, null, 'nothing was saved')
    })

    it('keeps the embeddings viewer and the pipeline settings to Super Admins', async () => {
      for (const path of ['/api/knowledge-base/embeddings', '/api/knowledge-base/settings']) {
        const res = await api.request(path, { token: admin.accessToken })
        assert.equal(res.status, 403, path)
        assert.equal(res.body.error, 'super_admin_required')
      }
      const put = await api.request('/api/knowledge-base/settings', {
        method: 'PUT',
        token: admin.accessToken,
        body: { chunkSizeTokens: 300, chunkOverlapTokens: 30, embeddingBatchSize: 32, embeddingConcurrency: 2 },
      })
      assert.equal(put.status, 403)

      const list = await api.request(`/api/knowledge-base/embeddings?workspaceId=${rocket}&pageSize=100`, {
        token: root.accessToken,
      })
      assert.equal(list.status, 200, JSON.stringify(list.body))
      const page = list.body.data as {
        items: { id: string; preview: string; documentId: string; version: number; insertedAt: string }[]
        total: number
      }
      assert.equal(page.total, 2)
      assert.equal(page.items[0]?.documentId, notes.id)
      const first = page.items[0] as { id: string }
      const prefix = await api.request(`/api/knowledge-base/embeddings?id=${first.id.slice(0, 8)}`, {
        token: root.accessToken,
      })
      assert.deepEqual(
        (prefix.body.data as { items: { id: string }[] }).items.map((i) => i.id),
        [first.id],
      )
      const one = await api.request(`/api/knowledge-base/embeddings/${first.id}`, { token: root.accessToken })
      const detail = one.body.data as { content: string; workspaceId: string; embeddingDimensions: number }
      assert.equal(detail.workspaceId, rocket)
      assert.equal(detail.embeddingDimensions, DIMENSIONS)
      assert.ok(detail.content.length > 0)
      assert.equal(
        (await api.request(`/api/knowledge-base/embeddings/${first.id}`, { token: admin.accessToken })).status,
        403,
      )
      const removed = await api.request(`/api/knowledge-base/embeddings/${first.id}`, {
        method: 'DELETE',
        token: root.accessToken,
      })
      assert.equal(removed.status, 200)
      assert.equal(
        (await api.request(`/api/knowledge-base/embeddings/${first.id}`, { token: root.accessToken })).status,
        404,
      )

      const settings = await api.request('/api/knowledge-base/settings', { token: root.accessToken })
      assert.deepEqual(settings.body.data, {
        chunkSizeTokens: 400,
        chunkOverlapTokens: 60,
        embeddingBatchSize: 64,
        embeddingConcurrency: 2,
      })
      const bad = await api.request('/api/knowledge-base/settings', {
        method: 'PUT',
        token: root.accessToken,
        body: { chunkSizeTokens: 100, chunkOverlapTokens: 100, embeddingBatchSize: 32, embeddingConcurrency: 2 },
      })
      assert.equal(bad.status, 400)
      assert.ok((bad.body.details as { fields: Record<string, string[]> }).fields.chunkOverlapTokens)
      const good = await api.request('/api/knowledge-base/settings', {
        method: 'PUT',
        token: root.accessToken,
        body: { chunkSizeTokens: 300, chunkOverlapTokens: 30, embeddingBatchSize: 32, embeddingConcurrency: 4 },
      })
      assert.equal(good.status, 200, JSON.stringify(good.body))
      assert.equal((good.body.data as { chunkSizeTokens: number }).chunkSizeTokens, 300)
    })

    it('streams document progress as Server-Sent Events', async () => {
      const queued = await upload(root.accessToken, { workspaceId: rocket }, { name: 'live.txt', content: 'live' })
      const live = queued.body.data as Doc
      const anonymous = await api.app.request(`/api/knowledge-base/events?workspaceId=${rocket}`)
      assert.equal(anonymous.status, 401)
      const controller = new AbortController()
      const response = await api.app.request(`/api/knowledge-base/events?workspaceId=${rocket}`, {
        headers: { authorization: `Bearer ${user.accessToken}` },
        signal: controller.signal,
      })
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'text/event-stream')
      assert.equal(response.headers.get('cache-control'), 'no-cache')
      assert.equal(response.headers.get('x-accel-buffering'), 'no')
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      let text = ''
      const deadline = Date.now() + 10_000
      const events = () => [...text.matchAll(/event: document\ndata: (.*)\nid: (.*)\n\n/g)]
      const waitFor = async (predicate: () => boolean) => {
        while (!predicate()) {
          if (Date.now() > deadline) throw new Error(`no event within 10 s; got: ${text}`)
          const { value, done } = await reader.read()
          if (done) throw new Error(`the stream ended; got: ${text}`)
          text += decoder.decode(value, { stream: true })
        }
      }
      await waitFor(() => events().some((m) => JSON.parse(m[1] as string).id === live.id))
      const first = JSON.parse(events().find((m) => JSON.parse(m[1] as string).id === live.id)?.[1] as string)
      assert.deepEqual(first, {
        id: live.id,
        status: 'queued',
        progress: 0,
        errorCode: null,
        error: null,
        chunkCount: 0,
      })
      // the worker moves it on; the next poll sends the change
      await handle.db.query(
        `update knowledge_documents set status = 'parsing', progress = 30, updated_at = now() where id = $1`,
        [live.id],
      )
      await waitFor(() => events().some((m) => JSON.parse(m[1] as string).status === 'parsing'))
      const count = events().filter((m) => JSON.parse(m[1] as string).id === live.id).length
      assert.equal(count, 2, 'each change is sent once')
      await reader.cancel()
      controller.abort()
    })

    it('deletes documents: the uploader or an Admin; the file and chunks go with it', async () => {
      const mine = (await upload(user.accessToken, { workspaceId: rocket }, { name: 'mine.txt', content: 'mine' })).body
        .data as Doc
      const notMine = await api.request(`/api/knowledge-base/documents/${notes.id}`, {
        method: 'DELETE',
        token: user.accessToken,
      })
      assert.equal(notMine.status, 403)
      assert.equal(notMine.body.error, 'document_delete_forbidden')
      const own = await api.request(`/api/knowledge-base/documents/${mine.id}`, {
        method: 'DELETE',
        token: user.accessToken,
      })
      assert.equal(own.status, 200)
      const key = api.storage.keys().find((k) => k.includes(notes.id)) as string
      assert.ok(key)
      const res = await api.request(`/api/knowledge-base/documents/${notes.id}`, {
        method: 'DELETE',
        token: admin.accessToken,
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.message, 'The document was deleted.')
      assert.equal(api.storage.keys().includes(key), false)
      assert.ok(!api.storage.keys().some((k) => k.includes(mine.id)))
      const gone = await api.request(`/api/knowledge-base/documents/${notes.id}`, { token: admin.accessToken })
      assert.equal(gone.status, 404)
      const [chunks] = await handle.db.query<{ n: number }>(
        'select count(*)::int as n from knowledge_chunks where document_id = $1',
        [notes.id],
      )
      assert.equal(chunks?.n, 0)
    })

    it('documents the knowledge routes in OpenAPI', async () => {
      const doc = (await (await api.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> }
      for (const path of [
        '/api/knowledge-base',
        '/api/knowledge-base/search',
        '/api/knowledge-base/documents',
        '/api/knowledge-base/documents/{id}',
        '/api/knowledge-base/events',
        '/api/knowledge-base/query',
        '/api/knowledge-base/contexts',
        '/api/knowledge-base/contexts/import',
        '/api/knowledge-base/overview/generate',
        '/api/knowledge-base/embeddings/{id}',
        '/api/knowledge-base/settings',
      ]) {
        assert.ok(doc.paths[path], path)
      }
    })
  })
}
