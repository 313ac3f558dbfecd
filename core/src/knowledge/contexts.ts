/**
 * Contexts: a workspace's typed, ordered sections (positioning, personas, links, checklists, …) edited as a draft
 * and published into its knowledge base, where they are searched like any document. Publishing copies the draft,
 * bumps the version and queues the workspace's one `kind = 'context'` document; the ingest worker turns the
 * published sections into blocks with `contextsToParsedDocument`.
 */
import { z } from 'zod'
import { isAdmin } from '../auth/permissions.ts'
import type { Principal } from '../auth/principal.ts'
import { sha256Hex } from '../crypto/random.ts'
import { ForbiddenError, ValidationError } from '../errors.ts'
import { actorOf, recordAudit } from '../services/audit.ts'
import type { Platform } from '../services/platform.ts'
import { parseInput, resolveKnowledgeWorkspace } from './documents.ts'
import type { Block, CONTEXT_SECTION_TYPES, ParsedDocument } from './types.ts'

const sectionId = z.string().trim().min(1, 'Every section needs an id.').max(100)
const title = z.string().trim().max(300)
const text = z.string().max(50_000)
const shortText = z.string().trim().max(2000)
const webUrl = z
  .url({ protocol: /^https?$/, message: 'Enter a full address starting with http:// or https://' })
  .max(2048)
const textList = z.array(shortText).max(200)

const base = { id: sectionId, title }

export const contextSectionSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('plain_text'), content: text }),
  z.object({ ...base, type: z.literal('text_area'), content: text }),
  z.object({ ...base, type: z.literal('rich_text'), content: text }),
  z.object({ ...base, type: z.literal('link'), url: webUrl, label: shortText.optional() }),
  z.object({
    ...base,
    type: z.literal('link_list'),
    links: z.array(z.object({ label: shortText, url: webUrl })).max(200),
  }),
  z.object({ ...base, type: z.literal('list'), items: textList }),
  z.object({
    ...base,
    type: z.literal('checklist'),
    items: z.array(z.object({ text: shortText, done: z.boolean() })).max(200),
  }),
  z.object({ ...base, type: z.literal('code'), language: z.string().trim().max(40).optional(), content: text }),
  z.object({ ...base, type: z.literal('quote'), content: text, author: shortText.optional() }),
  z.object({
    ...base,
    type: z.literal('callout'),
    content: text,
    tone: z.enum(['info', 'warning', 'success', 'danger']),
  }),
  z.object({
    ...base,
    type: z.literal('group'),
    name: shortText,
    description: text,
    goals: textList,
    pains: textList,
    traits: textList,
  }),
])
export type ContextSection = z.infer<typeof contextSectionSchema>

/** The sections in order (array position is the order); ids are unique. */
export const contextSectionsSchema = z
  .array(contextSectionSchema)
  .max(200, 'At most 200 sections.')
  .refine((sections) => new Set(sections.map((s) => s.id)).size === sections.length, 'Section ids must be unique.')

export const saveContextDraftSchema = z.object({ draft: contextSectionsSchema })

// every type of types.ts has a schema above: a new type without one fails to compile here
const _covered: Record<(typeof CONTEXT_SECTION_TYPES)[number], true> = {
  plain_text: true,
  text_area: true,
  rich_text: true,
  link: true,
  link_list: true,
  list: true,
  checklist: true,
  code: true,
  quote: true,
  callout: true,
  group: true,
} satisfies Record<ContextSection['type'], true>
void _covered

export interface KnowledgeContextsDto {
  draft: ContextSection[]
  published: ContextSection[]
  version: number
  publishedAt: string | null
}

interface ContextsRow {
  draft: unknown
  published: unknown
  version: number
  published_at: Date | null
}

/** Stored sections are read leniently: a section that no longer validates is dropped rather than failing the page. */
function storedSections(value: unknown): ContextSection[] {
  if (!Array.isArray(value)) return []
  const out: ContextSection[] = []
  for (const item of value) {
    const parsed = contextSectionSchema.safeParse(item)
    if (parsed.success) out.push(parsed.data)
  }
  return out
}

function toDto(row: ContextsRow | undefined): KnowledgeContextsDto {
  return {
    draft: storedSections(row?.draft),
    published: storedSections(row?.published),
    version: row?.version ?? 0,
    publishedAt: row?.published_at?.toISOString() ?? null,
  }
}

