/**
 * Every failure the platform reports to a caller is an AppError with a stable `code`.
 * The HTTP layer maps `status` and `code` to the error envelope in one place.
 */
export class AppError extends Error {
  readonly code: string
  readonly status: number
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, message: string, status = 400, details?: Record<string, unknown>) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.status = status
    this.details = details
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields?: Record<string, string[]>) {
    super('validation_failed', message, 400, fields ? { fields } : undefined)
    this.name = 'ValidationError'
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required.', code = 'unauthorized') {
    super(code, message, 401)
    this.name = 'UnauthorizedError'
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this.', code = 'forbidden') {
    super(code, message, 403)
    this.name = 'ForbiddenError'
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'Resource', code = 'not_found') {
    super(code, `${what} was not found.`, 404)
    this.name = 'NotFoundError'
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(code, message, 409)
    this.name = 'ConflictError'
  }
}

export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number
  constructor(message: string, retryAfterSeconds: number, code = 'rate_limited') {
    super(code, message, 429, { retryAfterSeconds })
    this.name = 'RateLimitedError'
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export class UnavailableError extends AppError {
  constructor(message: string, code = 'unavailable') {
    super(code, message, 503)
    this.name = 'UnavailableError'
  }
}

/** Rejects with a clear error when `promise` does not settle within `ms`. Every wait in the platform goes through this. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(`${what} did not answer within ${ms} ms.`, 'timeout')), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A validation issue as zod reports it: where (a path into the value) and what is wrong. */
export interface FieldIssue {
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/** Groups issues by field (`a.b.0`); an issue about the whole value goes under `whole`. */
export function fieldErrors(issues: readonly FieldIssue[], whole: string): Record<string, string[]> {
  const fields: Record<string, string[]> = {}
  for (const issue of issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : whole
    fields[key] = [...(fields[key] ?? []), issue.message]
  }
  return fields
}

/** One line for people: `field: problem, problem; field: problem` (the first `limit` fields). */
export function describeFieldErrors(fields: Record<string, string[]>, limit?: number): string {
  return Object.entries(fields)
    .slice(0, limit)
    .map(([field, problems]) => `${field}: ${problems.join(', ')}`)
    .join('; ')
}
