/**
 * Knowledge-base documents: import (store the file, record the row, queue the pipeline), list, read, retry and
 * delete, plus the change feed behind the API's Server-Sent Events. The pipeline itself (parse → chunk → embed →
 * index) runs in the workers and only reads what is recorded here.
 */
import type { z } from 'zod'
import { isAdmin, requireOrganization } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { toHex } from '../crypto/random.ts'
import type { Queryable } from '../db/database.ts'
import {
  AppError,
  ConflictError,
  describeFieldErrors,
  ForbiddenError,
  fieldErrors,
  NotFoundError,
  ValidationError,
} from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import { type Page, type PageQuery, pageBounds, toPage } from '../services/pagination.ts'
import type { Platform } from '../services/platform.ts'
import { assertWorkspaceAccess } from '../services/workspace-access.ts'
import type { FileStoragePort } from '../storage/file-storage.ts'
import { type DocumentFormat, type DocumentStatus, documentMetadataSchema } from './types.ts'

export const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['queued', 'parsing', 'embedding', 'ready', 'failed']

/** `KnowledgeDocument` of docs/knowledge.md. */
export interface KnowledgeDocumentDto {
  id: string
  workspaceId: string
  kind: 'file' | 'context'
  name: string
  description: string | null
  source: string | null
  subject: string | null
  language: string | null
  tags: string[]
  fileName: string | null
  /** What the content turned out to be once parsed; until then what the file name says. */
  format: string | null
  sizeBytes: number
  status: DocumentStatus
  progress: number
  errorCode: string | null
  error: string | null
  chunkCount: number
  rowCount: number
  embeddingModel: string | null
  createdAt: string
  updatedAt: string
}

export interface KnowledgeProviderStatus {
  /** Whether the organization has an embedding model; without one search is full-text only. */
  configured: boolean
  embeddingModel: string | null
}

export interface KnowledgeDocumentPage extends Page<KnowledgeDocumentDto> {
  provider: KnowledgeProviderStatus
}

/** What the SSE feed sends for each changed document. */
export interface KnowledgeDocumentChange {
  id: string
  status: DocumentStatus
  progress: number
  errorCode: string | null
  error: string | null
  chunkCount: number
  updatedAt: string
}

export interface KnowledgeDocumentRow {
  id: string
  organization_id: string
  workspace_id: string
  kind: 'file' | 'context'
  name: string
  description: string | null
  source: string | null
  subject: string | null
  language: string | null
  tags: string[]
  file_name: string | null
  declared_format: string | null
  detected_format: string | null
  mime_type: string | null
  size_bytes: number
  content_hash: string
  storage_key: string | null
  status: DocumentStatus
  progress: number
  error_code: string | null
  error: string | null
  chunk_count: number
  row_count: number
  embedding_model: string | null
  created_by: string | null
  created_at: Date
  updated_at: Date
}

export function toKnowledgeDocumentDto(r: KnowledgeDocumentRow): KnowledgeDocumentDto {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind,
    name: r.name,
    description: r.description,
    source: r.source,
    subject: r.subject,
    language: r.language,
    tags: r.tags ?? [],
    fileName: r.file_name,
    format: r.detected_format ?? r.declared_format,
    sizeBytes: Number(r.size_bytes),
    status: r.status,
    progress: r.progress,
    errorCode: r.error_code,
    error: r.error,
    chunkCount: r.chunk_count,
    rowCount: r.row_count,
    embeddingModel: r.embedding_model,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}

/** Validates input that did not come through the API's own validation (MCP, agents, the CLI). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const fields = fieldErrors(result.error.issues, 'input')
  throw new ValidationError(`Some fields are not valid. ${describeFieldErrors(fields)}`, fields)
}

export interface KnowledgeScope {
  organizationId: string
  workspaceId: string
}

/**
 * The knowledge base a call acts on: an API token's own workspace, else the one named. Checks the caller may open it
 * (a workspace of another organization answers 404).
 */
export async function resolveKnowledgeWorkspace(
  q: Queryable,
  principal: Principal | undefined,
  workspaceId?: string | undefined,
): Promise<KnowledgeScope> {
  const organizationId = requireOrganization(principal)
  const p = principal as Principal
  const chosen = workspaceId || (p.kind !== 'session' ? p.workspaceId : undefined)
  if (!chosen) {
    throw new ValidationError('Say which workspace: send workspaceId.', { workspaceId: ['Required.'] })
  }
  await assertWorkspaceAccess(q, p, chosen)
  return { organizationId, workspaceId: chosen }
}

// ---------------------------------------------------------------- import

