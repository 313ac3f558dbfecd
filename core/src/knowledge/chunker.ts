/**
 * Documents into token-sized chunks that follow the document's structure.
 *
 * Token counts use OpenAI's `cl100k_base` encoding (the one of text-embedding-3-*) through gpt-tokenizer: pure
 * JavaScript with no dependencies, so it runs on Node, Bun, Deno and edge runtimes alike.
 *
 * Rules, in the order they win:
 * 1. No chunk's `tokenCount` exceeds `chunkSizeTokens`. The only exception is degenerate: a run of headings so long
 *    that the headings alone fill a chunk (several nested headings each near a fifth of the size), which is kept whole
 *    rather than cutting a heading; no other text can exceed, since every text splits down to single characters.
 * 2. No text is lost: every word of every block appears in some chunk.
 * 3. A heading is never the last thing in a chunk: it travels with (the first piece of) what follows it.
 * 4. Every chunk starts with its heading path ("# A > ## B") unless it starts with that heading itself, so search
 *    sees the context; `metadata.headings` is the path where the chunk starts. A path longer than a quarter of the
 *    size keeps its innermost headings, shortened if needed (their full text is in the chunks of their sections).
 * 5. Paragraphs, lists, tables and code blocks stay whole when they fit in a chunk; otherwise paragraphs and quotes
 *    split at sentence boundaries, then between words, then between characters; lists by items; tables by rows
 *    with the header repeated; code by lines.
 * 6. A chunk that continues prose of the same section starts with the last `chunkOverlapTokens` tokens (whole words)
 *    of the previous chunk. The overlap is at most half of what the chunk can hold, so every chunk makes progress
 *    whatever the setting. Tables, lists and spreadsheet rows get no overlap: a repeated header says more than a
 *    repeated row, and row ranges stay exact.
 * 7. Spreadsheets chunk by rows, one sheet at a time (`metadata.sheet`, `metadata.rows` = first and last index into
 *    `Sheet.rows`, 0-based, inclusive), each chunk repeating the header. When `sheets` are present the table blocks
 *    that mirror them are not chunked twice.
 * Ordinals are 0-based and consecutive in document order.
 */
import { countTokens as countBpeTokens } from 'gpt-tokenizer/encoding/cl100k_base'
import { ValidationError } from '../errors.ts'
import type { Block, CellValue, ChunkDraft, ParsedDocument, Sheet } from './types.ts'

export interface ChunkOptions {
  chunkSizeTokens: number
  chunkOverlapTokens: number
}

/** Below this a heading path and one word may not fit together; the settings schema allows 50 and up. */
export const MIN_CHUNK_SIZE_TOKENS = 32

// Special tokens such as <|endoftext|> in a document are text, not control tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() }
/**
 * Byte-pair merging is quadratic in the length of one pre-tokenized piece, and a run without whitespace (a base64
 * blob, a line of CJK text, a hostile file) is one piece, as is a run of whitespace. Runs are counted in slices of this many characters, which
 * changes the count of real text not at all and bounds the work on hostile text.
 */
const RUN_SLICE = 256
const LONG_RUN = new RegExp(`\\S{${RUN_SLICE + 1},}|\\s{${RUN_SLICE + 1},}`, 'g')
const HAS_LONG_RUN = new RegExp(`\\S{${RUN_SLICE + 1}}|\\s{${RUN_SLICE + 1}}`)

/** Tokens of `text` in cl100k_base (long runs without whitespace are counted in slices; see RUN_SLICE). */
export function countTokens(text: string): number {
  if (text.length === 0) return 0
  if (!HAS_LONG_RUN.test(text)) return countBpeTokens(text, PLAIN_TEXT)
  let total = 0
  let last = 0
  for (const match of text.matchAll(LONG_RUN)) {
    if (match.index > last) total += countBpeTokens(text.slice(last, match.index), PLAIN_TEXT)
    for (const slice of sliceRun(match[0])) total += countBpeTokens(slice, PLAIN_TEXT)
    last = match.index + match[0].length
  }
  if (last < text.length) total += countBpeTokens(text.slice(last), PLAIN_TEXT)
  return total
}

