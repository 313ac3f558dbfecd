/**
 * Format detection by content. The extension only says what the person believes the file is (`declared`); the bytes
 * say what it is (`detected`). Runtime-neutral on purpose: the API checks an upload before storing it and the worker
 * checks again before parsing, so the two never disagree.
 *
 * The ZIP and OLE2 (Compound File Binary) readers below are deliberately small: they read the ZIP central directory
 * and the CFB directory and streams, never decompress, and bound every loop by the size of the input, so a hostile file
 * costs at most a pass over its own bytes. The worker's parsers reuse them (the XLS reader reads its `Workbook` stream
 * through `readCompoundFile`).
 */
import { DocumentError } from './document-error.ts'
import type { DocumentFormat } from './types.ts'

export interface DetectedFormat {
  detected: DocumentFormat
  declared: DocumentFormat | undefined
}

const EXTENSIONS: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  doc: 'doc',
  txt: 'txt',
  text: 'txt',
  md: 'md',
  markdown: 'md',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  json: 'json',
  xml: 'xml',
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  xls: 'xls',
  ods: 'ods',
}

/** The format the extension claims, or undefined for no or an unknown extension (the content then decides alone). */
export function formatFromFileName(fileName: string): DocumentFormat | undefined {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName.trim())
  return match ? EXTENSIONS[match[1]!.toLowerCase()] : undefined
}

const TEXT_FORMATS: ReadonlySet<DocumentFormat> = new Set(['txt', 'md', 'html', 'xml', 'json', 'csv', 'tsv'])
export const isTextFormat = (format: DocumentFormat): boolean => TEXT_FORMATS.has(format)

const LABELS: Record<DocumentFormat, string> = {
  pdf: 'a PDF',
  docx: 'a Word document (.docx)',
  doc: 'a Word 97–2003 document (.doc)',
  txt: 'plain text',
  md: 'Markdown text',
  html: 'an HTML page',
  json: 'JSON',
  xml: 'XML',
  csv: 'CSV text',
  tsv: 'tab-separated text',
  xlsx: 'an Excel workbook (.xlsx)',
  xls: 'an Excel 97–2003 workbook (.xls)',
  ods: 'an OpenDocument spreadsheet (.ods)',
}

export function detectFormat(bytes: Uint8Array, fileName: string): DetectedFormat {
  const declared = formatFromFileName(fileName)
  if (bytes.length === 0) throw new DocumentError('empty_file', 'This file is empty.')
  return { detected: detectContent(bytes, declared), declared }
}

/**
 * Throws `format_mismatch` when the content is a different kind of file than the extension says, and returns the
 * format to parse with. Pairs that differ only in name, or that a person could not reasonably tell apart, pass:
 * - no or an unknown extension: the content decides;
 * - `.txt` and `.md` hold any text (JSON, CSV, HTML included): the person asked for text, so it is read as text;
 * - `.csv` and `.tsv` swap freely (the delimiter comes from the content), and accept text whose sniff was ambiguous
 *   (a single column, or a header alone), which the CSV parser then reads;
 * - `.html` and `.xml` accept each other (XHTML is both), and `.html` accepts plain text (a page with no markup);
 * - `.doc`/`.docx` and `.xls`/`.xlsx`/`.ods` swap within their family: an old or new Office file saved under the
 *   other extension is common, and the content says how to read it;
 * - `.xls` also accepts CSV, TSV and HTML: many web applications' "export to Excel" writes exactly that.
 * Everything else, such as a `.pdf` that is a ZIP or a `.docx` that is plain text, is refused.
 */
export function assertFormatMatches(detected: DocumentFormat, declared: DocumentFormat | undefined): DocumentFormat {
  if (declared === undefined || declared === detected) return detected
  const text = isTextFormat(detected)
  switch (declared) {
    case 'txt':
    case 'md':
      if (text) return declared
      break
    case 'csv':
    case 'tsv':
      if (detected === 'csv' || detected === 'tsv') return detected
      if (detected === 'txt' || detected === 'md') return declared
      break
    case 'html':
      if (detected === 'xml' || detected === 'txt' || detected === 'md') return 'html'
      break
    case 'xml':
      if (detected === 'html') return 'xml'
      break
    case 'doc':
    case 'docx':
      if (detected === 'doc' || detected === 'docx') return detected
      break
    case 'xls':
      if (detected === 'csv' || detected === 'tsv' || detected === 'html') return detected
      if (detected === 'xlsx' || detected === 'ods') return detected
      break
    case 'xlsx':
    case 'ods':
      if (detected === 'xls' || detected === 'xlsx' || detected === 'ods') return detected
      break
  }
  throw new DocumentError(
    'format_mismatch',
    `This file is named as ${LABELS[declared]} but its content is ${LABELS[detected]}; rename it or export it again in the right format.`,
    { detected, declared },
  )
}

