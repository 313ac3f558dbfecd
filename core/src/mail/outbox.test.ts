import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ValidationError } from '../errors.ts'
import { createLogger, silentLogger } from '../log.ts'
import { createInProcessQueue } from '../queue/in-process-queue.ts'
import { type TestDatabaseHandle, testDatabaseKinds } from '../testing/databases.ts'
import { createDevOutboxTransport } from './dev-outbox-transport.ts'
import type { MailMessage, MailTransport } from './mail-port.ts'
import {
  deliverOutboxMessage,
  LINK_REMOVED,
  type OutboxMessage,
  outboxJobId,
  queueEmail,
  requeueStaleOutbox,
} from './outbox.ts'
import { renderConfirmEmail, renderInvitation } from './templates.ts'

function recordingTransport(fail?: (attempt: number) => Error | undefined): MailTransport & { sent: MailMessage[] } {
  const sent: MailMessage[] = []
  let calls = 0
  return {
    name: 'recording',
    sent,
    async send(message) {
      calls++
      const error = fail?.(calls)
      if (error) throw error
      sent.push(message)
      return { messageId: `<m${calls}@test>` }
    },
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`mail outbox on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let organizationId: string

    before(async () => {
      handle = await kind.create({ migrated: true })
      const [org] = await handle.db.query<{ id: string }>(
        `insert into organizations (name) values ('Acme') returning id`,
      )
      organizationId = (org as { id: string }).id
    })
    after(async () => {
      await handle?.drop()
    })

    const load = async (id: string) =>
      (await handle.db.query<OutboxMessage>('select * from mail_outbox where id = $1', [id]))[0] as OutboxMessage

    const confirm = () => renderConfirmEmail({ name: 'Ada', link: 'https://prodgy.example/confirm?t=abc' })

    it('writes a queued row inside the caller transaction, and none when it rolls back', async () => {
      const { id } = await handle.db.transaction((tx) =>
        queueEmail(tx, { organizationId, to: 'Ada@Example.com', kind: 'confirm_email', rendered: confirm() }),
      )
      const row = await load(id)
      assert.equal(row.status, 'queued')
      assert.equal(row.to_address, 'ada@example.com')
      assert.equal(row.organization_id, organizationId)
      assert.equal(row.kind, 'confirm_email')
      assert.equal(row.action_url, 'https://prodgy.example/confirm?t=abc')
      assert.equal(row.attempts, 0)
      assert.equal(row.sent_at, null)
      assert.ok(row.html_body?.includes('Confirm my email'))

      await assert.rejects(
        handle.db.transaction(async (tx) => {
          await queueEmail(tx, { to: 'rolled@example.com', kind: 'confirm_email', rendered: confirm() })
          throw new Error('the sign-up failed')
        }),
        /sign-up failed/,
      )
      const rows = await handle.db.query(`select 1 from mail_outbox where to_address = 'rolled@example.com'`)
      assert.equal(rows.length, 0)
    })

    it('refuses a recipient that is not an email address', async () => {
      await assert.rejects(
        queueEmail(handle.db, { to: 'not-an-address\r\nBcc: x@y.z', kind: 'test', rendered: confirm() }),
        ValidationError,
      )
    })

    it('sends a queued row once, marks it sent, and skips it when delivered again', async () => {
      const { id } = await queueEmail(handle.db, { to: 'bob@example.com', kind: 'confirm_email', rendered: confirm() })
      const transport = recordingTransport()
      const first = await deliverOutboxMessage({ db: handle.db, transport, log: silentLogger }, id)
      assert.deepEqual(first, { outcome: 'delivered', status: 'sent', messageId: '<m1@test>' })
      const second = await deliverOutboxMessage({ db: handle.db, transport, log: silentLogger }, id)
      assert.deepEqual(second, { outcome: 'skipped', status: 'sent' })
      assert.equal(transport.sent.length, 1)
      assert.equal(transport.sent[0]?.to, 'bob@example.com')
      assert.equal(transport.sent[0]?.actionUrl, 'https://prodgy.example/confirm?t=abc')
      const row = await load(id)
      assert.equal(row.status, 'sent')
      assert.equal(row.transport, 'recording')
      assert.equal(row.attempts, 1)
      assert.ok(row.sent_at instanceof Date)
      assert.equal(row.error, null)
      // the one-time link left with the message; the stored copy no longer holds it
      assert.equal(row.action_url, null)
      assert.equal(row.text_body.includes('confirm?t=abc'), false)
      assert.equal(row.html_body?.includes('confirm?t=abc'), false)
      assert.ok(row.text_body.includes(LINK_REMOVED))
    })

    it('records a redacted error and rethrows, then marks the row failed on the final attempt', async () => {
      const { id } = await queueEmail(handle.db, {
        to: 'carol@example.com',
        kind: 'confirm_email',
        rendered: confirm(),
      })
      const transport = recordingTransport(
        () => new Error('550 rejected for Bearer abc.def-123 and prodgy_secrettoken99'),
      )
      const deps = { db: handle.db, transport, log: silentLogger }
      await assert.rejects(deliverOutboxMessage(deps, id), /550 rejected/)
      let row = await load(id)
      assert.equal(row.status, 'queued')
      assert.equal(row.attempts, 1)
      assert.equal(row.error, '550 rejected for [redacted] and [redacted]')
      await assert.rejects(deliverOutboxMessage(deps, id, { finalAttempt: true }), /550 rejected/)
      row = await load(id)
      assert.equal(row.status, 'failed')
      assert.equal(row.attempts, 2)
      assert.equal(row.sent_at, null)
      assert.deepEqual(await deliverOutboxMessage(deps, id), { outcome: 'skipped', status: 'failed' })
    })

    it('clears the error of an earlier attempt once a retry succeeds', async () => {
      const { id } = await queueEmail(handle.db, { to: 'dan@example.com', kind: 'confirm_email', rendered: confirm() })
      const transport = recordingTransport((n) => (n === 1 ? new Error('connection reset') : undefined))
      const deps = { db: handle.db, transport, log: silentLogger }
      await assert.rejects(deliverOutboxMessage(deps, id), /connection reset/)
      await deliverOutboxMessage(deps, id)
      const row = await load(id)
      assert.equal(row.status, 'sent')
      assert.equal(row.attempts, 2)
      assert.equal(row.error, null)
    })

    it('keeps the message as stored with the development transport, logging its link', async () => {
      const lines: string[] = []
      const log = createLogger({ write: (line) => lines.push(line) })
      const rendered = renderInvitation({
        inviterName: 'Grace',
        organizationName: 'Acme',
        role: 'admin',
        link: 'https://prodgy.example/invite/xyz',
      })
      const { id } = await queueEmail(handle.db, {
        organizationId,
        to: 'erin@example.com',
        kind: 'invitation',
        rendered,
      })
      const outcome = await deliverOutboxMessage(
        { db: handle.db, transport: createDevOutboxTransport({ log }), log },
        id,
      )
      assert.deepEqual(outcome, { outcome: 'delivered', status: 'stored' })
      const row = await load(id)
      assert.equal(row.status, 'stored')
      assert.equal(row.transport, 'dev-outbox')
      assert.ok(row.sent_at instanceof Date)
      const line = lines.map((l) => JSON.parse(l)).find((l) => l.link)
      assert.equal(line?.to, 'erin@example.com')
      assert.equal(line?.subject, 'Grace invited you to Acme on Prodgy')
      assert.equal(line?.link, 'https://prodgy.example/invite/xyz')
    })

    it('reports a missing row without sending anything', async () => {
      const transport = recordingTransport()
      const outcome = await deliverOutboxMessage(
        { db: handle.db, transport, log: silentLogger },
        '00000000-0000-4000-8000-000000000000',
      )
      assert.deepEqual(outcome, { outcome: 'missing' })
      assert.equal(transport.sent.length, 0)
    })

    it('enqueues again only the rows still queued past the threshold, once', async () => {
      await handle.db.exec(`update mail_outbox set status = 'failed' where status = 'queued'`)
      const stale = await queueEmail(handle.db, { to: 'old@example.com', kind: 'test', rendered: confirm() })
      const fresh = await queueEmail(handle.db, { to: 'new@example.com', kind: 'test', rendered: confirm() })
      const sent = await queueEmail(handle.db, { to: 'done@example.com', kind: 'test', rendered: confirm() })
      await handle.db.query(
        `update mail_outbox set created_at = now() - interval '20 minutes' where id = any($1::uuid[])`,
        [[stale.id, sent.id]],
      )
      await handle.db.query(`update mail_outbox set status = 'sent' where id = $1`, [sent.id])
      const queue = createInProcessQueue({ log: silentLogger })
      try {
        assert.equal(await requeueStaleOutbox(handle.db, queue, 10 * 60_000), 1)
        assert.equal((await queue.stats()).waiting, 1)
        // The sweep runs every minute; a row whose job is still waiting is not enqueued twice.
        assert.equal(await requeueStaleOutbox(handle.db, queue, 10 * 60_000), 1)
        assert.equal((await queue.stats()).waiting, 1)
        const payloads: string[] = []
        const ids: string[] = []
        await queue.work(
          {
            'email.send': async (payload, ctx) => {
              payloads.push(payload.outboxId)
              ids.push(ctx.jobId)
            },
          },
          { concurrency: 1 },
        )
        await new Promise((resolve) => setTimeout(resolve, 50))
        assert.deepEqual(payloads, [stale.id])
        assert.deepEqual(ids, [outboxJobId(stale.id)])
        assert.notEqual(fresh.id, stale.id)
      } finally {
        await queue.close()
      }
    })
  })
}
