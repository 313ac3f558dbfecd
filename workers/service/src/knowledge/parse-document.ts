/**
 * Uploaded bytes into a `ParsedDocument`: detect the format from the content, refuse a content that contradicts the
 * extension, and hand the bytes to that format's parser. Every failure a person can act on is a `DocumentError` with
 * its code and a sentence; anything else a library throws becomes `corrupt_file` with a sentence too, never a stack.
 * Work is bounded by PARSE_LIMITS (parsers/limits.ts) and a deadline.
 */
import {
  assertFormatMatches,
  DocumentError,
  type DocumentFormat,
  detectFormat,
  type ParsedDocument,
  UnavailableError,
  withTimeout,
} from '@prodgy/core'
import { parseCsv } from './parsers/csv.ts'
import { parseDoc } from './parsers/doc.ts'
import { parseDocx } from './parsers/docx.ts'
import { parseHtml } from './parsers/html.ts'
import { parseJson } from './parsers/json.ts'
import { ParseBudget } from './parsers/limits.ts'
import { parsePdf } from './parsers/pdf.ts'
import { parseSpreadsheet } from './parsers/spreadsheet.ts'
import { parseMarkdown, parseText } from './parsers/text.ts'
import { parseXml } from './parsers/xml.ts'

export { PARSE_LIMITS } from './parsers/limits.ts'

export async function parseDocument(bytes: Uint8Array, options: { fileName: string }): Promise<ParsedDocument> {
  const { detected, declared } = detectFormat(bytes, options.fileName)
  const format = assertFormatMatches(detected, declared)
  const budget = new ParseBudget()
  let parsed: ParsedDocument
  try {
    parsed = await withTimeout(
      read(format, bytes, options.fileName, budget),
      budget.limit.parseMilliseconds,
      'Reading the document',
    )
  } catch (error) {
    if (error instanceof DocumentError) throw error
    if (error instanceof UnavailableError && error.code === 'timeout') {
      throw new DocumentError(
        'file_too_large',
        `This document took longer than ${Math.round(budget.limit.parseMilliseconds / 1000)} seconds to read; split it into smaller files.`,
        { limit: 'parseMilliseconds' },
      )
    }
    // A library's own error (a RangeError deep in a decoder, say) means the file is not what it claims to be.
    throw new DocumentError('corrupt_file', 'This file is damaged and cannot be read; export it again.', { format })
  }
  const hasText = parsed.blocks.length > 0 || (parsed.sheets?.some((sheet) => sheet.rows.length > 0) ?? false)
  if (!hasText) throw new DocumentError('empty_file', 'This file has no text to import.')
  return parsed
}

async function read(
  format: DocumentFormat,
  bytes: Uint8Array,
  fileName: string,
  budget: ParseBudget,
): Promise<ParsedDocument> {
  switch (format) {
    case 'pdf':
      return parsePdf(bytes, budget)
    case 'docx':
      return parseDocx(bytes, budget)
    case 'doc':
      return parseDoc(bytes, budget)
    case 'txt':
      return parseText(bytes, budget)
    case 'md':
      return parseMarkdown(bytes, budget)
    case 'html':
      return parseHtml(bytes, budget)
    case 'json':
      return parseJson(bytes, budget)
    case 'xml':
      return parseXml(bytes, budget)
    case 'csv':
    case 'tsv':
      return parseCsv(bytes, format, sheetName(fileName), budget)
    case 'xlsx':
    case 'xls':
    case 'ods':
      return parseSpreadsheet(bytes, format, budget)
  }
}

/** A CSV's one sheet is named after the file, without folders or extension. */
function sheetName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName
  return base.replace(/\.[A-Za-z0-9]{1,10}$/, '').trim() || 'Sheet 1'
}
