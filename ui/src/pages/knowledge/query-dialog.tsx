import { createSignal, For, Index, Show } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import { FormError } from '../../components/alert.tsx'
import { Button, IconButton } from '../../components/button.tsx'
import { Dialog, onDialogOpen } from '../../components/dialog.tsx'
import { inlineInputClass, inputClass } from '../../components/field.tsx'
import { Plus, X } from '../../components/icons.ts'
import { Table, tdClass, trClass } from '../../components/table.tsx'
import * as api from '../../lib/api.ts'
import type {
  CellValue,
  KnowledgeDocument,
  QueryAggregate,
  QueryCondition,
  QueryOperator,
  StructuredQueryResult,
} from '../../lib/api-types.ts'
import { cx } from '../../lib/cx.ts'
import { createQuery } from '../../lib/query.ts'

type AggregateFn = QueryAggregate['fn']

const aggregateLabels: Record<AggregateFn, string> = {
  count: 'Count',
  sum: 'Sum',
  avg: 'Average',
  min: 'Minimum',
  max: 'Maximum',
}

const operatorLabels: Record<QueryOperator, string> = {
  eq: '=',
  neq: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  contains: 'contains',
  in: 'is one of',
}

const NUMBER = /^\s*[-+]?\d+(\.\d+)?([eE][-+]?\d{1,3})?\s*$/
const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 })

/** The name an aggregate answers under, as the server names it (`count`, `sum_amount`, …). */
function aggregateName(aggregate: { fn: AggregateFn; column: string }): string {
  return aggregate.column.trim() ? `${aggregate.fn}_${aggregate.column.trim()}` : aggregate.fn
}

function toValue(op: QueryOperator, raw: string): QueryCondition['value'] {
  if (op === 'in') {
    const items = raw
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
    return items.length > 0 && items.every((v) => NUMBER.test(v)) ? items.map(Number) : items
  }
  if (op !== 'contains' && NUMBER.test(raw)) return Number(raw)
  return raw
}

function formatCell(value: CellValue): string {
  if (value === null) return '—'
  if (typeof value === 'number') return numberFormat.format(value)
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  return value
}

interface Discovered {
  sheets: string[]
  columns: Record<string, string[]>
}

/** Splits a Markdown table row `| a | b\| c |` into cells. */
function tableCells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

/**
 * The sheets and column names of a spreadsheet, read from its chunks: each starts with `Sheet: <name>` and the
 * header row (or `column: value` records for very wide sheets). Best effort; people can always type a name.
 */
async function discoverColumns(workspaceId: string, documentId: string): Promise<Discovered> {
  const found: Discovered = { sheets: [], columns: {} }
  const result = await api.searchKnowledge(workspaceId, {
    query: 'sheet',
    mode: 'text',
    limit: 50,
    filters: { documentIds: [documentId] },
  })
  for (const hit of result.hits) {
    const lines = hit.content.split('\n')
    const title = /^Sheet: (.*?)(, row \d+)?$/.exec(lines[0] ?? '')
    const sheet = typeof hit.metadata.sheet === 'string' ? hit.metadata.sheet : title?.[1]
    if (!sheet) continue
    if (!found.sheets.includes(sheet)) found.sheets.push(sheet)
    const known = found.columns[sheet] ?? []
    const body = lines.slice(1).find((line) => line.trim() !== '') ?? ''
    let columns: string[] = []
    if (body.startsWith('|')) columns = tableCells(body)
    else if (title?.[2]) columns = body.split('; ').map((pair) => pair.slice(0, Math.max(0, pair.indexOf(':'))).trim())
    for (const column of columns) if (column && !known.includes(column)) known.push(column)
    found.columns[sheet] = known
  }
  return found
}

interface QueryForm {
  sheet: string
  groupBy: string[]
  aggregates: { fn: AggregateFn; column: string }[]
  where: { column: string; op: QueryOperator; value: string }[]
  orderKey: string
  direction: 'asc' | 'desc'
  limit: string
}

const initial = (): QueryForm => ({
  sheet: '',
  groupBy: [''],
  aggregates: [{ fn: 'count', column: '' }],
  where: [],
  orderKey: '',
  direction: 'desc',
  limit: '100',
})