/** Slices of at most RUN_SLICE UTF-16 units that never cut a surrogate pair. */
function sliceRun(run: string): string[] {
  const slices: string[] = []
  for (let start = 0; start < run.length; ) {
    let end = Math.min(start + RUN_SLICE, run.length)
    if (end < run.length && isHighSurrogate(run.charCodeAt(end - 1))) end--
    slices.push(run.slice(start, end))
    start = end
  }
  return slices
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

// ---------------------------------------------------------------------------------------------------------------

interface HeadingRef {
  text: string
  level: number
}

/**
 * Text cut into segments. `separators[i]` is what stood before segment i in the source (a space between sentences or
 * words, a newline between lines, nothing between slices of one long run), so joining gives the text back.
 */
interface Split {
  segments: string[]
  counts: number[]
  separators: string[]
}

/**
 * What the packer moves around: segments wrapped by `render` (a table header, code fences, a quote marker).
 * Splitting a unit takes whole segments from the front, and every segment fits in any fresh chunk.
 */
interface Unit extends Split {
  kind: 'heading' | 'prose' | 'list' | 'table' | 'code' | 'overlap'
  /** Heading path in effect, including this heading for a heading unit. */
  path: HeadingRef[]
  section: number
  /** The block it came from: an overlap continues the same paragraph inline rather than as a paragraph of its own. */
  origin: number
  render: (body: string) => string
  /** Tokens `render` adds around the body (counted once per unit). */
  overhead: number
  /** Estimated tokens of the unit as rendered. */
  tokens: number
}

const joinSplit = (split: Split, from = 0, to = split.segments.length): string => {
  let out = ''
  for (let index = from; index < to; index++) {
    out += (index > from ? (split.separators[index] ?? ' ') : '') + (split.segments[index] ?? '')
  }
  return out
}
const unitText = (unit: Unit) => unit.render(joinSplit(unit))

export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions): ChunkDraft[] {
  const size = Math.floor(options.chunkSizeTokens)
  const overlap = Math.max(0, Math.floor(options.chunkOverlapTokens))
  if (!Number.isFinite(size) || size < MIN_CHUNK_SIZE_TOKENS) {
    throw new ValidationError(`The chunk size must be at least ${MIN_CHUNK_SIZE_TOKENS} tokens.`)
  }
  if (overlap >= size) throw new ValidationError('The chunk overlap must be smaller than the chunk size.')
  const limits = chunkLimits(size, overlap)

  const drafts: Omit<ChunkDraft, 'ordinal'>[] = []
  const hasSheets = (parsed.sheets?.length ?? 0) > 0
  const blocks = hasSheets ? parsed.blocks.filter((block) => block.kind !== 'table') : parsed.blocks
  drafts.push(...packUnits(blocksToUnits(blocks, limits), limits))
  for (const sheet of parsed.sheets ?? []) drafts.push(...chunkSheet(sheet, limits))
  return drafts.map((draft, ordinal) => ({ ordinal, ...draft }))
}

/**
 * The budget arithmetic that guarantees progress. A fresh chunk holds the prefix (≤ size/4), then for prose an
 * overlap (≤ half of the rest) and one segment (≤ size/4); for other blocks, which get no overlap, one segment of
 * up to three quarters of the size less the wrapper.
 */
interface Limits {
  size: number
  overlap: number
  /** Most tokens a heading-path prefix may take. */
  prefix: number
  /** Most tokens one prose segment may have. */
  segment: number
  /** Most tokens one segment of a list, table or code block may have, wrapper included. */
  block: number
  /** A heading longer than this is kept as a paragraph with its marker, so the heading glue cannot overflow. */
  heading: number
}

