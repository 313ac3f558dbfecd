/**
 * A minimal reader of Excel 97–2003 workbooks (BIFF8 in an OLE2 `Workbook` stream, [MS-XLS]). It reads what a
 * knowledge base needs, cell values, and nothing else: sheet names and order, the shared string table (with its
 * CONTINUE records), numbers (NUMBER, RK, MULRK), text (LABELSST, LABEL, RSTRING), booleans and errors (BOOLERR),
 * formula results (FORMULA, STRING), and the number formats that mark a number as a date (FORMAT, XF, DATEMODE).
 * Styles, formulas themselves, charts and macros are skipped.
 *
 * Why hand-written: see docs/decisions/2026-11-26-document-parsers.md (npm's `xlsx` is the 0.18.5 build with
 * published advisories; the maintained SheetJS builds are not on npm; no other maintained npm package reads BIFF8).
 *
 * Every loop is bounded by the stream's length, every read is bounds-checked, and record data is copied only per
 * record, so a hostile stream costs one pass over its own bytes.
 */
import { type CellValue, DocumentError, readCompoundFile } from '@prodgy/core'
import type { ParseBudget } from './limits.ts'
import { checkColumn, checkSheetCount, isDateFormat, type RawSheet, RowCounter, serialToIso } from './sheet-rows.ts'

const RECORD = {
  BOF: 0x0809,
  EOF: 0x000a,
  FILEPASS: 0x002f,
  DATEMODE: 0x0022,
  FORMAT: 0x041e,
  XF: 0x00e0,
  BOUNDSHEET: 0x0085,
  SST: 0x00fc,
  CONTINUE: 0x003c,
  LABELSST: 0x00fd,
  LABEL: 0x0204,
  RSTRING: 0x00d6,
  NUMBER: 0x0203,
  RK: 0x027e,
  MULRK: 0x00bd,
  BOOLERR: 0x0205,
  FORMULA: 0x0006,
  STRING: 0x0207,
} as const

const ERRORS: Record<number, string> = {
  0: '#NULL!',
  7: '#DIV/0!',
  15: '#VALUE!',
  23: '#REF!',
  29: '#NAME?',
  36: '#NUM!',
  42: '#N/A',
  43: '#GETTING_DATA',
}

const corrupt = () =>
  new DocumentError(
    'corrupt_file',
    'This Excel 97–2003 workbook is damaged and cannot be read; save it again in Excel.',
  )

interface Record_ {
  type: number
  offset: number
  data: Uint8Array
}

/**
 * Records of one substream, from its BOF at `start` to its EOF. Substreams nested inside it (a chart embedded in a
 * worksheet has its own BOF…EOF) are passed over, so their EOF does not end the sheet early.
 */
function* records(stream: Uint8Array, start: number): Generator<Record_> {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength)
  let at = start
  let depth = 0
  while (at + 4 <= stream.length) {
    const type = view.getUint16(at, true)
    const length = view.getUint16(at + 2, true)
    if (at + 4 + length > stream.length) throw corrupt()
    const record = { type, offset: at, data: stream.subarray(at + 4, at + 4 + length) }
    at += 4 + length
    if (type === RECORD.BOF) depth++
    if (depth <= 1) yield record
    if (type === RECORD.EOF && --depth <= 0) return
  }
  // The stream ended before the substream's EOF: the file was cut short.
  throw corrupt()
}

/**
 * Reads across a record and its CONTINUE records. BIFF8 strings split at a record boundary carry a fresh option byte
 * at the start of the continuation (their characters may switch between 8 and 16 bits there); other fields do not.
 */
class Segments {
  private index = 0
  private position = 0

  constructor(private readonly parts: Uint8Array[]) {}

  get done(): boolean {
    this.settle()
    return this.index >= this.parts.length
  }

  private settle() {
    while (this.index < this.parts.length && this.position >= this.parts[this.index]!.length) {
      this.index++
      this.position = 0
    }
  }

  u8(): number {
    this.settle()
    const part = this.parts[this.index]
    if (!part) throw corrupt()
    return part[this.position++]!
  }

