/**
 * PDF text through Mozilla's pdf.js (pdfjs-dist, legacy build for Node). pdf.js gives positioned text runs, not
 * structure, so structure is inferred: lines from end-of-line marks and baselines, paragraphs from vertical gaps,
 * headings from font sizes clearly above the body size (ranked into levels), lists from bullet and number marks.
 * Tables come out as lines of text: a PDF does not say which text is a table. Scanned PDFs have no text and fail
 * with `empty_file`; OCR is out of scope.
 */

import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Block, DocumentError, type ParsedDocument } from '@prodgy/core'
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js'
import { type ParseBudget, tooLarge } from './limits.ts'

// pdf.js reads CMaps (needed for CJK text) and the standard fonts' metrics from files shipped in its package.
const packageRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))
const asDirectoryUrl = (path: string) => `${pathToFileURL(path).href}/`

interface Line {
  text: string
  size: number
  /** Baseline position from the top of the page's text, growing downwards, in text-space units. */
  y: number
  page: number
}

export async function parsePdf(bytes: Uint8Array, budget: ParseBudget): Promise<ParsedDocument> {
  const task = getDocument({
    // pdf.js takes ownership of (and may detach) the buffer it is given.
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWasm: false,
    stopAtErrors: false,
    verbosity: VerbosityLevel.ERRORS,
    cMapUrl: asDirectoryUrl(join(packageRoot, 'cmaps')),
    cMapPacked: true,
    standardFontDataUrl: asDirectoryUrl(join(packageRoot, 'standard_fonts')),
  })
  let document: Awaited<typeof task.promise> | undefined
  try {
    document = await task.promise
  } catch (error) {
    await task.destroy().catch(() => undefined)
    throw pdfError(error)
  }
  try {
    const pageCount = document.numPages
    if (pageCount > budget.limit.pdfPages) {
      throw tooLarge(`This PDF has more than ${budget.limit.pdfPages.toLocaleString('en-US')} pages`, 'pdfPages')
    }
    const lines: Line[] = []
    for (let number = 1; number <= pageCount; number++) {
      budget.checkTime()
      const page = await document.getPage(number)
      try {
        const content = await page.getTextContent()
        lines.push(
          ...pageLines(
            content.items.filter((item): item is TextItem => 'str' in item),
            number,
            budget,
          ),
        )
      } finally {
        page.cleanup()
      }
    }
    const blocks = linesToBlocks(lines)
    if (blocks.length === 0) {
      throw new DocumentError(
        'empty_file',
        'This PDF has no selectable text (it may be scanned pages); export it with text or run it through OCR first.',
      )
    }
    const info = await document.getMetadata().catch(() => undefined)
    const metaTitle = (info?.info as { Title?: unknown } | undefined)?.Title
    const title =
      typeof metaTitle === 'string' && metaTitle.trim()
        ? metaTitle.trim()
        : blocks.find((block): block is Extract<Block, { kind: 'heading' }> => block.kind === 'heading')?.text
    return { format: 'pdf', blocks, pageCount, ...(title ? { title } : {}) }
  } catch (error) {
    if (error instanceof DocumentError) throw error
    throw pdfError(error)
  } finally {
    await document.destroy().catch(() => undefined)
  }
}

function pdfError(error: unknown): DocumentError {
  const name = (error as { name?: string } | null)?.name
  if (name === 'PasswordException') {
    return new DocumentError(
      'encrypted_file',
      'This PDF is password-protected; remove the password and upload it again.',
    )
  }
  return new DocumentError(
    'corrupt_file',
    'This PDF is damaged (it may be truncated) and cannot be read; export it again.',
  )
}

/** Text runs into lines: a run with an end-of-line mark, or a change of baseline, ends a line. */
function pageLines(items: TextItem[], page: number, budget: ParseBudget): Line[] {
  const lines: Line[] = []
  let text = ''
  let size = 0
  let y: number | undefined
  const end = () => {
    const clean = text.replace(/\s+/g, ' ').trim()
    if (clean) lines.push({ text: budget.text(clean), size, y: y ?? 0, page })
    text = ''
    size = 0
    y = undefined
  }
  for (const item of items) {
    const itemSize = Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0) || item.height
    // PDF y grows upwards; flip it so that later lines have larger values.
    const itemY = -(item.transform[5] ?? 0)
    if (y !== undefined && item.str.trim() && Math.abs(itemY - y) > Math.max(2, itemSize * 0.5)) end()
    if (item.str) {
      if (y === undefined && item.str.trim()) y = itemY
      text += item.str
      if (item.str.trim()) size = Math.max(size, itemSize)
    }
    if (item.hasEOL) {
      // A run can end its line while the next run continues the same sentence on the next line.
      if (y !== undefined) end()
      else text += ' '
    }
  }
  end()
  return lines
}

