import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ValidationError } from '../errors.ts'
import {
  describeDuration,
  escapeHtml,
  renderConfirmEmail,
  renderInvitation,
  renderResetPassword,
  renderTestEmail,
} from './templates.ts'

describe('mail templates', () => {
  it('renders a sign-up confirmation with its link in text and HTML', () => {
    const mail = renderConfirmEmail({ name: 'Ada', link: 'https://prodgy.example/confirm?token=a&b=c' })
    assert.equal(mail.subject, 'Confirm your email for Prodgy')
    assert.equal(mail.actionUrl, 'https://prodgy.example/confirm?token=a&b=c')
    assert.match(mail.text, /^Hi Ada,/)
    assert.ok(mail.text.includes('https://prodgy.example/confirm?token=a&b=c'))
    assert.ok(mail.html.includes('href="https://prodgy.example/confirm?token=a&amp;b=c"'))
  })

  it('says when a password-reset link expires', () => {
    const mail = renderResetPassword({ link: 'https://prodgy.example/reset/1', expiresInMinutes: 60 })
    assert.equal(mail.subject, 'Reset your Prodgy password')
    assert.match(mail.text, /^Hi,/)
    assert.match(mail.text, /expires in 1 hour/)
    assert.match(mail.html, /expires in 1 hour/)
  })

  it('names the inviter, the organization and the role in an invitation', () => {
    const mail = renderInvitation({
      inviterName: 'Grace Hopper',
      organizationName: 'Acme',
      role: 'admin',
      link: 'https://prodgy.example/invite/xyz',
      expiresInMinutes: 7 * 24 * 60,
    })
    assert.equal(mail.subject, 'Grace Hopper invited you to Acme on Prodgy')
    assert.match(mail.text, /Grace Hopper invited you to join Acme on Prodgy as an Administrator\./)
    assert.match(mail.text, /expires in 7 days/)
  })

  it('escapes every value in the HTML and keeps subjects on one line', () => {
    const mail = renderInvitation({
      inviterName: '<script>alert(1)</script>',
      organizationName: 'Evil\r\nBcc: victim@example.com',
      role: 'user',
      inviteeName: '"Bob" & <b>',
      link: 'https://prodgy.example/invite/"><img src=x>',
    })
    assert.ok(!mail.html.includes('<script>'))
    assert.ok(!mail.html.includes('<b>'))
    assert.ok(!mail.html.includes('<img'))
    assert.ok(mail.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
    assert.ok(mail.html.includes('&quot;Bob&quot; &amp; &lt;b&gt;'))
    assert.ok(!/[\r\n]/.test(mail.subject))
    assert.equal(mail.subject, '<script>alert(1)</script> invited you to Evil Bcc: victim@example.com on Prodgy')
  })

  it('refuses a link that is not an absolute http(s) URL', () => {
    assert.throws(() => renderConfirmEmail({ link: '/confirm?t=1' }), ValidationError)
    assert.throws(() => renderConfirmEmail({ link: 'javascript:alert(1)' }), ValidationError)
  })

  it('renders a test message', () => {
    const mail = renderTestEmail({ link: 'http://localhost:3000', requestedBy: 'root@example.com' })
    assert.equal(mail.subject, 'Prodgy test email')
    assert.match(mail.text, /sent at the request of root@example\.com/)
    assert.equal(mail.actionUrl, 'http://localhost:3000/')
  })

  it('writes durations in words and escapes the five HTML characters', () => {
    assert.equal(describeDuration(30), '30 minutes')
    assert.equal(describeDuration(120), '2 hours')
    assert.equal(describeDuration(1440), '1 day')
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;')
  })
})
