/**
 * Structured JSON logs, one object per line, on every runtime (console on edge runtimes, stdout on Node).
 * Secrets never reach a line: values under sensitive keys are replaced, and strings that look like
 * Prodgy API tokens or bearer credentials are masked wherever they appear.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(bindings: Record<string, unknown>): Logger
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

const SENSITIVE_KEY =
  /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential|private[-_]?key|signature|hash$/i
const TOKEN_PATTERN = /prodgy_[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/=-]+/g

export const REDACTED = '[redacted]'

/** Masks credentials inside free text (error messages, URLs). */
export function redactText(text: string): string {
  return text.replace(TOKEN_PATTERN, REDACTED)
}

/** Deep copy of `value` with sensitive keys and token-looking strings masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[truncated]'
  if (typeof value === 'string') return redactText(value)
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code }
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        SENSITIVE_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean'
          ? REDACTED
          : redact(v, depth + 1)
    }
    return out
  }
  return value
}

export interface LoggerOptions {
  level?: LogLevel
  /** Where a finished line goes; defaults to `console.log`. Tests pass an array collector. */
  write?: (line: string) => void
  bindings?: Record<string, unknown>
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = order[options.level ?? 'info']
  const write = options.write ?? ((line: string) => console.log(line))
  const bindings = options.bindings ?? {}
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return
    const entry = redact({ time: new Date().toISOString(), level, ...bindings, msg: message, ...fields })
    write(JSON.stringify(entry))
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (more) => createLogger({ ...options, bindings: { ...bindings, ...more } }),
  }
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ write: () => undefined })
