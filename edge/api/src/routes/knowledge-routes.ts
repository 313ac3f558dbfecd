/**
 * The knowledge base's REST API (docs/knowledge.md): documents, hybrid search, structured queries over spreadsheet
 * rows, contexts, the generated overview, the Super Admin's embeddings viewer and pipeline settings, and a
 * Server-Sent Events feed of pipeline progress. JSON routes go through `defineRoute`; the two multipart routes and
 * the event stream are plain Hono handlers, documented in the OpenAPI registry by hand.
 */
import { z } from '@hono/zod-openapi'
import {
  AppError,
  contextSectionsSchema,
  deleteDocument,
  deleteEmbedding,
  documentChanges,
  type EmbeddingPort,
  fileTooLargeError,
  generateOverview,
  getContexts,
  getDocument,
  getEmbedding,
  getPipelineSettings,
  importDocument,
  importMarkdownSections,
  type KnowledgeDocumentChange,
  listDocuments,
  listEmbeddings,
  pipelineSettingsSchema,
  publishContexts,
  queryRows,
  requireOrganization,
  requireSuperAdmin,
  resolveKnowledgeWorkspace,
  retryDocument,
  saveContextDraft,
  searchKnowledge,
  searchRequestSchema,
  structuredQuerySchema,
  updatePipelineSettings,
  ValidationError,
  withTimeout,
} from '@prodgy/core'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { streamSSE } from 'hono/streaming'
import { principalOf } from '../auth.ts'
import { defineRoute, idParams, pageOf, pageQuery } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import {
  embeddingDetailSchema,
  embeddingSummarySchema,
  knowledgeContextsSchema,
  knowledgeDocumentChangeSchema,
  knowledgeDocumentPageSchema,
  knowledgeDocumentSchema,
  overviewProposalResponseSchema,
  pipelineSettingsResponseSchema,
  searchResultSchema,
  structuredQueryResultSchema,
} from '../schemas.ts'

const TAG = 'Knowledge base'

/** The upload route takes files up to the platform's limit, so the app's 1 MB JSON limit skips it. */
export const KNOWLEDGE_UPLOAD_PATH = '/api/knowledge-base/documents'
/** Room for the multipart envelope and the text fields around the file itself. */
const MULTIPART_ALLOWANCE = 64 * 1024

const HEARTBEAT_MS = 15_000
const POLL_MS = 1_000
/** A stream ends after this long; EventSource reconnects by itself (with `Last-Event-ID`), and no stream lives forever. */
const STREAM_MAX_MS = 30 * 60_000
const POLL_TIMEOUT_MS = 10_000

const workspaceQuery = z.object({ workspaceId: z.uuid().optional() })
const workspaceBody = z.object({ workspaceId: z.uuid().optional() })

/** `?tags=a,b` and `?tags=a&tags=b` alike. */
const listParam = z.union([z.string().max(2000), z.array(z.string().max(200)).max(50)]).optional()
function splitList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
  return items.length ? items : undefined
}

/** Reads a multipart body, with a message for people when it is something else. */
async function readForm(c: Context): Promise<FormData> {
  const type = c.req.header('content-type') ?? ''
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in a field named "file".', 415)
  }
  try {
    return await c.req.raw.formData()
  } catch {
    throw new ValidationError('The multipart body could not be read.', { file: ['The upload was malformed.'] })
  }
}

