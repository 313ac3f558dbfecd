/**
 * Workbooks: XLSX through exceljs, XLS through our BIFF8 reader (xls-biff.ts), ODS from its `content.xml` with
 * fast-xml-parser. Each gives rows of typed cells (numbers, text, booleans, dates as ISO 8601 text), which
 * sheet-rows.ts turns into sheets with a detected header row and one table block per sheet.
 */
import { type CellValue, DocumentError, type ParsedDocument } from '@prodgy/core'
import ExcelJS from 'exceljs'
import { XMLParser } from 'fast-xml-parser'
import { coreTitle } from './docx.ts'
import { type ParseBudget, tooLarge } from './limits.ts'
import { buildSheets, checkColumn, checkSheetCount, dateToIso, type RawSheet, RowCounter } from './sheet-rows.ts'
import { readXls } from './xls-biff.ts'
import { ZipReader } from './zip.ts'

export async function parseSpreadsheet(
  bytes: Uint8Array,
  format: 'xlsx' | 'xls' | 'ods',
  budget: ParseBudget,
): Promise<ParsedDocument> {
  let raw: RawSheet[]
  let title: string | undefined
  if (format === 'xls') raw = readXls(bytes, budget)
  else {
    const zip = new ZipReader(bytes, budget)
    if (format === 'xlsx') {
      raw = await readXlsx(bytes, zip, budget)
      title = coreTitle(zip.readText('docProps/core.xml'))
    } else {
      raw = readOds(zip, budget)
      title = coreTitle(zip.readText('meta.xml'))
    }
  }
  const { sheets, blocks } = buildSheets(raw, budget)
  return { format, blocks, sheets, ...(title ? { title } : {}) }
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX

async function readXlsx(bytes: Uint8Array, zip: ZipReader, budget: ParseBudget): Promise<RawSheet[]> {
  zip.assertWithinLimit()
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never)
  } catch {
    throw new DocumentError(
      'corrupt_file',
      'This Excel workbook is damaged and cannot be read; save it again in Excel.',
    )
  }
  checkSheetCount(workbook.worksheets.length, budget)
  const counter = new RowCounter(budget)
  return workbook.worksheets.map((sheet) => {
    budget.checkTime()
    if (sheet.actualRowCount > budget.limit.rows) {
      throw tooLarge(`This spreadsheet has more than ${budget.limit.rows.toLocaleString('en-US')} rows`, 'rows')
    }
    const rows: CellValue[][] = []
    sheet.eachRow({ includeEmpty: false }, (row) => {
      counter.add()
      const values = row.values as unknown[]
      // exceljs rows are 1-based sparse arrays.
      if (values.length > 1) checkColumn(values.length - 2, budget)
      rows.push(Array.from({ length: Math.max(0, values.length - 1) }, (_, index) => excelValue(values[index + 1])))
    })
    return { name: sheet.name, rows }
  })
}

function excelValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value
  if (value instanceof Date) return dateToIso(value)
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>
    if (Array.isArray(object.richText)) return object.richText.map((run: { text?: string }) => run.text ?? '').join('')
    if ('formula' in object || 'sharedFormula' in object) return excelValue(object.result)
    if ('hyperlink' in object) return excelValue(object.text)
    if (typeof object.error === 'string') return object.error
    if ('text' in object) return excelValue(object.text)
  }
  return String(value)
}

// ---------------------------------------------------------------------------------------------------------------
// ODS

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string>; '#text'?: string | number }

const nameOf = (node: OrderedNode) => Object.keys(node).find((key) => key !== ':@')
const childrenOf = (node: OrderedNode): OrderedNode[] => {
  const name = nameOf(node)
  const children = name ? node[name] : undefined
  return Array.isArray(children) ? (children as OrderedNode[]) : []
}
const attribute = (node: OrderedNode, name: string) => node[':@']?.[`@_${name}`]

