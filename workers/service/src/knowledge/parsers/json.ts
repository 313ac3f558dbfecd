/**
 * JSON as readable lines: every value under its key path (`owner.name: Ana`, `items[2].price: 10`), one paragraph per
 * object, arrays of plain values on one line (`tags: red, green`). Search and the model then see names next to
 * values, which raw JSON punctuation hides.
 */
import { type Block, DocumentError, decodeText, type ParsedDocument } from '@prodgy/core'
import { type ParseBudget, tooLarge } from './limits.ts'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const isPlain = (value: Json): value is null | boolean | number | string => value === null || typeof value !== 'object'
const show = (value: null | boolean | number | string) => (value === null ? 'null' : String(value))
/** Keys that need no quoting read as `a.b`; others as `a["key with spaces"]`. */
const step = (path: string, key: string) =>
  /^[\p{L}_$][\p{L}\p{N}_$-]*$/u.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`

export function parseJson(bytes: Uint8Array, budget: ParseBudget): ParsedDocument {
  const text = decodeText(bytes)
  let value: Json
  try {
    value = JSON.parse(text) as Json
  } catch (error) {
    const detail = error instanceof SyntaxError ? ` (${error.message.replace(/^JSON\.parse: /, '')})` : ''
    throw new DocumentError('corrupt_file', `This JSON file is not valid JSON${detail}; fix it and upload it again.`)
  }
  const blocks: Block[] = []
  let visited = 0
  const visit = (node: Json, path: string, depth: number) => {
    if (++visited % 4096 === 0) budget.checkTime()
    if (depth > budget.limit.depth)
      throw tooLarge(`This JSON is nested more than ${budget.limit.depth} levels deep`, 'depth')
    if (isPlain(node)) {
      const line = path ? `${path}: ${show(node)}` : show(node)
      blocks.push({ kind: 'paragraph', text: budget.text(line) })
      return
    }
    const entries: Array<[string, Json]> = Array.isArray(node)
      ? node.map((item, index) => [`${path}[${index}]`, item])
      : Object.entries(node).map(([key, item]) => [step(path, key), item])
    // Plain values of this object (and arrays of plain values) form its paragraph; nested objects follow.
    const lines: string[] = []
    const nested: Array<[string, Json]> = []
    if (Array.isArray(node) && node.every(isPlain)) {
      if (node.length > 0) lines.push(`${path || 'items'}: ${node.map((item) => show(item as null)).join(', ')}`)
    } else {
      for (const [key, item] of entries) {
        if (isPlain(item)) lines.push(`${key}: ${show(item)}`)
        else if (Array.isArray(item) && item.length > 0 && item.every(isPlain))
          lines.push(`${key}: ${item.map((entry) => show(entry as null)).join(', ')}`)
        else nested.push([key, item])
      }
    }
    if (lines.length > 0) blocks.push({ kind: 'paragraph', text: budget.text(lines.join('\n')) })
    for (const [key, item] of nested) visit(item, key, depth + 1)
  }
  visit(value, '', 0)
  if (blocks.length === 0)
    throw new DocumentError('empty_file', 'This JSON file has no values (an empty object or list).')
  return { format: 'json', blocks }
}