function formText(form: FormData, name: string): string | undefined {
  const value = form.get(name)
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function formFile(form: FormData): File {
  const file = form.get('file')
  if (!file || typeof file === 'string') {
    throw new ValidationError('Attach the file in the multipart field "file".', { file: ['Required.'] })
  }
  return file
}

function toEvent(change: KnowledgeDocumentChange) {
  const { updatedAt: _updatedAt, ...data } = change
  return data
}

export function registerKnowledgeRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps

  /**
   * The organization's embedder. A provider that is configured but cannot be loaded (an encryption key missing,
   * say) is reported by search as "did not answer" rather than as "not configured", and logged.
   */
  async function embedderOf(organizationId: string): Promise<EmbeddingPort | undefined> {
    if (!deps.embedderFor) return undefined
    try {
      return await deps.embedderFor(organizationId)
    } catch (error) {
      platform.log.warn('the embedding provider could not be loaded', { organizationId, error })
      return {
        model: 'unavailable',
        embed: () => Promise.reject(error),
      }
    }
  }

  // ---------------------------------------------------------------- documents

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base',
      tag: TAG,
      summary: "The workspace's documents, newest first, and whether an embedding provider is configured",
      query: pageQuery.extend({
        workspaceId: z.uuid().optional(),
        status: z.enum(['queued', 'parsing', 'embedding', 'ready', 'failed']).optional(),
        search: z.string().max(200).optional(),
      }),
      response: knowledgeDocumentPageSchema,
    },
    async (c, { query }) => ({ data: await listDocuments(platform, await principalOf(c, deps), query) }),
  )

  app.post(
    KNOWLEDGE_UPLOAD_PATH,
    async (c, next) => {
      // credentials before the body: a stranger's upload is refused before a byte of it is read
      await principalOf(c, deps)
      await next()
    },
    bodyLimit({
      maxSize: platform.settings.maxUploadBytes + MULTIPART_ALLOWANCE,
      onError: () => {
        throw fileTooLargeError(platform.settings.maxUploadBytes)
      },
    }),
    async (c) => {
      const principal = await principalOf(c, deps)
      const form = await readForm(c)
      const file = formFile(form)
      if (file.size > platform.settings.maxUploadBytes) throw fileTooLargeError(platform.settings.maxUploadBytes)
      const document = await importDocument(platform, { storage: deps.storage }, principal, {
        workspaceId: formText(form, 'workspaceId'),
        fileName: file.name || 'upload',
        bytes: new Uint8Array(await file.arrayBuffer()),
        contentType: file.type || undefined,
        name: formText(form, 'name'),
        description: formText(form, 'description'),
        metadata: {
          source: formText(form, 'source'),
          subject: formText(form, 'subject'),
          language: formText(form, 'language'),
          tags: splitList(formText(form, 'tags')) ?? [],
        },
      })
      return c.json({ success: true, data: document, message: 'The document was queued for processing.' }, 201)
    },
  )
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: KNOWLEDGE_UPLOAD_PATH,
    tags: [TAG],
    summary: 'Import a file into the knowledge base (multipart); it is processed in the background',
    security: [{ bearer: [] }, { apiToken: [] }],
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              file: z.string().openapi({ format: 'binary' }),
              workspaceId: z.uuid().optional(),
              name: z.string().optional(),
              description: z.string().optional(),
              source: z.string().optional(),
              subject: z.string().optional(),
              language: z.string().optional().openapi({ example: 'en-US' }),
              tags: z.string().optional().openapi({ description: 'Comma-separated', example: 'pricing,faq' }),
            }),
          },
        },
      },
    },
    responses: {
      201: {
        description: 'Queued',
        content: {
          'application/json': { schema: z.object({ success: z.literal(true), data: knowledgeDocumentSchema }) },
        },
      },
      409: { description: 'The same content is already in this knowledge base (`duplicate_document`)' },
      413: { description: 'The file is over the upload limit (`file_too_large`)' },
      415: { description: 'A file type the importer does not take (`unsupported_format`)' },
    },
  })

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base/documents/{id}',
      tag: TAG,
      summary: 'One document and its pipeline state',
      params: idParams,
      response: knowledgeDocumentSchema,
    },
    async (c, { params }) => ({ data: await getDocument(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/knowledge-base/documents/{id}/retry',
      tag: TAG,
      summary: 'Queue a failed document again',
      params: idParams,
      response: knowledgeDocumentSchema,
    },
    async (c, { params }) => ({
      data: await retryDocument(platform, await principalOf(c, deps), params.id),
      message: 'The document was queued again.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/knowledge-base/documents/{id}',
      tag: TAG,
      summary: 'Delete a document, its file, chunks and rows (Admin or the uploader)',
      params: idParams,
    },
    async (c, { params }) => {
      await deleteDocument(platform, { storage: deps.storage }, await principalOf(c, deps), params.id)
      return { data: null, message: 'The document was deleted.' }
    },
  )

  // ---------------------------------------------------------------- progress feed

  app.get('/api/knowledge-base/events', async (c) => {
    const principal = await principalOf(c, deps)
    const scope = await resolveKnowledgeWorkspace(platform.db, principal, c.req.query('workspaceId') || undefined)
    const lastEventId = c.req.header('last-event-id')
    const resumeAt = lastEventId ? new Date(lastEventId) : undefined
    // a reconnecting EventSource continues where it stopped (within the hour); otherwise start from what is in flight
    let since: Date | null =
      resumeAt && !Number.isNaN(resumeAt.getTime()) && Date.now() - resumeAt.getTime() < 3600_000
        ? new Date(resumeAt.getTime() - 5_000)
        : null
    const log = c.get('log') ?? platform.log
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let wake: (() => void) | undefined
      const stop = () => {
        stream.abort()
        wake?.()
      }
      stream.onAbort(() => wake?.())
      c.req.raw.signal?.addEventListener('abort', stop, { once: true })
      const pause = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      // what was sent, by id → updatedAt, so the overlapping polls never repeat a change
      const sent = new Map<string, number>()
      const deadline = Date.now() + STREAM_MAX_MS
      let lastWrite = Date.now()
      await stream.write('retry: 3000\n\n')
      try {
        while (!stream.aborted && !stream.closed && Date.now() < deadline) {
          const { changes, cursor } = await withTimeout(
            documentChanges(platform.db, scope.organizationId, scope.workspaceId, since),
            POLL_TIMEOUT_MS,
            'The database',
          )
          for (const change of changes) {
            const at = Date.parse(change.updatedAt)
            if (sent.get(change.id) === at) continue
            sent.set(change.id, at)
            await stream.writeSSE({ event: 'document', id: change.updatedAt, data: JSON.stringify(toEvent(change)) })
            lastWrite = Date.now()
          }
          // entries older than the cursor cannot come back
          for (const [id, at] of sent) if (at <= cursor.getTime()) sent.delete(id)
          since = cursor
          if (Date.now() - lastWrite >= HEARTBEAT_MS) {
            await stream.write(': heartbeat\n\n')
            lastWrite = Date.now()
          }
          if (!stream.aborted) await pause(POLL_MS)
        }
      } catch (error) {
        // the client reconnects; the next stream starts from its Last-Event-ID
        log.warn('knowledge event stream stopped', { error })
      } finally {
        c.req.raw.signal?.removeEventListener('abort', stop)
      }
    })
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/knowledge-base/events',
    tags: [TAG],
    summary: 'Server-Sent Events: `document` events with pipeline progress; `: heartbeat` comments every 15 s',
    security: [{ bearer: [] }, { apiToken: [] }],
    request: { query: workspaceQuery },
    responses: {
      200: {
        description: 'An event stream; each `document` event carries this JSON',
        content: { 'text/event-stream': { schema: knowledgeDocumentChangeSchema } },
      },
    },
  })

  // ---------------------------------------------------------------- search and structured queries

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base/search',
      tag: TAG,
      summary: 'Search the knowledge base (hybrid: full text and vectors fused; full text alone without a provider)',
      query: z.object({
        workspaceId: z.uuid().optional(),
        q: z.string().max(2000),
        limit: z.coerce.number().int().min(1).max(50).optional(),
        mode: z.enum(['hybrid', 'text', 'vector']).optional(),
        source: listParam,
        tags: listParam,
        language: listParam,
        documentId: listParam,
      }),
      response: searchResultSchema,
    },
    async (c, { query }) => {
      const principal = await principalOf(c, deps)
      const organizationId = requireOrganization(principal)
      return {
        data: await searchKnowledge(
          platform,
          { embedder: await embedderOf(organizationId) },
          principal,
          query.workspaceId,
          {
            query: query.q,
            limit: query.limit,
            mode: query.mode,
            filters: {
              source: splitList(query.source),
              tags: splitList(query.tags),
              language: splitList(query.language),
              documentIds: splitList(query.documentId),
            },
          },
        ),
      }
    },
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/knowledge-base/search',
      tag: TAG,
      summary: 'Search the knowledge base, with filters in the body',
      body: searchRequestSchema.extend({ workspaceId: z.uuid().optional() }),
      response: searchResultSchema,
    },
    async (c, { body }) => {
      const principal = await principalOf(c, deps)
      const organizationId = requireOrganization(principal)
      const { workspaceId, ...request } = body
      return {
        data: await searchKnowledge(
          platform,
          { embedder: await embedderOf(organizationId) },
          principal,
          workspaceId,
          request,
        ),
      }
    },
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/knowledge-base/query',
      tag: TAG,
      summary: "Count, sum, average and group a spreadsheet's rows (names and values are parameters, never SQL)",
      body: structuredQuerySchema.extend({ workspaceId: z.uuid().optional() }),
      response: structuredQueryResultSchema,
    },
    async (c, { body }) => {
      const { workspaceId, ...query } = body
      return { data: await queryRows(platform, await principalOf(c, deps), workspaceId, query) }
    },
  )

  // ---------------------------------------------------------------- contexts

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base/contexts',
      tag: TAG,
      summary: "The workspace's contexts: the draft, the published sections and the version",
      query: workspaceQuery,
      response: knowledgeContextsSchema,
    },
    async (c, { query }) => ({ data: await getContexts(platform, await principalOf(c, deps), query.workspaceId) }),
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/knowledge-base/contexts',
      tag: TAG,
      summary: 'Save the contexts draft (ordered sections); nothing is searchable until published',
      body: z.object({ workspaceId: z.uuid().optional(), draft: contextSectionsSchema }),
      response: knowledgeContextsSchema,
    },
    async (c, { body }) => ({
      data: await saveContextDraft(platform, await principalOf(c, deps), body.workspaceId, body.draft),
      message: 'The draft was saved.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/knowledge-base/contexts/publish',
      tag: TAG,
      summary: 'Publish the draft into the knowledge base (Admin)',
      body: workspaceBody,
      response: knowledgeContextsSchema,
    },
    async (c, { body }) => ({
      data: await publishContexts(platform, await principalOf(c, deps), body.workspaceId),
      message: 'The contexts were published; they are being added to the knowledge base.',
    }),
  )
  app.post('/api/knowledge-base/contexts/import', async (c) => {
    const principal = await principalOf(c, deps)
    const form = await readForm(c)
    const file = formFile(form)
    await resolveKnowledgeWorkspace(platform.db, principal, formText(form, 'workspaceId'))
    if (!/\.(md|mdx|markdown)$/i.test(file.name)) {
      throw new AppError('unsupported_format', 'Import a Markdown file (.md or .mdx).', 415)
    }
    let markdown: string
    try {
      markdown = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer())
    } catch {
      throw new ValidationError('The file is not UTF-8 text.', { file: ['Save the file as UTF-8.'] })
    }
    const sections = importMarkdownSections(markdown)
    return c.json({
      success: true,
      data: sections,
      message:
        sections.length > 0
          ? `${sections.length} section(s) read; save them in the draft to keep them.`
          : 'The file has no sections to import.',
    })
  })
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/knowledge-base/contexts/import',
    tags: [TAG],
    summary: 'Read a Markdown or MDX file into context sections (returned, not saved)',
    security: [{ bearer: [] }, { apiToken: [] }],
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({ file: z.string().openapi({ format: 'binary' }), workspaceId: z.uuid().optional() }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The sections, in order',
        content: {
          'application/json': {
            schema: z.object({ success: z.literal(true), data: knowledgeContextsSchema.shape.draft }),
          },
        },
      },
    },
  })

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/knowledge-base/overview/generate',
      tag: TAG,
      summary: "Propose the workspace's overview blocks from its knowledge base (Admin; not saved)",
      body: workspaceBody,
      response: overviewProposalResponseSchema,
    },
    async (c, { body }) => {
      const principal = await principalOf(c, deps)
      const organizationId = requireOrganization(principal)
      const generateText = deps.generateText
      return {
        data: await generateOverview(
          platform,
          {
            embedder: await embedderOf(organizationId),
            generate: generateText ? (prompt) => generateText(organizationId, prompt) : undefined,
          },
          principal,
          body.workspaceId,
        ),
        message: 'Review the proposal, then save the blocks you keep on the workspace.',
      }
    },
  )

  // ---------------------------------------------------------------- Super Admin

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base/embeddings',
      tag: TAG,
      summary: "The current organization's embedded chunks, newest first (Super Admin)",
      query: pageQuery.extend({
        workspaceId: z.uuid().optional(),
        id: z.string().max(36).optional().openapi({ description: 'The start of a chunk id' }),
      }),
      response: pageOf(embeddingSummarySchema),
    },
    async (c, { query }) => ({ data: await listEmbeddings(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base/embeddings/{id}',
      tag: TAG,
      summary: 'One embedded chunk with its full content and metadata (Super Admin)',
      params: idParams,
      response: embeddingDetailSchema,
    },
    async (c, { params }) => ({ data: await getEmbedding(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/knowledge-base/embeddings/{id}',
      tag: TAG,
      summary: 'Remove one chunk from the index (Super Admin)',
      params: idParams,
    },
    async (c, { params }) => {
      await deleteEmbedding(platform, await principalOf(c, deps), params.id)
      return { data: null, message: 'The chunk was removed from the index.' }
    },
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/knowledge-base/settings',
      tag: TAG,
      summary: 'Pipeline settings: chunk size and overlap, embedding batch size and concurrency (Super Admin)',
      response: pipelineSettingsResponseSchema,
    },
    async (c) => {
      requireSuperAdmin(await principalOf(c, deps))
      return { data: await getPipelineSettings(platform.db) }
    },
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/knowledge-base/settings',
      tag: TAG,
      summary: 'Change the pipeline settings for documents processed from now on (Super Admin)',
      body: pipelineSettingsSchema,
      response: pipelineSettingsResponseSchema,
    },
    async (c, { body }) => ({
      data: await updatePipelineSettings(platform, await principalOf(c, deps), body),
      message: 'The pipeline settings were saved.',
    }),
  )
}