function detectContent(bytes: Uint8Array, declared: DocumentFormat | undefined): DocumentFormat {
  if (startsWith(bytes, PDF_MAGIC, 1024)) return 'pdf'
  if (startsWith(bytes, ZIP_LOCAL) || startsWith(bytes, ZIP_EMPTY)) return detectZip(bytes)
  if (startsWith(bytes, CFB_MAGIC)) return detectCompound(bytes)
  return detectText(bytes, declared)
}

// ---------------------------------------------------------------------------------------------------------------
// Magic numbers

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d] // %PDF-
const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04]
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06]
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

/** True when `magic` appears at offset 0, or within the first `window` bytes (PDF readers accept leading junk). */
function startsWith(bytes: Uint8Array, magic: number[], window = 0): boolean {
  const last = Math.min(window, bytes.length - magic.length)
  outer: for (let at = 0; at <= last; at++) {
    for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) continue outer
    return true
  }
  return false
}

// ---------------------------------------------------------------------------------------------------------------
// ZIP: central directory only

export interface ZipEntry {
  name: string
  /** 0 stored, 8 deflate; anything else is refused by the readers that need the data. */
  method: number
  compressedSize: number
  uncompressedSize: number
  /** Offset of the local file header. */
  localHeaderOffset: number
  encrypted: boolean
}

/** A bound on entries, so a forged directory cannot make us allocate millions of objects. Real documents have < 1,000. */
export const MAX_ZIP_ENTRIES = 20_000

const corruptZip = () =>
  new DocumentError('corrupt_file', 'This file is a damaged ZIP archive (it may be truncated); export it again.')

/** Reads the central directory of a ZIP archive (ZIP64 included). Throws `corrupt_file` when it cannot be read. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  let eocd = -1
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      eocd = at
      break
    }
  }
  if (eocd < 0) throw corruptZip()
  let count = view.getUint16(eocd + 10, true)
  let size = view.getUint32(eocd + 12, true)
  let offset = view.getUint32(eocd + 16, true)
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) throw corruptZip()
    const record = safeNumber(view, locator + 8)
    if (record < 0 || record + 56 > bytes.length || view.getUint32(record, true) !== 0x06064b50) throw corruptZip()
    count = safeNumber(view, record + 32)
    size = safeNumber(view, record + 40)
    offset = safeNumber(view, record + 48)
  }
  if (count > MAX_ZIP_ENTRIES || offset + size > bytes.length) throw corruptZip()
  const decoder = new TextDecoder('utf-8')
  const entries: ZipEntry[] = []
  let at = offset
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw corruptZip()
    const flags = view.getUint16(at + 8, true)
    const method = view.getUint16(at + 10, true)
    let compressedSize = view.getUint32(at + 20, true)
    let uncompressedSize = view.getUint32(at + 24, true)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    let localHeaderOffset = view.getUint32(at + 42, true)
    const end = at + 46 + nameLength + extraLength + commentLength
    if (end > bytes.length) throw corruptZip()
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength))
    // ZIP64 sizes live in extra field 0x0001, in this order, for those fields that are saturated.
    let extra = at + 46 + nameLength
    const extraEnd = extra + extraLength
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true)
      const length = view.getUint16(extra + 2, true)
      if (id === 0x0001) {
        let field = extra + 4
        const fieldEnd = Math.min(field + length, extraEnd)
        if (uncompressedSize === 0xffffffff && field + 8 <= fieldEnd) {
          uncompressedSize = safeNumber(view, field)
          field += 8
        }
        if (compressedSize === 0xffffffff && field + 8 <= fieldEnd) {
          compressedSize = safeNumber(view, field)
          field += 8
        }
        if (localHeaderOffset === 0xffffffff && field + 8 <= fieldEnd) localHeaderOffset = safeNumber(view, field)
      }
      extra += 4 + length
    }
    if (localHeaderOffset + 30 > bytes.length) throw corruptZip()
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset, encrypted: (flags & 1) === 1 })
    at = end
  }
  return entries
}

/** The compressed bytes of one entry (its local header can differ from the central one in name and extra length). */
export function zipEntryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = entry.localHeaderOffset
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) throw corruptZip()
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  if (start + entry.compressedSize > bytes.length) throw corruptZip()
  return bytes.subarray(start, start + entry.compressedSize)
}

