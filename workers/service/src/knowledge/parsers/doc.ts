/**
 * Word 97–2003 (.doc) through word-extractor, which reads the text through the document's piece table. It gives
 * text without styles, so headings and lists are plain paragraphs here; tables come back as tab-separated rows and
 * become table blocks. Headers, footnotes, endnotes, comments and text boxes follow the body.
 *
 * word-extractor follows sector chains without guarding against loops, so the compound file is first read in full by
 * core's reader, which does; only a file that passes is handed over. Encryption is read from the FIB ourselves,
 * since word-extractor would return ciphertext as text.
 */
import { type Block, DocumentError, type ParsedDocument, readCompoundFile } from '@prodgy/core'
import WordExtractor from 'word-extractor'
import type { ParseBudget } from './limits.ts'

const corrupt = () =>
  new DocumentError('corrupt_file', 'This Word 97–2003 document is damaged and cannot be read; save it again in Word.')

export async function parseDoc(bytes: Uint8Array, budget: ParseBudget): Promise<ParsedDocument> {
  const file = readCompoundFile(bytes)
  for (const entry of file.entries) if (entry.type === 'stream') file.readStream(entry.path)
  const fib = file.readStream('WordDocument')
  if (!fib || fib.length < 12) throw corrupt()
  const view = new DataView(fib.buffer, fib.byteOffset, fib.byteLength)
  if (view.getUint16(0, true) !== 0xa5ec) throw corrupt()
  // FIB flags: fEncrypted (bit 8) and fObfuscated (bit 15, XOR obfuscation) both hide the text.
  if (view.getUint16(0x0a, true) & 0x8100) {
    throw new DocumentError(
      'encrypted_file',
      'This Word document is password-protected; remove the password and upload it again.',
    )
  }
  // nFib below 193 is Word 6/95, whose text layout word-extractor does not read.
  if (view.getUint16(2, true) < 0x00c1) {
    throw new DocumentError(
      'unsupported_format',
      'Word 6.0/95 documents are not supported; open it in Word or LibreOffice, save it as .docx and upload it again.',
    )
  }

  let extracted: Awaited<ReturnType<WordExtractor['extract']>>
  try {
    extracted = await new WordExtractor().extract(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch {
    throw corrupt()
  }
  const plain = { filterUnicode: false }
  const blocks = textToBlocks(extracted.getBody(plain), budget)
  for (const part of [
    extracted.getHeaders({ ...plain, includeFooters: true }),
    extracted.getFootnotes(plain),
    extracted.getEndnotes(plain),
    extracted.getAnnotations(plain),
    extracted.getTextboxes(plain),
  ]) {
    blocks.push(...textToBlocks(part, budget))
  }
  return { format: 'doc', blocks }
}

/** Lines into paragraphs, with runs of tab-separated lines (Word's table cells) as tables. */
function textToBlocks(text: string, budget: ParseBudget): Block[] {
  const blocks: Block[] = []
  let table: string[][] = []
  const endTable = () => {
    if (table.length > 0) {
      const width = table.reduce((max, row) => Math.max(max, row.length), 0)
      const pad = (row: string[]) => Array.from({ length: width }, (_, index) => row[index] ?? '')
      const [header, ...rows] = table
      blocks.push({ kind: 'table', header: pad(header!), rows: rows.map(pad) })
    }
    table = []
  }
  for (const raw of budget.text(text).split(/\r?\n/)) {
    if (raw.includes('\t')) {
      table.push(
        raw
          .replace(/\t$/, '')
          .split('\t')
          .map((cell) => cell.replace(/\s+/g, ' ').trim()),
      )
      continue
    }
    endTable()
    const line = raw.replace(/\s+/g, ' ').trim()
    if (line) blocks.push({ kind: 'paragraph', text: line })
  }
  endTable()
  return blocks
}
