import { AppError } from '../errors.ts'

/**
 * Why one uploaded document could not be read. Each code is stored on the document (`errorCode`) and shown with the
 * message, so the message is a sentence that tells a person what to do, never a library's internals.
 */
export const DOCUMENT_ERROR_CODES = [
  'corrupt_file',
  'encrypted_file',
  'empty_file',
  'no_rows',
  'format_mismatch',
  'unsupported_format',
  'file_too_large',
] as const
export type DocumentErrorCode = (typeof DOCUMENT_ERROR_CODES)[number]

const DEFAULT_MESSAGES: Record<DocumentErrorCode, string> = {
  corrupt_file: 'This file is damaged and cannot be read; export it again from the program that made it.',
  encrypted_file: 'This file is password-protected; remove the password and upload it again.',
  empty_file: 'This file has no text to import.',
  no_rows: 'This spreadsheet has no data rows below its header.',
  format_mismatch: 'The content of this file does not match its extension.',
  unsupported_format: 'This file format is not supported.',
  file_too_large: 'This file is too large to import; split it into smaller files.',
}

/** 422: the request was well formed, the document is not something we can read. */
export class DocumentError extends AppError {
  declare readonly code: DocumentErrorCode

  constructor(code: DocumentErrorCode, message?: string, details?: Record<string, unknown>) {
    super(code, message ?? DEFAULT_MESSAGES[code], 422, details)
    this.name = 'DocumentError'
  }
}

export function isDocumentError(error: unknown): error is DocumentError {
  return error instanceof DocumentError
}