/** A 64-bit little-endian length as a number; -1 when it exceeds what a JavaScript array can index anyway. */
function safeNumber(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true)
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(value)
}

const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet'

function detectZip(bytes: Uint8Array): DocumentFormat {
  const entries = readZipDirectory(bytes)
  const names = new Set(entries.map((entry) => entry.name))
  const unsupported = (what: string) =>
    new DocumentError(
      'unsupported_format',
      `${what} is not supported; save it as PDF, DOCX or XLSX and upload it again.`,
    )
  let format: DocumentFormat | undefined
  if (names.has('word/document.xml')) format = 'docx'
  else if (names.has('xl/workbook.xml')) format = 'xlsx'
  else if (names.has('xl/workbook.bin')) throw unsupported('An Excel binary workbook (.xlsb)')
  else if (names.has('ppt/presentation.xml')) throw unsupported('A PowerPoint presentation')
  else {
    const mimetype = entries.find((entry) => entry.name === 'mimetype')
    // ODF stores `mimetype` first and uncompressed precisely so that it can be read without inflating anything.
    const type =
      mimetype && mimetype.method === 0 && mimetype.compressedSize < 200
        ? new TextDecoder().decode(zipEntryData(bytes, mimetype)).trim()
        : undefined
    if (type === ODS_MIMETYPE) format = 'ods'
    else if (type?.startsWith('application/vnd.oasis.opendocument.'))
      throw unsupported('This OpenDocument type (other than a spreadsheet)')
    else throw unsupported('A ZIP archive that is not a Word, Excel or OpenDocument spreadsheet file')
  }
  // ZIP-level encryption (not Office's, which uses OLE2 and is caught in detectCompound) still hides the content.
  if (entries.some((entry) => entry.encrypted)) throw new DocumentError('encrypted_file')
  return format
}

// ---------------------------------------------------------------------------------------------------------------
// OLE2 / Compound File Binary ([MS-CFB])

export interface CompoundEntry {
  /** Slash-separated path from the root storage, for example `WordDocument` or `ObjectPool/_123/Ole`. */
  path: string
  type: 'storage' | 'stream'
  size: number
}

export interface CompoundFile {
  entries: CompoundEntry[]
  /** The stream's bytes, or undefined when no stream has that path (case-insensitive, as in CFB). */
  readStream(path: string): Uint8Array | undefined
}

const corruptCompound = () =>
  new DocumentError(
    'corrupt_file',
    'This Office file is damaged (its internal structure cannot be read); save it again.',
  )

const END_OF_CHAIN = 0xfffffffe
const FREE_SECTOR = 0xffffffff
const NO_STREAM = 0xffffffff
/** A bound on directory entries: every real Office file has a few dozen, a forged one could claim millions. */
const MAX_DIRECTORY_ENTRIES = 100_000

