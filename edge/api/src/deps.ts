import type {
  AiProviderConfig,
  CommunicatorDeps,
  EmbeddingPort,
  FileStoragePort,
  IdentityProvider,
  Logger,
  OutboundPolicy,
  Platform,
  RateLimiterPort,
  RateLimitRule,
} from '@prodgy/core'
import type { Context } from 'hono'

/** Everything the API app needs, built by a runtime entry file or the CLI. */
export interface ApiDeps {
  platform: Platform
  logger: Logger
  rateLimiter: RateLimiterPort
  rateLimits: { auth: RateLimitRule; api: RateLimitRule }
  /** The caller's address as the runtime sees it (each runtime has its own way to read the socket). */
  clientIp?: (c: Context) => string | undefined
  /** Whether to believe `X-Forwarded-For` (only behind a proxy you run). */
  trustProxy: boolean
  /** Extra readiness checks beyond the database, e.g. Redis. */
  readinessChecks?: Record<string, (timeoutMs: number) => Promise<boolean>>
  identityProviders?: IdentityProvider[]
  /** Mark the refresh cookie Secure (when the public address is https). */
  secureCookies: boolean
  /**
   * Serves the Swagger UI files (`swagger-ui.css`, `swagger-ui-bundle.js`) from the installed package, so the
   * reference works offline. Runtimes without a file system leave it out and the page loads them from a CDN.
   */
  swaggerAsset?: (file: string) => Promise<Response | undefined>
  /** Where knowledge-base uploads are stored (a local folder, S3 or Supabase Storage; memory in tests). */
  storage: FileStoragePort
  /** The organization's embedding model, or undefined when it has none (search is then full text only). */
  embedderFor?: (organizationId: string) => Promise<EmbeddingPort | undefined>
  /** One completion from the organization's chat model (generated overview blocks); undefined when not wired. */
  generateText?: (organizationId: string, prompt: string) => Promise<string>
  /** Builds an embedder from provider settings, to check them before they are saved; loaded on first use. */
  embedderFactory?: () => Promise<(config: AiProviderConfig) => EmbeddingPort>
  /** How integration calls reach external services: SSRF allowlist, deadline, response cap, name resolution. */
  outbound: OutboundPolicy
  /** Key sets for communicator webhooks (Google Chat); the public ones are fetched when left out. */
  communicator?: CommunicatorDeps
}
