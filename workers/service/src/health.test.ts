import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createInProcessQueue, type Database, silentLogger } from '@prodgy/core'
import { createPgliteDatabase } from '@prodgy/core/adapters/pglite'
import { createHealthApp } from './health.ts'

describe('worker service health', () => {
  let db: Database

  before(async () => {
    db = await createPgliteDatabase()
  })
  after(async () => {
    await db.close()
  })

  it('answers liveness while the process runs', async () => {
    const app = createHealthApp({ db, queue: createInProcessQueue({ log: silentLogger }) })
    const response = await app.request('/health')
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { success: true, data: { status: 'ok', service: 'service' } })
  })

  it('is ready when the database and the queue answer', async () => {
    const app = createHealthApp({ db, queue: createInProcessQueue({ log: silentLogger }) })
    const response = await app.request('/health/ready')
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), {
      success: true,
      data: { status: 'ready', service: 'service', checks: { database: true, queue: true } },
    })
  })

  it('is not ready, naming the queue, once the queue is closed', async () => {
    const queue = createInProcessQueue({ log: silentLogger })
    await queue.close()
    const response = await createHealthApp({ db, queue }).request('/health/ready')
    assert.equal(response.status, 503)
    const body = (await response.json()) as { success: boolean; error: string; message: string; details: unknown }
    assert.equal(body.success, false)
    assert.equal(body.error, 'not_ready')
    assert.match(body.message, /the queue did not answer/)
    assert.deepEqual(body.details, { service: 'service', checks: { database: true, queue: false } })
  })

  it('gives up on a check that hangs and answers 503 within about two seconds', async () => {
    const hanging = { ping: () => new Promise<boolean>(() => undefined) }
    const started = Date.now()
    const response = await createHealthApp({ db: hanging, queue: createInProcessQueue({ log: silentLogger }) }).request(
      '/health/ready',
    )
    const took = Date.now() - started
    assert.equal(response.status, 503)
    assert.ok(took >= 2_000 && took < 3_500, `answered after ${took} ms`)
    const body = (await response.json()) as { details: { checks: Record<string, boolean> } }
    assert.deepEqual(body.details.checks, { database: false, queue: true })
  })
})