/** File extensions the importer knows, and the format each one announces. */
const EXTENSION_FORMATS: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  doc: 'doc',
  txt: 'txt',
  text: 'txt',
  md: 'md',
  markdown: 'md',
  mdx: 'md',
  html: 'html',
  htm: 'html',
  json: 'json',
  xml: 'xml',
  csv: 'csv',
  tsv: 'tsv',
  xlsx: 'xlsx',
  xls: 'xls',
  ods: 'ods',
}

const FORMAT_MIME: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
  xml: 'application/xml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
}

/** The format a file name announces; undefined without an extension (the worker then goes by the content alone). */
export function declaredFormatOf(fileName: string): DocumentFormat | undefined {
  const dot = fileName.lastIndexOf('.')
  if (dot <= 0 || dot === fileName.length - 1) return undefined
  const extension = fileName.slice(dot + 1).toLowerCase()
  const format = EXTENSION_FORMATS[extension]
  if (!format) {
    throw new AppError(
      'unsupported_format',
      `Files ending in .${extension} cannot be imported. Use PDF, DOCX, DOC, TXT, MD, HTML, JSON, XML, CSV, TSV, XLSX, XLS or ODS.`,
      415,
      { extension },
    )
  }
  return format
}

/** A storage-safe version of a file name: ASCII letters, digits, dot, dash and underscore, at most 120 characters. */
export function safeFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? ''
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents go, their letters stay
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._]+/, '')
  if (!cleaned) return 'file'
  if (cleaned.length <= 120) return cleaned
  const dot = cleaned.lastIndexOf('.')
  const extension = dot > 0 && cleaned.length - dot <= 12 ? cleaned.slice(dot) : ''
  return cleaned.slice(0, 120 - extension.length) + extension
}

export async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
}

