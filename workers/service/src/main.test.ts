import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, it } from 'node:test'
import {
  enqueueOutboxMessage,
  type OutboxMessage,
  queueEmail,
  renderConfirmEmail,
  silentLogger,
  ValidationError,
} from '@prodgy/core'
import { createBullmqQueue } from '@prodgy/core/adapters/bullmq'
import { createPostgresDatabase } from '@prodgy/core/adapters/postgres'
import { testService } from '@prodgy/core/testing/services'
import { startSmtpTestServer } from './__fixtures__/smtp-server.ts'
import { runWorkerFromEnv } from './main.ts'

const postgres = testService('postgres')
const redis = testService('redis')

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('runWorkerFromEnv', () => {
  it('explains that the separate worker needs DATABASE_URL and REDIS_URL', async () => {
    await assert.rejects(runWorkerFromEnv({}, { log: silentLogger, handleSignals: false }), (error: unknown) => {
      assert.ok(error instanceof ValidationError)
      assert.match(error.message, /DATABASE_URL and REDIS_URL/)
      assert.match(error.message, /npm start/)
      return true
    })
    await assert.rejects(
      runWorkerFromEnv({ DATABASE_URL: 'postgres://localhost/x' }, { log: silentLogger, handleSignals: false }),
      /needs REDIS_URL:/,
    )
  })

  it('migrates, serves health, delivers email over SMTP and stops', { skip: postgres.skip || redis.skip }, async () => {
    const adminUrl = postgres.url as string
    const name = `prodgy_test_worker_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
    const admin = createPostgresDatabase({ url: adminUrl, max: 1 })
    await admin.exec(`create database ${name}`)
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    const smtp = await startSmtpTestServer()
    const port = await freePort()
    const prefix = `prodgy-test-main-${crypto.randomUUID().slice(0, 8)}`
    const db = createPostgresDatabase({ url: url.toString(), max: 2 })
    const producer = createBullmqQueue({ url: redis.url as string, prefix, log: silentLogger })
    try {
      const worker = await runWorkerFromEnv(
        {
          DATABASE_URL: url.toString(),
          REDIS_URL: redis.url,
          PRODGY_HOST: '127.0.0.1',
          PRODGY_SERVICE_PORT: String(port),
          SMTP_HOST: '127.0.0.1',
          SMTP_PORT: String(smtp.port),
          MAIL_FROM: 'Prodgy <no-reply@prodgy.example>',
        },
        { log: silentLogger, handleSignals: false, queuePrefix: prefix, stopTimeoutMs: 2_000 },
      )
      try {
        assert.equal(worker.port, port)
        const live = await fetch(`http://127.0.0.1:${port}/health`)
        assert.equal(live.status, 200)
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
        assert.equal(ready.status, 200)

        const rendered = renderConfirmEmail({ link: 'https://prodgy.example/confirm/main' })
        const { id } = await queueEmail(db, { to: 'main@example.com', kind: 'confirm_email', rendered })
        await enqueueOutboxMessage(producer, id)
        const [message] = await smtp.waitForMessages(1)
        assert.deepEqual(message?.to, ['main@example.com'])
        const started = Date.now()
        let row: OutboxMessage | undefined
        do {
          ;[row] = await db.query<OutboxMessage>('select * from mail_outbox where id = $1', [id])
          if (row?.status === 'sent') break
          await new Promise((resolve) => setTimeout(resolve, 25))
        } while (Date.now() - started < 5_000)
        assert.equal(row?.status, 'sent')
      } finally {
        await worker.stop()
      }
      await assert.rejects(fetch(`http://127.0.0.1:${port}/health`))
    } finally {
      await producer.close({ timeoutMs: 1_000 })
      await db.close()
      await smtp.close()
      await admin.exec(`drop database if exists ${name} with (force)`)
      await admin.close()
    }
  })
})