  u16(): number {
    return this.u8() | (this.u8() << 8)
  }

  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0
  }

  skip(count: number) {
    let left = count
    while (left > 0) {
      this.settle()
      const part = this.parts[this.index]
      if (!part) throw corrupt()
      const step = Math.min(left, part.length - this.position)
      this.position += step
      left -= step
    }
  }

  /** `count` characters, 16-bit when `wide`; at a record boundary the continuation's option byte decides again. */
  chars(count: number, wide: boolean): string {
    let out = ''
    let left = count
    let sixteen = wide
    while (left > 0) {
      let part = this.parts[this.index]
      if (!part) throw corrupt()
      if (this.position >= part.length) {
        this.index++
        this.position = 0
        part = this.parts[this.index]
        if (!part || part.length === 0) throw corrupt()
        sixteen = (part[this.position++]! & 0x01) === 1
      }
      const available = Math.floor((part.length - this.position) / (sixteen ? 2 : 1))
      const take = Math.min(left, available)
      if (take === 0) throw corrupt()
      const codes = new Array<number>(take)
      for (let i = 0; i < take; i++) {
        codes[i] = sixteen
          ? part[this.position + i * 2]! | (part[this.position + i * 2 + 1]! << 8)
          : part[this.position + i]!
      }
      // Chunked to keep String.fromCharCode's argument list short.
      for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192))
      this.position += take * (sixteen ? 2 : 1)
      left -= take
    }
    return out
  }

  /** XLUnicodeRichExtendedString ([MS-XLS] 2.5.293): 16-bit length, options, optional runs and extension. */
  richString(): string {
    const count = this.u16()
    const options = this.u8()
    const runs = options & 0x08 ? this.u16() : 0
    const extension = options & 0x04 ? this.u32() : 0
    const text = this.chars(count, (options & 0x01) === 1)
    this.skip(runs * 4)
    this.skip(extension)
    return text
  }
}

/** XLUnicodeString inside one record: 16-bit (or 8-bit for ShortXLUnicodeString) length, options, characters. */
function shortString(data: Uint8Array, at: number, lengthBytes: 1 | 2): string {
  if (at + lengthBytes + 1 > data.length) throw corrupt()
  const count = lengthBytes === 1 ? data[at]! : data[at]! | (data[at + 1]! << 8)
  const options = data[at + lengthBytes]!
  return new Segments([data.subarray(at + lengthBytes + 1)]).chars(count, (options & 0x01) === 1)
}

function rkValue(rk: number): number {
  let value: number
  if (rk & 0x02) value = rk >> 2
  else {
    const buffer = new DataView(new ArrayBuffer(8))
    buffer.setUint32(4, rk & 0xfffffffc, true)
    value = buffer.getFloat64(0, true)
  }
  return rk & 0x01 ? value / 100 : value
}

export function readXls(bytes: Uint8Array, budget: ParseBudget): RawSheet[] {
  const file = readCompoundFile(bytes)
  const stream = file.readStream('Workbook')
  if (!stream) {
    if (file.readStream('Book')) {
      throw new DocumentError(
        'unsupported_format',
        'Excel 5.0/95 workbooks are not supported; open it in Excel or LibreOffice, save it as .xlsx and upload it again.',
      )
    }
    throw corrupt()
  }
  return readBiffWorkbook(stream, budget)
}

