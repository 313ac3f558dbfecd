/** Types for word-extractor 1.0 (it ships none): the parts of its API the DOC parser uses. */
declare module 'word-extractor' {
  interface TextOptions {
    /** Converts typographic quotes and dashes to ASCII when true (the default). */
    filterUnicode?: boolean
  }
  export class Document {
    getBody(options?: TextOptions): string
    getFootnotes(options?: TextOptions): string
    getEndnotes(options?: TextOptions): string
    getHeaders(options?: TextOptions & { includeFooters?: boolean }): string
    getFooters(options?: TextOptions): string
    getAnnotations(options?: TextOptions): string
    getTextboxes(options?: TextOptions & { includeHeadersAndFooters?: boolean; includeBody?: boolean }): string
  }
  export default class WordExtractor {
    extract(source: string | Buffer): Promise<Document>
  }
}