/** Counts, sums, averages, minimums and maximums over a ready spreadsheet's rows, grouped and filtered. */
export function QueryDialog(props: { document: KnowledgeDocument | null; workspaceId: string; onClose: () => void }) {
  const [form, setForm] = createStore<QueryForm>(initial())
  const [result, setResult] = createSignal<StructuredQueryResult | null>(null)
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [fields, setFields] = createSignal<Record<string, string[]>>({})
  const [extraSheets, setExtraSheets] = createSignal<string[]>([])

  const discovered = createQuery(
    () => props.document?.id,
    (documentId) => discoverColumns(props.workspaceId, documentId),
  )
  const sheets = () => [...new Set([...(discovered.data()?.sheets ?? []), ...extraSheets()])]
  const columns = () => {
    const data = discovered.data()
    if (!data) return []
    const sheet = form.sheet.trim() || data.sheets[0] || ''
    return data.columns[sheet] ?? []
  }

  onDialogOpen(
    () => props.document,
    () => {
      setForm(initial())
      setResult(null)
      setError(null)
      setFields({})
      setExtraSheets([])
    },
  )
  const fieldErrors = (prefix: string) =>
    Object.entries(fields())
      .filter(([key]) => key === prefix || key.startsWith(`${prefix}.`))
      .flatMap(([, list]) => list)

  const outputNames = () => [
    ...form.groupBy.map((c) => c.trim()).filter(Boolean),
    ...form.aggregates.map(aggregateName),
  ]

  const submit = async (event: SubmitEvent) => {
    event.preventDefault()
    const document = props.document
    if (!document || pending()) return
    const local: Record<string, string[]> = {}
    form.aggregates.forEach((aggregate, i) => {
      if (aggregate.fn !== 'count' && !aggregate.column.trim()) {
        local[`aggregates.${i}.column`] = [`${aggregateLabels[aggregate.fn]} needs a column.`]
      }
    })
    form.where.forEach((condition, i) => {
      if (!condition.column.trim()) local[`where.${i}.column`] = ['Choose a column, or remove this filter.']
    })
    const limit = Number(form.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) local.limit = ['A whole number from 1 to 1000.']
    if (Object.keys(local).length) {
      setFields(local)
      setError('Correct the highlighted parts of the query.')
      return
    }
    setPending(true)
    setError(null)
    setFields({})
    try {
      const answer = await api.queryKnowledgeRows({
        workspaceId: props.workspaceId,
        documentId: document.id,
        ...(form.sheet.trim() ? { sheet: form.sheet.trim() } : {}),
        groupBy: form.groupBy.map((c) => c.trim()).filter(Boolean),
        aggregates: form.aggregates.map((a) => ({
          fn: a.fn,
          ...(a.column.trim() ? { column: a.column.trim() } : {}),
        })),
        where: form.where.map((w) => ({ column: w.column.trim(), op: w.op, value: toValue(w.op, w.value) })),
        orderBy: form.orderKey ? [{ key: form.orderKey, direction: form.direction }] : [],
        limit,
      })
      setResult(answer)
    } catch (thrown) {
      const apiError = api.toApiError(thrown)
      setFields(apiError.fields)
      setError(apiError.message)
      const named = apiError.details?.sheets
      if (Array.isArray(named)) setExtraSheets(named.map(String))
    } finally {
      setPending(false)
    }
  }

  const rowError = (prefix: string) => (
    <Show when={fieldErrors(prefix).length > 0}>
      <p class="text-xs text-red-600 dark:text-red-400" data-testid="kb-query-field-error">
        {fieldErrors(prefix).join(' ')}
      </p>
    </Show>
  )

  return (
    <Dialog
      open={props.document !== null}
      onClose={props.onClose}
      title={`Query rows of ${props.document?.name ?? 'the spreadsheet'}`}
      description="Totals computed over the real rows, not estimated from text. Column names are matched exactly."
      testId="kb-query-dialog"
      size="lg"
    >
      <form onSubmit={submit} novalidate class="space-y-5">
        <datalist id="kb-query-columns-list">
          <For each={columns()}>{(column) => <option value={column} />}</For>
        </datalist>
        <datalist id="kb-query-sheets-list">
          <For each={sheets()}>{(sheet) => <option value={sheet} />}</For>
        </datalist>

        <div class="grid gap-4 sm:grid-cols-[1fr_2fr]">
          <div class="space-y-1.5">
            <label for="kb-query-sheet" class="block text-sm font-medium">
              Sheet <span class="font-normal text-zinc-400">(optional)</span>
            </label>
            <input
              id="kb-query-sheet"
              list="kb-query-sheets-list"
              value={form.sheet}
              onInput={(event) => setForm('sheet', event.currentTarget.value)}
              placeholder={sheets()[0] ?? 'The only sheet'}
              data-testid="kb-query-sheet"
              class={inputClass}
              autocomplete="off"
            />
            {rowError('sheet')}
          </div>
          <div class="space-y-1.5 text-sm">
            <p class="font-medium">Columns</p>
            <p class="text-xs text-zinc-500 dark:text-zinc-400" data-testid="kb-query-columns">
              <Show
                when={columns().length > 0}
                fallback={discovered.loading() ? 'Reading the header…' : 'Type the column names as in the header.'}
              >
                {columns().join(' · ')}
              </Show>
            </p>
          </div>
        </div>

        <fieldset class="space-y-2">
          <legend class="mb-1 text-sm font-medium">Group by</legend>
          <Index each={form.groupBy}>
            {(column, i) => (
              <div class="flex items-center gap-2">
                <label for={`kb-query-group-by-${i}`} class="sr-only">
                  Group-by column {i + 1}
                </label>
                <input
                  id={`kb-query-group-by-${i}`}
                  list="kb-query-columns-list"
                  value={column()}
                  onInput={(event) => setForm('groupBy', i, event.currentTarget.value)}
                  placeholder="No grouping: one total"
                  data-testid="kb-query-group-by"
                  class={inputClass}
                  autocomplete="off"
                />
                <IconButton
                  label={`Remove group-by column ${i + 1}`}
                  onClick={() => setForm('groupBy', (list) => list.filter((_, j) => j !== i))}
                  data-testid="kb-query-group-by-remove"
                >
                  <X class="size-4" aria-hidden="true" />
                </IconButton>
              </div>
            )}
          </Index>
          {rowError('groupBy')}
          <Show when={form.groupBy.length < 5}>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setForm('groupBy', (list) => [...list, ''])}
              data-testid="kb-query-group-by-add"
            >
              <Plus class="size-3.5" aria-hidden="true" />
              Group by another column
            </Button>
          </Show>
        </fieldset>

        <fieldset class="space-y-2">
          <legend class="mb-1 text-sm font-medium">Aggregates</legend>
          <Index each={form.aggregates}>
            {(aggregate, i) => (
              <div class="space-y-1">
                <div class="flex items-center gap-2">
                  <label for={`kb-query-aggregate-fn-${i}`} class="sr-only">
                    Aggregate {i + 1}
                  </label>
                  <select
                    id={`kb-query-aggregate-fn-${i}`}
                    value={aggregate().fn}
                    onChange={(event) => setForm('aggregates', i, 'fn', event.currentTarget.value as AggregateFn)}
                    data-testid="kb-query-aggregate-fn"
                    class={cx(inlineInputClass, 'w-36 shrink-0 pr-8')}
                  >
                    <For each={Object.entries(aggregateLabels)}>
                      {([value, label]) => <option value={value}>{label}</option>}
                    </For>
                  </select>
                  <span class="text-xs text-zinc-500">of</span>
                  <label for={`kb-query-aggregate-column-${i}`} class="sr-only">
                    Column of aggregate {i + 1}
                  </label>
                  <input
                    id={`kb-query-aggregate-column-${i}`}
                    list="kb-query-columns-list"
                    value={aggregate().column}
                    onInput={(event) => setForm('aggregates', i, 'column', event.currentTarget.value)}
                    placeholder={aggregate().fn === 'count' ? 'all rows' : 'a numeric column'}
                    data-testid="kb-query-aggregate-column"
                    class={inputClass}
                    autocomplete="off"
                  />
                  <IconButton
                    label={`Remove aggregate ${i + 1}`}
                    disabled={form.aggregates.length === 1}
                    onClick={() => setForm('aggregates', (list) => list.filter((_, j) => j !== i))}
                    data-testid="kb-query-aggregate-remove"
                  >
                    <X class="size-4" aria-hidden="true" />
                  </IconButton>
                </div>
                {rowError(`aggregates.${i}`)}
              </div>
            )}
          </Index>
          <Show when={form.aggregates.length < 10}>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setForm('aggregates', (list) => [...list, { fn: 'sum', column: '' }])}
              data-testid="kb-query-aggregate-add"
            >
              <Plus class="size-3.5" aria-hidden="true" />
              Add an aggregate
            </Button>
          </Show>
        </fieldset>

        <fieldset class="space-y-2">
          <legend class="mb-1 text-sm font-medium">Filters</legend>
          <Index each={form.where}>
            {(condition, i) => (
              <div class="space-y-1">
                <div class="flex items-center gap-2">
                  <label for={`kb-query-filter-column-${i}`} class="sr-only">
                    Filter {i + 1} column
                  </label>
                  <input
                    id={`kb-query-filter-column-${i}`}
                    list="kb-query-columns-list"
                    value={condition().column}
                    onInput={(event) => setForm('where', i, 'column', event.currentTarget.value)}
                    placeholder="Column"
                    data-testid="kb-query-filter-column"
                    class={inputClass}
                    autocomplete="off"
                  />
                  <label for={`kb-query-filter-op-${i}`} class="sr-only">
                    Filter {i + 1} operator
                  </label>
                  <select
                    id={`kb-query-filter-op-${i}`}
                    value={condition().op}
                    onChange={(event) => setForm('where', i, 'op', event.currentTarget.value as QueryOperator)}
                    data-testid="kb-query-filter-op"
                    class={cx(inlineInputClass, 'w-32 shrink-0 pr-8')}
                  >
                    <For each={Object.entries(operatorLabels)}>
                      {([value, label]) => <option value={value}>{label}</option>}
                    </For>
                  </select>
                  <label for={`kb-query-filter-value-${i}`} class="sr-only">
                    Filter {i + 1} value
                  </label>
                  <input
                    id={`kb-query-filter-value-${i}`}
                    value={condition().value}
                    onInput={(event) => setForm('where', i, 'value', event.currentTarget.value)}
                    placeholder={condition().op === 'in' ? 'a, b, c' : 'Value'}
                    data-testid="kb-query-filter-value"
                    class={inputClass}
                  />
                  <IconButton
                    label={`Remove filter ${i + 1}`}
                    onClick={() => setForm('where', (list) => list.filter((_, j) => j !== i))}
                    data-testid="kb-query-filter-remove"
                  >
                    <X class="size-4" aria-hidden="true" />
                  </IconButton>
                </div>
                {rowError(`where.${i}`)}
              </div>
            )}
          </Index>
          <Show when={form.where.length < 20}>
            <Button
              size="sm"
              variant="ghost"
              onClick={() =>
                setForm(
                  produce((f) => {
                    f.where.push({ column: '', op: 'eq', value: '' })
                  }),
                )
              }
              data-testid="kb-query-filter-add"
            >
              <Plus class="size-3.5" aria-hidden="true" />
              Add a filter
            </Button>
          </Show>
        </fieldset>

        <div class="grid gap-4 sm:grid-cols-3">
          <div class="space-y-1.5">
            <label for="kb-query-order" class="block text-sm font-medium">
              Order by
            </label>
            <select
              id="kb-query-order"
              value={form.orderKey}
              onChange={(event) => setForm('orderKey', event.currentTarget.value)}
              data-testid="kb-query-order"
              class={cx(inputClass, 'pr-8')}
            >
              <option value="">Group order</option>
              <For each={outputNames()}>{(name) => <option value={name}>{name}</option>}</For>
            </select>
            {rowError('orderBy')}
          </div>
          <div class="space-y-1.5">
            <label for="kb-query-direction" class="block text-sm font-medium">
              Direction
            </label>
            <select
              id="kb-query-direction"
              value={form.direction}
              disabled={!form.orderKey}
              onChange={(event) => setForm('direction', event.currentTarget.value as 'asc' | 'desc')}
              data-testid="kb-query-direction"
              class={cx(inputClass, 'pr-8')}
            >
              <option value="desc">Largest first</option>
              <option value="asc">Smallest first</option>
            </select>
          </div>
          <div class="space-y-1.5">
            <label for="kb-query-limit" class="block text-sm font-medium">
              Rows at most
            </label>
            <input
              id="kb-query-limit"
              type="number"
              min="1"
              max="1000"
              value={form.limit}
              onInput={(event) => setForm('limit', event.currentTarget.value)}
              data-testid="kb-query-limit"
              class={inputClass}
            />
            {rowError('limit')}
          </div>
        </div>

        <FormError message={error()} testId="kb-query-error" />
        <div class="flex justify-end gap-2">
          <Button onClick={props.onClose} data-testid="kb-query-cancel">
            Close
          </Button>
          <Button type="submit" variant="primary" loading={pending()} data-testid="kb-query-submit">
            Run query
          </Button>
        </div>
      </form>

      <Show when={result()}>
        {(answer) => (
          <div class="mt-5 rounded-lg border border-zinc-200 dark:border-zinc-800">
            <Show
              when={answer().rows.length > 0}
              fallback={
                <p class="p-4 text-sm text-zinc-500 dark:text-zinc-400" data-testid="kb-query-empty">
                  No rows match.
                </p>
              }
            >
              <Table label="Query results" testId="kb-query-results" class="max-h-80 overflow-y-auto">
                <thead class="border-b border-zinc-200 bg-zinc-50/70 text-xs text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                  <tr>
                    <For each={answer().columns}>{(column) => <th class="px-4 py-2.5 font-medium">{column}</th>}</For>
                  </tr>
                </thead>
                <tbody>
                  <For each={answer().rows}>
                    {(row) => (
                      <tr class={trClass} data-testid="kb-query-result-row">
                        <For each={answer().columns}>
                          {(column) => (
                            <td
                              class={cx(tdClass, typeof row[column] === 'number' && 'text-right tabular-nums')}
                              data-column={column}
                              data-value={row[column] === null ? '' : String(row[column])}
                            >
                              {formatCell(row[column] ?? null)}
                            </td>
                          )}
                        </For>
                      </tr>
                    )}
                  </For>
                </tbody>
              </Table>
            </Show>
          </div>
        )}
      </Show>
    </Dialog>
  )
}