function chunkLimits(size: number, overlap: number): Limits {
  const prefix = Math.floor(size / 4)
  return {
    size,
    overlap: Math.min(overlap, Math.floor((size - prefix) / 2) - 2),
    prefix,
    segment: Math.floor(size / 4),
    block: Math.floor((size * 3) / 4) - 6,
    heading: Math.floor(size / 5),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks into units

const sentenceSegmenter =
  typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'sentence' }) : undefined

interface Part {
  text: string
  separator: string
}

/**
 * Sentences of a paragraph, each with the space that stood before it (Intl.Segmenter, or end punctuation and a
 * space). Segmenters also cut where no space is, after a danda or a full stop inside a word: such pieces stay with
 * the sentence before them, so a chunk boundary never falls inside a word that has room to be whole.
 */
function sentences(text: string): Part[] {
  const raw = sentenceSegmenter
    ? Array.from(sentenceSegmenter.segment(text), (part) => part.segment)
    : text.split(/(?<=[.!?。！？]\s+)/)
  const parts: Part[] = []
  let gap = false
  for (const segment of raw) {
    const trimmed = segment.trim()
    if (!trimmed) {
      gap = true
      continue
    }
    const last = parts[parts.length - 1]
    if (last && !gap && !/^\s/.test(segment)) last.text += trimmed
    else parts.push({ text: trimmed, separator: parts.length === 0 ? '' : ' ' })
    gap = /\s$/.test(segment)
  }
  return parts
}

/**
 * Cuts parts into segments of at most `max` tokens: a part that fits stays whole, a longer one splits between words,
 * and a word longer than `max` splits between characters.
 */
function splitParts(parts: Part[], max: number): Split {
  const split: Split = { segments: [], counts: [], separators: [] }
  const push = (segment: string, tokens: number, separator: string) => {
    split.segments.push(segment)
    split.counts.push(tokens)
    split.separators.push(split.segments.length === 1 ? '' : separator)
  }
  for (const part of parts) {
    const count = countTokens(part.text)
    if (count <= max) {
      push(part.text, count, part.separator)
      continue
    }
    let separator = part.separator
    let window: string[] = []
    let windowTokens = 0
    const flush = () => {
      if (window.length === 0) return
      push(window.join(' '), windowTokens, separator)
      separator = ' '
      window = []
      windowTokens = 0
    }
    for (const word of part.text.split(/\s+/).filter(Boolean)) {
      const wordTokens = countTokens(word) + 1
      if (wordTokens > max) {
        flush()
        sliceByTokens(word, max).forEach((slice, index) => {
          push(slice, countTokens(slice), index === 0 ? separator : '')
        })
        separator = ' '
        continue
      }
      if (windowTokens + wordTokens > max) flush()
      window.push(word)
      windowTokens += wordTokens
    }
    flush()
  }
  return split
}

/** Prose as one segment when it fits, else by sentences, words and characters. */
function proseSplit(text: string, max: number): Split {
  const count = countTokens(text)
  if (count <= max) return { segments: [text], counts: [count], separators: [''] }
  return splitParts(sentences(text), max)
}

/** Splits a run of text with no whitespace into slices of at most `max` tokens, never inside a surrogate pair. */
function sliceByTokens(run: string, max: number): string[] {
  const out: string[] = []
  let current = ''
  let currentTokens = 0
  for (const slice of sliceRun(run)) {
    const count = countTokens(slice)
    if (count <= max) {
      if (currentTokens + count > max) {
        out.push(current)
        current = ''
        currentTokens = 0
      }
      current += slice
      currentTokens += count
      continue
    }
    if (current) out.push(current)
    current = ''
    currentTokens = 0
    // One slice of dense text (CJK, symbols): binary-search the longest prefix that fits, repeatedly.
    const chars = Array.from(slice)
    let start = 0
    while (start < chars.length) {
      let low = start + 1
      let high = chars.length
      while (low < high) {
        const mid = Math.ceil((low + high) / 2)
        if (countTokens(chars.slice(start, mid).join('')) <= max) low = mid
        else high = mid - 1
      }
      out.push(chars.slice(start, low).join(''))
      start = low
    }
  }
  if (current) out.push(current)
  // Slices were counted apart; joined they may count differently, so confirm and cut again where needed.
  return out.flatMap((slice) => (countTokens(slice) <= max || slice.length <= 1 ? [slice] : halve(slice, max)))
}

