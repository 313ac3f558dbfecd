/**
 * Bounds on the work one document may cost. An upload is already capped (PRODGY_KB_MAX_UPLOAD_MB, 50 MB), but a
 * small file can still expand: a ZIP bomb, a spreadsheet claiming a million rows, a PDF of ten thousand blank pages.
 * Every parser counts against these and fails the document with `file_too_large` (and a sentence saying which limit)
 * rather than exhausting the worker. The parsers' own loops are all bounded by their input; the deadline is checked
 * between pages, sheets and rows, so the slowest case is one step past it.
 */
import { DocumentError } from '@prodgy/core'

export const PARSE_LIMITS = {
  /** Extracted text per document (about 2.5 million tokens, far beyond any document a person reads). */
  textChars: 10_000_000,
  pdfPages: 2_000,
  sheets: 200,
  /** Data rows over all sheets of one workbook or CSV. */
  rows: 200_000,
  /** Columns of one sheet, after trailing empty columns are dropped. */
  columns: 1_000,
  /** Bytes inflated from one ZIP container (DOCX, XLSX, ODS), all entries together. */
  inflatedBytes: 256 * 1024 * 1024,
  /** Nesting of JSON values and XML elements. */
  depth: 200,
  /** Wall-clock time for one document. */
  parseMilliseconds: 120_000,
} as const

export type ParseLimits = { readonly [Key in keyof typeof PARSE_LIMITS]: number }

/** Shared by the parsers of one document: counts text and watches the clock. */
export class ParseBudget {
  private chars = 0
  private readonly deadline: number

  constructor(
    private readonly limits: ParseLimits = PARSE_LIMITS,
    now = Date.now(),
  ) {
    this.deadline = now + limits.parseMilliseconds
  }

  /** Counts `text` towards the document's text limit; returns it so calls can wrap expressions. */
  text(text: string): string {
    this.chars += text.length
    if (this.chars > this.limits.textChars) {
      throw new DocumentError(
        'file_too_large',
        `This document has more than ${this.limits.textChars.toLocaleString('en-US')} characters of text; split it into smaller files.`,
        { limit: 'textChars' },
      )
    }
    return text
  }

  /** Throws once the document has taken longer than the limit; called between units of work. */
  checkTime(): void {
    if (Date.now() > this.deadline) {
      throw new DocumentError(
        'file_too_large',
        `This document took longer than ${Math.round(this.limits.parseMilliseconds / 1000)} seconds to read; split it into smaller files.`,
        { limit: 'parseMilliseconds' },
      )
    }
  }

  get limit(): ParseLimits {
    return this.limits
  }
}

export function tooLarge(what: string, limit: keyof typeof PARSE_LIMITS): DocumentError {
  return new DocumentError('file_too_large', `${what}; split it into smaller files.`, { limit })
}
