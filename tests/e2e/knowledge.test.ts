/**
 * The knowledge base end to end, in Chromium against `prodgy start`: an admin imports a Markdown note, a Word
 * document and a CSV (real files made here), watches them become ready in the list without reloading (the event
 * stream), finds a passage by its exact words with the search panel, and asks the CSV for a sum by group.
 * No AI provider is configured, so search is full text and says so.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { crc32 } from 'node:zlib'
import type { Page } from 'playwright-core'
import { chromiumService, completeSetup, type Platform, startPlatform } from './browser.ts'

const READY_MS = 120_000

const MARKDOWN = [
  '# Onboarding handbook',
  '',
  'New engineers pair with a buddy during their first week.',
  '',
  '## Telemetry',
  '',
  'Every quarter the platform team performs the zephyr calibration of the telemetry dashboards before the review.',
  '',
].join('\n')

const DOCX_PARAGRAPHS = [
  'Pricing principles',
  'Annual plans receive a discount of two months compared with monthly billing.',
  'Enterprise customers negotiate volume tiers with the kestrel pricing committee.',
]

const CSV = [
  'region,product,amount',
  'North,Widget,100',
  'South,Gadget,250',
  'North,Gizmo,50.5',
  'South,Widget,20',
  'East,Gadget,75',
  '',
].join('\n')

/** A ZIP with stored (uncompressed) entries: enough for a real .docx. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8')
    const fileName = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0, 6)
    local.writeUInt16LE(0, 8)
    local.writeUInt16LE(0, 10)
    local.writeUInt16LE(0x21, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(fileName.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0, 8)
    central.writeUInt16LE(0, 10)
    central.writeUInt16LE(0, 12)
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(fileName.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, fileName, data)
    centrals.push(central, fileName)
    offset += local.length + fileName.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(files).length, 8)
  end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function docx(paragraphs: string[]): Buffer {
  const header = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${xml(p)}</w:t></w:r></w:p>`).join('')
  return zip({
    '[Content_Types].xml': `${header}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    '_rels/.rels': `${header}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/document.xml': `${header}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  })
}

const FILES = [
  { name: 'onboarding.md', mimeType: 'text/markdown', buffer: Buffer.from(MARKDOWN, 'utf8') },
  {
    name: 'pricing.docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    buffer: docx(DOCX_PARAGRAPHS),
  },
  { name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') },
]

/**
 * Records every state an upload item shows (with the value it changed from) in `window.kbStates`, and sets a marker
 * a reload would wipe. A string, not a function: tsx would wrap a function's inner helpers in a `__name` call the
 * page does not have.
 */
const RECORD_UPLOAD_STATES = `
  window.kbStates = []
  window.kbNoReload = true
  new MutationObserver((mutations) => {
    const name = (element) => element.getAttribute('data-file-name') || ''
    for (const mutation of mutations) {
      const target = mutation.target
      if (mutation.type === 'attributes' && target.getAttribute('data-testid') === 'kb-upload-item') {
        window.kbStates.push(name(target) + ':' + mutation.oldValue, name(target) + ':' + target.getAttribute('data-state'))
      }
      for (const node of mutation.addedNodes) {
        if (!(node instanceof Element)) continue
        for (const item of [node, ...node.querySelectorAll('[data-testid="kb-upload-item"]')]) {
          if (item.getAttribute('data-testid') === 'kb-upload-item') {
            window.kbStates.push(name(item) + ':' + item.getAttribute('data-state'))
          }
        }
      }
    }
  }).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ['data-state'],
  })
`