function halve(text: string, max: number): string[] {
  const chars = Array.from(text)
  const middle = Math.ceil(chars.length / 2)
  return [chars.slice(0, middle).join(''), chars.slice(middle).join('')].flatMap((half) =>
    countTokens(half) <= max || half.length <= 1 ? [half] : halve(half, max),
  )
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()
const escapeCell = (text: string) => oneLine(text).replace(/\|/g, '\\|')
const tableRow = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`
const headingLine = (heading: HeadingRef) => `${'#'.repeat(Math.min(6, Math.max(1, heading.level)))} ${heading.text}`
const single = (text: string): Split => ({ segments: [text], counts: [countTokens(text)], separators: [''] })

function makeUnit(
  kind: Unit['kind'],
  place: { path: HeadingRef[]; section: number; origin: number },
  split: Split,
  render: Unit['render'] = (body) => body,
): Unit {
  const unit: Unit = {
    kind,
    ...place,
    ...split,
    render,
    overhead: Math.max(0, countTokens(render('x')) - 1),
    tokens: 0,
  }
  unit.tokens = estimateTokens(unit)
  return unit
}

/** Tokens of the unit as rendered, estimated from its parts plus one per join (exact counts come at the end). */
function estimateTokens(unit: Unit): number {
  let total = unit.overhead + Math.max(0, unit.segments.length - 1)
  for (const count of unit.counts) total += count
  return total
}

function blocksToUnits(blocks: Block[], limits: Limits): Unit[] {
  const units: Unit[] = []
  let path: HeadingRef[] = []
  let section = 0
  for (const [origin, block] of blocks.entries()) {
    const place = () => ({ path, section, origin })
    switch (block.kind) {
      case 'heading': {
        const text = oneLine(block.text)
        if (!text) break
        const heading = { text, level: block.level }
        path = [...path.filter((entry) => entry.level < block.level), heading]
        section++
        const line = headingLine(heading)
        // A heading too long to glue to what follows keeps its words as a paragraph that starts with the marker.
        if (countTokens(line) <= limits.heading) units.push(makeUnit('heading', place(), single(line)))
        else units.push(makeUnit('prose', place(), proseSplit(line, limits.segment)))
        break
      }
      case 'paragraph': {
        const text = oneLine(block.text)
        if (text) units.push(makeUnit('prose', place(), proseSplit(text, limits.segment)))
        break
      }
      case 'quote': {
        const text = oneLine(block.text)
        if (text) units.push(makeUnit('prose', place(), proseSplit(text, limits.segment - 2), (body) => `> ${body}`))
        break
      }
      case 'code': {
        const text = block.text.replace(/\s+$/, '')
        if (!text.trim()) break
        const fence = `\`\`\`${block.language ?? ''}`
        const render = (body: string) => `${fence}\n${body}\n\`\`\``
        const lines = text.split('\n').map((line, index) => ({ text: line, separator: index === 0 ? '' : '\n' }))
        const max = limits.block - countTokens(render('')) - 2
        units.push(makeUnit('code', place(), countTokens(text) <= max ? single(text) : splitParts(lines, max), render))
        break
      }
      case 'list': {
        const items = block.items.map(oneLine).filter(Boolean)
        if (items.length === 0) break
        const parts = items.map((item, index) => ({
          text: `${block.ordered ? `${index + 1}.` : '-'} ${item}`,
          separator: index === 0 ? '' : '\n',
        }))
        units.push(makeUnit('list', place(), splitList(parts, limits.block - 2)))
        break
      }
      case 'table': {
        units.push(...tableUnits(block.header, block.rows, place(), limits))
        break
      }
    }
  }
  return units
}