/** Reads the directory of an OLE2 compound file; streams are read on demand. Throws `corrupt_file` when damaged. */
export function readCompoundFile(bytes: Uint8Array): CompoundFile {
  if (bytes.length < 512 || !startsWith(bytes, CFB_MAGIC)) throw corruptCompound()
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const sectorShift = view.getUint16(0x1e, true)
  const miniShift = view.getUint16(0x20, true)
  if (view.getUint16(0x1c, true) !== 0xfffe || (sectorShift !== 9 && sectorShift !== 12) || miniShift !== 6) {
    throw corruptCompound()
  }
  const sectorSize = 1 << sectorShift
  const miniSectorSize = 1 << miniShift
  // Sectors after the header (which fills sector -1); a partial last sector counts, reads past the end are refused.
  const sectorCount = Math.max(0, Math.ceil((bytes.length - sectorSize) / sectorSize))
  const perSector = sectorSize / 4
  const sectorOffset = (sector: number): number => {
    if (sector >= sectorCount) throw corruptCompound()
    return (sector + 1) * sectorSize
  }
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : END_OF_CHAIN)

  // The FAT's own sectors are listed by the DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
  const fatSectors: number[] = []
  const fatSectorCount = view.getUint32(0x2c, true)
  if (fatSectorCount > sectorCount) throw corruptCompound()
  for (let i = 0; i < 109 && fatSectors.length < fatSectorCount; i++)
    fatSectors.push(view.getUint32(0x4c + i * 4, true))
  let difat = view.getUint32(0x44, true)
  for (let hops = 0; fatSectors.length < fatSectorCount && difat !== END_OF_CHAIN && difat !== FREE_SECTOR; hops++) {
    if (hops > sectorCount) throw corruptCompound()
    const base = sectorOffset(difat)
    for (let i = 0; i < perSector - 1 && fatSectors.length < fatSectorCount; i++) fatSectors.push(u32(base + i * 4))
    difat = u32(base + (perSector - 1) * 4)
  }
  const fat = new Uint32Array(fatSectors.length * perSector)
  fatSectors.forEach((sector, index) => {
    const base = sectorOffset(sector)
    for (let i = 0; i < perSector; i++) fat[index * perSector + i] = u32(base + i * 4)
  })

  /** Follows a chain, refusing loops and chains longer than the table that holds them. */
  const chain = (start: number, table: Uint32Array, limit: number): number[] => {
    const sectors: number[] = []
    const seen = new Set<number>()
    for (let sector = start; sector !== END_OF_CHAIN; sector = table[sector] ?? FREE_SECTOR) {
      if (sector >= table.length || sector >= limit || seen.has(sector)) throw corruptCompound()
      seen.add(sector)
      sectors.push(sector)
    }
    return sectors
  }
  const readChain = (start: number, size: number): Uint8Array => {
    const sectors = chain(start, fat, sectorCount)
    if (size > sectors.length * sectorSize) throw corruptCompound()
    const out = new Uint8Array(size)
    let written = 0
    for (const sector of sectors) {
      if (written >= size) break
      const base = sectorOffset(sector)
      const part = bytes.subarray(base, Math.min(base + sectorSize, base + size - written, bytes.length))
      out.set(part, written)
      written += part.length
    }
    if (written < size) throw corruptCompound()
    return out
  }

  const directorySectors = chain(view.getUint32(0x30, true), fat, sectorCount)
  if ((directorySectors.length * sectorSize) / 128 > MAX_DIRECTORY_ENTRIES) throw corruptCompound()
  const directory = readChain(view.getUint32(0x30, true), directorySectors.length * sectorSize)
  const dirView = new DataView(directory.buffer)
  const raw = Array.from({ length: directory.length / 128 }, (_, index) => {
    const at = index * 128
    const nameLength = Math.min(dirView.getUint16(at + 0x40, true), 64)
    let name = ''
    for (let i = 0; i + 1 < nameLength - 1; i += 2) name += String.fromCharCode(dirView.getUint16(at + i, true))
    const type = dirView.getUint8(at + 0x42)
    // Version 3 files only use the low 32 bits of the size; some writers leave garbage in the high ones.
    const sizeLow = dirView.getUint32(at + 0x78, true)
    const sizeHigh = sectorShift === 9 ? 0 : dirView.getUint32(at + 0x7c, true)
    return {
      name,
      type,
      left: dirView.getUint32(at + 0x44, true),
      right: dirView.getUint32(at + 0x48, true),
      child: dirView.getUint32(at + 0x4c, true),
      start: dirView.getUint32(at + 0x74, true),
      size: sizeHigh === 0 ? sizeLow : Number.POSITIVE_INFINITY,
    }
  })
  const root = raw[0]
  if (root?.type !== 5) throw corruptCompound()

  // Walk the red-black trees of each storage (left/right are siblings, child is the subtree) into paths.
  const entries: CompoundEntry[] = []
  const byPath = new Map<string, (typeof raw)[number]>()
  const visited = new Set<number>()
  const stack: Array<{ id: number; prefix: string }> = [{ id: root.child, prefix: '' }]
  while (stack.length > 0) {
    const { id, prefix } = stack.pop()!
    if (id === NO_STREAM) continue
    const entry = raw[id]
    if (!entry || visited.has(id)) throw corruptCompound()
    visited.add(id)
    stack.push({ id: entry.left, prefix }, { id: entry.right, prefix })
    if (entry.type !== 1 && entry.type !== 2) continue
    const path = prefix + entry.name
    if (entry.type === 1) stack.push({ id: entry.child, prefix: `${path}/` })
    entries.push({ path, type: entry.type === 1 ? 'storage' : 'stream', size: entry.type === 2 ? entry.size : 0 })
    byPath.set(path.toLowerCase(), entry)
  }

  const miniCutoff = view.getUint32(0x38, true)
  let mini: { table: Uint32Array; stream: Uint8Array } | undefined
  const miniStream = () => {
    if (mini) return mini
    const miniFatCount = view.getUint32(0x40, true)
    const miniFatStart = view.getUint32(0x3c, true)
    const table =
      miniFatCount === 0 || miniFatStart === END_OF_CHAIN
        ? new Uint32Array(0)
        : (() => {
            const data = readChain(miniFatStart, chain(miniFatStart, fat, sectorCount).length * sectorSize)
            return new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4).slice()
          })()
    const stream = root.start === END_OF_CHAIN ? new Uint8Array(0) : readChain(root.start, root.size)
    mini = { table, stream }
    return mini
  }

  return {
    entries,
    readStream(path) {
      const entry = byPath.get(path.toLowerCase())
      if (entry?.type !== 2) return undefined
      if (entry.size === 0) return new Uint8Array(0)
      if (entry.size >= miniCutoff) return readChain(entry.start, entry.size)
      const { table, stream } = miniStream()
      const sectors = chain(entry.start, table, Math.floor(stream.length / miniSectorSize))
      if (entry.size > sectors.length * miniSectorSize) throw corruptCompound()
      const out = new Uint8Array(entry.size)
      let written = 0
      for (const sector of sectors) {
        if (written >= entry.size) break
        const base = sector * miniSectorSize
        const part = stream.subarray(base, Math.min(base + miniSectorSize, base + entry.size - written))
        out.set(part, written)
        written += part.length
      }
      return out
    },
  }
}

