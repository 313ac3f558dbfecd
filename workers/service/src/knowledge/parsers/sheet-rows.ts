/**
 * Rows of cells into `Sheet`s and their table blocks, shared by CSV, XLSX, XLS and ODS: trailing empty rows and
 * columns go, fully empty rows go, the header row is detected, and the limits on sheets, rows and columns apply.
 */
import { type Block, type CellValue, DocumentError, type Sheet } from '@prodgy/core'
import { type ParseBudget, tooLarge } from './limits.ts'

export interface RawSheet {
  name: string
  rows: CellValue[][]
}

const isEmpty = (value: CellValue | undefined) => value === null || value === undefined || value === ''

/** Counts rows against the workbook-wide limit while a reader collects them. */
export class RowCounter {
  private rows = 0
  constructor(private readonly budget: ParseBudget) {}

  add(count = 1): void {
    this.rows += count
    if (this.rows > this.budget.limit.rows) {
      throw tooLarge(`This spreadsheet has more than ${this.budget.limit.rows.toLocaleString('en-US')} rows`, 'rows')
    }
    if ((this.rows & 0x3ff) === 0) this.budget.checkTime()
  }
}

export function checkSheetCount(count: number, budget: ParseBudget): void {
  if (count > budget.limit.sheets) throw tooLarge(`This workbook has more than ${budget.limit.sheets} sheets`, 'sheets')
}

export function checkColumn(index: number, budget: ParseBudget): void {
  if (index >= budget.limit.columns) {
    throw tooLarge(`This spreadsheet has more than ${budget.limit.columns.toLocaleString('en-US')} columns`, 'columns')
  }
}

/**
 * A header row is a first row of text cells above at least one row with a value of another type in the same
 * columns, or above rows whose cells repeat none of its names. A first row with a number, a boolean or an empty cell
 * between filled ones is data.
 */
function hasHeader(rows: CellValue[][], width: number): boolean {
  const [first, ...rest] = rows
  if (!first) return false
  if (rest.length === 0) return first.every((cell) => isEmpty(cell) || typeof cell === 'string')
  const filled = first.filter((cell) => !isEmpty(cell))
  if (filled.length === 0 || filled.some((cell) => typeof cell !== 'string')) return false
  const lastFilled = first.reduce<number>((last, cell, index) => (isEmpty(cell) ? last : index), -1)
  if (first.slice(0, lastFilled + 1).some((cell) => isEmpty(cell)) && filled.length < width / 2) return false
  const sample = rest.slice(0, 50)
  for (let column = 0; column < width; column++) {
    if (sample.some((row) => !isEmpty(row[column]) && typeof row[column] !== 'string')) return true
  }
  const names = new Set(filled.map((cell) => String(cell).toLowerCase()))
  const repeats = sample.some((row) => row.some((cell) => typeof cell === 'string' && names.has(cell.toLowerCase())))
  return !repeats
}

function columnNames(header: CellValue[] | undefined, width: number): string[] {
  const seen = new Map<string, number>()
  return Array.from({ length: width }, (_, index) => {
    const raw = header?.[index]
    const base = isEmpty(raw) ? `Column ${index + 1}` : String(raw).replace(/\s+/g, ' ').trim()
    const count = (seen.get(base.toLowerCase()) ?? 0) + 1
    seen.set(base.toLowerCase(), count)
    // Structured queries address columns by name, so names must be unique.
    return count === 1 ? base : `${base} (${count})`
  })
}

export function formatCellText(value: CellValue): string {
  if (value === null) return ''
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  return String(value)
}

/**
 * Sheets with their table blocks. Sheets without data rows are left out; when none has any, the file is
 * `empty_file` (no cell at all) or `no_rows` (a header, but nothing under it).
 */
export function buildSheets(raw: RawSheet[], budget: ParseBudget): { sheets: Sheet[]; blocks: Block[] } {
  const sheets: Sheet[] = []
  const blocks: Block[] = []
  let anyCell = false
  for (const { name, rows: input } of raw) {
    budget.checkTime()
    const rows = input.filter((row) => row.some((cell) => !isEmpty(cell)))
    if (rows.length === 0) continue
    anyCell = true
    const width = rows.reduce((max, row) => {
      let last = row.length - 1
      while (last >= 0 && isEmpty(row[last])) last--
      return Math.max(max, last + 1)
    }, 0)
    checkColumn(width - 1, budget)
    const header = hasHeader(rows, width)
    const columns = columnNames(header ? rows[0] : undefined, width)
    const data = (header ? rows.slice(1) : rows).map((row) =>
      Array.from({ length: width }, (_, index) => (isEmpty(row[index]) ? null : (row[index] ?? null))),
    )
    if (data.length === 0) continue
    for (const column of columns) budget.text(column)
    const text = data.map((row) => row.map((cell) => budget.text(formatCellText(cell))))
    sheets.push({ name, columns, rows: data })
    blocks.push({ kind: 'table', header: columns, rows: text })
  }
  if (sheets.length === 0) {
    if (!anyCell) throw new DocumentError('empty_file', 'This spreadsheet has no cells with values.')
    throw new DocumentError('no_rows', 'This spreadsheet has a header but no data rows below it.')
  }
  return { sheets, blocks }
}

const DAY_MS = 86_400_000

/** An Excel date serial as ISO 8601: a date when whole, date and time otherwise, a time alone below one day. */
export function serialToIso(serial: number, date1904: boolean): string {
  if (!Number.isFinite(serial)) return String(serial)
  // The 1900 system counts a 29 February 1900 that never was; serials after it are one day ahead.
  const base = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, serial < 61 ? 31 : 30)
  const date = new Date(base + Math.round(serial * DAY_MS))
  if (serial >= 0 && serial < 1 && !date1904) return date.toISOString().slice(11, 19)
  return dateToIso(date)
}

/** A date without time zone: `YYYY-MM-DD` at midnight, `YYYY-MM-DDTHH:MM:SS` otherwise (spreadsheets keep no zone). */
export function dateToIso(date: Date): string {
  if (Number.isNaN(date.getTime())) return ''
  const iso = date.toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19)
}

/** Whether an Excel number format shows a date or time (built-in ids, or a custom code with date/time letters). */
export function isDateFormat(id: number, code: string | undefined): boolean {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) return true
  if (!code) return false
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?![hms]+\])[^\]]*\]/gi, '')
    .replace(/General/gi, '')
  return /[dmyhs]/i.test(bare)
}