describe('the knowledge base in Chromium', { skip: chromiumService.skip }, () => {
  let platform: Platform
  let page: Page

  before(async () => {
    platform = await startPlatform()
    ;({ page } = await platform.newPage())
  })
  after(async () => {
    await platform?.close()
  })

  it('opens the knowledge base of the current workspace from the sidebar', async () => {
    await completeSetup(page)

    await page.getByTestId('nav-knowledge').click()
    await page.getByTestId('kb-page').waitFor()
    assert.match(page.url(), /\/workspaces\/[0-9a-f-]{36}\/knowledge/)
    // a Super Admin sees the four tabs
    for (const tab of ['overview', 'storage', 'contexts', 'embeddings']) {
      await page.getByTestId(`kb-tab-${tab}`).waitFor()
    }
    await page.getByTestId('kb-tab-storage').click()
    assert.match(page.url(), /tab=storage/)
    await page.getByTestId('kb-documents-empty').waitFor()
    // the progress feed is connected (fetch-based SSE with the bearer token)
    await page.locator('[data-testid="kb-live-status"][data-state="live"]').waitFor()
  })

  it('imports a Markdown note, a Word document and a CSV and shows them reach "ready" live', {
    timeout: 180_000,
  }, async () => {
    // every state an upload shows, recorded in the page (with the values it changed from), and a marker that a
    // reload would wipe: the states must arrive without one
    await page.evaluate(RECORD_UPLOAD_STATES)

    await page.getByTestId('kb-import-open').click()
    const dialog = page.getByTestId('kb-import-dialog')
    await dialog.waitFor()
    await page.getByTestId('kb-import-file-input').setInputFiles(FILES)
    // a file the importer does not take is refused before sending
    await page
      .getByTestId('kb-import-file-input')
      .setInputFiles([{ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') }])
    await page.locator('[data-testid="kb-upload-item"][data-file-name="tool.exe"][data-state="rejected"]').waitFor()
    await page
      .locator('[data-testid="kb-upload-item"][data-file-name="tool.exe"]')
      .getByTestId('kb-upload-item-remove')
      .click()
    assert.equal(await page.locator('[data-testid="kb-upload-item"][data-state="pending"]').count(), 3)
    // with several files the name field is off: each keeps its file name
    assert.equal(await page.getByTestId('kb-import-name').isDisabled(), true)

    await page.getByTestId('kb-import-source').fill('Handbook')
    await page.getByTestId('kb-import-language').fill('en')
    await page.getByTestId('kb-import-tags').fill('e2e, internal')
    await page.getByTestId('kb-import-submit').click()

    for (const file of FILES) {
      await page
        .locator(`[data-testid="kb-upload-item"][data-file-name="${file.name}"][data-state="ready"]`)
        .waitFor({ timeout: READY_MS })
    }
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    for (const file of FILES) {
      const row = page.getByTestId('kb-document-row').filter({ hasText: file.name })
      await row.and(page.locator('[data-status="ready"]')).waitFor({ timeout: READY_MS })
      assert.match((await row.getByTestId('kb-document-tags').textContent()) ?? '', /Handbook.*#e2e.*#internal/)
    }
    const csvRow = page.getByTestId('kb-document-row').filter({ hasText: 'sales.csv' })
    // 5 data rows are kept for queries
    await page.waitForFunction(
      () =>
        /\/\s*5\b/.test(
          [...document.querySelectorAll('[data-testid="kb-document-row"]')]
            .find((row) => row.textContent?.includes('sales.csv'))
            ?.querySelector('[data-testid="kb-document-counts"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 15_000 },
    )
    assert.equal(await csvRow.getByTestId('kb-document-format').textContent(), 'csv')

    const { states, noReload } = await page.evaluate(() => {
      const w = window as unknown as { kbStates: string[]; kbNoReload?: boolean }
      return { states: w.kbStates, noReload: w.kbNoReload === true }
    })
    assert.ok(noReload, 'the page was not reloaded')
    for (const file of FILES) {
      // sent, then followed through the pipeline (`processing`) until the event stream said ready
      for (const state of ['uploading', 'processing', 'ready']) {
        assert.ok(states.includes(`${file.name}:${state}`), `${file.name} was ${state}: ${states.join(', ')}`)
      }
    }
    assert.equal(await page.getByTestId('kb-live-status').getAttribute('data-state'), 'live')
  })

  it('answers a second copy of a file with the document it duplicates', async () => {
    await page.getByTestId('kb-import-open').click()
    await page.getByTestId('kb-import-file-input').setInputFiles([FILES[0] as (typeof FILES)[number]])
    await page.getByTestId('kb-import-submit').click()
    const item = page.locator('[data-testid="kb-upload-item"][data-file-name="onboarding.md"][data-state="error"]')
    await item.waitFor()
    assert.match(
      (await item.getByTestId('kb-upload-item-error').textContent()) ?? '',
      /Already in the knowledge base as "onboarding\.md"/,
    )
    await page.getByTestId('kb-import-cancel').click()
    await page.getByTestId('kb-import-dialog').waitFor({ state: 'hidden' })
  })

  it('finds a passage by its exact words with the search panel', async () => {
    await page.getByTestId('kb-search-query').fill('zephyr calibration of the telemetry dashboards')
    await page.getByTestId('kb-search-submit').click()
    await page.getByTestId('kb-search-results').waitFor()
    // no embedding provider: full text, and the page says why
    await page.getByTestId('kb-search-notice').waitFor()
    assert.match((await page.getByTestId('kb-search-notice').textContent()) ?? '', /Full-text search only/)
    const first = page.getByTestId('kb-search-hit').first()
    assert.equal(await first.getByTestId('kb-search-hit-document').textContent(), 'onboarding.md')
    const text = first.getByTestId('kb-search-hit-text')
    assert.match((await text.textContent()) ?? '', /zephyr calibration of the telemetry dashboards/)
    assert.ok((await text.locator('mark').count()) > 0, 'the query words are highlighted')
    assert.match((await first.getByTestId('kb-search-hit-badges').textContent()) ?? '', /Handbook/)

    await page.getByTestId('kb-search-query').fill('kestrel pricing committee')
    await page.getByTestId('kb-search-submit').click()
    await page
      .getByTestId('kb-search-hit')
      .first()
      .getByTestId('kb-search-hit-document')
      .filter({ hasText: 'pricing.docx' })
      .waitFor()
  })

  it('sums the CSV amounts by region in the Query rows dialog', async () => {
    const row = page.getByTestId('kb-document-row').filter({ hasText: 'sales.csv' })
    await row.getByTestId('kb-document-query').click()
    const dialog = page.getByTestId('kb-query-dialog')
    await dialog.waitFor()
    // the column names are read from the sheet's header
    await page.getByTestId('kb-query-columns').filter({ hasText: 'amount' }).waitFor()
    await page.getByTestId('kb-query-group-by').first().fill('region')
    await page.getByTestId('kb-query-aggregate-fn').first().selectOption('sum')
    await page.getByTestId('kb-query-aggregate-column').first().fill('amount')
    await page.getByTestId('kb-query-order').selectOption('sum_amount')
    await page.getByTestId('kb-query-submit').click()
    await page.getByTestId('kb-query-results').waitFor()
    const rows = await page
      .getByTestId('kb-query-result-row')
      .evaluateAll((elements) =>
        elements.map((tr) => [
          tr.querySelector('[data-column="region"]')?.getAttribute('data-value'),
          Number(tr.querySelector('[data-column="sum_amount"]')?.getAttribute('data-value')),
        ]),
      )
    assert.deepEqual(rows, [
      ['South', 270],
      ['North', 150.5],
      ['East', 75],
    ])
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
  })
})
