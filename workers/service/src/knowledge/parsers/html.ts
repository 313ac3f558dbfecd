/**
 * HTML pages: linkedom builds the tree (no scripts run, nothing is fetched), Mozilla Readability finds the main
 * content, and the block walker keeps its headings, lists and tables. Readability is only trusted when it keeps at
 * least half of the page's text: an exported document, a table page or a wiki export is all content, and losing
 * part of it to boilerplate removal is worse than keeping a menu.
 */
import { Readability } from '@mozilla/readability'
import { type Block, decodeText, type ParsedDocument } from '@prodgy/core'
import { parseHTML } from 'linkedom'
import { htmlToBlocks } from './html-blocks.ts'
import type { ParseBudget } from './limits.ts'

const textLength = (blocks: Block[]) =>
  blocks.reduce((sum, block) => {
    switch (block.kind) {
      case 'list':
        return sum + block.items.join(' ').length
      case 'table':
        return sum + [...block.header, ...block.rows.flat()].join(' ').length
      default:
        return sum + block.text.length
    }
  }, 0)

export function parseHtml(bytes: Uint8Array, budget: ParseBudget): ParsedDocument {
  const html = budget.text(decodeText(bytes))
  // The walkers count text again per block; the page itself is already counted, so they get a clock-only budget.
  const walker = {
    text: (value: string) => value,
    checkTime: () => budget.checkTime(),
    limit: budget.limit,
  } as ParseBudget
  const page = parseHTML(html).document
  const full = htmlToBlocks((page.body ?? page.documentElement) as unknown as Element, walker)
  const pageTitle = page.querySelector('title')?.textContent?.replace(/\s+/g, ' ').trim() || undefined

  let blocks = full
  let title = pageTitle
  budget.checkTime()
  try {
    // Readability changes the tree it reads, so it gets its own copy; classes stay so code keeps its language.
    const article = new Readability(parseHTML(html).document as unknown as Document, {
      charThreshold: 0,
      keepClasses: true,
    }).parse()
    if (article?.content) {
      const content = parseHTML(`<!DOCTYPE html><html><body>${article.content}</body></html>`).document
      const main = htmlToBlocks(content.body as unknown as Element, walker)
      if (main.length > 0 && textLength(main) >= textLength(full) / 2) {
        blocks = main
        title = article.title?.replace(/\s+/g, ' ').trim() || pageTitle
        // Readability lifts the page's main heading into the title; put it back so chunks carry it as their path.
        const lifted = full.find((block) => block.kind === 'heading' && block.level === 1)
        const kept = main.some(
          (block) => block.kind === 'heading' && lifted?.kind === 'heading' && block.text === lifted.text,
        )
        if (lifted && !kept) blocks = [lifted, ...blocks]
      }
    }
  } catch {
    // Readability is a refinement: on a page it cannot read, the whole page is the content.
  }
  return { format: 'html', blocks, ...(title ? { title } : {}) }
}
