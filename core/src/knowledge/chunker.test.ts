import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ValidationError } from '../errors.ts'
import { chunkDocument, countTokens } from './chunker.ts'
import type { Block, ChunkDraft, ParsedDocument, Sheet } from './types.ts'

const doc = (blocks: Block[], sheets?: Sheet[]): ParsedDocument => ({
  format: 'md',
  blocks,
  ...(sheets ? { sheets } : {}),
})
const sentence = (index: number) => `Sentence ${index} explains how the field team plans its visits.`
const body = (chunk: ChunkDraft) => chunk.content.split('\n\n').slice(1).join('\n\n')

describe('countTokens', () => {
  it('counts cl100k_base tokens', () => {
    assert.equal(countTokens(''), 0)
    assert.equal(countTokens('hello world'), 2)
    assert.equal(countTokens('\n\n'), 1)
  })

  it('treats special tokens in documents as plain text', () => {
    assert.ok(countTokens('before <|endoftext|> after') > 3)
  })

  it('stays fast on a long run without whitespace', () => {
    const started = performance.now()
    const count = countTokens('a'.repeat(1_000_000))
    assert.ok(count > 0)
    assert.ok(performance.now() - started < 5_000, 'a 1 MB run must not take quadratic time')
  })
})

describe('chunkDocument', () => {
  it('rejects settings it cannot honour', () => {
    assert.throws(() => chunkDocument(doc([]), { chunkSizeTokens: 10, chunkOverlapTokens: 0 }), ValidationError)
    assert.throws(() => chunkDocument(doc([]), { chunkSizeTokens: 100, chunkOverlapTokens: 100 }), ValidationError)
  })

  it('returns no chunks for no blocks', () => {
    assert.deepEqual(chunkDocument(doc([]), { chunkSizeTokens: 100, chunkOverlapTokens: 10 }), [])
  })

  it('keeps a heading with its first paragraph and prefixes the heading path', () => {
    const chunks = chunkDocument(
      doc([
        { kind: 'heading', text: 'Guide', level: 1 },
        { kind: 'paragraph', text: Array.from({ length: 6 }, (_, i) => sentence(i)).join(' ') },
        { kind: 'heading', text: 'Planning', level: 2 },
        { kind: 'paragraph', text: Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ') },
      ]),
      { chunkSizeTokens: 100, chunkOverlapTokens: 0 },
    )
    const planning = chunks.findIndex((chunk) => chunk.content.includes('## Planning'))
    assert.ok(planning >= 0)
    const first = chunks[planning]!
    assert.ok(/## Planning\n\nSentence 0 /.test(first.content), 'the heading is followed by its paragraph in one chunk')
    for (const chunk of chunks.slice(planning + 1)) {
      assert.ok(chunk.content.startsWith('# Guide > ## Planning\n\n'), chunk.content)
      assert.deepEqual(chunk.metadata.headings, ['Guide', 'Planning'])
    }
    assert.deepEqual(chunks[0]!.metadata.headings, ['Guide'])
  })

  it('splits long paragraphs at sentence boundaries', () => {
    const text = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ')
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text }]), { chunkSizeTokens: 60, chunkOverlapTokens: 0 })
    assert.ok(chunks.length > 1)
    for (const chunk of chunks) {
      assert.ok(chunk.content.endsWith('visits.'), chunk.content)
      assert.ok(/^Sentence \d+ /.test(chunk.content), chunk.content)
    }
  })

  it('repeats the end of the previous chunk as overlap within a section', () => {
    const text = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ')
    const chunks = chunkDocument(
      doc([
        { kind: 'heading', text: 'Visits', level: 2 },
        { kind: 'paragraph', text },
      ]),
      {
        chunkSizeTokens: 80,
        chunkOverlapTokens: 12,
      },
    )
    assert.ok(chunks.length > 2)
    for (let index = 1; index < chunks.length; index++) {
      const previous = chunks[index - 1]!.content.split(/\s+/)
      const current = body(chunks[index]!).split(/\s+/)
      // The longest end of the previous chunk that starts this one is the overlap.
      let overlap = 0
      for (let length = 1; length <= Math.min(previous.length, current.length); length++) {
        if (previous.slice(-length).join(' ') === current.slice(0, length).join(' ')) overlap = length
      }
      assert.ok(overlap > 0, `chunk ${index} starts with the end of chunk ${index - 1}`)
      assert.ok(countTokens(current.slice(0, overlap).join(' ')) <= 12)
    }
  })

  it('keeps a list whole when it fits and splits it by items otherwise', () => {
    const items = Array.from({ length: 6 }, (_, i) => `Item ${i} of the checklist`)
    const whole = chunkDocument(doc([{ kind: 'list', ordered: true, items }]), {
      chunkSizeTokens: 200,
      chunkOverlapTokens: 20,
    })
    assert.equal(whole.length, 1)
    assert.equal(whole[0]!.content, items.map((item, i) => `${i + 1}. ${item}`).join('\n'))

    const long = Array.from({ length: 40 }, (_, i) => `Item ${i} of the checklist`)
    const split = chunkDocument(doc([{ kind: 'list', ordered: false, items: long }]), {
      chunkSizeTokens: 50,
      chunkOverlapTokens: 10,
    })
    assert.ok(split.length > 1)
    for (const chunk of split)
      for (const line of chunk.content.split('\n')) assert.match(line, /^- Item \d+ of the checklist$/)
  })

  it('repeats the table header in every piece of a split table', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [`Region ${i}`, String(i * 3)])
    const chunks = chunkDocument(doc([{ kind: 'table', header: ['Region', 'Visits'], rows }]), {
      chunkSizeTokens: 60,
      chunkOverlapTokens: 10,
    })
    assert.ok(chunks.length > 1)
    const seen: string[] = []
    for (const chunk of chunks) {
      const lines = chunk.content.split('\n')
      assert.equal(lines[0], '| Region | Visits |')
      assert.equal(lines[1], '| --- | --- |')
      seen.push(...lines.slice(2))
    }
    assert.deepEqual(
      seen,
      rows.map((row) => `| ${row[0]} | ${row[1]} |`),
    )
  })

  it('fences every piece of a split code block', () => {
    const text = Array.from({ length: 60 }, (_, i) => `const value${i} = compute(${i})`).join('\n')
    const chunks = chunkDocument(doc([{ kind: 'code', text, language: 'ts' }]), {
      chunkSizeTokens: 60,
      chunkOverlapTokens: 5,
    })
    assert.ok(chunks.length > 1)
    for (const chunk of chunks) assert.match(chunk.content, /^```ts\n[\s\S]+\n```$/)
  })

  it('chunks spreadsheet rows with the sheet, row range and repeated header', () => {
    const sheet: Sheet = {
      name: 'Orders',
      columns: ['Order', 'Customer', 'Paid'],
      rows: Array.from({ length: 50 }, (_, i) => [1000 + i, `Customer ${i}`, i % 2 === 0]),
    }
    const chunks = chunkDocument(doc([{ kind: 'table', header: sheet.columns, rows: [] }], [sheet]), {
      chunkSizeTokens: 80,
      chunkOverlapTokens: 20,
    })
    assert.ok(chunks.length > 1)
    let next = 0
    for (const chunk of chunks) {
      assert.equal(chunk.metadata.sheet, 'Orders')
      const [first, last] = chunk.metadata.rows!
      assert.equal(first, next)
      next = last + 1
      assert.ok(chunk.content.startsWith('Sheet: Orders\n\n| Order | Customer | Paid |\n| --- | --- | --- |\n'))
      assert.equal(chunk.content.split('\n').length - 4, last - first + 1)
    }
    assert.equal(next, 50)
    assert.ok(chunks[0]!.content.includes('| 1000 | Customer 0 | TRUE |'))
  })

  it('writes a row too large for a table chunk as column: value text', () => {
    const sheet: Sheet = { name: 'Notes', columns: ['Topic', 'Text'], rows: [['Long', sentence(1).repeat(30)]] }
    const chunks = chunkDocument(doc([], [sheet]), { chunkSizeTokens: 60, chunkOverlapTokens: 0 })
    assert.ok(chunks.length > 1)
    for (const chunk of chunks) {
      assert.deepEqual(chunk.metadata.rows, [0, 0])
      assert.ok(chunk.content.startsWith('Sheet: Notes, row 0\n\n'))
      assert.ok(chunk.tokenCount <= 60)
    }
  })

  it('splits a run without whitespace by tokens and loses no character', () => {
    const run = 'x9Q'.repeat(3000)
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text: run }]), {
      chunkSizeTokens: 50,
      chunkOverlapTokens: 0,
    })
    assert.equal(chunks.map((chunk) => chunk.content).join(''), run)
    for (const chunk of chunks) assert.ok(chunk.tokenCount <= 50)
  })

  it('makes progress with the largest overlap the settings allow', () => {
    const text = Array.from({ length: 200 }, (_, i) => sentence(i)).join(' ')
    const chunks = chunkDocument(doc([{ kind: 'paragraph', text }]), { chunkSizeTokens: 50, chunkOverlapTokens: 49 })
    const total = countTokens(text)
    assert.ok(chunks.length < (total / 50) * 4, `${chunks.length} chunks for ${total} tokens`)
    for (const chunk of chunks) assert.ok(chunk.tokenCount <= 50)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Properties

const dictionary = [
  'field',
  'team',
  'visit',
  'São',
  'Paulo',
  'naïve',
  '東京',
  'données',
  '🙂',
  'x',
  'API',
  '2026',
  'e.g.',
  'end.',
  'why?',
]
const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...dictionary) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((text) => !/[\s|\\#>`-]/u.test(text)),
  },
)
const words = (min: number, max: number) => fc.array(word, { minLength: min, maxLength: max })
const text = (min: number, max: number) => words(min, max).map((list) => list.join(' '))

const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constant('heading' as const), text: text(1, 4), level: fc.integer({ min: 1, max: 6 }) }),
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('paragraph' as const), text: text(1, 160) }) },
  fc.record({
    kind: fc.constant('list' as const),
    items: fc.array(text(1, 30), { minLength: 1, maxLength: 12 }),
    ordered: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('table' as const),
    header: fc.array(text(1, 2), { minLength: 1, maxLength: 4 }),
    rows: fc.array(fc.array(text(0, 6), { minLength: 1, maxLength: 4 }), { maxLength: 25 }),
  }),
  fc.record({
    kind: fc.constant('code' as const),
    text: fc.array(text(0, 10), { minLength: 1, maxLength: 20 }).map((lines) => lines.join('\n')),
  }),
  fc.record({ kind: fc.constant('quote' as const), text: text(1, 60) }),
)
const settings = fc
  .integer({ min: 50, max: 400 })
  .chain((size) =>
    fc.record({ chunkSizeTokens: fc.constant(size), chunkOverlapTokens: fc.integer({ min: 0, max: size - 1 }) }),
  )

