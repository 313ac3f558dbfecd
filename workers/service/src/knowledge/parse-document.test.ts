import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { type Block, chunkDocument, DocumentError, type ParsedDocument } from '@prodgy/core'
import ExcelJS from 'exceljs'
import { strToU8, zipSync } from 'fflate'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import { parseDocument } from './parse-document.ts'
import { parseCsv } from './parsers/csv.ts'
import { PARSE_LIMITS, ParseBudget, type ParseLimits } from './parsers/limits.ts'
import { parsePdf } from './parsers/pdf.ts'
import { readBiffWorkbook } from './parsers/xls-biff.ts'
import { ZipReader } from './parsers/zip.ts'

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)))
const utf8 = (text: string) => new TextEncoder().encode(text)
const parse = (bytes: Uint8Array, fileName: string) => parseDocument(bytes, { fileName })

/** Resolves to the DocumentError code the promise rejects with (and checks the message is a sentence, not a stack). */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof DocumentError, `expected a DocumentError, got ${String(error)}`)
    assert.equal(error.status, 422)
    assert.match(error.message, /^[A-Z].*[.!]$/, error.message)
    assert.doesNotMatch(error.message, /\n\s+at /)
    return error.code
  }
  assert.fail('expected the document to be refused')
}

const headings = (parsed: ParsedDocument) =>
  parsed.blocks
    .filter((block): block is Extract<Block, { kind: 'heading' }> => block.kind === 'heading')
    .map((block) => [block.level, block.text])
const ofKind = <K extends Block['kind']>(parsed: ParsedDocument, kind: K) =>
  parsed.blocks.filter((block): block is Extract<Block, { kind: K }> => block.kind === kind)

// The sample document every office fixture was made from (see __fixtures__/README.md).
const SAMPLE_TABLE = {
  header: ['Region', 'Visits', 'Lead'],
  rows: [
    ['North', '42', 'Ana Souza'],
    ['South', '37', 'Jörg Müller'],
  ],
}

async function makePdf(pages: Array<Array<{ text: string; size: number }>>, title?: string): Promise<Uint8Array> {
  const document = await PDFDocument.create()
  if (title) document.setTitle(title)
  const font = await document.embedFont(StandardFonts.Helvetica)
  for (const lines of pages) {
    const page = document.addPage([595, 842])
    let y = 790
    for (const line of lines) {
      // Paragraph breaks are blank space, as in real documents: a line of size 0 is a gap.
      if (line.size > 0) page.drawText(line.text, { x: 50, y, size: line.size, font })
      y -= line.size > 0 ? line.size * 1.25 : 14
    }
  }
  return document.save()
}