export async function getContexts(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string | undefined,
): Promise<KnowledgeContextsDto> {
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, workspaceId)
  const [row] = await platform.db.query<ContextsRow>(
    'select draft, published, version, published_at from knowledge_contexts where workspace_id = $1 and organization_id = $2',
    [scope.workspaceId, scope.organizationId],
  )
  return toDto(row)
}

/** Saves the draft (members with access to the workspace); nothing reaches the knowledge base until published. */
export async function saveContextDraft(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string | undefined,
  draft: unknown,
): Promise<KnowledgeContextsDto> {
  const sections = parseInput(contextSectionsSchema, draft)
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, workspaceId)
  const [row] = await platform.db.query<ContextsRow>(
    `insert into knowledge_contexts (workspace_id, organization_id, draft) values ($1, $2, $3::jsonb)
     on conflict (workspace_id) do update set draft = excluded.draft, updated_at = now()
     returning draft, published, version, published_at`,
    [scope.workspaceId, scope.organizationId, sections],
  )
  return toDto(row)
}

const CONTEXT_DOCUMENT_NAME = 'Contexts'

/**
 * Publishes the draft (Admins): it becomes the published version, and the workspace's context document is queued
 * for ingestion with the new content. Publishing an empty draft removes the context document from the knowledge base.
 */
export async function publishContexts(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string | undefined,
): Promise<KnowledgeContextsDto> {
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, workspaceId)
  if (!isAdmin(principal)) throw new ForbiddenError('Only administrators can publish contexts.', 'admin_required')
  const { dto, documentId } = await platform.db.transaction(async (tx) => {
    await tx.query(
      `insert into knowledge_contexts (workspace_id, organization_id) values ($1, $2) on conflict (workspace_id) do nothing`,
      [scope.workspaceId, scope.organizationId],
    )
    const [current] = await tx.query<ContextsRow>(
      'select draft, published, version, published_at from knowledge_contexts where workspace_id = $1 for update',
      [scope.workspaceId],
    )
    const sections = storedSections(current?.draft)
    const [row] = await tx.query<ContextsRow>(
      `update knowledge_contexts
          set published = $2::jsonb, version = version + 1, published_at = now(), published_by = $3, updated_at = now()
        where workspace_id = $1
        returning draft, published, version, published_at`,
      [scope.workspaceId, sections, principal?.user?.id ?? null],
    )
    const [existing] = await tx.query<{ id: string }>(
      `select id from knowledge_documents where organization_id = $1 and workspace_id = $2 and kind = 'context'`,
      [scope.organizationId, scope.workspaceId],
    )
    let documentId: string | undefined
    if (sections.length === 0) {
      if (existing) await tx.query('delete from knowledge_documents where id = $1', [existing.id])
    } else {
      const json = JSON.stringify(sections)
      const hash = await sha256Hex(json)
      const size = new TextEncoder().encode(json).byteLength
      if (existing) {
        await tx.query(
          `update knowledge_documents
              set content_hash = $2, size_bytes = $3, status = 'queued', progress = 0, error_code = null, error = null,
                  updated_at = now()
            where id = $1`,
          [existing.id, hash, size],
        )
        documentId = existing.id
      } else {
        const [inserted] = await tx.query<{ id: string }>(
          `insert into knowledge_documents (organization_id, workspace_id, kind, name, description, source, mime_type,
                  size_bytes, content_hash, status, created_by)
           values ($1, $2, 'context', $3, 'The published contexts of this workspace.', 'contexts', 'application/json',
                  $4, $5, 'queued', $6)
           returning id`,
          [scope.organizationId, scope.workspaceId, CONTEXT_DOCUMENT_NAME, size, hash, principal?.user?.id ?? null],
        )
        documentId = inserted?.id
      }
    }
    const published = row as ContextsRow
    await recordAudit(tx, {
      organizationId: scope.organizationId,
      workspaceId: scope.workspaceId,
      actor: actorOf(principal),
      action: 'knowledge.contexts_published',
      targetType: 'knowledge_contexts',
      targetId: scope.workspaceId,
      metadata: { version: published.version, sections: sections.length },
    })
    return { dto: toDto(published), documentId }
  })
  if (documentId) await platform.enqueue('knowledge.ingest', { documentId })
  return dto
}

// ---------------------------------------------------------------- to blocks, for the ingest worker

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** Rich text is stored as HTML by the editor; search wants its text, one paragraph per block element. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|li|ul|ol|blockquote|pre|tr|table)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
      }
      return ENTITIES[name.toLowerCase()] ?? entity
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function paragraphs(content: string): Block[] {
  return content
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ kind: 'paragraph', text: p }))
}

