/** Words and small rules the knowledge pages share: formats, states, error codes, sizes and metadata. */
import type { BadgeTone } from '../../components/badge.tsx'
import type { ContextSectionType, DocumentStatus, KnowledgeDocument } from '../../lib/api-types.ts'

/** The extensions the importer takes (docs/knowledge.md § Formats); the server checks the content too. */
export const ACCEPTED_EXTENSIONS = [
  'pdf',
  'docx',
  'doc',
  'txt',
  'md',
  'markdown',
  'html',
  'htm',
  'json',
  'xml',
  'csv',
  'tsv',
  'xlsx',
  'xls',
  'ods',
] as const

export const ACCEPT_ATTRIBUTE = ACCEPTED_EXTENSIONS.map((e) => `.${e}`).join(',')

export const SPREADSHEET_FORMATS = ['csv', 'tsv', 'xlsx', 'xls', 'ods']

/** `PRODGY_KB_MAX_UPLOAD_MB` defaults to 50; a 413 answer tells the real limit (`details.maxBytes`). */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase()
}

export function isSpreadsheet(document: Pick<KnowledgeDocument, 'format' | 'fileName'>): boolean {
  const format = (document.format ?? extensionOf(document.fileName ?? '')).toLowerCase()
  return SPREADSHEET_FORMATS.includes(format)
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`
  const mb = bytes / 1024 / 1024
  return `${mb >= 100 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`
}

export const statusLabels: Record<DocumentStatus, string> = {
  queued: 'Queued',
  parsing: 'Parsing',
  embedding: 'Embedding',
  ready: 'Ready',
  failed: 'Failed',
}

export const statusTone: Record<DocumentStatus, BadgeTone> = {
  queued: 'amber',
  parsing: 'blue',
  embedding: 'brand',
  ready: 'green',
  failed: 'red',
}

export const inFlight = (status: DocumentStatus) =>
  status === 'queued' || status === 'parsing' || status === 'embedding'

/** What each pipeline error code means for the person, and what to do about it. */
export const errorExplanations: Record<string, string> = {
  corrupt_file: 'The file is damaged. Export it again from the program that made it, then import it again.',
  encrypted_file: 'The file is protected by a password. Remove the password, then import it again.',
  empty_file: 'The file contains no text to import.',
  no_rows: 'The spreadsheet has a header but no data rows.',
  format_mismatch: 'The content does not match the file extension. Save it in the format its name says.',
  unsupported_format: 'This kind of file cannot be imported.',
  file_too_large: 'The file is over the upload limit. Split it into smaller files.',
  embedding_failed: 'The embedding provider did not answer. Check Admin → AI provider, then retry.',
  ingest_failed: 'Processing stopped after several attempts. Retry; if it fails again, the message says why.',
}

export function explainError(code: string | null | undefined): string | undefined {
  return code ? errorExplanations[code] : undefined
}

/** Chunk metadata as short labels: where the chunk came from and what it was tagged with. */
export function metadataBadges(metadata: Record<string, unknown>): { key: string; label: string }[] {
  const out: { key: string; label: string }[] = []
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
  const source = text(metadata.source)
  if (source) out.push({ key: 'source', label: `Source: ${source}` })
  const subject = text(metadata.subject)
  if (subject) out.push({ key: 'subject', label: `Subject: ${subject}` })
  const language = text(metadata.language)
  if (language) out.push({ key: 'language', label: language })
  if (Array.isArray(metadata.tags)) {
    for (const tag of metadata.tags) if (text(tag)) out.push({ key: 'tag', label: `#${tag}` })
  }
  const sheet = text(metadata.sheet)
  if (sheet) out.push({ key: 'sheet', label: `Sheet: ${sheet}` })
  if (Array.isArray(metadata.rows) && metadata.rows.length === 2) {
    out.push({ key: 'rows', label: `Rows ${metadata.rows[0]}–${metadata.rows[1]}` })
  }
  if (Array.isArray(metadata.headings) && metadata.headings.length > 0) {
    out.push({ key: 'headings', label: metadata.headings.map(String).join(' › ') })
  }
  return out
}

/** Comma-separated input as a clean list. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
}

export const sectionTypeLabels: Record<ContextSectionType, string> = {
  plain_text: 'Plain text',
  text_area: 'Text area',
  rich_text: 'Rich text',
  link: 'Link',
  link_list: 'Link list',
  list: 'List',
  checklist: 'Checklist',
  code: 'Code',
  quote: 'Quote',
  callout: 'Callout',
  group: 'Group',
}

export const SECTION_TYPES = Object.keys(sectionTypeLabels) as ContextSectionType[]
