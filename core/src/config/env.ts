/**
 * Every environment variable the platform reads, with its default. `.env.example` documents the same list.
 * Parsed once at start; a bad value stops the process with a message naming the variable.
 */
import { z } from 'zod'
import { ValidationError } from '../errors.ts'

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'))

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback)
const seconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback)
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined))

export const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** The address people use to reach the Web app; links in emails point here. */
  PRODGY_PUBLIC_URL: z.url().default('http://localhost:3000'),
  PRODGY_HOST: z.string().default('127.0.0.1'),
  PRODGY_WEB_PORT: port(3000),
  PRODGY_API_PORT: port(4000),
  PRODGY_SERVICE_PORT: port(5000),
  /** The MCP Gateway alone (`prodgy gateway`); in one-process mode it is served at `/mcp` on the front door. */
  PRODGY_GATEWAY_PORT: port(3100),
  /** The address MCP clients use for the Gateway; defaults to PRODGY_PUBLIC_URL + `/mcp`. */
  PRODGY_MCP_URL: optionalText,
  PRODGY_DATA_DIR: z.string().default('./.prodgy/data'),
  /** Where `prodgy web` forwards `/api` in the scale-out mode. */
  PRODGY_API_URL: z.url().default('http://127.0.0.1:4000'),
  DATABASE_URL: optionalText,
  PRODGY_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalText,
  UPSTASH_REDIS_REST_URL: optionalText,
  UPSTASH_REDIS_REST_TOKEN: optionalText,
  /** Signs session access tokens. When unset, one is generated on first start and kept in the database. */
  PRODGY_JWT_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  PRODGY_ACCESS_TOKEN_TTL_SECONDS: seconds(900),
  PRODGY_REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  /** Service-to-service keys sent as `X-Api-Key` (the Gateway and the Agentic runtime). */
  PRODGY_API_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  PRODGY_AGENTIC_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  PRODGY_ALLOW_SIGNUP: bool(true),
  PRODGY_TRUST_PROXY: bool(false),
  PRODGY_RATE_LIMIT_AUTH: z.string().default('10/60'),
  PRODGY_RATE_LIMIT_API: z.string().default('600/60'),
  PRODGY_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * Encrypts stored secrets (provider API keys) with AES-256-GCM; 32+ characters. In the embedded mode one is
   * generated into PRODGY_KEY_FILE on first start; with DATABASE_URL it must be set.
   */
  PRODGY_ENCRYPTION_KEY: optionalText.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters',
  ),
  /** Defaults to `encryption.key` beside the data folder, so one folder holds an embedded installation. */
  PRODGY_KEY_FILE: optionalText,
  /** Uploaded files when neither S3 nor Supabase Storage is configured; defaults to `files` beside the data folder. */
  PRODGY_FILES_DIR: optionalText,
  PRODGY_KB_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(2048).default(50),
  /**
   * Hosts and networks integration calls may reach although they are private, loopback or link-local
   * (comma-separated host names, IPs or CIDRs, e.g. `jira.internal,10.0.5.0/24`). Empty: only public addresses.
   */
  PRODGY_OUTBOUND_ALLOWLIST: z.string().default(''),
  /** Deadline of one integration call (tool, credential check, token fetch), in milliseconds. */
  PRODGY_INTEGRATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Largest response an integration call may return, in kilobytes. */
  PRODGY_INTEGRATION_MAX_RESPONSE_KB: z.coerce.number().int().min(1).max(102_400).default(2048),
  S3_ENDPOINT: optionalText,
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: optionalText,
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: bool(true),
  SUPABASE_URL: optionalText,
  SUPABASE_SERVICE_ROLE_KEY: optionalText,
  SUPABASE_STORAGE_BUCKET: z.string().default('knowledge'),
  SMTP_HOST: optionalText,
  SMTP_PORT: port(587),
  SMTP_SECURE: bool(false),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  MAIL_FROM: z.string().default('Prodgy <no-reply@localhost>'),
})

type ParsedEnv = z.infer<typeof envSchema>
export type Env = Omit<ParsedEnv, 'PRODGY_KEY_FILE' | 'PRODGY_FILES_DIR'> & {
  PRODGY_KEY_FILE: string
  PRODGY_FILES_DIR: string
}

/** The folder that holds the data folder: `./.prodgy` for `./.prodgy/data`; `./.prodgy` for an in-memory database. */
function installationDir(dataDir: string): string {
  if (dataDir === 'memory://' || dataDir === ':memory:') return './.prodgy'
  const trimmed = dataDir.replace(/[\\/]+$/, '')
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'))
  return cut > 0 ? trimmed.slice(0, cut) : '.'
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source)
  if (result.success) {
    const home = installationDir(result.data.PRODGY_DATA_DIR)
    return {
      ...result.data,
      PRODGY_KEY_FILE: result.data.PRODGY_KEY_FILE ?? `${home}/encryption.key`,
      PRODGY_FILES_DIR: result.data.PRODGY_FILES_DIR ?? `${home}/files`,
    }
  }
  const lines = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  throw new ValidationError(`Invalid configuration:\n  ${lines.join('\n  ')}`)
}
