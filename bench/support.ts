/** What the benchmarks in this folder share: reading their flags, stopping cleanly on Ctrl-C, printing tables. */

/** A flag that must be a whole number above 0; `name` is the flag as typed, without the dashes. */
export function positiveInt(name: string, raw: string): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number above 0, got "${raw}"`)
  return value
}

/** On SIGINT or SIGTERM: says so, runs `stop` when given (the servers still up), then exits with 130 or 143. */
export function exitOnSignal(stop?: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      console.error(`\n${signal}: stopping the servers`)
      if (stop) await stop()
      process.exit(signal === 'SIGINT' ? 130 : 143)
    })
  }
}

/**
 * Rows as a Markdown table with padded columns: the first `leftColumns` aligned left, the rest right. `rows[1]` is
 * the separator row (`---`, or `---:` for a right-aligned column), widened to fit.
 */
export function markdownTable(rows: string[][], leftColumns: number): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row, index) =>
      index === 1
        ? `| ${widths.map((w, column) => (row[column]!.endsWith(':') ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
        : `| ${row.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`,
    )
    .join('\n')
}