/**
 * Lines into blocks. The body size is the size most text is set in; a short line set clearly larger is a heading,
 * its level the rank of its size among heading sizes. A gap larger than the usual line spacing, or a new page,
 * ends a paragraph; a hyphen at a line's end joins the word.
 */
function linesToBlocks(lines: Line[]): Block[] {
  if (lines.length === 0) return []
  const weight = new Map<number, number>()
  for (const line of lines) {
    const key = Math.round(line.size * 2) / 2
    weight.set(key, (weight.get(key) ?? 0) + line.text.length)
  }
  const body = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]![0]
  const isHeading = (line: Line) =>
    line.size >= body * 1.2 && line.text.length <= 200 && /\p{L}/u.test(line.text) && !/[.,;:]$/.test(line.text)
  const headingSizes = [...new Set(lines.filter(isHeading).map((line) => Math.round(line.size * 2) / 2))].sort(
    (a, b) => b - a,
  )
  const level = (line: Line) => Math.min(6, headingSizes.indexOf(Math.round(line.size * 2) / 2) + 1)

  // Line spacing inside a paragraph: the most common gap between consecutive lines of a page (wrapped lines
  // outnumber paragraph breaks in any real text); a larger gap starts a new paragraph.
  const gapCounts = new Map<number, number>()
  for (let index = 1; index < lines.length; index++) {
    const [previous, line] = [lines[index - 1]!, lines[index]!]
    const gap = Math.round((line.y - previous.y) * 2) / 2
    if (previous.page === line.page && gap > 0 && gap <= body * 2.5) gapCounts.set(gap, (gapCounts.get(gap) ?? 0) + 1)
  }
  const lineGap = [...gapCounts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? body * 1.2
  const threshold = lineGap * 1.3 + 0.5

  const blocks: Block[] = []
  let paragraph = ''
  let list: Extract<Block, { kind: 'list' }> | undefined
  const flush = () => {
    const text = paragraph.trim()
    if (text) blocks.push({ kind: 'paragraph', text })
    paragraph = ''
  }
  const endList = () => {
    if (list && list.items.length > 0) blocks.push(list)
    list = undefined
  }
  let previous: Line | undefined
  for (const line of lines) {
    const gap = !previous || previous.page !== line.page || line.y - previous.y > threshold
    const bullet = BULLET.exec(line.text)
    const numbered = bullet ? undefined : NUMBERED.exec(line.text)
    if ((bullet || numbered) && !isHeading(line)) {
      flush()
      const ordered = Boolean(numbered)
      if (!list || list.ordered !== ordered || gap) {
        endList()
        list = { kind: 'list', ordered, items: [] }
      }
      const item = line.text.slice((bullet ?? numbered)![0].length).trim()
      if (item) list.items.push(item)
      previous = line
      continue
    }
    if (list && !gap && !isHeading(line) && list.items.length > 0) {
      // A wrapped list item continues on the next line without a marker.
      list.items[list.items.length - 1] += ` ${line.text}`
      previous = line
      continue
    }
    endList()
    if (isHeading(line)) {
      flush()
      const last = blocks[blocks.length - 1]
      // A heading set on two lines arrives as two lines of the same size: one heading.
      if (
        last?.kind === 'heading' &&
        previous &&
        isHeading(previous) &&
        previous.page === line.page &&
        last.level === level(line)
      ) {
        last.text = `${last.text} ${line.text}`
      } else {
        blocks.push({ kind: 'heading', level: level(line), text: line.text })
      }
      previous = line
      continue
    }
    if (gap || (previous && isHeading(previous))) flush()
    if (paragraph.endsWith('-') && /^\p{Ll}/u.test(line.text)) paragraph = paragraph.slice(0, -1) + line.text
    else paragraph = paragraph ? `${paragraph} ${line.text}` : line.text
    previous = line
  }
  flush()
  endList()
  return blocks
}

/** Bullet glyphs, including the Symbol-font private-use bullets Word and LibreOffice write. */
const BULLET = /^[•◦▪▫●○■□‣⁃►➢✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc-]\s+/u
const NUMBERED = /^(?:\(?\d{1,3}[.)]|[a-z][.)])\s+/
