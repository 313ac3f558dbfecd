/**
 * CSV and TSV through papaparse. The delimiter comes from the content (core's sniffer, the same one detection uses),
 * falling back on the format's own. Cells are typed conservatively: plain decimal numbers (not `007`, not `1,5`),
 * `true`/`false`, empty as null, everything else as text, so codes and identifiers are never mangled.
 */
import { type CellValue, DocumentError, decodeText, type ParsedDocument, sniffDelimiter } from '@prodgy/core'
import Papa from 'papaparse'
import { type ParseBudget, tooLarge } from './limits.ts'
import { buildSheets } from './sheet-rows.ts'

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

export function typeCell(raw: string): CellValue {
  const text = raw.trim()
  if (text === '') return null
  if (NUMBER.test(text)) {
    const value = Number(text)
    // Integers beyond 2^53 (account numbers, long ids) lose digits as numbers: keep them as text.
    if (Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return value
    return text
  }
  if (/^true$/i.test(text)) return true
  if (/^false$/i.test(text)) return false
  return raw
}

export function parseCsv(
  bytes: Uint8Array,
  format: 'csv' | 'tsv',
  sheetName: string,
  budget: ParseBudget,
): ParsedDocument {
  const text = budget.text(decodeText(bytes))
  const delimiter = sniffDelimiter(text) ?? (format === 'tsv' ? '\t' : ',')
  const result = Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: 'greedy',
    header: false,
    dynamicTyping: false,
    // One row past the limit is enough to know it is exceeded.
    preview: budget.limit.rows + 2,
  })
  const unclosed = result.errors.find((error) => error.code === 'MissingQuotes')
  if (unclosed) {
    throw new DocumentError(
      'corrupt_file',
      `This ${format.toUpperCase()} file has a quote that is never closed (row ${(unclosed.row ?? 0) + 1}); fix it and upload it again.`,
    )
  }
  if (result.data.length > budget.limit.rows + 1) {
    throw tooLarge(`This file has more than ${budget.limit.rows.toLocaleString('en-US')} rows`, 'rows')
  }
  budget.checkTime()
  const rows = result.data.map((row) => row.map(typeCell))
  const { sheets, blocks } = buildSheets([{ name: sheetName, rows }], budget)
  return { format: delimiter === '\t' ? 'tsv' : format === 'tsv' ? 'tsv' : 'csv', blocks, sheets }
}
