/**
 * The knowledge base's contracts: what a parser produces, what a chunk carries, what search takes and returns,
 * and the structured query over spreadsheet rows. Versioned by the API that exposes them (docs/knowledge.md).
 */
import { z } from 'zod'

/** Every format the importer accepts, named by content, not by file extension. */
export const DOCUMENT_FORMATS = [
  'pdf',
  'docx',
  'doc',
  'txt',
  'md',
  'html',
  'json',
  'xml',
  'csv',
  'tsv',
  'xlsx',
  'xls',
  'ods',
] as const
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number]
export const SPREADSHEET_FORMATS: readonly DocumentFormat[] = ['csv', 'tsv', 'xlsx', 'xls', 'ods']

export type DocumentStatus = 'queued' | 'parsing' | 'embedding' | 'ready' | 'failed'

/** Metadata given at import; every chunk of the document inherits it. */
export const documentMetadataSchema = z.object({
  source: z.string().trim().max(100).optional(),
  subject: z.string().trim().max(300).optional(),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag such as en-US or pt-BR.')
    .optional(),
  tags: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
})
export type DocumentMetadata = z.infer<typeof documentMetadataSchema>

/** A structural block of a parsed document; chunking follows these boundaries. */
export type Block =
  | { kind: 'heading'; text: string; level: number }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[]; ordered: boolean }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'code'; text: string; language?: string }
  | { kind: 'quote'; text: string }

export type CellValue = string | number | boolean | null

export interface Sheet {
  name: string
  columns: string[]
  rows: CellValue[][]
}

export interface ParsedDocument {
  format: DocumentFormat
  title?: string
  /** Text structure, for chunking and full-text search. Spreadsheets contribute one table block per sheet. */
  blocks: Block[]
  /** Spreadsheets only: the typed rows, kept for structured queries. */
  sheets?: Sheet[]
  /** PDF only. */
  pageCount?: number
}

export interface ChunkDraft {
  ordinal: number
  content: string
  tokenCount: number
  /** Where the chunk sits: heading path, sheet name and row range. */
  metadata: { headings?: string[]; sheet?: string; rows?: [number, number] }
}

export const searchFiltersSchema = z.object({
  source: z.array(z.string().max(100)).max(20).optional(),
  tags: z.array(z.string().max(60)).max(20).optional(),
  language: z.array(z.string().max(35)).max(20).optional(),
  documentIds: z.array(z.uuid()).max(100).optional(),
})
export type SearchFilters = z.infer<typeof searchFiltersSchema>

export const searchRequestSchema = z.object({
  query: z.string().trim().min(1, 'Type something to search for.').max(2000),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  /** `hybrid` fuses vector and full-text ranks; it falls back to `text` when no embedding provider is configured. */
  mode: z.enum(['hybrid', 'text', 'vector']).default('hybrid'),
  filters: searchFiltersSchema.default({}),
})
export type SearchRequest = z.infer<typeof searchRequestSchema>

export interface SearchHit {
  chunkId: string
  documentId: string
  documentName: string
  content: string
  /** Reciprocal-rank-fusion score in hybrid mode; the single ranking's score otherwise. Higher is better. */
  score: number
  /** 1-based ranks in each ranking that found the chunk. */
  ranks: { text?: number; vector?: number }
  metadata: Record<string, unknown>
}

export interface SearchResult {
  hits: SearchHit[]
  /** The mode actually used, and why when it differs from the one asked for. */
  mode: 'hybrid' | 'text' | 'vector'
  notice?: string
}

/** A query over a spreadsheet's rows, compiled to SQL with every name and value as a parameter. */
export const structuredQuerySchema = z.object({
  documentId: z.uuid(),
  sheet: z.string().max(200).optional(),
  where: z
    .array(
      z.object({
        column: z.string().min(1).max(200),
        op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in']),
        value: z.union([
          z.string().max(1000),
          z.number(),
          z.boolean(),
          z.array(z.union([z.string(), z.number()])).max(100),
        ]),
      }),
    )
    .max(20)
    .default([]),
  groupBy: z.array(z.string().min(1).max(200)).max(5).default([]),
  aggregates: z
    .array(
      z.object({
        fn: z.enum(['count', 'sum', 'avg', 'min', 'max']),
        column: z.string().min(1).max(200).optional(),
        as: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/)
          .optional(),
      }),
    )
    .min(1)
    .max(10),
  orderBy: z
    .array(z.object({ key: z.string().min(1).max(200), direction: z.enum(['asc', 'desc']).default('asc') }))
    .max(5)
    .default([]),
  limit: z.number().int().min(1).max(1000).default(100),
})
export type StructuredQuery = z.infer<typeof structuredQuerySchema>

export interface StructuredQueryResult {
  columns: string[]
  rows: Record<string, CellValue>[]
}

/** Context section types, in the order the editor offers them. */
export const CONTEXT_SECTION_TYPES = [
  'plain_text',
  'text_area',
  'rich_text',
  'link',
  'link_list',
  'list',
  'checklist',
  'code',
  'quote',
  'callout',
  'group',
] as const
export type ContextSectionType = (typeof CONTEXT_SECTION_TYPES)[number]