/** List items, each whole when it fits; a longer item splits by sentences and words, its pieces on its line. */
function splitList(items: Part[], max: number): Split {
  const out: Split = { segments: [], counts: [], separators: [] }
  for (const item of items) {
    const split = proseSplit(item.text, max)
    split.segments.forEach((segment, index) => {
      out.segments.push(segment)
      out.counts.push(split.counts[index]!)
      out.separators.push(out.segments.length === 1 ? '' : index === 0 ? item.separator : split.separators[index]!)
    })
  }
  return out
}

/** A table with its header repeated in every piece; a header too wide for that turns rows into "column: value" lines. */
function tableUnits(
  header: string[],
  rows: string[][],
  place: { path: HeadingRef[]; section: number; origin: number },
  limits: Limits,
): Unit[] {
  const width = rows.reduce((max, row) => Math.max(max, row.length), header.length)
  if (width === 0) return []
  const head = Array.from({ length: width }, (_, index) => header[index] ?? '')
  const headerText = `${tableRow(head)}\n${tableRow(head.map(() => '---'))}`
  if (rows.length === 0) {
    return head.some((cell) => cell.trim()) ? [makeUnit('table', place, proseSplit(headerText, limits.block))] : []
  }
  const headerTokens = countTokens(headerText)
  if (headerTokens <= limits.segment) {
    const lines = rows.map((row, index) => ({
      text: tableRow(head.map((_, column) => row[column] ?? '')),
      separator: index === 0 ? '' : '\n',
    }))
    return [
      makeUnit('table', place, splitParts(lines, limits.block - headerTokens - 2), (body) => `${headerText}\n${body}`),
    ]
  }
  const records = rows.map((row, index) => ({
    text: head.map((column, column_) => `${oneLine(column)}: ${oneLine(row[column_] ?? '')}`).join('; '),
    separator: index === 0 ? '' : '\n',
  }))
  return [makeUnit('table', place, splitParts(records, limits.block))]
}

// ---------------------------------------------------------------------------------------------------------------
// Packing

interface OpenChunk {
  prefix: string
  prefixTokens: number
  headings: HeadingRef[]
  units: Unit[]
  estimate: number
}

function prefixFor(path: HeadingRef[], limits: Limits): { text: string; tokens: number } {
  if (path.length === 0) return { text: '', tokens: 0 }
  // Innermost headings first: they say the most about the chunk.
  const kept: string[] = []
  let tokens = 0
  for (let index = path.length - 1; index >= 0; index--) {
    let line = headingLine(path[index]!)
    let lineTokens = countTokens(line) + (kept.length > 0 ? 2 : 0)
    if (tokens + lineTokens > limits.prefix) {
      if (kept.length > 0) break
      line = shorten(line, limits.prefix - 1)
      lineTokens = countTokens(line)
    }
    kept.unshift(line)
    tokens += lineTokens
  }
  const text = kept.join(' > ')
  return { text, tokens: countTokens(text) + 1 }
}

/** The longest word-aligned start of `text` within `max` tokens, with an ellipsis. */
function shorten(text: string, max: number): string {
  const words = text.split(' ')
  let out = ''
  for (const word of words) {
    const next = out ? `${out} ${word}` : word
    if (countTokens(`${next}…`) > max) break
    out = next
  }
  return out ? `${out}…` : sliceByTokens(text, Math.max(1, max - 1))[0]!
}

/** The longest whole-word end of `text` within `max` tokens. */
function tail(text: string, max: number): string {
  if (max <= 0) return ''
  const words = text.split(/\s+/).filter(Boolean)
  let low = 0
  let high = words.length
  // Binary search the fewest leading words to drop so that the rest fits.
  while (low < high) {
    const mid = Math.floor((low + high) / 2)
    if (countTokens(words.slice(mid).join(' ')) <= max) high = mid
    else low = mid + 1
  }
  return words.slice(low).join(' ')
}