describe('parseDocument: formats', () => {
  it('reads a PDF into headings, paragraphs and lists by font size and spacing', async () => {
    const bytes = await makePdf(
      [
        [
          { text: 'Field Guide', size: 24 },
          { text: '', size: 0 },
          { text: 'This guide explains how the field team plans', size: 11 },
          { text: 'visits and records their outcomes.', size: 11 },
          { text: '', size: 0 },
          { text: 'Planning visits', size: 16 },
          { text: 'Every visit starts with a checklist.', size: 11 },
          { text: '• Confirm the address', size: 11 },
          { text: '• Book the vehicle', size: 11 },
        ],
        [
          { text: 'Recording outcomes', size: 16 },
          { text: 'Write the summary on the same day. São Paulo keeps the archive.', size: 11 },
        ],
      ],
      'The Field Guide',
    )
    const parsed = await parse(bytes, 'guide.pdf')
    assert.equal(parsed.format, 'pdf')
    assert.equal(parsed.pageCount, 2)
    assert.equal(parsed.title, 'The Field Guide')
    assert.deepEqual(headings(parsed), [
      [1, 'Field Guide'],
      [2, 'Planning visits'],
      [2, 'Recording outcomes'],
    ])
    const paragraphs = ofKind(parsed, 'paragraph').map((block) => block.text)
    assert.deepEqual(paragraphs, [
      'This guide explains how the field team plans visits and records their outcomes.',
      'Every visit starts with a checklist.',
      'Write the summary on the same day. São Paulo keeps the archive.',
    ])
    assert.deepEqual(ofKind(parsed, 'list'), [
      { kind: 'list', ordered: false, items: ['Confirm the address', 'Book the vehicle'] },
    ])
  })

  it('reads a PDF made by LibreOffice', async () => {
    const parsed = await parse(fixture('sample.pdf'), 'sample.pdf')
    assert.equal(parsed.pageCount, 1)
    assert.deepEqual(headings(parsed), [
      [1, 'Quarterly Field Guide'],
      [2, 'Planning visits'],
      [2, 'Recording outcomes'],
    ])
    assert.deepEqual(ofKind(parsed, 'list')[0]?.items, [
      'Confirm the address with the customer',
      'Book the vehicle two days ahead',
      'Print the safety briefing',
    ])
    assert.ok(
      ofKind(parsed, 'paragraph').some((block) => block.text === 'Questions go to the operations desk in São Paulo.'),
    )
  })

  it('reads a PDF that is encrypted with an empty user password', async () => {
    const parsed = await parse(fixture('owner-only-encrypted.pdf'), 'salary.pdf')
    assert.deepEqual(headings(parsed), [[1, 'Confidential salary review']])
  })

  it('reads a DOCX with its headings, lists and table', async () => {
    const parsed = await parse(fixture('sample.docx'), 'sample.docx')
    assert.equal(parsed.format, 'docx')
    assert.equal(parsed.title, 'Quarterly Field Guide')
    assert.deepEqual(parsed.blocks, [
      { kind: 'heading', level: 1, text: 'Quarterly Field Guide' },
      { kind: 'paragraph', text: 'This guide explains how the field team plans visits and records outcomes.' },
      { kind: 'heading', level: 2, text: 'Planning visits' },
      { kind: 'paragraph', text: 'Every visit starts with a checklist reviewed by the regional lead.' },
      {
        kind: 'list',
        ordered: false,
        items: [
          'Confirm the address with the customer',
          'Book the vehicle two days ahead',
          'Print the safety briefing',
        ],
      },
      { kind: 'heading', level: 2, text: 'Recording outcomes' },
      {
        kind: 'list',
        ordered: true,
        items: ['Write the summary on the same day', 'Attach photos of the installation'],
      },
      { kind: 'table', ...SAMPLE_TABLE },
      { kind: 'paragraph', text: 'Questions go to the operations desk in São Paulo.' },
    ])
  })

  it('reads a DOC into paragraphs and its table', async () => {
    const parsed = await parse(fixture('sample.doc'), 'sample.doc')
    assert.equal(parsed.format, 'doc')
    assert.deepEqual(parsed.blocks.slice(0, 2), [
      { kind: 'paragraph', text: 'Quarterly Field Guide' },
      { kind: 'paragraph', text: 'This guide explains how the field team plans visits and records outcomes.' },
    ])
    assert.deepEqual(ofKind(parsed, 'table'), [{ kind: 'table', ...SAMPLE_TABLE }])
    assert.equal(parsed.blocks.at(-1)?.kind === 'paragraph' && parsed.blocks.at(-1)?.kind, 'paragraph')
    assert.ok(parsed.blocks.some((block) => block.kind === 'paragraph' && block.text === 'Print the safety briefing'))
  })

  it('reads plain text into paragraphs at blank lines', async () => {
    const parsed = await parse(
      utf8('First line\nstill the first paragraph.\n\n  \nSecond paragraph.\r\n\r\nThird.'),
      'notes.txt',
    )
    assert.deepEqual(parsed, {
      format: 'txt',
      blocks: [
        { kind: 'paragraph', text: 'First line still the first paragraph.' },
        { kind: 'paragraph', text: 'Second paragraph.' },
        { kind: 'paragraph', text: 'Third.' },
      ],
    })
  })

  it('reads Markdown structure: headings, lists, code, quotes and tables', async () => {
    const markdown = [
      '# Guide',
      '',
      'Intro with **bold**, `code` & [a link](https://example.com).',
      '',
      '## Steps',
      '',
      '1. First',
      '2. Second',
      '   - nested a',
      '   - nested b',
      '',
      '> A quoted line',
      '> and its continuation.',
      '',
      '```ts',
      'const a = 1',
      '```',
      '',
      '| Name | Age |',
      '| --- | --- |',
      '| Ana | 31 |',
      '',
      '- [x] done task',
    ].join('\n')
    const parsed = await parse(utf8(markdown), 'guide.md')
    assert.deepEqual(parsed, {
      format: 'md',
      title: 'Guide',
      blocks: [
        { kind: 'heading', level: 1, text: 'Guide' },
        { kind: 'paragraph', text: 'Intro with bold, code & a link.' },
        { kind: 'heading', level: 2, text: 'Steps' },
        { kind: 'list', ordered: true, items: ['First', 'Second', 'Second › nested a', 'Second › nested b'] },
        { kind: 'quote', text: 'A quoted line and its continuation.' },
        { kind: 'code', text: 'const a = 1', language: 'ts' },
        { kind: 'table', header: ['Name', 'Age'], rows: [['Ana', '31']] },
        { kind: 'list', ordered: false, items: ['[x] done task'] },
      ],
    })
  })

  it('reads an HTML page: main content, headings, lists and tables, no scripts or navigation', async () => {
    const html = `<!DOCTYPE html><html><head><title>Field Guide | Acme</title><script>var secret = 1</script></head>
      <body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
      <article><h1>Field Guide</h1><p>This guide explains how the team plans visits.<br>It is updated yearly.</p>
      <h2>Checklist</h2><ul><li>Confirm the <b>address</b></li><li>Book the vehicle<ul><li>two days ahead</li></ul></li></ul>
      <table><thead><tr><th>Region</th><th>Visits</th></tr></thead><tbody><tr><td>North</td><td>42</td></tr></tbody></table>
      <pre><code class="language-sh">npm install</code></pre><blockquote>Safety first.</blockquote></article>
      <style>.x { color: red }</style></body></html>`
    const parsed = await parse(utf8(html), 'guide.html')
    assert.equal(parsed.format, 'html')
    assert.ok(parsed.title?.startsWith('Field Guide'))
    assert.deepEqual(headings(parsed), [
      [1, 'Field Guide'],
      [2, 'Checklist'],
    ])
    assert.deepEqual(ofKind(parsed, 'paragraph')[0], {
      kind: 'paragraph',
      text: 'This guide explains how the team plans visits. It is updated yearly.',
    })
    assert.deepEqual(ofKind(parsed, 'list')[0]?.items, [
      'Confirm the address',
      'Book the vehicle',
      'Book the vehicle › two days ahead',
    ])
    assert.deepEqual(ofKind(parsed, 'table')[0], {
      kind: 'table',
      header: ['Region', 'Visits'],
      rows: [['North', '42']],
    })
    assert.deepEqual(ofKind(parsed, 'code')[0], { kind: 'code', text: 'npm install', language: 'sh' })
    assert.deepEqual(ofKind(parsed, 'quote')[0], { kind: 'quote', text: 'Safety first.' })
    const all = JSON.stringify(parsed.blocks)
    assert.doesNotMatch(all, /secret|color: red/)
  })

  it('reads JSON as key paths, one paragraph per object', async () => {
    const json = {
      name: 'Prodgy',
      owner: { name: 'Ana', email: 'ana@example.com' },
      tags: ['ai', 'kb'],
      items: [
        { id: 1, label: 'first' },
        { id: 2, 'odd key': null },
      ],
    }
    const parsed = await parse(utf8(JSON.stringify(json)), 'project.json')
    assert.deepEqual(
      parsed.blocks.map((block) => (block.kind === 'paragraph' ? block.text : '')),
      [
        'name: Prodgy\ntags: ai, kb',
        'owner.name: Ana\nowner.email: ana@example.com',
        'items[0].id: 1\nitems[0].label: first',
        'items[1].id: 2\nitems[1]["odd key"]: null',
      ],
    )
  })

  it('reads XML as element lines grouped under their parent path', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <catalog><book id="bk101"><author>Gambardella</author><title>XML &amp; You</title></book>
      <book id="bk102"><author>Ralls</author><title>Midnight Rain</title><price currency="EUR"/></book></catalog>`
    const parsed = await parse(utf8(xml), 'catalog.xml')
    assert.deepEqual(
      parsed.blocks.map((block) => (block.kind === 'paragraph' ? block.text : '')),
      [
        'catalog > book [id=bk101]\nauthor: Gambardella\ntitle: XML & You',
        'catalog > book [id=bk102]\nauthor: Ralls\ntitle: Midnight Rain\nprice [currency=EUR]',
      ],
    )
  })

  it('reads CSV with typed cells and a header row', async () => {
    const csv = 'name,age,member,code,joined\n"Souza, Ana",31,true,007,2024-01-15\nBia,29.5,FALSE,12,\n\n'
    const parsed = await parse(utf8(csv), 'people.csv')
    assert.equal(parsed.format, 'csv')
    assert.deepEqual(parsed.sheets, [
      {
        name: 'people',
        columns: ['name', 'age', 'member', 'code', 'joined'],
        rows: [
          ['Souza, Ana', 31, true, '007', '2024-01-15'],
          ['Bia', 29.5, false, 12, null],
        ],
      },
    ])
    assert.deepEqual(parsed.blocks, [
      {
        kind: 'table',
        header: ['name', 'age', 'member', 'code', 'joined'],
        rows: [
          ['Souza, Ana', '31', 'TRUE', '007', '2024-01-15'],
          ['Bia', '29.5', 'FALSE', '12', ''],
        ],
      },
    ])
  })

  it('reads TSV, and a .csv whose delimiter is a tab', async () => {
    const tsv = 'city\tpopulation\nSão Paulo\t12325000\nRecife\t1488920\n'
    for (const name of ['cities.tsv', 'cities.csv']) {
      const parsed = await parse(utf8(tsv), name)
      assert.equal(parsed.format, 'tsv')
      assert.deepEqual(parsed.sheets?.[0]?.rows, [
        ['São Paulo', 12325000],
        ['Recife', 1488920],
      ])
    }
  })

  it('names columns when the first row is data', async () => {
    const parsed = await parse(utf8('1,2\n3,4\n'), 'numbers.csv')
    assert.deepEqual(parsed.sheets?.[0]?.columns, ['Column 1', 'Column 2'])
    assert.equal(parsed.sheets?.[0]?.rows.length, 2)
  })

  it('reads an XLSX made by exceljs: dates, booleans, formulas, rich text and links', async () => {
    const workbook = new ExcelJS.Workbook()
    const orders = workbook.addWorksheet('Orders')
    orders.addRow(['Order', 'Customer', 'Date', 'Paid', 'Total', 'Site'])
    orders.addRow([
      1001,
      { richText: [{ text: 'Acme ' }, { text: 'Ltda', font: { bold: true } }] },
      new Date(Date.UTC(2026, 2, 15)),
      true,
      { formula: 'A2*2', result: 2002 },
      { text: 'acme', hyperlink: 'https://acme.example' },
    ])
    orders.addRow([
      1002,
      'Café Müller',
      new Date(Date.UTC(2026, 3, 1, 14, 30)),
      false,
      { formula: 'A3*2', result: 2004 },
      null,
    ])
    workbook.addWorksheet('Empty')
    const notes = workbook.addWorksheet('Notes')
    notes.addRow(['Topic', 'Note'])
    notes.addRow(['Shipping', 'Ships on Mondays'])
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer())
    const parsed = await parse(bytes, 'orders.xlsx')
    assert.equal(parsed.format, 'xlsx')
    assert.deepEqual(parsed.sheets, [
      {
        name: 'Orders',
        columns: ['Order', 'Customer', 'Date', 'Paid', 'Total', 'Site'],
        rows: [
          [1001, 'Acme Ltda', '2026-03-15', true, 2002, 'acme'],
          [1002, 'Café Müller', '2026-04-01T14:30:00', false, 2004, null],
        ],
      },
      { name: 'Notes', columns: ['Topic', 'Note'], rows: [['Shipping', 'Ships on Mondays']] },
    ])
    assert.equal(ofKind(parsed, 'table').length, 2)
  })

  for (const format of ['xlsx', 'xls', 'ods'] as const) {
    it(`reads the LibreOffice ${format.toUpperCase()} sample`, async () => {
      const parsed = await parse(fixture(`sample.${format}`), `sample.${format}`)
      assert.equal(parsed.format, format)
      assert.deepEqual(
        parsed.sheets?.map((sheet) => sheet.name),
        ['Orders', 'Notes'],
      )
      const orders = parsed.sheets![0]!
      assert.deepEqual(orders.columns, ['Order', 'Customer', 'Date', 'Amount', 'Paid', 'Total with tax'])
      assert.deepEqual(
        orders.rows.map((row) => row.slice(0, 4)),
        [
          [1001, 'Acme Ltda', '2026-03-15', 1250.5],
          [1002, 'Café Müller 東京', '2026-04-01', -75],
          [1003, 'Zeta & Co', null, 0.25],
        ],
      )
      assert.ok(Math.abs((orders.rows[0]![5] as number) - 1375.55) < 1e-9)
      assert.deepEqual(parsed.sheets![1]!.rows, [['Shipping', 'Ships on Mondays']])
    })
  }

  it('reads an XLS whose shared strings continue across records', async () => {
    const parsed = await parse(fixture('many-strings.xls'), 'many-strings.xls')
    const sheet = parsed.sheets![0]!
    assert.deepEqual(sheet.columns, ['Id', 'Phrase'])
    assert.equal(sheet.rows.length, 400)
    sheet.rows.forEach((row, index) => {
      assert.equal(row[0], index + 1)
      assert.match(String(row[1]), new RegExp(`^[a-z]+ [a-z]+ [a-z]+ ${index % 3 === 0 ? 'ação 東京 ' : ''}${index}$`))
    })
  })

  it('reads ODS repeated rows and columns without expanding padding', async () => {
    const cell = (value: string, repeat = 1) =>
      `<table:table-cell office:value-type="string" table:number-columns-repeated="${repeat}"><text:p>${value}</text:p></table:table-cell>`
    const content = `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Grid">
      <table:table-row>${cell('Key')}${cell('Value')}</table:table-row>
      <table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="float" office:value="7"/>${cell('same', 1)}<table:table-cell table:number-columns-repeated="16382"/></table:table-row>
      <table:table-row><table:table-cell office:value-type="boolean" office:boolean-value="true"/><table:table-cell office:value-type="time" office:time-value="PT09H05M00S"/></table:table-row>
      <table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b<text:line-break/>c</text:p></table:table-cell></table:table-row>
      <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
      </table:table></office:spreadsheet></office:body></office:document-content>`
    const ods = zipSync({
      mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }],
      'content.xml': strToU8(content),
      'META-INF/manifest.xml': strToU8('<manifest:manifest/>'),
    })
    const parsed = await parse(ods, 'grid.ods')
    assert.deepEqual(parsed.sheets, [
      {
        name: 'Grid',
        columns: ['Key', 'Value'],
        rows: [
          [7, 'same'],
          [7, 'same'],
          [7, 'same'],
          [true, '09:05:00'],
          ['a  b\nc', null],
        ],
      },
    ])
  })

  it('chunks every parsed sample within the size', async () => {
    for (const name of [
      'sample.pdf',
      'sample.docx',
      'sample.doc',
      'sample.xlsx',
      'sample.xls',
      'sample.ods',
      'many-strings.xls',
    ]) {
      const parsed = await parse(fixture(name), name)
      const chunks = chunkDocument(parsed, { chunkSizeTokens: 60, chunkOverlapTokens: 10 })
      assert.ok(chunks.length > 0, name)
      for (const chunk of chunks) assert.ok(chunk.tokenCount <= 60, `${name}: ${chunk.tokenCount} tokens`)
    }
  })
})

// ---------------------------------------------------------------------------------------------------------------

/** BIFF8 records for the synthetic workbook tests: type, then data. */
function record(type: number, ...parts: Array<number[] | Uint8Array>): Uint8Array {
  const data = parts.flatMap((part) => Array.from(part))
  return Uint8Array.from([type & 0xff, type >> 8, data.length & 0xff, data.length >> 8, ...data])
}
const u16 = (value: number) => [value & 0xff, (value >> 8) & 0xff]
const u32 = (value: number) => [...u16(value & 0xffff), ...u16(value >>> 16)]
const f64 = (value: number) => {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value, true)
  return Array.from(new Uint8Array(view.buffer))
}
const latin1 = (text: string) => Array.from(text, (char) => char.charCodeAt(0))
const utf16 = (text: string) => Array.from(text).flatMap((char) => u16(char.charCodeAt(0)))
const cellHead = (row: number, column: number, xf: number) => [...u16(row), ...u16(column), ...u16(xf)]
const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => Array.from(part)))

function biffWorkbook(options: { encrypted?: boolean; version?: number } = {}): Uint8Array {
  const bof = (kind: number) => record(0x0809, u16(options.version ?? 0x0600), u16(kind), new Array(12).fill(0))
  const xf = (format: number) => record(0x00e0, u16(0), u16(format), new Array(16).fill(0))
  const globals = (sheetOffset: number) =>
    join([
      bof(0x0005),
      ...(options.encrypted ? [record(0x002f, new Array(54).fill(1))] : []),
      record(0x0022, u16(0)),
      record(0x041e, u16(164), u16(10), [0], latin1('yyyy-mm-dd')),
      xf(0),
      xf(164),
      xf(14),
      record(0x0085, u32(sheetOffset), [0, 0], [6, 0], latin1('Ledger')),
      // Three strings; the second breaks off after "bra" and continues in a CONTINUE record as 16-bit characters.
      record(0x00fc, u32(3), u32(3), u16(5), [0], latin1('alpha'), u16(9), [0], latin1('bra')),
      record(0x003c, [1], utf16('vo-ção'), u16(2), [1], utf16('東京')),
      record(0x000a),
    ])
  const serial = (Date.UTC(2026, 2, 15) - Date.UTC(1899, 11, 30)) / 86_400_000
  const sheet = join([
    bof(0x0010),
    record(0x00fd, cellHead(0, 0, 0), u32(0)),
    record(0x00fd, cellHead(0, 1, 0), u32(1)),
    record(0x00fd, cellHead(0, 2, 0), u32(2)),
    record(0x0203, cellHead(1, 0, 0), f64(42.5)),
    record(0x027e, cellHead(1, 1, 0), u32((7 << 2) | 2)),
    record(0x027e, cellHead(1, 2, 0), u32((1234 << 2) | 3)),
    // An embedded chart substream: its EOF must not end the sheet.
    record(0x0809, u16(0x0600), u16(0x0020), new Array(12).fill(0)),
    record(0x000a),
    record(0x00bd, u16(2), u16(0), u16(1), u32((serial << 2) | 2), u16(0), u32((5 << 2) | 2), u16(1)),
    record(0x0205, cellHead(3, 0, 0), [1, 0]),
    record(0x0205, cellHead(3, 1, 0), [0x07, 1]),
    record(0x0006, cellHead(3, 2, 0), [0, 0, 0, 0, 0, 0, 0xff, 0xff], u16(0), u32(0), u16(0)),
    record(0x0207, u16(8), [0], latin1('comp')),
    record(0x003c, [0], latin1('uted')),
    record(0x0006, cellHead(4, 0, 2), f64(serial), u16(0), u32(0), u16(0)),
    record(0x0006, cellHead(4, 1, 0), [1, 0, 0, 0, 0, 0, 0xff, 0xff], u16(0), u32(0), u16(0)),
    record(0x000a),
  ])
  const head = globals(0)
  return join([globals(head.length), sheet])
}

describe('XLS records', () => {
  it('reads shared strings across CONTINUE, RK and MULRK numbers, dates, booleans, errors and formula results', () => {
    const [sheet] = readBiffWorkbook(biffWorkbook(), new ParseBudget())
    assert.equal(sheet?.name, 'Ledger')
    assert.deepEqual(sheet?.rows, [
      ['alpha', 'bravo-ção', '東京'],
      [42.5, 7, 12.34],
      ['2026-03-15', 5],
      [true, '#DIV/0!', 'computed'],
      ['2026-03-15', false],
    ])
  })

  it('refuses encrypted and pre-97 workbooks', () => {
    assert.throws(
      () => readBiffWorkbook(biffWorkbook({ encrypted: true }), new ParseBudget()),
      (error: unknown) => error instanceof DocumentError && error.code === 'encrypted_file',
    )
    assert.throws(
      () => readBiffWorkbook(biffWorkbook({ version: 0x0500 }), new ParseBudget()),
      (error: unknown) => error instanceof DocumentError && error.code === 'unsupported_format',
    )
  })

  it('refuses a record that runs past the end of the stream', () => {
    const bytes = biffWorkbook()
    assert.throws(
      () => readBiffWorkbook(bytes.slice(0, bytes.length - 3), new ParseBudget()),
      (error: unknown) => error instanceof DocumentError && error.code === 'corrupt_file',
    )
  })
})

// ---------------------------------------------------------------------------------------------------------------

/** Flips bytes of a real fixture: the FIB's fEncrypted bit of a DOC, or a record type into FILEPASS in an XLS. */
function patch(bytes: Uint8Array, find: number[], edit: (bytes: Uint8Array, at: number) => void): Uint8Array {
  const copy = bytes.slice()
  const at = copy.findIndex((_, index) => find.every((value, offset) => copy[index + offset] === value))
  assert.ok(at >= 0, 'the pattern to patch is in the fixture')
  edit(copy, at)
  return copy
}

describe('parseDocument: files that cannot be read', () => {
  it('empty files', async () => {
    for (const name of ['empty.pdf', 'empty.docx', 'empty.csv', 'empty.txt', 'empty']) {
      assert.equal(await failure(parse(new Uint8Array(0), name)), 'empty_file', name)
    }
    assert.equal(await failure(parse(utf8('\n   \n'), 'blank.md')), 'empty_file')
    assert.equal(await failure(parse(utf8('{}'), 'empty.json')), 'empty_file')
  })

  it('a PDF without text is empty', async () => {
    const blank = await makePdf([[{ text: '', size: 0 }]])
    assert.equal(await failure(parse(blank, 'scan.pdf')), 'empty_file')
  })

  it('a truncated PDF is corrupt', async () => {
    const whole = fixture('sample.pdf')
    for (const share of [0.1, 0.5, 0.9]) {
      assert.equal(
        await failure(parse(whole.slice(0, Math.floor(whole.length * share)), 'cut.pdf')),
        'corrupt_file',
        String(share),
      )
    }
  })

  it('password-protected PDF, DOCX, XLSX, DOC and XLS are encrypted', async () => {
    assert.equal(await failure(parse(fixture('encrypted.pdf'), 'encrypted.pdf')), 'encrypted_file')
    assert.equal(await failure(parse(fixture('encrypted.docx'), 'encrypted.docx')), 'encrypted_file')
    assert.equal(await failure(parse(fixture('encrypted.xlsx'), 'encrypted.xlsx')), 'encrypted_file')
    // The FIB opens the WordDocument stream: wIdent 0xA5EC, nFib 0x0101 (Word 2000 and later).
    const doc = patch(fixture('sample.doc'), [0xec, 0xa5, 0x01, 0x01], (bytes, at) => {
      bytes[at + 0x0b]! |= 0x01
    })
    assert.equal(await failure(parse(doc, 'locked.doc')), 'encrypted_file')
    // WRITEACCESS (0x005C, 112 bytes) becomes FILEPASS (0x002F): what Excel writes when a workbook is encrypted.
    const xls = patch(fixture('many-strings.xls'), [0x5c, 0x00, 0x70, 0x00], (bytes, at) => {
      bytes[at] = 0x2f
    })
    assert.equal(await failure(parse(xls, 'locked.xls')), 'encrypted_file')
  })

  it('spreadsheets with a header and no rows', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('People').addRow(['Name', 'Email'])
    const xlsx = new Uint8Array(await workbook.xlsx.writeBuffer())
    assert.equal(await failure(parse(xlsx, 'people.xlsx')), 'no_rows')
    assert.equal(await failure(parse(fixture('header-only.xls'), 'header-only.xls')), 'no_rows')
    assert.equal(await failure(parse(fixture('header-only.ods'), 'header-only.ods')), 'no_rows')
    assert.equal(await failure(parse(utf8('name,email\n'), 'people.csv')), 'no_rows')
    const empty = new ExcelJS.Workbook()
    empty.addWorksheet('Blank')
    assert.equal(await failure(parse(new Uint8Array(await empty.xlsx.writeBuffer()), 'blank.xlsx')), 'empty_file')
  })

  it('content that contradicts the extension', async () => {
    assert.equal(await failure(parse(fixture('sample.docx'), 'report.pdf')), 'format_mismatch')
    assert.equal(await failure(parse(utf8('Just a note.'), 'letter.docx')), 'format_mismatch')
    assert.equal(await failure(parse(fixture('sample.pdf'), 'data.xlsx')), 'format_mismatch')
    assert.equal(await failure(parse(utf8('{"a": 1}'), 'table.csv')), 'format_mismatch')
  })

  it('damaged files of every kind are corrupt', async () => {
    const docx = fixture('sample.docx')
    assert.equal(await failure(parse(docx.slice(0, docx.length - 200), 'cut.docx')), 'corrupt_file')
    const broken = zipSync({ '[Content_Types].xml': strToU8('<x/>'), 'word/document.xml': strToU8('<not-word') })
    assert.equal(await failure(parse(broken, 'broken.docx')), 'corrupt_file')
    const badWorkbook = zipSync({ '[Content_Types].xml': strToU8('<x/>'), 'xl/workbook.xml': strToU8('garbage') })
    assert.equal(await failure(parse(badWorkbook, 'broken.xlsx')), 'corrupt_file')
    const xls = fixture('sample.xls')
    assert.equal(await failure(parse(xls.slice(0, 1200), 'cut.xls')), 'corrupt_file')
    assert.equal(await failure(parse(utf8('{"a": [1, 2'), 'broken.json')), 'corrupt_file')
    assert.equal(await failure(parse(utf8('<root><a></root>'), 'broken.xml')), 'corrupt_file')
    assert.equal(await failure(parse(utf8('name,note\nAna,"never closed\nBia,ok\n'), 'broken.csv')), 'corrupt_file')
    assert.equal(await failure(parse(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'latin1.txt')), 'corrupt_file')
  })

  it('formats we do not read are unsupported', async () => {
    assert.equal(
      await failure(parse(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'photo.png')),
      'unsupported_format',
    )
    assert.equal(await failure(parse(utf8('{\\rtf1 Hello}'), 'letter.rtf')), 'unsupported_format')
    const pptx = zipSync({ '[Content_Types].xml': strToU8('<x/>'), 'ppt/presentation.xml': strToU8('<p/>') })
    assert.equal(await failure(parse(pptx, 'deck.pptx')), 'unsupported_format')
  })

  it('XML entity bombs do not expand', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`
    // fast-xml-parser does not expand entities inside entities, so a billion laughs stays a few characters.
    const parsed = await parse(utf8(lol), 'lol.xml')
    assert.ok(JSON.stringify(parsed).length < 1_000)
  })
})

