/**
 * XML as readable lines: each element holding text becomes `name: text` (attributes in brackets), grouped into one
 * paragraph per parent that opens with the parent's path (`catalog > book [id=bk101]`). fast-xml-parser checks
 * well-formedness first and bounds entity expansion (its defaults: 1,000 entities, 100,000 expanded characters) and
 * nesting (PARSE_LIMITS.depth), which stops "billion laughs" and deep-nesting files.
 */
import { type Block, DocumentError, decodeText, type ParsedDocument } from '@prodgy/core'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { type ParseBudget, tooLarge } from './limits.ts'

type OrderedNode = { [name: string]: OrderedNode[] | string | Record<string, string> | undefined } & {
  ':@'?: Record<string, string>
  '#text'?: string
}

const TEXT = '#text'
const ATTRIBUTES = ':@'
const PREFIX = '@_'

export function parseXml(bytes: Uint8Array, budget: ParseBudget): ParsedDocument {
  const text = budget.text(decodeText(bytes))
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true })
  if (valid !== true) {
    throw new DocumentError(
      'corrupt_file',
      `This XML file is not well formed (line ${valid.err.line}: ${valid.err.msg}); fix it and upload it again.`,
    )
  }
  let tree: OrderedNode[]
  try {
    tree = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: PREFIX,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      processEntities: true,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      maxNestedTags: budget.limit.depth,
    }).parse(text) as OrderedNode[]
  } catch (error) {
    if (error instanceof Error && /nested tags/i.test(error.message)) {
      throw tooLarge(`This XML is nested more than ${budget.limit.depth} levels deep`, 'depth')
    }
    throw new DocumentError(
      'corrupt_file',
      'This XML file cannot be read (it may define too many or too large entities).',
    )
  }

  const blocks: Block[] = []
  let visited = 0
  const walk = (nodes: OrderedNode[], path: string) => {
    const lines: string[] = []
    const containers: Array<{ nodes: OrderedNode[]; path: string }> = []
    for (const node of nodes) {
      if (++visited % 4096 === 0) budget.checkTime()
      if (typeof node[TEXT] === 'string') {
        if (node[TEXT].trim()) lines.push(node[TEXT].trim())
        continue
      }
      const name = Object.keys(node).find((key) => key !== ATTRIBUTES)
      if (!name || name.startsWith('?') || name.startsWith('!')) continue
      const children = Array.isArray(node[name]) ? (node[name] as OrderedNode[]) : []
      const label = name + attributeText(node[ATTRIBUTES])
      const onlyText = children.every((child) => typeof child[TEXT] === 'string')
      if (onlyText) {
        const value = children
          .map((child) => String(child[TEXT]).trim())
          .filter(Boolean)
          .join(' ')
        if (value) lines.push(`${label}: ${value}`)
        else if (node[ATTRIBUTES]) lines.push(name + attributeText(node[ATTRIBUTES]))
      } else {
        containers.push({ nodes: children, path: path ? `${path} > ${label}` : label })
      }
    }
    if (lines.length > 0)
      blocks.push({ kind: 'paragraph', text: path ? `${path}\n${lines.join('\n')}` : lines.join('\n') })
    for (const container of containers) walk(container.nodes, container.path)
  }
  walk(tree, '')
  if (blocks.length === 0) throw new DocumentError('empty_file', 'This XML file has no text or attribute values.')
  return { format: 'xml', blocks }
}

function attributeText(attributes: Record<string, string> | undefined): string {
  if (!attributes) return ''
  const pairs = Object.entries(attributes).map(([key, value]) => `${key.slice(PREFIX.length)}=${value}`)
  return pairs.length > 0 ? ` [${pairs.join(', ')}]` : ''
}