export interface ImportDocumentInput {
  workspaceId?: string | undefined
  fileName: string
  bytes: Uint8Array
  contentType?: string | undefined
  name?: string | undefined
  description?: string | undefined
  metadata: z.input<typeof documentMetadataSchema>
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`
}

export function fileTooLargeError(maxBytes: number): AppError {
  return new AppError('file_too_large', `The file is larger than the upload limit of ${formatSize(maxBytes)}.`, 413, {
    maxBytes,
  })
}

async function findDuplicate(
  q: Queryable,
  scope: KnowledgeScope,
  contentHash: string,
): Promise<{ id: string; name: string } | undefined> {
  const [row] = await q.query<{ id: string; name: string }>(
    'select id, name from knowledge_documents where organization_id = $1 and workspace_id = $2 and content_hash = $3',
    [scope.organizationId, scope.workspaceId, contentHash],
  )
  return row
}

function duplicateError(existing: { id: string; name: string }): AppError {
  return new AppError('duplicate_document', `This file is already in the knowledge base as "${existing.name}".`, 409, {
    documentId: existing.id,
    name: existing.name,
  })
}

/**
 * Imports one file: it is stored first, then recorded in one transaction; if recording fails, the stored object is
 * removed again, so a failure leaves neither a row without a file nor a file without a row. The pipeline is queued
 * once the row has committed.
 */
export async function importDocument(
  platform: Platform,
  deps: { storage: FileStoragePort },
  principal: Principal | undefined,
  input: ImportDocumentInput,
): Promise<KnowledgeDocumentDto> {
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, input.workspaceId)
  const maxBytes = platform.settings.maxUploadBytes
  if (input.bytes.byteLength > maxBytes) throw fileTooLargeError(maxBytes)
  const fileName = input.fileName.trim()
  if (!fileName) throw new ValidationError('The file has no name.', { file: ['A file name is required.'] })
  if (fileName.length > 255)
    throw new ValidationError('The file name is too long.', { file: ['At most 255 characters.'] })
  const metadata = parseInput(documentMetadataSchema, input.metadata)
  const name = (input.name?.trim() || fileName).slice(0, 300)
  const description = input.description?.trim() || null
  if (description && description.length > 5000) {
    throw new ValidationError('The description is too long.', { description: ['At most 5000 characters.'] })
  }
  const declaredFormat = declaredFormatOf(fileName)
  const contentType =
    input.contentType?.split(';')[0]?.trim() ||
    (declaredFormat ? FORMAT_MIME[declaredFormat] : 'application/octet-stream')
  const contentHash = await sha256OfBytes(input.bytes)

  // a cheap early answer; the unique index settles races below
  const existing = await findDuplicate(platform.db, scope, contentHash)
  if (existing) throw duplicateError(existing)

  const documentId = crypto.randomUUID()
  const storageKey = `${scope.organizationId}/${scope.workspaceId}/${documentId}/${safeFileName(fileName)}`
  await deps.storage.put(storageKey, input.bytes, contentType)
  let row: KnowledgeDocumentRow
  try {
    row = await platform.db.transaction(async (tx) => {
      const [inserted] = await tx.query<KnowledgeDocumentRow>(
        `insert into knowledge_documents (id, organization_id, workspace_id, kind, name, description, source, subject,
                language, tags, file_name, declared_format, mime_type, size_bytes, content_hash, storage_key, status,
                created_by)
         values ($1, $2, $3, 'file', $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15, 'queued', $16)
         returning *`,
        [
          documentId,
          scope.organizationId,
          scope.workspaceId,
          name,
          description,
          metadata.source || null,
          metadata.subject || null,
          metadata.language || null,
          [...new Set(metadata.tags)],
          fileName,
          declaredFormat ?? null,
          contentType,
          input.bytes.byteLength,
          contentHash,
          storageKey,
          principal?.user?.id ?? null,
        ],
      )
      await recordAudit(tx, {
        organizationId: scope.organizationId,
        workspaceId: scope.workspaceId,
        actor: actorOf(principal),
        action: 'knowledge.document_uploaded',
        targetType: 'knowledge_document',
        targetId: documentId,
        metadata: { name, fileName, sizeBytes: input.bytes.byteLength, format: declaredFormat ?? null },
      })
      return inserted as KnowledgeDocumentRow
    })
  } catch (error) {
    await deps.storage.delete(storageKey).catch((cleanup) => {
      platform.log.warn('stored upload could not be removed after a failed import', { storageKey, error: cleanup })
    })
    const raced = await findDuplicate(platform.db, scope, contentHash)
    if (raced) throw duplicateError(raced)
    throw error
  }
  await platform.enqueue('knowledge.ingest', { documentId })
  return toKnowledgeDocumentDto(row)
}

// ---------------------------------------------------------------- read

export interface ListDocumentsQuery extends PageQuery {
  workspaceId?: string | undefined
  status?: DocumentStatus | undefined
  search?: string | undefined
}

export async function knowledgeProviderStatus(q: Queryable, organizationId: string): Promise<KnowledgeProviderStatus> {
  const [row] = await q.query<{ embedding_model: string | null }>(
    'select embedding_model from ai_providers where organization_id = $1',
    [organizationId],
  )
  return { configured: Boolean(row?.embedding_model), embeddingModel: row?.embedding_model ?? null }
}

export async function listDocuments(
  platform: Platform,
  principal: Principal | undefined,
  query: ListDocumentsQuery,
): Promise<KnowledgeDocumentPage> {
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, query.workspaceId)
  const { limit, offset } = pageBounds(query)
  const search = query.search?.trim() || null
  const filter = `where organization_id = $1 and workspace_id = $2
      and ($3::text is null or status = $3)
      and ($4::text is null or strpos(lower(name), lower($4)) > 0 or strpos(lower(coalesce(file_name, '')), lower($4)) > 0)`
  const params = [scope.organizationId, scope.workspaceId, query.status ?? null, search]
  const [count] = await platform.db.query<{ n: number }>(
    `select count(*)::int as n from knowledge_documents ${filter}`,
    params,
  )
  const rows = await platform.db.query<KnowledgeDocumentRow>(
    `select * from knowledge_documents ${filter} order by created_at desc, id limit $5 offset $6`,
    [...params, limit, offset],
  )
  return {
    ...toPage(rows.map(toKnowledgeDocumentDto), count?.n ?? 0, query),
    provider: await knowledgeProviderStatus(platform.db, scope.organizationId),
  }
}

/**
 * Loads a document the caller may open. A document of another organization, or of a workspace the caller cannot
 * open, answers 404 alike: its id reveals nothing.
 */
async function loadDocument(
  q: Queryable,
  principal: Principal | undefined,
  documentId: string,
  lock = false,
): Promise<KnowledgeDocumentRow> {
  const organizationId = requireOrganization(principal)
  const [row] = await q.query<KnowledgeDocumentRow>(
    `select * from knowledge_documents where id = $1 and organization_id = $2${lock ? ' for update' : ''}`,
    [documentId, organizationId],
  )
  if (!row) throw new NotFoundError('Document', 'document_not_found')
  try {
    await assertWorkspaceAccess(q, principal as Principal, row.workspace_id)
  } catch (error) {
    if (error instanceof ForbiddenError) throw new NotFoundError('Document', 'document_not_found')
    throw error
  }
  return row
}

export async function getDocument(
  platform: Platform,
  principal: Principal | undefined,
  documentId: string,
): Promise<KnowledgeDocumentDto> {
  return toKnowledgeDocumentDto(await loadDocument(platform.db, principal, documentId))
}

/** Queues a failed document again from its stored file; other states are already on their way. */
export async function retryDocument(
  platform: Platform,
  principal: Principal | undefined,
  documentId: string,
): Promise<KnowledgeDocumentDto> {
  const row = await platform.db.transaction(async (tx) => {
    const current = await loadDocument(tx, principal, documentId, true)
    if (current.status !== 'failed') {
      throw new ConflictError(
        `Only failed documents can be retried; this one is ${current.status}.`,
        'document_not_failed',
      )
    }
    const [updated] = await tx.query<KnowledgeDocumentRow>(
      `update knowledge_documents
          set status = 'queued', progress = 0, error_code = null, error = null, updated_at = now()
        where id = $1 returning *`,
      [documentId],
    )
    await recordAudit(tx, {
      organizationId: current.organization_id,
      workspaceId: current.workspace_id,
      actor: actorOf(principal),
      action: 'knowledge.document_retried',
      targetType: 'knowledge_document',
      targetId: documentId,
      metadata: { name: current.name, errorCode: current.error_code },
    })
    return updated as KnowledgeDocumentRow
  })
  await platform.enqueue('knowledge.ingest', { documentId })
  return toKnowledgeDocumentDto(row)
}

/**
 * Deletes a document (Admins, or the person who uploaded it): the row goes in one transaction with its chunks and
 * rows (cascade), then the stored file. A file that cannot be removed is logged, not reported: the document is gone
 * either way and an orphaned object harms no one.
 */
export async function deleteDocument(
  platform: Platform,
  deps: { storage: FileStoragePort },
  principal: Principal | undefined,
  documentId: string,
): Promise<void> {
  const row = await platform.db.transaction(async (tx) => {
    const current = await loadDocument(tx, principal, documentId, true)
    if (!isAdmin(principal) && current.created_by !== principal?.user?.id) {
      throw new ForbiddenError(
        'Only administrators and the person who uploaded a document can delete it.',
        'document_delete_forbidden',
      )
    }
    await tx.query('delete from knowledge_documents where id = $1', [documentId])
    await recordAudit(tx, {
      organizationId: current.organization_id,
      workspaceId: current.workspace_id,
      actor: actorOf(principal),
      action: 'knowledge.document_deleted',
      targetType: 'knowledge_document',
      targetId: documentId,
      metadata: { name: current.name, fileName: current.file_name },
    })
    return current
  })
  if (row.storage_key) {
    const key = row.storage_key
    await deps.storage.delete(key).catch((error) => {
      platform.log.warn('the stored file of a deleted document could not be removed', { storageKey: key, error })
    })
  }
}

/** How far back each poll looks again: a transaction that started earlier may commit later with an older `updated_at`. */
const CHANGE_OVERLAP_MS = 5_000
const CHANGE_PAGE = 1000

/**
 * Documents of a workspace that changed after `since`, oldest first; without `since`, the documents still in the
 * pipeline. Pass the returned `cursor` to the next call. Cursors come from the database's clock (never the caller's)
 * and overlap the previous poll by a few seconds, so the same change can come twice: callers drop repeats by
 * `id` and `updatedAt`.
 */
export async function documentChanges(
  q: Queryable,
  organizationId: string,
  workspaceId: string,
  since: Date | null,
): Promise<{ changes: KnowledgeDocumentChange[]; cursor: Date }> {
  const rows = await q.query<{
    id: string | null
    status: DocumentStatus
    progress: number
    error_code: string | null
    error: string | null
    chunk_count: number
    updated_at: Date
    clock: Date
  }>(
    `select d.id, d.status, d.progress, d.error_code, d.error, d.chunk_count, d.updated_at, clock.at as clock
       from (select now() as at) clock
       left join knowledge_documents d
         on d.organization_id = $1 and d.workspace_id = $2
        and (case when $3::timestamptz is null then d.status in ('queued', 'parsing', 'embedding')
                  else d.updated_at > $3::timestamptz end)
      order by d.updated_at, d.id
      limit ${CHANGE_PAGE}`,
    [organizationId, workspaceId, since],
  )
  const changes: KnowledgeDocumentChange[] = []
  for (const r of rows) {
    if (r.id === null) continue
    changes.push({
      id: r.id,
      status: r.status,
      progress: r.progress,
      errorCode: r.error_code,
      error: r.error,
      chunkCount: r.chunk_count,
      updatedAt: r.updated_at.toISOString(),
    })
  }
  const last = changes.at(-1)
  // a full page means more may follow: continue after the last change rather than from the clock
  if (changes.length === CHANGE_PAGE && last) return { changes, cursor: new Date(last.updatedAt) }
  const clock = rows[0]?.clock ?? new Date()
  return { changes, cursor: new Date(clock.getTime() - CHANGE_OVERLAP_MS) }
}
