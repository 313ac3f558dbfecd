export * from './auth/access-token.ts'
export * from './auth/password-policy.ts'
export * from './auth/permissions.ts'
export * from './auth/principal.ts'
export * from './config/env.ts'
export {
  DEFAULT_API_RATE_LIMIT,
  DEFAULT_AUTH_RATE_LIMIT,
  parseRateLimitRule,
  type RateLimitConfig,
  type RateLimiterBackend,
  rateLimitConfigFromEnv,
  selectRateLimiterBackend,
} from './config/rate-limit-config.ts'
export * from './crypto/password-hash.ts'
export * from './crypto/random.ts'
export * from './db/database.ts'
export { migrations } from './db/migrations.generated.ts'
export * from './db/migrator.ts'
export * from './errors.ts'
export * from './log.ts'
export * from './mail/dev-outbox-transport.ts'
export * from './mail/mail-port.ts'
export * from './mail/outbox.ts'
export * from './mail/templates.ts'
export { createInProcessQueue, type InProcessQueueOptions } from './queue/in-process-queue.ts'
export * from './queue/jobs.ts'
export * from './queue/queue-port.ts'
export { JobTimeoutError } from './queue/run-job.ts'
export {
  createMemoryRateLimiter,
  type MemoryRateLimiter,
  type MemoryRateLimiterOptions,
} from './rate-limit/memory-rate-limiter.ts'
export {
  assertValidRule,
  type RateLimiter,
  type RateLimiterKind,
  type RateLimiterPort,
  type RateLimitResult,
  type RateLimitRule,
} from './rate-limit/rate-limiter.ts'
export * from './services/accounts.ts'
export * from './services/admin.ts'
export * from './services/api-tokens.ts'
export * from './services/audit.ts'
export * from './services/emails.ts'
export * from './services/invitations.ts'
export * from './services/me.ts'
export * from './services/members.ts'
export * from './services/organizations.ts'
export * from './services/pagination.ts'
export * from './services/platform.ts'
export * from './services/principal-resolver.ts'
export * from './services/sessions.ts'
export * from './services/users.ts'
export * from './services/workspace-access.ts'
