/**
 * Structured queries over a spreadsheet's rows (counts, sums, averages, group-bys) for agents and the API. The
 * query is data (`StructuredQuery`), compiled here to SQL whose text depends only on the query's shape: every column
 * name and every value is a parameter, and output names are mapped in code, so nothing a user or a model writes ever
 * becomes SQL.
 */
import type { z } from 'zod'
import type { Principal } from '../auth/principal.ts'
import { AppError, NotFoundError, ValidationError } from '../errors.ts'
import type { Platform } from '../services/platform.ts'
import { parseInput, resolveKnowledgeWorkspace } from './documents.ts'
import { type CellValue, type StructuredQuery, type StructuredQueryResult, structuredQuerySchema } from './types.ts'

/** A number as spreadsheets write it; anything else is ignored by sum, avg, min, max and numeric comparisons. */
const NUMBER_PATTERN = `'^\\s*[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?\\s*$'`

export interface CompiledQuery {
  text: string
  params: unknown[]
  /** Output names, in the order of the SQL's `g0…`, `a0…` columns. */
  columns: string[]
}

/** The name an aggregate answers under: its `as`, else `count`, `sum_<column>`, … */
export function aggregateName(aggregate: StructuredQuery['aggregates'][number]): string {
  if (aggregate.as) return aggregate.as
  return aggregate.column ? `${aggregate.fn}_${aggregate.column}` : aggregate.fn
}

/**
 * Compiles a validated query for one document (and sheet) of one tenant. Exported for the property test that shows
 * names and values never reach the SQL text.
 */
export function compileStructuredQuery(
  query: StructuredQuery,
  scope: { organizationId: string; workspaceId: string; sheet: string },
): CompiledQuery {
  const params: unknown[] = [scope.organizationId, scope.workspaceId, query.documentId, scope.sheet]
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  // a fresh parameter at every use: reusing one for equal names would make the text depend on which names are equal
  const field = (column: string) => `(r.data->>${param(column)})`
  const numeric = (column: string) => {
    const f = field(column)
    return `(case when ${f} ~ ${NUMBER_PATTERN} then ${f}::numeric end)`
  }

  const conditions: string[] = []
  for (const w of query.where) {
    const { column, op, value } = w
    if (op === 'in') {
      const list = Array.isArray(value) ? value : [value]
      if (list.length > 0 && list.every((v) => typeof v === 'number')) {
        conditions.push(`${numeric(column)} = any(${param(list)}::numeric[])`)
      } else {
        conditions.push(`${field(column)} = any(${param(list.map(String))}::text[])`)
      }
      continue
    }
    if (Array.isArray(value)) throw new ValidationError(`The operator ${op} takes one value, not a list.`)
    if (op === 'contains') {
      conditions.push(`strpos(lower(${field(column)}), lower(${param(String(value))}::text)) > 0`)
      continue
    }
    const sqlOp = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]
    const left = typeof value === 'number' ? numeric(column) : field(column)
    const right = typeof value === 'number' ? `${param(value)}::numeric` : `${param(String(value))}::text`
    // a missing cell is "not equal" to anything, not unknown
    conditions.push(op === 'neq' ? `${left} is distinct from ${right}` : `${left} ${sqlOp} ${right}`)
  }

  const columns: string[] = []
  const select: string[] = []
  query.groupBy.forEach((column, i) => {
    select.push(`${field(column)} as g${i}`)
    columns.push(column)
  })
  query.aggregates.forEach((aggregate, i) => {
    const { fn, column } = aggregate
    let expr: string
    if (fn === 'count') expr = column ? `count(${field(column)})` : 'count(*)'
    else {
      if (!column) throw new ValidationError(`The aggregate ${fn} needs a column.`, { aggregates: ['column'] })
      expr = `${fn}(${numeric(column)})`
    }
    select.push(`${expr} as a${i}`)
    columns.push(aggregateName(aggregate))
  })
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i)
  if (duplicate) {
    throw new ValidationError(
      `Two output columns are named "${duplicate}"; give the aggregates distinct names with "as".`,
    )
  }

  const order = query.orderBy.map(({ key, direction }) => {
    const index = columns.indexOf(key)
    if (index < 0) {
      throw new ValidationError(
        `Results can only be ordered by a group column or an aggregate name (${columns.join(', ')}); "${key}" is neither.`,
        { orderBy: [`Unknown key "${key}".`] },
      )
    }
    const alias = index < query.groupBy.length ? `g${index}` : `a${index - query.groupBy.length}`
    return `${alias} ${direction === 'desc' ? 'desc' : 'asc'} nulls last`
  })
  // without an explicit order, groups come back in a stable order
  if (order.length === 0) {
    for (let i = 0; i < query.groupBy.length; i++) order.push(`g${i} asc nulls last`)
  }

  const text = [
    `select ${select.join(', ')}`,
    'from knowledge_rows r',
    'where r.organization_id = $1 and r.workspace_id = $2 and r.document_id = $3 and r.sheet = $4',
    ...conditions.map((c) => `and ${c}`),
    // by position: the grouped expressions are the first select-list entries
    query.groupBy.length ? `group by ${query.groupBy.map((_, i) => i + 1).join(', ')}` : '',
    order.length ? `order by ${order.join(', ')}` : '',
    `limit ${param(query.limit)}`,
  ]
    .filter(Boolean)
    .join('\n')
  return { text, params, columns }
}