function blockWords(value: Block): string[] {
  switch (value.kind) {
    case 'list':
      return value.items.flatMap((item) => item.split(' '))
    case 'table':
      return [...value.header, ...value.rows.flat()].flatMap((cell) => cell.split(' '))
    default:
      return value.text.split(/\s+/)
  }
}

describe('chunkDocument properties', () => {
  it('never exceeds the size, loses no word and numbers chunks consecutively', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 25 }), settings, (blocks, options) => {
        const chunks = chunkDocument(doc(blocks), options)
        chunks.forEach((chunk, index) => {
          assert.equal(chunk.ordinal, index)
          assert.equal(chunk.tokenCount, countTokens(chunk.content))
          assert.ok(chunk.tokenCount <= options.chunkSizeTokens, `chunk ${index} has ${chunk.tokenCount} tokens`)
        })
        // Words longer than a quarter chunk are indivisible runs, cut between characters; they have their own test.
        const segment = Math.floor(options.chunkSizeTokens / 4) - 4
        for (const entry of blocks.flatMap(blockWords)) {
          if (!entry || countTokens(entry) + 1 > segment) continue
          assert.ok(
            chunks.some((chunk) => chunk.content.includes(entry)),
            `"${entry}" is in no chunk`,
          )
        }
      }),
      { numRuns: 150 },
    )
  })

  it('never ends a chunk on a heading that has content after it', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 25 }), settings, (blocks, options) => {
        // Headings longer than a fifth of a chunk are kept as paragraphs (which may split), not glued.
        const glued = new Set(
          blocks
            .filter((value) => value.kind === 'heading')
            .map((value) => `${'#'.repeat(value.level)} ${value.text.replace(/\s+/g, ' ').trim()}`)
            .filter((line) => countTokens(line) <= Math.floor(options.chunkSizeTokens / 5)),
        )
        const chunks = chunkDocument(doc(blocks), options)
        chunks.slice(0, -1).forEach((chunk, index) => {
          const lines = chunk.content.split('\n')
          const lastLine = lines[lines.length - 1]!
          assert.ok(!(lines.length > 1 && glued.has(lastLine)), `chunk ${index} ends with the heading "${lastLine}"`)
        })
      }),
      { numRuns: 100 },
    )
  })

  it('covers every spreadsheet row once, in order, within the size', () => {
    const cell = fc.oneof(
      text(0, 8),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    )
    const sheet = fc.record({
      name: text(1, 3),
      columns: fc.array(text(1, 3), { minLength: 1, maxLength: 6 }),
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 120 }),
    })
    fc.assert(
      fc.property(fc.array(sheet, { minLength: 1, maxLength: 3 }), settings, (generated, options) => {
        const sheets = generated.map((value, index) => ({ ...value, name: `${value.name} ${index}` }))
        const chunks = chunkDocument(doc([], sheets), options)
        for (const value of sheets) {
          const own = chunks.filter((chunk) => chunk.metadata.sheet === value.name)
          let next = 0
          for (const chunk of own) {
            const [first, last] = chunk.metadata.rows!
            assert.ok(first === next || (first === next - 1 && first === last), `rows ${first}-${last} after ${next}`)
            next = last + 1
            assert.ok(chunk.tokenCount <= options.chunkSizeTokens)
          }
          assert.equal(next, value.rows.length)
        }
        chunks.forEach((chunk, index) => {
          assert.equal(chunk.ordinal, index)
        })
      }),
      { numRuns: 60 },
    )
  })
})
