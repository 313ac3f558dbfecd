/**
 * An HTML tree into blocks: headings, paragraphs, lists, tables, code and quotes. Shared by the HTML parser and the
 * DOCX parser (mammoth writes HTML). Inline markup is flattened to text; scripts, styles, navigation and forms are
 * skipped. Recursion is bounded by PARSE_LIMITS.depth; deeper content is still read, as flat text.
 */
import type { Block } from '@prodgy/core'
import type { ParseBudget } from './limits.ts'

const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'canvas',
  'iframe',
  'object',
  'embed',
  'nav',
  'form',
  'button',
  'select',
  'head',
  'title',
  'meta',
  'link',
])
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'ul',
])

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim()
const isElement = (node: Node): node is Element => node.nodeType === 1
const isText = (node: Node): boolean => node.nodeType === 3
const nameOf = (element: Element) => element.localName.toLowerCase()

/** The text of inline content: `<br>` becomes a line break, hidden and skipped elements contribute nothing. */
export function inlineText(node: Node, depth = 0): string {
  if (isText(node)) return node.textContent ?? ''
  if (!isElement(node)) return ''
  const name = nameOf(node)
  if (SKIP.has(name)) return ''
  if (name === 'br') return '\n'
  if (depth > 200) return node.textContent ?? ''
  let out = ''
  for (const child of Array.from(node.childNodes)) {
    const text = inlineText(child, depth + 1)
    // Cells and block children inside inline context still need a gap between them.
    out +=
      isElement(child) && (BLOCK.has(nameOf(child)) || nameOf(child) === 'td' || nameOf(child) === 'th')
        ? ` ${text} `
        : text
  }
  return out
}

/** Blocks of `root`'s content in document order. */
export function htmlToBlocks(root: Element, budget: ParseBudget): Block[] {
  const blocks: Block[] = []
  let pending = ''
  const flush = () => {
    const text = collapse(pending)
    pending = ''
    if (text) blocks.push({ kind: 'paragraph', text: budget.text(text) })
  }

  const walk = (node: Node, depth: number) => {
    if (isText(node)) {
      pending += node.textContent ?? ''
      return
    }
    if (!isElement(node)) return
    const name = nameOf(node)
    if (SKIP.has(name) || node.getAttribute('hidden') !== null || node.getAttribute('aria-hidden') === 'true') return
    if (!BLOCK.has(name)) {
      pending += inlineText(node, depth)
      return
    }
    flush()
    if (depth > budget.limit.depth) {
      const text = collapse(node.textContent ?? '')
      if (text) blocks.push({ kind: 'paragraph', text: budget.text(text) })
      return
    }
    const heading = /^h([1-6])$/.exec(name)
    if (heading) {
      const text = collapse(inlineText(node, depth))
      if (text) blocks.push({ kind: 'heading', level: Number(heading[1]), text: budget.text(text) })
      return
    }
    switch (name) {
      case 'p':
      case 'figcaption':
      case 'summary':
      case 'dt':
      case 'dd':
      case 'address': {
        // A paragraph may hold line breaks that separate lines of an address or a poem: keep them as spaces.
        const text = collapse(inlineText(node, depth))
        if (text) blocks.push({ kind: 'paragraph', text: budget.text(text) })
        return
      }
      case 'pre': {
        const code = node.querySelector('code')
        const language = /(?:^|\s)(?:language|lang)-([\w+-]+)/.exec(code?.getAttribute('class') ?? '')?.[1]
        const text = (node.textContent ?? '').replace(/^\n/, '').replace(/\s+$/, '')
        if (text.trim()) blocks.push({ kind: 'code', text: budget.text(text), ...(language ? { language } : {}) })
        return
      }
      case 'blockquote': {
        const text = collapse(inlineText(node, depth))
        if (text) blocks.push({ kind: 'quote', text: budget.text(text) })
        return
      }
      case 'ul':
      case 'ol': {
        const items = listItems(node, depth).map((item) => budget.text(item))
        if (items.length > 0) blocks.push({ kind: 'list', ordered: name === 'ol', items })
        return
      }
      case 'dl': {
        const items: string[] = []
        let term = ''
        for (const child of Array.from(node.children)) {
          const text = collapse(inlineText(child, depth))
          if (nameOf(child) === 'dt') term = text
          else if (nameOf(child) === 'dd' && text) items.push(budget.text(term ? `${term}: ${text}` : text))
        }
        if (items.length > 0) blocks.push({ kind: 'list', ordered: false, items })
        return
      }
      case 'table': {
        const table = tableBlock(node, depth)
        if (table) {
          for (const cell of [...table.header, ...table.rows.flat()]) budget.text(cell)
          blocks.push(table)
        }
        return
      }
      case 'hr':
        return
    }
    for (const child of Array.from(node.childNodes)) walk(child, depth + 1)
    flush()
  }

  walk(root, 0)
  flush()
  return blocks
}

/** Items of a list, nested lists flattened after their parent item (a sub-item reads "parent › child"). */
function listItems(list: Element, depth: number, parent = ''): string[] {
  const items: string[] = []
  for (const child of Array.from(list.children)) {
    if (nameOf(child) !== 'li') continue
    let own = ''
    const nested: Element[] = []
    for (const node of Array.from(child.childNodes)) {
      if (isElement(node) && (nameOf(node) === 'ul' || nameOf(node) === 'ol')) nested.push(node)
      else own += inlineText(node, depth + 1)
    }
    const text = collapse(own)
    if (text) items.push(parent ? `${parent} › ${text}` : text)
    if (depth < 50) for (const sub of nested) items.push(...listItems(sub, depth + 1, text || parent))
  }
  return items
}

/** The header is the `<thead>` row, or a first row of `<th>` cells, or else the first row. */
function tableBlock(table: Element, depth: number): Extract<Block, { kind: 'table' }> | undefined {
  const rows: Element[] = []
  const collect = (element: Element) => {
    for (const child of Array.from(element.children)) {
      const name = nameOf(child)
      if (name === 'tr') rows.push(child)
      else if (name === 'thead' || name === 'tbody' || name === 'tfoot') collect(child)
    }
  }
  collect(table)
  const cells = rows
    .map((row) =>
      Array.from(row.children)
        .filter((cell) => nameOf(cell) === 'td' || nameOf(cell) === 'th')
        .map((cell) => collapse(inlineText(cell, depth + 1))),
    )
    .filter((row) => row.some((cell) => cell.length > 0))
  if (cells.length === 0) return undefined
  const [header, ...body] = cells
  return { kind: 'table', header: header!, rows: body }
}