const TONE_LABEL = { info: 'Note', warning: 'Warning', success: 'Success', danger: 'Important' } as const

function sectionBlocks(section: ContextSection): Block[] {
  switch (section.type) {
    case 'plain_text':
    case 'text_area':
      return paragraphs(section.content)
    case 'rich_text':
      return paragraphs(/<[a-z][^>]*>/i.test(section.content) ? htmlToText(section.content) : section.content)
    case 'link':
      return [{ kind: 'paragraph', text: section.label ? `${section.label}: ${section.url}` : section.url }]
    case 'link_list':
      return section.links.length
        ? [
            {
              kind: 'list',
              ordered: false,
              items: section.links.map((l) => (l.label ? `${l.label}: ${l.url}` : l.url)),
            },
          ]
        : []
    case 'list':
      return section.items.length ? [{ kind: 'list', ordered: false, items: section.items }] : []
    case 'checklist':
      return section.items.length
        ? [{ kind: 'list', ordered: false, items: section.items.map((i) => `[${i.done ? 'x' : ' '}] ${i.text}`) }]
        : []
    case 'code':
      return section.content.trim()
        ? [{ kind: 'code', text: section.content, ...(section.language ? { language: section.language } : {}) }]
        : []
    case 'quote':
      return section.content.trim()
        ? [
            {
              kind: 'quote',
              text: section.author ? `${section.content.trim()}\n— ${section.author}` : section.content.trim(),
            },
          ]
        : []
    case 'callout':
      return section.content.trim()
        ? [{ kind: 'paragraph', text: `${TONE_LABEL[section.tone]}: ${section.content.trim()}` }]
        : []
    case 'group': {
      const blocks: Block[] = []
      if (section.name) blocks.push({ kind: 'paragraph', text: section.name })
      blocks.push(...paragraphs(section.description))
      for (const [label, items] of [
        ['Goals', section.goals],
        ['Pains', section.pains],
        ['Traits', section.traits],
      ] as const) {
        if (items.length === 0) continue
        blocks.push({ kind: 'heading', text: label, level: 3 }, { kind: 'list', ordered: false, items: [...items] })
      }
      return blocks
    }
  }
}

/** The published sections as a parsed document: each section a level-2 heading followed by its blocks. */
export function contextsToParsedDocument(sections: readonly ContextSection[]): ParsedDocument {
  const blocks: Block[] = []
  for (const section of sections) {
    const body = sectionBlocks(section)
    const heading = section.title.trim() || (section.type === 'group' ? section.name : '')
    if (body.length === 0 && !heading) continue
    if (heading) blocks.push({ kind: 'heading', text: heading, level: 2 })
    blocks.push(...body)
  }
  return { format: 'md', title: CONTEXT_DOCUMENT_NAME, blocks }
}

// ---------------------------------------------------------------- Markdown and MDX import

type MdBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: { text: string; checked: boolean | undefined }[] }
  | { kind: 'code'; text: string; language: string | undefined }
  | { kind: 'quote'; lines: string[] }

/** Drops what only MDX has: ESM import/export statements and JSX tags (their text content stays). */
function stripMdx(lines: string[]): string[] {
  const out: string[] = []
  let fence: string | undefined
  let depth = 0
  for (const line of lines) {
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line)
    if (fenceMatch) {
      const marker = fenceMatch[1] as string
      if (!fence) fence = marker[0] as string
      else if (marker[0] === fence) fence = undefined
      out.push(line)
      continue
    }
    if (fence) {
      out.push(line)
      continue
    }
    // a multi-line `export const meta = { … }` is skipped until its braces balance
    if (depth > 0 || /^(import|export)\s/.test(line)) {
      for (const ch of line) {
        if (ch === '{' || ch === '(' || ch === '[') depth++
        else if (ch === '}' || ch === ')' || ch === ']') depth = Math.max(0, depth - 1)
      }
      continue
    }
    if (/^\s*\{.*\}\s*$/.test(line)) continue // `{/* comment */}` and bare expressions
    out.push(line.replace(/<\/?[A-Za-z][\w.:-]*(\s+[^<>]*?)?\/?>/g, ''))
  }
  return out
}

