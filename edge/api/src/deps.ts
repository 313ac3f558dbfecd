import type { IdentityProvider, Logger, Platform, RateLimiterPort, RateLimitRule } from '@prodgy/core'
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
}
