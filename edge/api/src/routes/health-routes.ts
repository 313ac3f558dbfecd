import type { ApiRouter } from '../router.ts'
import { API_VERSION } from '../version.ts'

const CHECK_TIMEOUT_MS = 2000

/** `/health` answers while the process runs; `/health/ready` only when its database (and Redis, when configured) answer. */
export function registerHealthRoutes({ app, deps }: ApiRouter): void {
  app.get('/health', (c) => c.json({ success: true, data: { status: 'ok', service: 'api', version: API_VERSION } }))
  app.get('/health/ready', async (c) => {
    const checks: Record<string, (timeoutMs: number) => Promise<boolean>> = {
      database: (t) => deps.platform.db.ping(t),
      ...deps.readinessChecks,
    }
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await check(CHECK_TIMEOUT_MS).catch(() => false)]),
      ),
    ) as Record<string, boolean>
    const ready = Object.values(results).every(Boolean)
    return c.json(
      ready
        ? { success: true, data: { status: 'ready', checks: results } }
        : {
            success: false,
            error: 'not_ready',
            message: 'A dependency is not answering.',
            details: { checks: results },
          },
      ready ? 200 : 503,
    )
  })
}