function parseMarkdownBlocks(lines: string[]): MdBlock[] {
  const blocks: MdBlock[] = []
  let paragraph: string[] = []
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join('\n').trim() })
    paragraph = []
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line)
    if (fence) {
      flush()
      const marker = fence[1] as string
      const code: string[] = []
      i++
      while (i < lines.length && !(lines[i] as string).trim().startsWith(marker)) code.push(lines[i++] as string)
      blocks.push({ kind: 'code', text: code.join('\n'), language: fence[2] || undefined })
      continue
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line)
    if (item) {
      flush()
      const raw = item[1] as string
      const box = /^\[([ xX])\]\s+(.*)$/.exec(raw)
      const entry = { text: (box ? (box[2] as string) : raw).trim(), checked: box ? box[1] !== ' ' : undefined }
      const last = blocks.at(-1)
      if (last?.kind === 'list' && !paragraph.length) last.items.push(entry)
      else blocks.push({ kind: 'list', items: [entry] })
      continue
    }
    const quote = /^\s*>\s?(.*)$/.exec(line)
    if (quote) {
      flush()
      const last = blocks.at(-1)
      if (last?.kind === 'quote' && lines[i - 1]?.trim()) last.lines.push(quote[1] as string)
      else blocks.push({ kind: 'quote', lines: [quote[1] as string] })
      continue
    }
    if (!line.trim()) {
      flush()
      continue
    }
    // an indented line right after a list item continues it
    const last = blocks.at(-1)
    if (!paragraph.length && last?.kind === 'list' && /^\s{2,}\S/.test(line) && lines[i - 1]?.trim()) {
      const lastItem = last.items.at(-1)
      if (lastItem) lastItem.text = `${lastItem.text} ${line.trim()}`
      continue
    }
    paragraph.push(line)
  }
  flush()
  return blocks
}

/**
 * Turns a Markdown or MDX file into draft sections: every heading starts a section; inside it, runs of paragraphs
 * become a text area, lists a list (a checklist when every item is `- [ ]` or `- [x]`), fenced code a code section
 * and `>` lines a quote. Text before the first heading becomes an "Introduction" section.
 */
export function importMarkdownSections(markdown: string): ContextSection[] {
  let lines = markdown
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---')
    if (end > 0) lines = lines.slice(end + 1)
  }
  lines = stripMdx(lines)

  const groups: { title: string; lines: string[] }[] = [{ title: 'Introduction', lines: [] }]
  let fence: string | undefined
  for (const line of lines) {
    const fenceMatch = /^\s*(`{3,}|~{3,})/.exec(line)
    if (fenceMatch) {
      const marker = (fenceMatch[1] as string)[0] as string
      if (!fence) fence = marker
      else if (marker === fence) fence = undefined
    }
    const heading = fence ? null : /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) groups.push({ title: (heading[2] as string).trim(), lines: [] })
    else groups.at(-1)?.lines.push(line)
  }

  const sections: ContextSection[] = []
  const id = () => crypto.randomUUID()
  for (const group of groups) {
    const title = group.title.slice(0, 300)
    let prose: string[] = []
    const flushProse = () => {
      if (prose.length)
        sections.push({ id: id(), type: 'text_area', title, content: prose.join('\n\n').slice(0, 50_000) })
      prose = []
    }
    for (const block of parseMarkdownBlocks(group.lines)) {
      if (block.kind === 'paragraph') {
        prose.push(block.text)
        continue
      }
      flushProse()
      if (block.kind === 'list') {
        const items = block.items.filter((i) => i.text).slice(0, 200)
        if (items.length && items.every((i) => i.checked !== undefined)) {
          sections.push({
            id: id(),
            type: 'checklist',
            title,
            items: items.map((i) => ({ text: i.text.slice(0, 2000), done: i.checked === true })),
          })
        } else if (items.length) {
          sections.push({ id: id(), type: 'list', title, items: items.map((i) => i.text.slice(0, 2000)) })
        }
      } else if (block.kind === 'code') {
        sections.push({
          id: id(),
          type: 'code',
          title,
          content: block.text.slice(0, 50_000),
          ...(block.language ? { language: block.language.slice(0, 40) } : {}),
        })
      } else {
        const quoteLines = block.lines.map((l) => l.trimEnd())
        const lastLine = quoteLines.at(-1)?.trim() ?? ''
        const author = /^(—|–|--)\s*(.+)$/.exec(lastLine)
        const content = (author ? quoteLines.slice(0, -1) : quoteLines).join('\n').trim()
        if (content) {
          sections.push({
            id: id(),
            type: 'quote',
            title,
            content: content.slice(0, 50_000),
            ...(author ? { author: (author[2] as string).trim().slice(0, 2000) } : {}),
          })
        }
      }
    }
    flushProse()
  }
  if (sections.length > 200) {
    throw new ValidationError('The file has more than 200 sections; split it into smaller files.', {
      file: ['Too many sections.'],
    })
  }
  return sections
}