function packUnits(input: Unit[], limits: Limits): Omit<ChunkDraft, 'ordinal'>[] {
  const queue = input.slice()
  const out: Omit<ChunkDraft, 'ordinal'>[] = []
  let chunk: OpenChunk | undefined
  let previous: Unit | undefined

  const open = (unit: Unit): OpenChunk => {
    const context = unit.kind === 'heading' ? unit.path.slice(0, -1) : unit.path
    const prefix = prefixFor(context, limits)
    const opened: OpenChunk = {
      prefix: prefix.text,
      prefixTokens: prefix.tokens,
      headings: unit.path,
      units: [],
      estimate: prefix.tokens,
    }
    if (
      previous &&
      limits.overlap > 0 &&
      previous.section === unit.section &&
      previous.kind === 'prose' &&
      unit.kind === 'prose'
    ) {
      const repeated = tail(unitText(previous), limits.overlap)
      if (repeated) {
        const place = { path: unit.path, section: unit.section, origin: previous.origin }
        const overlapUnit = makeUnit('overlap', place, single(repeated))
        opened.units.push(overlapUnit)
        opened.estimate += overlapUnit.tokens + 2
      }
    }
    return opened
  }

  const close = () => {
    if (!chunk) return
    // Estimates add one token per join; confirm with the exact count and give back the last unit if it overflows.
    for (;;) {
      const content = render(chunk)
      const tokens = countTokens(content)
      if (tokens <= limits.size || !giveBack(chunk, queue, tokens - limits.size)) {
        const contentUnits = chunk.units.filter((unit) => unit.kind !== 'overlap')
        if (contentUnits.length > 0) {
          out.push({ content, tokenCount: tokens, metadata: headingsMetadata(chunk.headings) })
        }
        // No overlap after a chunk that carried none of its own content, so the next one always has room.
        previous = contentUnits[contentUnits.length - 1]
        break
      }
    }
    chunk = undefined
  }

  while (queue.length > 0) {
    const unit = queue[0]!
    chunk ??= open(unit)
    const room = limits.size - chunk.estimate - 2
    const last = chunk.units[chunk.units.length - 1]
    const hasContent = chunk.units.some((entry) => entry.kind !== 'overlap' && entry.kind !== 'heading')
    const gluedToHeading = last?.kind === 'heading'

    if (unit.kind === 'heading') {
      // A heading goes in only with room for the headings right after it and the first piece of what follows them.
      let needed = 0
      let ahead = 0
      while (queue[ahead]?.kind === 'heading') needed += queue[ahead++]!.tokens + 2
      const next = queue[ahead]
      if (next) needed += Math.min(next.tokens, next.overhead + next.counts[0]! + 2)
      if (needed <= room || !hasContent) {
        add(chunk, queue.shift()!)
        continue
      }
      close()
      continue
    }

    if (unit.tokens <= room) {
      add(chunk, queue.shift()!)
      continue
    }
    // It does not fit. Whole blocks that fit in a fresh chunk move there, unless a heading waits for them.
    const fresh = limits.size - prefixFor(unit.path, limits).tokens - limits.overlap - 4
    if (hasContent && !gluedToHeading && unit.tokens <= fresh) {
      close()
      continue
    }
    const head = takeHead(unit, room)
    if (head) {
      add(chunk, head.head)
      if (head.rest) queue[0] = head.rest
      else queue.shift()
      close()
      continue
    }
    if (hasContent || chunk.units.length > 0) {
      // Not even one segment fits here; a heading waiting for it moves along to the next chunk.
      const moved: Unit[] = []
      while (chunk.units.length > 0 && chunk.units[chunk.units.length - 1]!.kind === 'heading' && hasContent) {
        moved.unshift(chunk.units.pop()!)
      }
      chunk.estimate = recompute(chunk)
      close()
      queue.unshift(...moved)
      continue
    }
    // An empty chunk that cannot take one segment cannot happen with the limits above; should it, the first
    // segment goes alone (over the size) rather than the loop never ending.
    const forced = takeHead(unit, Number.POSITIVE_INFINITY, 1)!
    add(chunk, forced.head)
    if (forced.rest) queue[0] = forced.rest
    else queue.shift()
    close()
  }
  close()
  return out
}

