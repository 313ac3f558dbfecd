import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { renderInvitation } from '@prodgy/core'
import { type SmtpTestServer, startSmtpTestServer } from './__fixtures__/smtp-server.ts'
import { createSmtpTransport } from './smtp-transport.ts'

describe('SMTP transport', () => {
  let server: SmtpTestServer

  before(async () => {
    server = await startSmtpTestServer()
  })
  after(async () => {
    await server.close()
  })

  it('delivers a message with the right envelope and headers', async () => {
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      from: 'Prodgy <no-reply@prodgy.example>',
    })
    const rendered = renderInvitation({
      inviterName: 'Grace',
      organizationName: 'Acme',
      role: 'user',
      link: 'https://prodgy.example/invite/abc',
    })
    const result = await transport.send({
      to: 'ada@example.com',
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    })
    assert.equal(transport.name, 'smtp')
    assert.match(String(result.messageId), /^<.+@.+>$/)

    const [message] = await server.waitForMessages(1)
    assert.equal(message?.from, 'no-reply@prodgy.example')
    assert.deepEqual(message?.to, ['ada@example.com'])
    assert.equal(message?.headers.from, 'Prodgy <no-reply@prodgy.example>')
    assert.equal(message?.headers.to, 'ada@example.com')
    assert.equal(message?.headers.subject, 'Grace invited you to Acme on Prodgy')
    assert.equal(message?.headers['message-id'], result.messageId)
    assert.match(String(message?.headers['content-type']), /^multipart\/alternative/)
    assert.ok(message?.raw.includes('Content-Type: text/plain'))
    assert.ok(message?.raw.includes('Content-Type: text/html'))
    assert.ok(message?.raw.includes('https://prodgy.example/invite/abc'))
  })

  it('fails within its greeting timeout when the server never says hello', async () => {
    const silent = await startSmtpTestServer({ greet: false })
    try {
      const transport = createSmtpTransport({
        host: '127.0.0.1',
        port: silent.port,
        secure: false,
        from: 'no-reply@prodgy.example',
        timeouts: { greetingMs: 300 },
      })
      const started = Date.now()
      await assert.rejects(transport.send({ to: 'ada@example.com', subject: 'Hi', text: 'Hello' }), /greeting/i)
      assert.ok(Date.now() - started < 3_000)
    } finally {
      await silent.close()
    }
  })

  it('fails quickly when nothing listens on the port', async () => {
    const transport = createSmtpTransport({
      host: '127.0.0.1',
      port: 1,
      secure: false,
      from: 'no-reply@prodgy.example',
    })
    await assert.rejects(transport.send({ to: 'ada@example.com', subject: 'Hi', text: 'Hello' }), /ECONNREFUSED/)
  })
})
