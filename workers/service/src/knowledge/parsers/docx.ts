/**
 * DOCX through mammoth, which maps Word's paragraph styles to HTML (Heading 1–6 to h1–h6, lists, tables); the HTML
 * then goes through the same block walker as uploaded pages. Images are dropped (mammoth would inline them as
 * base64), external files are never read, and the ZIP is proven to stay within the inflation limit first.
 */
import { DocumentError, type ParsedDocument } from '@prodgy/core'
import { parseHTML } from 'linkedom'
import mammoth from 'mammoth'
import { htmlToBlocks } from './html-blocks.ts'
import type { ParseBudget } from './limits.ts'
import { ZipReader } from './zip.ts'

const dropImages = mammoth.images.imgElement(async () => ({ src: '' }))

export async function parseDocx(bytes: Uint8Array, budget: ParseBudget): Promise<ParsedDocument> {
  const zip = new ZipReader(bytes, budget)
  zip.assertWithinLimit()
  let html: string
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { convertImage: dropImages, ignoreEmptyParagraphs: true, externalFileAccess: false },
    )
    html = result.value
  } catch {
    throw new DocumentError('corrupt_file', 'This Word document is damaged and cannot be read; save it again in Word.')
  }
  budget.checkTime()
  const { document } = parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`)
  const blocks = htmlToBlocks(document.body as unknown as Element, budget)
  const title = coreTitle(zip.readText('docProps/core.xml'))
  return { format: 'docx', blocks, ...(title ? { title } : {}) }
}

/** `dc:title` of the package's core properties, when the author set one. */
export function coreTitle(xml: string | undefined): string | undefined {
  const match = xml ? /<dc:title>([^<]*)<\/dc:title>/.exec(xml) : null
  const title = match?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()
  return title || undefined
}