function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'boolean') return value
  if (typeof value === 'bigint') return Number(value)
  return String(value)
}

/** Runs a structured query over a spreadsheet document of the caller's workspace. */
export async function queryRows(
  platform: Platform,
  principal: Principal | undefined,
  workspaceId: string | undefined,
  input: z.input<typeof structuredQuerySchema>,
): Promise<StructuredQueryResult> {
  const query = parseInput(structuredQuerySchema, input)
  const scope = await resolveKnowledgeWorkspace(platform.db, principal, workspaceId)
  const [document] = await platform.db.query<{ id: string; name: string }>(
    'select id, name from knowledge_documents where id = $1 and organization_id = $2 and workspace_id = $3',
    [query.documentId, scope.organizationId, scope.workspaceId],
  )
  if (!document) throw new NotFoundError('Document', 'document_not_found')
  const sheets = (
    await platform.db.query<{ sheet: string }>(
      'select distinct sheet from knowledge_rows where document_id = $1 and workspace_id = $2 order by sheet',
      [document.id, scope.workspaceId],
    )
  ).map((r) => r.sheet)
  if (sheets.length === 0) {
    throw new AppError(
      'no_rows',
      `"${document.name}" has no rows to query: it is not a spreadsheet, or it is still being processed.`,
      409,
    )
  }
  let sheet = query.sheet
  if (sheet === undefined) {
    if (sheets.length > 1) {
      throw new ValidationError(`"${document.name}" has several sheets; name one: ${sheets.join(', ')}.`, {
        sheet: ['Required for a workbook with several sheets.'],
      })
    }
    sheet = sheets[0] as string
  } else if (!sheets.includes(sheet)) {
    throw new AppError(
      'sheet_not_found',
      `"${document.name}" has no sheet "${sheet}" (it has ${sheets.join(', ')}).`,
      404,
      {
        sheets,
      },
    )
  }
  const compiled = compileStructuredQuery(query, { ...scope, sheet })
  const rows = await platform.db.query<Record<string, unknown>>(compiled.text, compiled.params)
  const groups = query.groupBy.length
  return {
    columns: compiled.columns,
    rows: rows.map((row) => {
      const out: Record<string, CellValue> = {}
      compiled.columns.forEach((name, i) => {
        const raw = i < groups ? row[`g${i}`] : row[`a${i - groups}`]
        // numeric comes back as a string from both drivers; aggregates are numbers to the caller
        out[name] = i >= groups && typeof raw === 'string' && raw !== '' ? Number(raw) : toCell(raw)
      })
      return out
    }),
  }
}
