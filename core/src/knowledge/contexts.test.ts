import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type ContextSection,
  contextSectionSchema,
  contextSectionsSchema,
  contextsToParsedDocument,
  htmlToText,
  importMarkdownSections,
} from './contexts.ts'
import { CONTEXT_SECTION_TYPES } from './types.ts'

const EXAMPLES: ContextSection[] = [
  { id: 's1', type: 'plain_text', title: 'Mission', content: 'We help teams ship.\n\nEvery week.' },
  { id: 's2', type: 'text_area', title: 'Notes', content: 'Long notes.' },
  {
    id: 's3',
    type: 'rich_text',
    title: 'Story',
    content: '<p>Founded in <b>2020</b> &amp; growing.</p><ul><li>One</li></ul>',
  },
  { id: 's4', type: 'link', title: 'Site', url: 'https://acme.example', label: 'Home page' },
  { id: 's5', type: 'link_list', title: 'Docs', links: [{ label: 'API', url: 'https://acme.example/api' }] },
  { id: 's6', type: 'list', title: 'Markets', items: ['EU', 'US'] },
  {
    id: 's7',
    type: 'checklist',
    title: 'Launch',
    items: [
      { text: 'Pricing page', done: true },
      { text: 'Blog', done: false },
    ],
  },
  { id: 's8', type: 'code', title: 'Snippet', language: 'ts', content: 'const x = 1' },
  { id: 's9', type: 'quote', title: 'Customer', content: 'It just works.', author: 'Ana' },
  { id: 's10', type: 'callout', title: 'Heads up', content: 'Prices change in May.', tone: 'warning' },
  {
    id: 's11',
    type: 'group',
    title: 'Persona',
    name: 'Paula the PM',
    description: 'Runs a product team of eight.',
    goals: ['Ship on time'],
    pains: ['Scattered docs'],
    traits: ['Data-driven'],
  },
]

describe('context sections', () => {
  it('has a schema for each of the 11 types', () => {
    assert.deepEqual(
      EXAMPLES.map((s) => s.type),
      [...CONTEXT_SECTION_TYPES],
    )
    for (const section of EXAMPLES) assert.ok(contextSectionSchema.safeParse(section).success, section.type)
    assert.ok(contextSectionsSchema.safeParse(EXAMPLES).success)
  })

  it('refuses sections with wrong fields, unknown types, bad links and repeated ids', () => {
    assert.equal(contextSectionSchema.safeParse({ id: 'x', type: 'video', title: 'T' }).success, false)
    assert.equal(
      contextSectionSchema.safeParse({ id: 'x', type: 'link', title: 'T', url: 'javascript:alert(1)' }).success,
      false,
    )
    assert.equal(
      contextSectionSchema.safeParse({ id: 'x', type: 'callout', title: 'T', content: 'c', tone: 'loud' }).success,
      false,
    )
    assert.equal(contextSectionSchema.safeParse({ type: 'list', title: 'T', items: [] }).success, false)
    const repeated = [EXAMPLES[0], { ...EXAMPLES[1], id: 's1' }]
    assert.equal(contextSectionsSchema.safeParse(repeated).success, false)
  })

  it('turns every section into a heading and its blocks, in order', () => {
    const parsed = contextsToParsedDocument(EXAMPLES)
    assert.equal(parsed.format, 'md')
    const headings = parsed.blocks
      .filter((b) => b.kind === 'heading' && b.level === 2)
      .map((b) => (b as { text: string }).text)
    assert.deepEqual(
      headings,
      EXAMPLES.map((s) => s.title),
    )
    const text = JSON.stringify(parsed.blocks)
    for (const expected of [
      'We help teams ship.',
      'Founded in 2020 & growing.',
      'Home page: https://acme.example',
      'API: https://acme.example/api',
      '[x] Pricing page',
      '[ ] Blog',
      'const x = 1',
      'It just works.\\n— Ana',
      'Warning: Prices change in May.',
      'Paula the PM',
      'Scattered docs',
    ]) {
      assert.ok(text.includes(expected), expected)
    }
    assert.deepEqual(parsed.blocks[1], { kind: 'paragraph', text: 'We help teams ship.' })
    assert.deepEqual(parsed.blocks[2], { kind: 'paragraph', text: 'Every week.' })
  })

  it('reads the text out of rich-text HTML', () => {
    assert.equal(htmlToText('<p>a &lt; b</p><p>c&#39;d&#x41;</p><script>x()</script>'), "a < b\n\nc'dA")
  })
})

describe('Markdown and MDX import', () => {
  it('splits on headings and types lists, checklists, code and quotes', () => {
    const sections = importMarkdownSections(
      [
        '---',
        'title: Ignored front matter',
        '---',
        'Intro paragraph.',
        '',
        '# Vision',
        'We want every team to ship faster.',
        'Second line.',
        '',
        '## Markets',
        '- EU',
        '- US',
        '  and Canada',
        '',
        '## Launch',
        '- [x] Pricing page',
        '- [ ] Blog post',
        '',
        '## Setup',
        '```bash',
        'npm install',
        '# not a heading',
        '```',
        '',
        '## Praise',
        '> It just works.',
        '> Really.',
        '> — Ana',
        '',
        '## Empty',
        '## Mixed',
        'Some text.',
        '',
        '1. first',
        '2. second',
      ].join('\n'),
    )
    const summary = sections.map((s) => [s.type, s.title])
    assert.deepEqual(summary, [
      ['text_area', 'Introduction'],
      ['text_area', 'Vision'],
      ['list', 'Markets'],
      ['checklist', 'Launch'],
      ['code', 'Setup'],
      ['quote', 'Praise'],
      ['text_area', 'Mixed'],
      ['list', 'Mixed'],
    ])
    const byTitle = (title: string, type: string) => sections.find((s) => s.title === title && s.type === type)
    assert.deepEqual((byTitle('Markets', 'list') as { items: string[] }).items, ['EU', 'US and Canada'])
    assert.deepEqual((byTitle('Launch', 'checklist') as { items: unknown[] }).items, [
      { text: 'Pricing page', done: true },
      { text: 'Blog post', done: false },
    ])
    const code = byTitle('Setup', 'code') as { content: string; language: string }
    assert.equal(code.language, 'bash')
    assert.equal(code.content, 'npm install\n# not a heading')
    const quote = byTitle('Praise', 'quote') as { content: string; author: string }
    assert.equal(quote.content, 'It just works.\nReally.')
    assert.equal(quote.author, 'Ana')
    assert.equal(
      (byTitle('Vision', 'text_area') as { content: string }).content,
      'We want every team to ship faster.\nSecond line.',
    )
    assert.ok(contextSectionsSchema.safeParse(sections).success)
    assert.equal(new Set(sections.map((s) => s.id)).size, sections.length)
  })

  it('strips MDX imports, exports and JSX tags but keeps their text', () => {
    const sections = importMarkdownSections(
      [
        "import { Callout } from '../components/callout'",
        'export const meta = {',
        "  title: 'Guide',",
        '}',
        '',
        '# Guide',
        '<Callout type="info">Read this first.</Callout>',
        '{/* a comment */}',
        '<Badge />',
        '',
        '```tsx',
        'export const x = <Tag />',
        '```',
      ].join('\n'),
    )
    assert.deepEqual(
      sections.map((s) => s.type),
      ['text_area', 'code'],
    )
    assert.equal((sections[0] as { content: string }).content, 'Read this first.')
    assert.equal((sections[1] as { content: string }).content, 'export const x = <Tag />')
  })
})
