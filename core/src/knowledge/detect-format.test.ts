import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  assertFormatMatches,
  decodeText,
  detectFormat,
  formatFromFileName,
  readCompoundFile,
  readZipDirectory,
  sniffDelimiter,
} from './detect-format.ts'
import { DocumentError } from './document-error.ts'
import type { DocumentFormat } from './types.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** A ZIP with stored (uncompressed) entries: enough for the central-directory reader, which never inflates. */
function zip(entries: Record<string, string | Uint8Array>): Uint8Array {
  const locals: Uint8Array[] = []
  const centrals: Uint8Array[] = []
  let offset = 0
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === 'string' ? utf8(content) : content
    const nameBytes = utf8(name)
    const local = new Uint8Array(30 + nameBytes.length + data.length)
    const lv = new DataView(local.buffer)
    lv.setUint32(0, 0x04034b50, true)
    lv.setUint16(4, 20, true)
    lv.setUint32(18, data.length, true)
    lv.setUint32(22, data.length, true)
    lv.setUint16(26, nameBytes.length, true)
    local.set(nameBytes, 30)
    local.set(data, 30 + nameBytes.length)
    const central = new Uint8Array(46 + nameBytes.length)
    const cv = new DataView(central.buffer)
    cv.setUint32(0, 0x02014b50, true)
    cv.setUint16(4, 20, true)
    cv.setUint16(6, 20, true)
    cv.setUint32(20, data.length, true)
    cv.setUint32(24, data.length, true)
    cv.setUint16(28, nameBytes.length, true)
    cv.setUint32(42, offset, true)
    central.set(nameBytes, 46)
    locals.push(local)
    centrals.push(central)
    offset += local.length
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0)
  const end = new Uint8Array(22)
  const ev = new DataView(end.buffer)
  ev.setUint32(0, 0x06054b50, true)
  ev.setUint16(8, centrals.length, true)
  ev.setUint16(10, centrals.length, true)
  ev.setUint32(12, centralSize, true)
  ev.setUint32(16, offset, true)
  return concat([...locals, ...centrals, end])
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * A version-3 compound file (512-byte sectors) with the given top-level streams, all stored in regular sectors
 * (the header's mini-stream cutoff is set to 0 so no mini stream is needed). `loop` makes the first stream's
 * sector chain point back at itself, as a hostile file would.
 */
function compound(streams: Record<string, Uint8Array>, options: { loop?: boolean } = {}): Uint8Array {
  const names = Object.keys(streams)
  const dirSectors = Math.ceil((names.length + 1) / 4)
  const dataSectors = names.map((name) => Math.max(1, Math.ceil(streams[name]!.length / 512)))
  const total = 1 + dirSectors + dataSectors.reduce((a, b) => a + b, 0)
  const file = new Uint8Array(512 * (total + 1))
  const view = new DataView(file.buffer)
  file.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
  view.setUint16(0x18, 0x3e, true)
  view.setUint16(0x1a, 3, true)
  view.setUint16(0x1c, 0xfffe, true)
  view.setUint16(0x1e, 9, true)
  view.setUint16(0x20, 6, true)
  view.setUint32(0x2c, 1, true)
  view.setUint32(0x30, 1, true)
  view.setUint32(0x38, 0, true)
  view.setUint32(0x3c, 0xfffffffe, true)
  view.setUint32(0x44, 0xfffffffe, true)
  for (let i = 0; i < 109; i++) view.setUint32(0x4c + i * 4, i === 0 ? 0 : 0xffffffff, true)
  const fat = (sector: number, next: number) => view.setUint32(512 + sector * 4, next, true)
  for (let i = 0; i < 128; i++) fat(i, 0xffffffff)
  fat(0, 0xfffffffd)
  for (let i = 0; i < dirSectors; i++) fat(1 + i, i === dirSectors - 1 ? 0xfffffffe : 2 + i)
  const entry = (
    index: number,
    name: string,
    type: number,
    start: number,
    size: number,
    right: number,
    child: number,
  ) => {
    const at = 512 * (2 + Math.floor(index / 4)) + (index % 4) * 128
    for (let i = 0; i < name.length; i++) view.setUint16(at + i * 2, name.charCodeAt(i), true)
    view.setUint16(at + 0x40, (name.length + 1) * 2, true)
    view.setUint8(at + 0x42, type)
    view.setUint32(at + 0x44, 0xffffffff, true)
    view.setUint32(at + 0x48, right, true)
    view.setUint32(at + 0x4c, child, true)
    view.setUint32(at + 0x74, start, true)
    view.setUint32(at + 0x78, size, true)
  }
  entry(0, 'Root Entry', 5, 0xfffffffe, 0, 0xffffffff, names.length > 0 ? 1 : 0xffffffff)
  let sector = 1 + dirSectors
  names.forEach((name, index) => {
    const data = streams[name]!
    const count = dataSectors[index]!
    entry(index + 1, name, 2, sector, data.length, index + 1 < names.length ? index + 2 : 0xffffffff, 0xffffffff)
    for (let i = 0; i < count; i++) fat(sector + i, i === count - 1 ? 0xfffffffe : sector + i + 1)
    if (options.loop && index === 0) fat(sector + count - 1, sector)
    file.set(data, 512 * (sector + 1))
    sector += count
  })
  return file
}

const code = (run: () => unknown): string | undefined => {
  try {
    run()
  } catch (error) {
    if (error instanceof DocumentError) return error.code
    throw error
  }
  return undefined
}

describe('formatFromFileName', () => {
  it('reads the extension, case-insensitively, and ignores unknown ones', () => {
    assert.equal(formatFromFileName('Report.PDF'), 'pdf')
    assert.equal(formatFromFileName('notes.markdown'), 'md')
    assert.equal(formatFromFileName('page.htm'), 'html')
    assert.equal(formatFromFileName('data.tab'), 'tsv')
    assert.equal(formatFromFileName('archive.tar.gz'), undefined)
    assert.equal(formatFromFileName('README'), undefined)
  })
})

describe('detectFormat', () => {
  it('finds a PDF by its header, even after leading junk', () => {
    assert.deepEqual(detectFormat(utf8('%PDF-1.7\n...'), 'a.pdf'), { detected: 'pdf', declared: 'pdf' })
    assert.equal(detectFormat(utf8('\n\n%PDF-1.4\n'), 'a.bin').detected, 'pdf')
  })

  it('tells ZIP containers apart by their entries', () => {
    assert.equal(
      detectFormat(zip({ '[Content_Types].xml': '<x/>', 'word/document.xml': '<w/>' }), 'a.docx').detected,
      'docx',
    )
    assert.equal(detectFormat(zip({ 'xl/workbook.xml': '<w/>' }), 'a.xlsx').detected, 'xlsx')
    const ods = zip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' })
    assert.equal(detectFormat(ods, 'a.ods').detected, 'ods')
  })

  it('refuses other ZIP documents as unsupported', () => {
    assert.equal(
      code(() => detectFormat(zip({ 'ppt/presentation.xml': '<p/>' }), 'a.pptx')),
      'unsupported_format',
    )
    const odt = zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<x/>' })
    assert.equal(
      code(() => detectFormat(odt, 'a.odt')),
      'unsupported_format',
    )
    assert.equal(
      code(() => detectFormat(zip({ 'photo.jpg': 'x' }), 'a.zip')),
      'unsupported_format',
    )
  })

  it('reports a ZIP cut short as corrupt', () => {
    const whole = zip({ 'word/document.xml': '<w/>'.repeat(100) })
    assert.equal(
      code(() => detectFormat(whole.slice(0, whole.length - 30), 'a.docx')),
      'corrupt_file',
    )
  })

  it('tells OLE2 files apart by their streams and sees encrypted Office packages', () => {
    const data = new Uint8Array(600).fill(7)
    assert.equal(detectFormat(compound({ WordDocument: data, '1Table': data }), 'a.doc').detected, 'doc')
    assert.equal(detectFormat(compound({ Workbook: data }), 'a.xls').detected, 'xls')
    assert.equal(detectFormat(compound({ Book: data }), 'a.xls').detected, 'xls')
    assert.equal(
      code(() => detectFormat(compound({ EncryptionInfo: data, EncryptedPackage: data }), 'a.docx')),
      'encrypted_file',
    )
    assert.equal(
      code(() => detectFormat(compound({ 'PowerPoint Document': data }), 'a.ppt')),
      'unsupported_format',
    )
  })

  it('refuses compound files with looping or missing sectors', () => {
    const data = new Uint8Array(1500).fill(1)
    const looping = readCompoundFile(compound({ Workbook: data }, { loop: true }))
    assert.equal(
      code(() => looping.readStream('Workbook')),
      'corrupt_file',
    )
    const whole = compound({ WordDocument: data })
    assert.equal(
      code(() => readCompoundFile(whole.slice(0, 1024)).readStream('WordDocument')),
      'corrupt_file',
    )
    assert.equal(
      code(() => readCompoundFile(whole.slice(0, 100))),
      'corrupt_file',
    )
  })

  it('reads streams back whole', () => {
    const data = Uint8Array.from({ length: 1300 }, (_, i) => i % 251)
    const file = readCompoundFile(compound({ Workbook: data, Other: utf8('x') }))
    assert.deepEqual(
      file.entries.map((entry) => entry.path),
      ['Workbook', 'Other'],
    )
    assert.deepEqual(file.readStream('workbook'), data)
    assert.equal(file.readStream('Missing'), undefined)
  })

  it('sniffs text formats', () => {
    const cases: Array<[string, string, DocumentFormat]> = [
      ['{"a": [1, 2]}', 'x', 'json'],
      ['  [1, 2, 3]', 'x', 'json'],
      ['<?xml version="1.0"?><catalog><book/></catalog>', 'x', 'xml'],
      ['<!-- note --><feed><entry/></feed>', 'x', 'xml'],
      ['<!DOCTYPE html><html><body>Hi</body></html>', 'x', 'html'],
      ['<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN"><html/>', 'x', 'html'],
      ['<p>Hello <b>there</b></p>', 'x', 'html'],
      ['name,age\nAna,31\nBia,29\n', 'x', 'csv'],
      ['name;age\nAna;31\n', 'x', 'csv'],
      ['name\tage\nAna\t31\n', 'x', 'tsv'],
      ['"a, b",c\n"multi\nline",d\n', 'x', 'csv'],
      ['Just some words.\nAnd more words here.', 'x', 'txt'],
      ['# Title\n\nText', 'notes.md', 'md'],
      ['[link](https://example.com) text', 'x', 'txt'],
    ]
    for (const [text, name, expected] of cases) assert.equal(detectFormat(utf8(text), name).detected, expected, text)
  })

  it('keeps a broken .json as JSON so the parser can say where it breaks', () => {
    assert.equal(detectFormat(utf8('{"a": '), 'data.json').detected, 'json')
    assert.equal(detectFormat(utf8('{"a": '), 'data.txt').detected, 'txt')
  })

  it('decodes UTF-8 and UTF-16 with byte-order marks and refuses invalid UTF-8', () => {
    assert.equal(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0x69])), 'hi')
    assert.equal(decodeText(Uint8Array.from([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00])), 'hi')
    assert.equal(decodeText(Uint8Array.from([0xfe, 0xff, 0x00, 0x68, 0x00, 0x69])), 'hi')
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a])
    assert.equal(
      code(() => detectFormat(latin1, 'menu.txt')),
      'corrupt_file',
    )
    assert.equal(
      code(() => detectFormat(latin1, 'menu')),
      'unsupported_format',
    )
  })

  it('treats binary content as binary, whatever the name', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
    assert.equal(
      code(() => detectFormat(png, 'photo.png')),
      'unsupported_format',
    )
    assert.equal(
      code(() => detectFormat(png, 'notes.txt')),
      'corrupt_file',
    )
    assert.equal(
      code(() => detectFormat(png, 'report.pdf')),
      'corrupt_file',
    )
    assert.equal(
      code(() => detectFormat(utf8('{\\rtf1\\ansi Hello}'), 'letter.rtf')),
      'unsupported_format',
    )
  })

  it('calls empty and blank files empty', () => {
    assert.equal(
      code(() => detectFormat(new Uint8Array(0), 'a.pdf')),
      'empty_file',
    )
    assert.equal(
      code(() => detectFormat(utf8('  \n\t \n'), 'a.txt')),
      'empty_file',
    )
  })
})