function add(chunk: OpenChunk, unit: Unit) {
  chunk.units.push(unit)
  chunk.estimate += unit.tokens + 2
}

function recompute(chunk: OpenChunk): number {
  return chunk.units.reduce((sum, unit) => sum + unit.tokens + 2, chunk.prefixTokens)
}

/** The front of `unit` that fits in `room` tokens, and the rest; undefined when not even one segment fits. */
function takeHead(
  unit: Unit,
  room: number,
  maxSegments = Number.POSITIVE_INFINITY,
): { head: Unit; rest?: Unit } | undefined {
  let used = unit.overhead
  let count = 0
  while (count < unit.segments.length && count < maxSegments) {
    const next = used + unit.counts[count]! + (count > 0 ? 1 : 0)
    if (next > room) break
    used = next
    count++
  }
  if (count === 0) return undefined
  const part = (from: number, to?: number): Unit => {
    const piece: Unit = {
      ...unit,
      segments: unit.segments.slice(from, to),
      counts: unit.counts.slice(from, to),
      separators: unit.separators.slice(from, to),
    }
    piece.tokens = estimateTokens(piece)
    return piece
  }
  if (count === unit.segments.length) return { head: unit }
  return { head: part(0, count), rest: part(count) }
}

/**
 * Shrinks an overflowing chunk by at least `excess` tokens: the last unit loses segments (the rest goes back to the
 * queue) or goes back whole. False when nothing can be given back (a lone indivisible segment, or headings alone).
 */
function giveBack(chunk: OpenChunk, queue: Unit[], excess: number): boolean {
  const last = chunk.units[chunk.units.length - 1]
  if (!last || last.kind === 'overlap') return false
  const others = chunk.units.filter((unit) => unit.kind !== 'overlap' && unit !== last)
  if (last.segments.length > 1) {
    const split = takeHead(last, last.tokens - excess - 1)
    if (split?.rest) {
      chunk.units[chunk.units.length - 1] = split.head
      queue.unshift(split.rest)
      chunk.estimate = recompute(chunk)
      return true
    }
  }
  if (others.length === 0 || others.every((unit) => unit.kind === 'heading')) {
    // The last unit is the only content; the overlap is what can go.
    const overlapIndex = chunk.units.findIndex((unit) => unit.kind === 'overlap')
    if (overlapIndex < 0) return false
    chunk.units.splice(overlapIndex, 1)
    chunk.estimate = recompute(chunk)
    return true
  }
  chunk.units.pop()
  queue.unshift(last)
  // A heading left last would be cut from its paragraph: it goes back too.
  while (
    chunk.units[chunk.units.length - 1]?.kind === 'heading' &&
    chunk.units.some((u) => u.kind !== 'heading' && u.kind !== 'overlap')
  ) {
    queue.unshift(chunk.units.pop()!)
  }
  chunk.estimate = recompute(chunk)
  return true
}

function render(chunk: OpenChunk): string {
  const parts: string[] = []
  if (chunk.prefix) parts.push(chunk.prefix)
  let carried: Unit | undefined
  for (const unit of chunk.units) {
    if (unit.kind === 'overlap') {
      carried = unit
      continue
    }
    if (carried && unit.origin !== carried.origin) parts.push(joinSplit(carried))
    // The overlap of a split paragraph reads on into its continuation, inside the same quote marker if any.
    const body = joinSplit(unit)
    parts.push(unit.render(carried && unit.origin === carried.origin ? `${joinSplit(carried)} ${body}` : body))
    carried = undefined
  }
  if (carried) parts.push(joinSplit(carried))
  return parts.join('\n\n')
}