function detectCompound(bytes: Uint8Array): DocumentFormat {
  const file = readCompoundFile(bytes)
  const top = new Set(file.entries.filter((entry) => !entry.path.includes('/')).map((entry) => entry.path))
  // Password-protected DOCX, XLSX and PPTX are OLE2 files wrapping the encrypted ZIP ([MS-OFFCRYPTO]).
  if (top.has('EncryptedPackage') || top.has('EncryptionInfo')) throw new DocumentError('encrypted_file')
  if (top.has('WordDocument')) return 'doc'
  if (top.has('Workbook') || top.has('Book')) return 'xls'
  const unsupported = (what: string) =>
    new DocumentError(
      'unsupported_format',
      `${what} is not supported; save it as PDF, DOCX or XLSX and upload it again.`,
    )
  if (top.has('PowerPoint Document')) throw unsupported('A PowerPoint 97–2003 presentation')
  throw unsupported('This Office file type')
}

// ---------------------------------------------------------------------------------------------------------------
// Text

/**
 * Decodes text as UTF-8 (or UTF-16 when it has a byte-order mark), dropping the mark. Invalid UTF-8 is `corrupt_file`:
 * guessing a legacy code page silently turns names into mojibake, which is worse than asking for UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3))
    }
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2))
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2))
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new DocumentError(
      'corrupt_file',
      'This text file is not valid UTF-8 (it may use an older encoding or be damaged); save it as UTF-8 and upload it again.',
    )
  }
}

/**
 * Bytes that are neither a known container nor text: a damaged file when its name promises one of our binary formats
 * (a PDF without its header, a DOCX cut before its ZIP header), some other binary format otherwise.
 */
function unknownBinary(declared: DocumentFormat | undefined): DocumentError {
  if (declared !== undefined) {
    return new DocumentError('corrupt_file', `This file is not readable as ${LABELS[declared]}; it may be damaged.`)
  }
  return new DocumentError('unsupported_format', 'This file type is not supported.')
}

/** Text with NUL or many other control characters is a binary file whatever its extension. */
function looksBinary(text: string): boolean {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text
  let control = 0
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i)
    if (code === 0) return true
    if (code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12 && code !== 11 && code !== 27) control++
  }
  return control > sample.length / 100
}

const HTML_TAGS = new Set(
  'html head body title meta link style script div span p a h1 h2 h3 h4 h5 h6 table ul ol li section article main header footer nav br hr img form pre blockquote'.split(
    ' ',
  ),
)

