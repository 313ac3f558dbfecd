/**
 * The worker service's health endpoints, in the same shapes as the API's: `/health` answers while the
 * process runs (liveness); `/health/ready` only when the database and the queue both answer within 2 s,
 * and otherwise says which one did not (so an orchestrator stops routing work here, and a person sees why).
 */
import { type Database, type QueuePort, withTimeout } from '@prodgy/core'
import { Hono } from 'hono'

const CHECK_TIMEOUT_MS = 2_000

export interface HealthDeps {
  db: Pick<Database, 'ping'>
  queue: Pick<QueuePort, 'ping'>
}

export function createHealthApp(deps: HealthDeps): Hono {
  const app = new Hono()
  app.get('/health', (c) => c.json({ success: true, data: { status: 'ok', service: 'service' } }))
  app.get('/health/ready', async (c) => {
    // The extra bound covers a ping that ignores its own timeout.
    const probe = (ping: (timeoutMs: number) => Promise<boolean>) =>
      withTimeout(ping(CHECK_TIMEOUT_MS), CHECK_TIMEOUT_MS + 250, 'A readiness check').catch(() => false)
    const [database, queue] = await Promise.all([probe((t) => deps.db.ping(t)), probe((t) => deps.queue.ping(t))])
    const checks = { database, queue }
    if (database && queue) return c.json({ success: true, data: { status: 'ready', service: 'service', checks } })
    const failing = Object.entries(checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name)
    return c.json(
      {
        success: false,
        error: 'not_ready',
        message: `Not ready: the ${failing.join(' and the ')} did not answer within ${CHECK_TIMEOUT_MS} ms.`,
        details: { service: 'service', checks },
      },
      503,
    )
  })
  return app
}