function headingsMetadata(path: HeadingRef[]): ChunkDraft['metadata'] {
  return path.length > 0 ? { headings: path.map((heading) => heading.text) } : {}
}

// ---------------------------------------------------------------------------------------------------------------
// Spreadsheets

export function formatCell(value: CellValue): string {
  if (value === null) return ''
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  return String(value)
}

function chunkSheet(sheet: Sheet, limits: Limits): Omit<ChunkDraft, 'ordinal'>[] {
  const out: Omit<ChunkDraft, 'ordinal'>[] = []
  const width = sheet.rows.reduce((max, row) => Math.max(max, row.length), sheet.columns.length)
  if (sheet.rows.length === 0 || width === 0) return out
  const columns = Array.from({ length: width }, (_, index) => sheet.columns[index] ?? '')
  // The sheet's name leads every chunk; a very long name is shortened there (metadata.sheet keeps it whole).
  const fullTitle = `Sheet: ${oneLine(sheet.name)}`
  const title = countTokens(fullTitle) <= limits.prefix ? fullTitle : shorten(fullTitle, limits.prefix)
  const intro = `${title}\n\n${tableRow(columns)}\n${tableRow(columns.map(() => '---'))}`
  const introTokens = countTokens(intro)
  // A header that takes half a chunk leaves no room for rows: such sheets are written as "column: value" records.
  const wide = introTokens > limits.size / 2
  const cellsOf = (index: number) => columns.map((_, column) => formatCell(sheet.rows[index]?.[column] ?? null))
  const emit = (content: string, rows: [number, number]) =>
    out.push({ content, tokenCount: countTokens(content), metadata: { sheet: sheet.name, rows } })

  const record = (index: number) => {
    const cells = cellsOf(index)
    const text = columns.map((column, column_) => `${oneLine(column)}: ${oneLine(cells[column_] ?? '')}`).join('; ')
    const label = `${title}, row ${index}`
    for (const piece of boundedPieces(text, limits.size - countTokens(label) - 2))
      emit(`${label}\n\n${piece}`, [index, index])
  }

  let index = 0
  while (index < sheet.rows.length) {
    if (wide) {
      record(index++)
      continue
    }
    const start = index
    const lines: string[] = []
    let used = introTokens
    while (index < sheet.rows.length) {
      const line = tableRow(cellsOf(index))
      const lineTokens = countTokens(line) + 1
      if (used + lineTokens > limits.size) break
      lines.push(line)
      used += lineTokens
      index++
    }
    // Per-row counts are estimates of the joined text: the exact count decides, giving rows back if needed.
    let content = `${intro}\n${lines.join('\n')}`
    while (lines.length > 1 && countTokens(content) > limits.size) {
      lines.pop()
      index--
      content = `${intro}\n${lines.join('\n')}`
    }
    if (lines.length === 0 || countTokens(content) > limits.size) {
      // One row too large to sit under the header: it is written as a record, split as prose.
      index = start
      record(index++)
      continue
    }
    emit(content, [start, start + lines.length - 1])
  }
  return out
}

/** `text` in pieces whose exact token count is at most `max`, split between words (or characters) as needed. */
function boundedPieces(text: string, max: number): string[] {
  const split = proseSplit(text, max)
  const out: string[] = []
  // Pack segments by their counts, then confirm each piece; a piece that joins to more than the sum (rare) is halved.
  const emit = (from: number, to: number) => {
    const piece = joinSplit(split, from, to)
    if (to - from === 1 || countTokens(piece) <= max) out.push(piece)
    else {
      const middle = from + Math.ceil((to - from) / 2)
      emit(from, middle)
      emit(middle, to)
    }
  }
  let start = 0
  let used = 0
  split.counts.forEach((count, index) => {
    if (index > start && used + count + 1 > max) {
      emit(start, index)
      start = index
      used = 0
    }
    used += count + 1
  })
  if (split.segments.length > start) emit(start, split.segments.length)
  return out
}
