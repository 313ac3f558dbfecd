/**
 * Plain text and Markdown. Plain text splits into paragraphs at blank lines. Markdown goes through marked's lexer
 * (CommonMark and GitHub tables), whose tokens map onto blocks: headings, paragraphs, lists (nested items
 * flattened as "parent › child"), fenced and indented code, quotes, tables, and embedded HTML through the HTML walker.
 * Inline markup is reduced to its text; link targets are dropped, their text kept.
 */
import { type Block, decodeText, type ParsedDocument } from '@prodgy/core'
import { parseHTML } from 'linkedom'
import { Lexer, type Token, type Tokens } from 'marked'
import { htmlToBlocks } from './html-blocks.ts'
import type { ParseBudget } from './limits.ts'

export function parseText(bytes: Uint8Array, budget: ParseBudget): ParsedDocument {
  const text = budget.text(decodeText(bytes))
  const blocks: Block[] = text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((paragraph) => ({ kind: 'paragraph', text: paragraph }))
  return { format: 'txt', blocks }
}

export function parseMarkdown(bytes: Uint8Array, budget: ParseBudget): ParsedDocument {
  const text = budget.text(decodeText(bytes))
  const tokens = new Lexer({ gfm: true }).lex(text)
  const blocks: Block[] = []
  // Text is already counted above; the walkers below get a budget that only keeps the clock.
  const html = {
    text: (value: string) => value,
    checkTime: () => budget.checkTime(),
    limit: budget.limit,
  } as ParseBudget
  for (const token of tokens) blocks.push(...tokenBlocks(token, html))
  const title = blocks.find(
    (block): block is Extract<Block, { kind: 'heading' }> => block.kind === 'heading' && block.level === 1,
  )?.text
  return { format: 'md', blocks, ...(title ? { title } : {}) }
}

function tokenBlocks(token: Token, budget: ParseBudget, depth = 0): Block[] {
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading
      const text = collapse(inline(heading.tokens))
      return text ? [{ kind: 'heading', level: heading.depth, text }] : []
    }
    case 'paragraph':
    case 'text': {
      const paragraph = token as Tokens.Paragraph | Tokens.Text
      const text = collapse(paragraph.tokens ? inline(paragraph.tokens) : paragraph.text)
      return text ? [{ kind: 'paragraph', text }] : []
    }
    case 'code': {
      const code = token as Tokens.Code
      return code.text.trim()
        ? [{ kind: 'code', text: code.text, ...(code.lang ? { language: code.lang.split(/\s/)[0]! } : {}) }]
        : []
    }
    case 'blockquote': {
      const quote = token as Tokens.Blockquote
      const text = collapse(
        quote.tokens
          .flatMap((inner) => tokenBlocks(inner, budget, depth + 1))
          .map(blockText)
          .join('\n'),
      )
      return text ? [{ kind: 'quote', text }] : []
    }
    case 'list': {
      const items = listItems(token as Tokens.List, budget, depth)
      return items.length > 0 ? [{ kind: 'list', ordered: (token as Tokens.List).ordered, items }] : []
    }
    case 'table': {
      const table = token as Tokens.Table
      return [
        {
          kind: 'table',
          header: table.header.map((cell) => collapse(inline(cell.tokens))),
          rows: table.rows.map((row) => row.map((cell) => collapse(inline(cell.tokens)))),
        },
      ]
    }
    case 'html': {
      const { document } = parseHTML(`<!DOCTYPE html><html><body>${(token as Tokens.HTML).text}</body></html>`)
      return htmlToBlocks(document.body as unknown as Element, budget)
    }
    default:
      return []
  }
}

function listItems(list: Tokens.List, budget: ParseBudget, depth: number, parent = ''): string[] {
  const items: string[] = []
  for (const item of list.items) {
    const own: string[] = []
    const nested: Tokens.List[] = []
    for (const inner of item.tokens) {
      if (inner.type === 'list' && depth < 50) nested.push(inner as Tokens.List)
      else own.push(...tokenBlocks(inner, budget, depth + 1).map(blockText))
    }
    const prefix = item.task ? (item.checked ? '[x] ' : '[ ] ') : ''
    const text = collapse(own.join(' '))
    if (text) items.push(`${parent ? `${parent} › ` : ''}${prefix}${text}`)
    for (const sub of nested) items.push(...listItems(sub, budget, depth + 1, text || parent))
  }
  return items
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'list':
      return block.items.join('\n')
    case 'table':
      return [block.header, ...block.rows].map((row) => row.join(' | ')).join('\n')
    default:
      return block.text
  }
}

/** The text of inline tokens: emphasis and links reduced to their words, images to their alt text. */
function inline(tokens: Token[] | undefined): string {
  if (!tokens) return ''
  let out = ''
  for (const token of tokens) {
    switch (token.type) {
      case 'br':
        out += '\n'
        break
      case 'image':
        out += (token as Tokens.Image).text
        break
      case 'html':
      case 'tag':
        break
      case 'codespan':
        out += decodeEntities((token as Tokens.Codespan).text)
        break
      default: {
        const nested = (token as { tokens?: Token[] }).tokens
        out += nested ? inline(nested) : decodeEntities((token as { text?: string }).text ?? '')
      }
    }
  }
  return out
}

/** marked escapes `&`, `<`, `>` and quotes in text tokens for HTML output; blocks hold plain text. */
function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim()
