/**
 * The knowledge base with an AI provider, end to end: an admin points the organization at an OpenAI-compatible
 * server (the local test server, whose deterministic embeddings place synonyms together), uploads a real PDF,
 * watches it become ready, and finds its passage with a question that shares none of its key words.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type OpenAiTestServer, startOpenAiTestServer } from '@prodgy/core/testing/openai-test-server'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import type { Page } from 'playwright-core'
import { chromiumService, completeSetup, type Platform, startPlatform } from './browser.ts'

async function makePdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create()
  const font = await pdf.embedFont(StandardFonts.Helvetica)
  const page = pdf.addPage([595, 842])
  const lines = [
    'Returns policy',
    'A customer who is unhappy may ask for a refund within thirty days.',
    'Shipping to islands takes two extra days.',
  ]
  lines.forEach((line, i) => {
    page.drawText(line, { x: 50, y: 780 - i * 24, size: i === 0 ? 18 : 12, font })
  })
  return Buffer.from(await pdf.save())
}

describe('hybrid search with an AI provider in Chromium', { skip: chromiumService.skip }, () => {
  let platform: Platform
  let ai: OpenAiTestServer
  let page: Page

  before(async () => {
    ai = await startOpenAiTestServer({ dimensions: 64 })
    platform = await startPlatform()
    ;({ page } = await platform.newPage())
  })
  after(async () => {
    await platform?.close()
    await ai?.close()
  })

  it('sets up and configures the organization’s AI provider, which is checked before it is saved', async () => {
    await completeSetup(page)

    await page.goto('/admin?tab=ai-provider')
    await page.getByTestId('ai-provider-provider').selectOption('openai_compatible')
    await page.getByTestId('ai-provider-base-url').fill(ai.url)
    await page.getByTestId('ai-provider-embedding-model').fill('test-embed')
    await page.getByTestId('ai-provider-api-key').fill(ai.apiKey)
    await page.getByTestId('ai-provider-save').click()
    await page.getByTestId('ai-provider-key-saved').waitFor()
    assert.ok(ai.calls.embeddings >= 1, 'the provider was checked with an embedding')
    assert.equal((await page.content()).includes(ai.apiKey), false)
  })

  it('ingests a PDF with embeddings and finds it by meaning, not by words', { timeout: 180_000 }, async () => {
    await page.getByTestId('nav-knowledge').click()
    await page.getByTestId('kb-tab-storage').click()
    await page.getByTestId('kb-import-open').click()
    await page
      .getByTestId('kb-import-file-input')
      .setInputFiles([{ name: 'returns.pdf', mimeType: 'application/pdf', buffer: await makePdf() }])
    await page.getByTestId('kb-import-submit').click()
    await page
      .locator('[data-testid="kb-upload-item"][data-file-name="returns.pdf"][data-state="ready"]')
      .waitFor({ timeout: 120_000 })
    await page.keyboard.press('Escape')

    // "client", "reimbursement" and "month" appear nowhere in the PDF; the embeddings know their synonyms
    await page.getByTestId('kb-search-query').fill('can a client get a reimbursement')
    await page.getByTestId('kb-search-submit').click()
    await page.getByTestId('kb-search-results').waitFor()
    const first = page.getByTestId('kb-search-hit').first()
    await first.waitFor()
    assert.equal(await first.getByTestId('kb-search-hit-document').textContent(), 'returns.pdf')
    assert.match((await first.getByTestId('kb-search-hit-text').textContent()) ?? '', /refund within thirty days/)
    assert.equal(await page.getByTestId('kb-search-notice').count(), 0, 'hybrid search needs no notice')
  })
})