/** The sheets of a BIFF8 `Workbook` stream (exported apart from the OLE2 container for tests of the records). */
export function readBiffWorkbook(stream: Uint8Array, budget: ParseBudget): RawSheet[] {
  const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength)

  // Workbook globals: sheets, shared strings, formats.
  const sheets: Array<{ name: string; offset: number }> = []
  const formats = new Map<number, string>()
  const xfFormats: number[] = []
  let strings: string[] = []
  let date1904 = false
  const globals = records(stream, 0)
  const bof = globals.next().value
  if (!bof || bof.type !== RECORD.BOF || bof.data.length < 4) throw corrupt()
  if (view(bof.data).getUint16(0, true) !== 0x0600) {
    throw new DocumentError(
      'unsupported_format',
      'This Excel workbook uses a format older than Excel 97; open it in Excel or LibreOffice, save it as .xlsx and upload it again.',
    )
  }
  let pending: Record_ | undefined
  const take = (): Record_ | undefined => {
    if (pending) {
      const record = pending
      pending = undefined
      return record
    }
    const next = globals.next()
    return next.done ? undefined : next.value
  }
  for (let record = take(); record; record = take()) {
    const data = record.data
    switch (record.type) {
      case RECORD.FILEPASS:
        throw new DocumentError(
          'encrypted_file',
          'This Excel workbook is password-protected; remove the password and upload it again.',
        )
      case RECORD.DATEMODE:
        date1904 = data.length >= 2 && view(data).getUint16(0, true) === 1
        break
      case RECORD.FORMAT:
        if (data.length >= 5) formats.set(view(data).getUint16(0, true), shortString(data, 2, 2))
        break
      case RECORD.XF:
        if (data.length >= 4) xfFormats.push(view(data).getUint16(2, true))
        break
      case RECORD.BOUNDSHEET: {
        if (data.length < 8) throw corrupt()
        // Only worksheets hold cells; charts, macros and dialogs are skipped.
        if (data[5] === 0x00) sheets.push({ offset: view(data).getUint32(0, true), name: shortString(data, 6, 1) })
        break
      }
      case RECORD.SST: {
        const parts = [data]
        for (let next = take(); next; next = take()) {
          if (next.type !== RECORD.CONTINUE) {
            pending = next
            break
          }
          parts.push(next.data)
        }
        const reader = new Segments(parts)
        reader.skip(4)
        const unique = reader.u32()
        // A string takes at least three bytes, so the stream's length bounds the count whatever the header claims.
        strings = []
        while (strings.length < unique && !reader.done) strings.push(budget.text(reader.richString()))
        break
      }
    }
  }
  checkSheetCount(sheets.length, budget)

  const isDate = (xf: number) => {
    const id = xfFormats[xf]
    return id !== undefined && isDateFormat(id, formats.get(id))
  }
  const number = (value: number, xf: number): CellValue => (isDate(xf) ? serialToIso(value, date1904) : value)

  const counter = new RowCounter(budget)
  const out: RawSheet[] = []
  for (const sheet of sheets) {
    budget.checkTime()
    if (sheet.offset >= stream.length) throw corrupt()
    const cells = new Map<number, CellValue[]>()
    const set = (row: number, column: number, value: CellValue) => {
      checkColumn(column, budget)
      let line = cells.get(row)
      if (!line) {
        counter.add()
        line = []
        cells.set(row, line)
      }
      line[column] = value
    }
    let formulaCell: { row: number; column: number } | undefined
    const iterator = records(stream, sheet.offset)
    const first = iterator.next().value
    if (!first || first.type !== RECORD.BOF) throw corrupt()
    let stringParts: Uint8Array[] | undefined
    const finishString = () => {
      if (stringParts && formulaCell) {
        const reader = new Segments(stringParts)
        const count = reader.u16()
        const options = reader.u8()
        set(formulaCell.row, formulaCell.column, budget.text(reader.chars(count, (options & 0x01) === 1)))
      }
      stringParts = undefined
      formulaCell = undefined
    }
    for (const record of iterator) {
      const data = record.data
      if (record.type === RECORD.CONTINUE && stringParts) {
        stringParts.push(data)
        continue
      }
      if (stringParts) finishString()
      if (data.length < 6 && record.type !== RECORD.EOF && record.type !== RECORD.STRING) continue
      const v = view(data)
      const row = data.length >= 2 ? v.getUint16(0, true) : 0
      const column = data.length >= 4 ? v.getUint16(2, true) : 0
      const xf = data.length >= 6 ? v.getUint16(4, true) : 0
      switch (record.type) {
        case RECORD.LABELSST: {
          if (data.length < 10) throw corrupt()
          const text = strings[v.getUint32(6, true)]
          if (text !== undefined) set(row, column, text)
          break
        }
        case RECORD.LABEL:
        case RECORD.RSTRING:
          set(row, column, budget.text(shortString(data, 6, 2)))
          break
        case RECORD.NUMBER:
          if (data.length < 14) throw corrupt()
          set(row, column, number(v.getFloat64(6, true), xf))
          break
        case RECORD.RK:
          if (data.length < 10) throw corrupt()
          set(row, column, number(rkValue(v.getUint32(6, true)), xf))
          break
        case RECORD.MULRK: {
          // rw, colFirst, then (ixfe, rk) pairs, then colLast.
          const pairs = Math.floor((data.length - 6) / 6)
          for (let index = 0; index < pairs; index++) {
            const at = 4 + index * 6
            set(row, column + index, number(rkValue(v.getUint32(at + 2, true)), v.getUint16(at, true)))
          }
          break
        }
        case RECORD.BOOLERR:
          if (data.length < 8) throw corrupt()
          set(row, column, data[7] === 1 ? (ERRORS[data[6]!] ?? '#ERROR') : data[6] === 1)
          break
        case RECORD.FORMULA: {
          if (data.length < 14) throw corrupt()
          // The cached result: a number, or a tag in byte 0 when bytes 6–7 are 0xFFFF.
          if (v.getUint16(12, true) !== 0xffff) set(row, column, number(v.getFloat64(6, true), xf))
          else if (data[6] === 0x00) formulaCell = { row, column }
          else if (data[6] === 0x01) set(row, column, data[8] === 1)
          else if (data[6] === 0x02) set(row, column, ERRORS[data[8]!] ?? '#ERROR')
          break
        }
        case RECORD.STRING:
          if (formulaCell) stringParts = [data]
          break
      }
    }
    if (stringParts) finishString()
    const rows = [...cells.keys()]
      .sort((a, b) => a - b)
      .map((key) => Array.from(cells.get(key)!, (cell) => cell ?? null))
    out.push({ name: sheet.name, rows })
  }
  return out
}