function readOds(zip: ZipReader, budget: ParseBudget): RawSheet[] {
  const manifest = zip.readText('META-INF/manifest.xml') ?? ''
  // ODF encrypts each part and records how in the manifest; the parts themselves are then unreadable.
  if (manifest.includes('encryption-data')) throw new DocumentError('encrypted_file')
  const content = zip.readText('content.xml')
  if (content === undefined)
    throw new DocumentError('corrupt_file', 'This OpenDocument spreadsheet has no content; save it again.')
  let tree: OrderedNode[]
  try {
    tree = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      processEntities: true,
      maxNestedTags: budget.limit.depth,
    }).parse(content) as OrderedNode[]
  } catch {
    throw new DocumentError(
      'corrupt_file',
      'This OpenDocument spreadsheet is damaged and cannot be read; save it again.',
    )
  }
  const tables: OrderedNode[] = []
  const find = (nodes: OrderedNode[], depth: number) => {
    for (const node of nodes) {
      const name = nameOf(node)
      if (name === 'table:table') tables.push(node)
      else if (depth < 8) find(childrenOf(node), depth + 1)
    }
  }
  find(tree, 0)
  checkSheetCount(tables.length, budget)
  const counter = new RowCounter(budget)
  return tables.map((table) => {
    budget.checkTime()
    const rows: CellValue[][] = []
    const collect = (nodes: OrderedNode[], depth: number) => {
      for (const node of nodes) {
        const name = nameOf(node)
        if (name === 'table:table-row') {
          const cells = odsRow(node, budget)
          if (cells.every((cell) => cell === null)) continue
          // A repeated row with values is real data; repeated empty rows (LibreOffice pads to the sheet's end) are not.
          const repeat = Number(attribute(node, 'table:number-rows-repeated') ?? 1) || 1
          for (let copy = 0; copy < repeat; copy++) {
            counter.add()
            rows.push(cells)
          }
        } else if (name && /^table:table-(header-rows|row-group|rows)$/.test(name) && depth < 16) {
          collect(childrenOf(node), depth + 1)
        }
      }
    }
    collect(childrenOf(table), 0)
    return { name: attribute(table, 'table:name') ?? `Sheet ${rows.length}`, rows }
  })
}

function odsRow(row: OrderedNode, budget: ParseBudget): CellValue[] {
  const cells: CellValue[] = []
  let column = 0
  for (const cell of childrenOf(row)) {
    const name = nameOf(cell)
    if (name !== 'table:table-cell' && name !== 'table:covered-table-cell') continue
    const repeat = Math.max(1, Number(attribute(cell, 'table:number-columns-repeated') ?? 1) || 1)
    const value = odsValue(cell)
    if (value === null) {
      // Empty repeats (often thousands, to the sheet's last column) only move the position.
      column += repeat
      continue
    }
    for (let copy = 0; copy < repeat; copy++) {
      checkColumn(column, budget)
      cells[column++] = value
    }
  }
  return Array.from(cells, (cell) => cell ?? null)
}

function odsValue(cell: OrderedNode): CellValue {
  const type = attribute(cell, 'office:value-type')
  switch (type) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const value = Number(attribute(cell, 'office:value'))
      return Number.isFinite(value) ? value : null
    }
    case 'date': {
      const value = attribute(cell, 'office:date-value') ?? ''
      return value.replace(/T00:00:00(\.0+)?$/, '') || null
    }
    case 'time': {
      const match = /^PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S$/.exec(attribute(cell, 'office:time-value') ?? '')
      if (!match) return null
      const [hours, minutes, seconds] = [match[1]!, match[2]!, String(Math.floor(Number(match[3])))]
      return `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}:${seconds.padStart(2, '0')}`
    }
    case 'boolean':
      return attribute(cell, 'office:boolean-value') === 'true'
    default: {
      const direct = attribute(cell, 'office:string-value')
      if (direct !== undefined) return direct
      const paragraphs = childrenOf(cell)
        .filter((node) => nameOf(node) === 'text:p' || nameOf(node) === 'text:h')
        .map((node) => odsText(childrenOf(node), 0))
      const text = paragraphs.join('\n')
      return text === '' ? null : text
    }
  }
}

/** Text of a paragraph's children: spans and links by their text, `text:s` as spaces, tabs and line breaks kept. */
function odsText(nodes: OrderedNode[], depth: number): string {
  let out = ''
  for (const node of nodes) {
    if (node['#text'] !== undefined) {
      out += String(node['#text'])
      continue
    }
    const name = nameOf(node)
    if (name === 'text:s') out += ' '.repeat(Math.min(1000, Number(attribute(node, 'text:c') ?? 1) || 1))
    else if (name === 'text:tab') out += '\t'
    else if (name === 'text:line-break') out += '\n'
    else if (name !== 'office:annotation' && depth < 32) out += odsText(childrenOf(node), depth + 1)
  }
  return out
}