function detectText(bytes: Uint8Array, declared: DocumentFormat | undefined): DocumentFormat {
  const declaredText = declared !== undefined && isTextFormat(declared)
  let text: string
  try {
    text = decodeText(bytes)
  } catch (error) {
    if (declaredText) throw error
    throw unknownBinary(declared)
  }
  if (looksBinary(text)) {
    if (declaredText) throw new DocumentError('corrupt_file', 'This text file contains binary data and cannot be read.')
    throw unknownBinary(declared)
  }
  const trimmed = text.trimStart()
  if (trimmed.length === 0) throw new DocumentError('empty_file', 'This file has only blank space, no text to import.')
  if (trimmed.startsWith('{\\rtf')) {
    throw new DocumentError('unsupported_format', 'RTF is not supported; save it as DOCX or PDF and upload it again.')
  }
  const sniffed = sniffText(trimmed, declared)
  // Markdown and plain text are both just text: the extension decides which structure to look for.
  if (sniffed === 'txt' && declared === 'md') return 'md'
  return sniffed
}

function sniffText(text: string, declared: DocumentFormat | undefined): DocumentFormat {
  const first = text[0]
  if (first === '{' || first === '[') {
    try {
      JSON.parse(text)
      return 'json'
    } catch {
      // A `.json` that does not parse is still JSON to the person: the parser reports where it breaks.
      if (declared === 'json') return 'json'
    }
  }
  if (first === '<') {
    const markup = sniffMarkup(text)
    if (markup) return markup
  }
  if (/<(html|body)[\s>]/i.test(text.slice(0, 2048))) return 'html'
  const delimiter = sniffDelimiter(text)
  if (delimiter === '\t') return 'tsv'
  if (delimiter !== undefined) return 'csv'
  return 'txt'
}

function sniffMarkup(text: string): 'html' | 'xml' | undefined {
  let rest = text.slice(0, 4096)
  // Skip the prolog: declaration, comments, processing instructions and the doctype (which may name html).
  for (let i = 0; i < 20; i++) {
    rest = rest.trimStart()
    if (/^<!doctype\s+html/i.test(rest)) return 'html'
    // A doctype may carry an internal subset in brackets, whose entity declarations contain `>`.
    const skip = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype[^[>]*(\[[\s\S]*?\])?\s*>)/i.exec(rest)
    if (!skip) break
    rest = rest.slice(skip[0].length)
  }
  const tag = /^<([A-Za-z_][\w:.-]*)/.exec(rest)
  if (!tag) return undefined
  const name = tag[1]!.toLowerCase()
  if (HTML_TAGS.has(name)) return 'html'
  return 'xml'
}

/**
 * The delimiter of CSV-like text, or undefined when no delimiter splits the first lines into the same number (≥ 2) of
 * fields. Quotes are honoured, so a quoted comma or newline does not count. Only the first 64 KB are examined.
 */
export function sniffDelimiter(text: string): ',' | '\t' | ';' | '|' | undefined {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text
  const complete = text.length > 65_536 ? sample.slice(0, Math.max(0, sample.lastIndexOf('\n'))) : sample
  let best: { delimiter: ',' | '\t' | ';' | '|'; fields: number } | undefined
  for (const delimiter of ['\t', ',', ';', '|'] as const) {
    const counts = fieldCounts(complete, delimiter, 50)
    if (counts.length < 2) continue
    const expected = counts[0]!
    if (expected < 2 || !counts.every((count) => count === expected)) continue
    if (!best || expected > best.fields) best = { delimiter, fields: expected }
  }
  return best?.delimiter
}

/** Field counts of the first `maxRecords` non-blank records, following RFC 4180 quoting. */
function fieldCounts(text: string, delimiter: string, maxRecords: number): number[] {
  const counts: number[] = []
  let fields = 1
  let quoted = false
  let atFieldStart = true
  let blank = true
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') i++
        else quoted = false
      }
      continue
    }
    if (char === '"' && atFieldStart) {
      quoted = true
      atFieldStart = false
      blank = false
    } else if (char === delimiter) {
      fields++
      atFieldStart = true
      blank = false
    } else if (char === '\n' || char === '\r') {
      if (!blank) counts.push(fields)
      if (char === '\r' && text[i + 1] === '\n') i++
      fields = 1
      atFieldStart = true
      blank = true
    } else {
      atFieldStart = false
      if (char !== ' ') blank = false
    }
  }
  if (!blank && counts.length < maxRecords && !quoted) counts.push(fields)
  return counts
}