describe('parse limits', () => {
  const limits = (override: Partial<ParseLimits>) => new ParseBudget({ ...PARSE_LIMITS, ...override })
  const tooLarge = (run: () => unknown) =>
    assert.throws(run, (error: unknown) => error instanceof DocumentError && error.code === 'file_too_large')

  it('stops unpacking a ZIP past the inflation limit', () => {
    const bomb = zipSync({ 'word/document.xml': new Uint8Array(4 * 1024 * 1024) }, { level: 9 })
    assert.ok(bomb.length < 20_000, 'the archive is small')
    tooLarge(() => new ZipReader(bomb, limits({ inflatedBytes: 1024 * 1024 })).assertWithinLimit())
    new ZipReader(bomb, limits({ inflatedBytes: 8 * 1024 * 1024 })).assertWithinLimit()
  })

  it('refuses PDFs over the page limit', async () => {
    const pages = await makePdf([
      [{ text: 'one', size: 12 }],
      [{ text: 'two', size: 12 }],
      [{ text: 'three', size: 12 }],
    ])
    await assert.rejects(
      parsePdf(pages, limits({ pdfPages: 2 })),
      (error: unknown) => error instanceof DocumentError && error.code === 'file_too_large',
    )
  })

  it('refuses too many rows, too many columns and too much text', () => {
    const rows = `a,b\n${'1,2\n'.repeat(50)}`
    tooLarge(() => parseCsv(utf8(rows), 'csv', 'rows', limits({ rows: 10 })))
    tooLarge(() =>
      parseCsv(
        utf8(`${Array.from({ length: 30 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(29)}1\n`),
        'csv',
        'wide',
        limits({ columns: 20 }),
      ),
    )
    tooLarge(() => parseCsv(utf8(rows), 'csv', 'text', limits({ textChars: 50 })))
  })

  it('refuses JSON nested deeper than the limit', async () => {
    const deep = `${'['.repeat(500)}1${']'.repeat(500)}`
    assert.equal(await failure(parse(utf8(deep), 'deep.json')), 'file_too_large')
  })

  it('gives up when the clock runs out', () => {
    const budget = limits({ parseMilliseconds: -1 })
    tooLarge(() => budget.checkTime())
  })
})