describe('sniffDelimiter', () => {
  it('needs the same field count on every line', () => {
    assert.equal(sniffDelimiter('a,b\nc,d\n'), ',')
    assert.equal(sniffDelimiter('a,b\nc\n'), undefined)
    assert.equal(sniffDelimiter('one line, only'), undefined)
    assert.equal(sniffDelimiter('a|b|c\n1|2|3'), '|')
  })
})

describe('assertFormatMatches', () => {
  it('lets compatible pairs through and returns the format to parse with', () => {
    assert.equal(assertFormatMatches('pdf', undefined), 'pdf')
    assert.equal(assertFormatMatches('json', 'txt'), 'txt')
    assert.equal(assertFormatMatches('csv', 'md'), 'md')
    assert.equal(assertFormatMatches('tsv', 'csv'), 'tsv')
    assert.equal(assertFormatMatches('txt', 'csv'), 'csv')
    assert.equal(assertFormatMatches('xml', 'html'), 'html')
    assert.equal(assertFormatMatches('html', 'xml'), 'xml')
    assert.equal(assertFormatMatches('doc', 'docx'), 'doc')
    assert.equal(assertFormatMatches('xlsx', 'xls'), 'xlsx')
    assert.equal(assertFormatMatches('csv', 'xls'), 'csv')
  })

  it('refuses a content of another kind with a sentence naming both', () => {
    for (const [detected, declared] of [
      ['docx', 'pdf'],
      ['txt', 'docx'],
      ['pdf', 'txt'],
      ['json', 'csv'],
      ['xlsx', 'docx'],
      ['csv', 'json'],
    ] as const) {
      assert.throws(
        () => assertFormatMatches(detected, declared),
        (error: unknown) =>
          error instanceof DocumentError &&
          error.code === 'format_mismatch' &&
          error.status === 422 &&
          /named as/.test(error.message),
        `${detected} as ${declared}`,
      )
    }
  })
})

describe('readZipDirectory', () => {
  it('lists entries with sizes and offsets', () => {
    const entries = readZipDirectory(zip({ 'a.txt': 'hello', 'b/c.xml': '<x/>' }))
    assert.deepEqual(
      entries.map((entry) => [entry.name, entry.method, entry.uncompressedSize, entry.encrypted]),
      [
        ['a.txt', 0, 5, false],
        ['b/c.xml', 0, 4, false],
      ],
    )
  })
})

describe('DocumentError', () => {
  it('is a 422 with a default sentence per code', () => {
    const error = new DocumentError('encrypted_file')
    assert.equal(error.status, 422)
    assert.equal(error.code, 'encrypted_file')
    assert.match(error.message, /password-protected/)
    assert.equal(new DocumentError('no_rows', 'Custom.').message, 'Custom.')
  })
})
