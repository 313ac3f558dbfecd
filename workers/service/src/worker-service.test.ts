import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createInProcessQueue,
  createMemoryFileStorage,
  type Database,
  enqueueOutboxMessage,
  migrate,
  migrations,
  type OutboxMessage,
  type QueuePort,
  queueEmail,
  renderConfirmEmail,
  silentLogger,
} from '@prodgy/core'
import { createBullmqQueue } from '@prodgy/core/adapters/bullmq'
import { createPgliteDatabase } from '@prodgy/core/adapters/pglite'
import { testService } from '@prodgy/core/testing/services'
import { type SmtpTestServer, startSmtpTestServer } from './__fixtures__/smtp-server.ts'
import { createSmtpTransport, createWorkerService } from './index.ts'

const redis = testService('redis')
// email only here; the knowledge handlers have their own suites
const storage = createMemoryFileStorage()

async function waitForStatus(db: Database, id: string, status: string, timeoutMs = 15_000): Promise<OutboxMessage> {
  const started = Date.now()
  for (;;) {
    const [row] = await db.query<OutboxMessage>('select * from mail_outbox where id = $1', [id])
    if (row?.status === status) return row
    if (Date.now() - started > timeoutMs) throw new Error(`Outbox row is ${row?.status}, expected ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const targets: Array<{ name: string; skip: string | false; create: () => QueuePort }> = [
  { name: 'the in-process queue', skip: false, create: () => createInProcessQueue({ log: silentLogger }) },
  {
    name: 'BullMQ on Redis',
    skip: redis.skip,
    create: () =>
      createBullmqQueue({
        url: redis.url as string,
        prefix: `prodgy-test-service-${crypto.randomUUID().slice(0, 8)}`,
        log: silentLogger,
      }),
  },
]

for (const target of targets) {
  describe(`worker service delivering email through ${target.name}`, { skip: target.skip }, () => {
    let db: Database
    let smtp: SmtpTestServer

    before(async () => {
      db = await createPgliteDatabase()
      await migrate(db, migrations)
      smtp = await startSmtpTestServer()
    })
    after(async () => {
      await smtp?.close()
      await db?.close()
    })

    it('sends a queued email end to end over SMTP and marks the row sent', async () => {
      const queue = target.create()
      const mail = createSmtpTransport({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: 'Prodgy <no-reply@prodgy.example>',
      })
      const service = createWorkerService({ db, queue, mail, log: silentLogger, concurrency: 2, storage })
      await service.start()
      try {
        const rendered = renderConfirmEmail({ name: 'Ada', link: 'https://prodgy.example/confirm/1' })
        const { id } = await db.transaction((tx) =>
          queueEmail(tx, { to: 'ada@example.com', kind: 'confirm_email', rendered }),
        )
        await enqueueOutboxMessage(queue, id)
        const row = await waitForStatus(db, id, 'sent')
        assert.equal(row.transport, 'smtp')
        assert.equal(row.attempts, 1)
        assert.ok(row.sent_at instanceof Date)
        const received = smtp.messages.find((m) => m.to.includes('ada@example.com'))
        assert.equal(received?.headers.subject, 'Confirm your email for Prodgy')
        assert.ok(received?.raw.includes('https://prodgy.example/confirm/1'))
      } finally {
        await service.stop({ timeoutMs: 2_000 })
      }
    })

    it('at start, sends a row whose enqueue was lost', async () => {
      const rendered = renderConfirmEmail({ link: 'https://prodgy.example/confirm/2' })
      const { id } = await queueEmail(db, { to: 'lost@example.com', kind: 'confirm_email', rendered })
      await db.query(`update mail_outbox set created_at = now() - interval '1 hour' where id = $1`, [id])
      const queue = target.create()
      const mail = createSmtpTransport({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: 'no-reply@prodgy.example',
      })
      const service = createWorkerService({ db, queue, mail, log: silentLogger, concurrency: 1, storage })
      await service.start()
      try {
        await waitForStatus(db, id, 'sent')
        assert.ok(smtp.messages.some((m) => m.to.includes('lost@example.com')))
      } finally {
        await service.stop({ timeoutMs: 2_000 })
      }
    })

    it('records the SMTP error and keeps the row queued while retries remain', async () => {
      const queue = target.create()
      const mail = createSmtpTransport({ host: '127.0.0.1', port: 1, secure: false, from: 'no-reply@prodgy.example' })
      const service = createWorkerService({ db, queue, mail, log: silentLogger, concurrency: 1, storage })
      await service.start()
      try {
        const rendered = renderConfirmEmail({ link: 'https://prodgy.example/confirm/3' })
        const { id } = await queueEmail(db, { to: 'down@example.com', kind: 'confirm_email', rendered })
        await enqueueOutboxMessage(queue, id)
        const started = Date.now()
        let row: OutboxMessage | undefined
        while (Date.now() - started < 10_000) {
          ;[row] = await db.query<OutboxMessage>('select * from mail_outbox where id = $1', [id])
          if ((row?.attempts ?? 0) >= 1) break
          await new Promise((resolve) => setTimeout(resolve, 25))
        }
        assert.equal(row?.status, 'queued')
        assert.equal(row?.attempts, 1)
        assert.match(String(row?.error), /ECONNREFUSED/)
        assert.equal(row?.transport, 'smtp')
      } finally {
        await service.stop({ timeoutMs: 2_000 })
      }
    })
  })
}
