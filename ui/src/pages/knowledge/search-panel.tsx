import { A } from '@solidjs/router'
import { createSignal, For, type JSX, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { Alert, FormError } from '../../components/alert.tsx'
import { Badge } from '../../components/badge.tsx'
import { Button } from '../../components/button.tsx'
import { Card, EmptyState } from '../../components/card.tsx'
import { inputClass, TextField } from '../../components/field.tsx'
import { Search } from '../../components/icons.ts'
import * as api from '../../lib/api.ts'
import type { SearchMode, SearchResult } from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { createFormState } from '../../lib/form.ts'
import { session } from '../../lib/session.ts'
import { metadataBadges, splitList } from './labels.ts'

export const FULL_TEXT_ONLY = 'Full-text search only: configure an embedding provider in Admin → AI provider'

const STOP_WORDS = new Set(['the', 'and', 'for', 'with', 'from', 'that', 'this', 'are', 'was', 'des', 'les', 'une'])

/** The words of a query worth marking: three letters or more, common short words left out. */
function queryWords(query: string): string[] {
  return [
    ...new Set(
      query
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= 3 && !STOP_WORDS.has(w)),
    ),
  ]
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The part of a passage around what was asked: the exact phrase if it is there, else the longest word found, with
 * an ellipsis on each cut side. Short passages come back whole.
 */
export function excerpt(text: string, query: string, length = 360): string {
  if (text.length <= length) return text
  const lower = text.toLowerCase()
  const phrase = query.trim().toLowerCase()
  let at = phrase ? lower.indexOf(phrase) : -1
  if (at < 0) {
    const found = queryWords(query)
      .sort((a, b) => b.length - a.length)
      .map((w) => lower.indexOf(w))
      .find((i) => i >= 0)
    at = found ?? 0
  }
  let start = Math.max(0, at - Math.floor(length / 3))
  let end = Math.min(text.length, start + length)
  start = Math.max(0, end - length)
  // cut between words
  if (start > 0) start = text.indexOf(' ', start) + 1 || start
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`
}

/** Splits `text` around the words of `query` (case-insensitive), for `<mark>`. */
export function highlight(text: string, query: string): JSX.Element[] {
  const words = queryWords(query)
  if (words.length === 0) return [text]
  const pattern = new RegExp(`(${words.map(escapeRegExp).join('|')})`, 'giu')
  return text
    .split(pattern)
    .map((part, index) =>
      index % 2 === 1 ? (
        <mark class="rounded-sm bg-amber-200/70 px-0.5 text-inherit dark:bg-amber-500/30">{part}</mark>
      ) : (
        part
      ),
    )
}

/** Storage → Search: query the knowledge base the way agents do, with the same filters. */
export function SearchPanel(props: { workspaceId: string }) {
  const [values, setValues] = createStore({
    query: '',
    mode: 'hybrid' as SearchMode,
    source: '',
    tags: '',
    language: '',
  })
  const form = createFormState(values)
  const [result, setResult] = createSignal<(SearchResult & { asked: string }) | null>(null)

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const query = values.query.trim()
    if (!query) return form.fail({ query: ['Type something to search for.'] })
    const source = splitList(values.source)
    const tags = splitList(values.tags)
    const language = splitList(values.language)
    await form.submit(async () => {
      const answer = await api.searchKnowledge(props.workspaceId, {
        query,
        mode: values.mode,
        limit: 10,
        filters: {
          ...(source.length ? { source } : {}),
          ...(tags.length ? { tags } : {}),
          ...(language.length ? { language } : {}),
        },
      })
      setResult({ ...answer, asked: query })
    })
  }

  return (
    <Card
      title="Search"
      description="Find passages the way agents and MCP clients do: hybrid (meaning and words) or full text."
      testId="kb-search-card"
    >
      <form onSubmit={submit} novalidate class="space-y-4" aria-label="Search the knowledge base">
        <div class="flex flex-wrap items-start gap-3">
          <div class="min-w-64 flex-1">
            <label for="kb-search-query" class="sr-only">
              Search the knowledge base
            </label>
            <div class="relative">
              <Search
                class="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
                aria-hidden="true"
              />
              <input
                id="kb-search-query"
                type="search"
                value={values.query}
                onInput={(event) => setValues('query', event.currentTarget.value)}
                placeholder="What did the customer interviews say about pricing?"
                aria-invalid={form.fieldError('query') ? true : undefined}
                aria-describedby={form.fieldError('query') ? 'kb-search-query-error' : undefined}
                data-testid="kb-search-query"
                class={cx(inputClass, 'pl-9')}
              />
            </div>
            <Show when={form.fieldError('query')}>
              {(errors) => (
                <p
                  id="kb-search-query-error"
                  data-testid="kb-search-query-error"
                  class="mt-1.5 text-xs text-red-600 dark:text-red-400"
                >
                  {errors().join(' ')}
                </p>
              )}
            </Show>
          </div>
          <div class="w-40">
            <label for="kb-search-mode" class="sr-only">
              Mode
            </label>
            <select
              id="kb-search-mode"
              value={values.mode}
              onChange={(event) => setValues('mode', event.currentTarget.value as SearchMode)}
              data-testid="kb-search-mode"
              class={cx(inputClass, 'pr-8')}
            >
              <option value="hybrid">Hybrid</option>
              <option value="text">Text</option>
            </select>
          </div>
          <Button type="submit" variant="primary" loading={form.pending()} data-testid="kb-search-submit">
            Search
          </Button>
        </div>
        <details class="group">
          <summary class="w-fit text-xs font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
            Filters
          </summary>
          <div class="mt-3 grid gap-4 sm:grid-cols-3">
            <TextField
              id="kb-search-source"
              label="Source"
              optional
              value={values.source}
              onValue={(v) => setValues('source', v)}
              testId="kb-search-source"
              hint="Comma-separated."
              error={form.fieldError('filters.source')}
            />
            <TextField
              id="kb-search-tags"
              label="Tags"
              optional
              value={values.tags}
              onValue={(v) => setValues('tags', v)}
              testId="kb-search-tags"
              hint="Any of them."
              error={form.fieldError('filters.tags')}
            />
            <TextField
              id="kb-search-language"
              label="Language"
              optional
              value={values.language}
              onValue={(v) => setValues('language', v)}
              testId="kb-search-language"
              placeholder="en-US"
              error={form.fieldError('filters.language')}
            />
          </div>
        </details>
        <FormError message={form.error()} testId="kb-search-error" />
      </form>

      <Show when={result()}>
        {(answer) => (
          <div class="mt-5 space-y-3" data-testid="kb-search-results" data-mode={answer().mode}>
            <Show when={answer().notice}>
              {(notice) => (
                <Alert tone="warning" testId="kb-search-notice" title={FULL_TEXT_ONLY}>
                  {notice()}{' '}
                  <Show when={session.isAdmin()}>
                    <A
                      href="/admin?tab=ai-provider"
                      class="font-medium underline underline-offset-2"
                      data-testid="kb-search-notice-link"
                    >
                      Open AI provider settings
                    </A>
                  </Show>
                </Alert>
              )}
            </Show>
            <Show
              when={answer().hits.length > 0}
              fallback={
                <EmptyState
                  testId="kb-search-empty"
                  icon={<Search class="size-5" />}
                  title="Nothing found"
                  description="Try other words, fewer filters, or check that the documents are ready."
                />
              }
            >
              <p class="text-xs text-zinc-500 dark:text-zinc-400">
                {answer().hits.length} passage{answer().hits.length === 1 ? '' : 's'} ·{' '}
                {answer().mode === 'hybrid' ? 'hybrid ranking' : answer().mode === 'text' ? 'full text' : 'vectors'}
              </p>
              <ol class="space-y-3">
                <For each={answer().hits}>
                  {(hit) => (
                    <li
                      class="rounded-lg border border-zinc-200 p-3.5 dark:border-zinc-800"
                      data-testid="kb-search-hit"
                      data-document-id={hit.documentId}
                      data-chunk-id={hit.chunkId}
                    >
                      <div class="flex flex-wrap items-baseline justify-between gap-2">
                        <p class="font-medium text-zinc-900 dark:text-zinc-100" data-testid="kb-search-hit-document">
                          {hit.documentName}
                        </p>
                        <span
                          class="font-mono text-xs text-zinc-500 tabular-nums dark:text-zinc-400"
                          data-testid="kb-search-hit-score"
                          title={[
                            hit.ranks.text ? `full-text rank ${hit.ranks.text}` : '',
                            hit.ranks.vector ? `vector rank ${hit.ranks.vector}` : '',
                          ]
                            .filter(Boolean)
                            .join(', ')}
                        >
                          score {hit.score.toFixed(4)}
                        </span>
                      </div>
                      <HitText content={hit.content} query={answer().asked} />
                      <Show when={metadataBadges(hit.metadata).length > 0}>
                        <div class="mt-2 flex flex-wrap gap-1" data-testid="kb-search-hit-badges">
                          <For each={metadataBadges(hit.metadata)}>
                            {(badge) => <Badge tone={badge.key === 'tag' ? 'brand' : 'gray'}>{badge.label}</Badge>}
                          </For>
                        </div>
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </div>
        )}
      </Show>
    </Card>
  )
}

/** The passage around the match, with the whole chunk one click away. */
function HitText(props: { content: string; query: string }) {
  const [whole, setWhole] = createSignal(false)
  const short = () => excerpt(props.content, props.query)
  const cut = () => short() !== props.content
  return (
    <>
      <p class="mt-1.5 text-sm whitespace-pre-line text-zinc-700 dark:text-zinc-300" data-testid="kb-search-hit-text">
        {highlight(whole() ? props.content : short(), props.query)}
      </p>
      <Show when={cut()}>
        <button
          type="button"
          class="mt-1 text-xs font-medium text-brand-600 hover:underline dark:text-brand-400"
          aria-expanded={whole()}
          onClick={() => setWhole(!whole())}
          data-testid="kb-search-hit-expand"
        >
          {whole() ? 'Show less' : 'Show the whole passage'}
        </button>
      </Show>
    </>
  )
}
