import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createTestApi, STRONG_PASSWORD, type TestApi } from './testing/harness.ts'

type Session = { accessToken: string; refreshToken: string; user: { id: string; email: string } }

for (const kind of testDatabaseKinds()) {
  describe(`accounts and sessions on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let api: TestApi
    let admin: Session

    before(async () => {
      handle = await kind.create({ migrated: true })
      api = await createTestApi(handle.db)
    })
    after(async () => {
      await handle?.drop()
    })

    it('asks for the first-run setup while there is no user, and enforces the password policy per rule', async () => {
      const status = await api.request('/api/setup')
      assert.deepEqual(status.body.data, { needsSetup: true })
      const weak = await api.request('/api/setup', {
        body: { email: 'Ada@Example.com', password: 'short', fullName: 'Ada', organizationName: 'Acme' },
      })
      assert.equal(weak.status, 400)
      assert.equal(weak.body.error, 'validation_failed')
      const problems = (weak.body.details as { fields: { password: string[] } }).fields.password
      assert.ok(problems.includes('At least 8 characters'))
      assert.ok(problems.includes('An uppercase letter'))
      assert.ok(problems.includes('A digit'))
    })

    it('creates the first Super Admin, organization and workspace, only once', async () => {
      const created = await api.request('/api/setup', {
        body: {
          email: 'Ada@Example.com',
          password: STRONG_PASSWORD,
          fullName: 'Ada Lovelace',
          organizationName: 'Acme',
          workspaceName: 'Rocket App',
        },
      })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      admin = created.body.data as Session
      assert.equal(admin.user.email, 'ada@example.com')
      assert.match(created.headers.get('set-cookie') ?? '', /prodgy_refresh=.*HttpOnly/i)
      const again = await api.request('/api/setup', {
        body: { email: 'b@example.com', password: STRONG_PASSWORD, fullName: 'B', organizationName: 'Other' },
      })
      assert.equal(again.status, 409)
      assert.equal(again.body.error, 'already_set_up')
      const me = await api.request('/api/me', { token: admin.accessToken })
      const data = me.body.data as { role: string; workspaces: { slug: string }[]; user: { isSuperAdmin: boolean } }
      assert.equal(data.role, 'super_admin')
      assert.equal(data.user.isSuperAdmin, true)
      assert.deepEqual(
        data.workspaces.map((w) => w.slug),
        ['rocket-app'],
      )
    })

    it('signs in, and refuses a wrong password with one message for unknown and known emails', async () => {
      const wrong = await api.request('/api/auth/login', { body: { email: 'ada@example.com', password: 'Nope-1234!' } })
      const unknown = await api.request('/api/auth/login', {
        body: { email: 'who@example.com', password: 'Nope-1234!' },
      })
      assert.equal(wrong.status, 401)
      assert.equal(unknown.status, 401)
      assert.equal(wrong.body.message, unknown.body.message)
      const ok = await api.request('/api/auth/login', {
        body: { email: 'ADA@example.com ', password: STRONG_PASSWORD },
      })
      assert.equal(ok.status, 200)
    })

    it('rotates refresh tokens and revokes the whole family when a used one comes back', async () => {
      const login = await api.request('/api/auth/login', {
        body: { email: 'ada@example.com', password: STRONG_PASSWORD },
      })
      const first = login.body.data as Session
      const rotated = await api.request('/api/auth/refresh', { body: { refreshToken: first.refreshToken } })
      assert.equal(rotated.status, 200)
      const second = rotated.body.data as Session
      assert.notEqual(second.refreshToken, first.refreshToken)
      assert.equal((await api.request('/api/me', { token: second.accessToken })).status, 200)
      const replay = await api.request('/api/auth/refresh', { body: { refreshToken: first.refreshToken } })
      assert.equal(replay.status, 401)
      // the thief's replay killed the family: the legitimate tokens stop working at once
      assert.equal(
        (await api.request('/api/auth/refresh', { body: { refreshToken: second.refreshToken } })).status,
        401,
      )
      const me = await api.request('/api/me', { token: second.accessToken })
      assert.equal(me.status, 401)
      assert.equal(me.body.error, 'session_expired')
      const [audit] = await handle.db.query<{ n: number }>(
        `select count(*)::int as n from audit_log where action = 'session.reuse_detected'`,
      )
      assert.equal(audit?.n, 1)
    })

    it('logs out by revoking the session family', async () => {
      const login = await api.request('/api/auth/login', {
        body: { email: 'ada@example.com', password: STRONG_PASSWORD },
      })
      const session = login.body.data as Session
      assert.equal(
        (await api.request('/api/auth/logout', { body: { refreshToken: session.refreshToken } })).status,
        200,
      )
      assert.equal((await api.request('/api/me', { token: session.accessToken })).status, 401)
    })

    it('signs up by email: confirmation link, then password, then a session', async () => {
      const start = await api.request('/api/auth/signup', {
        body: { email: 'grace@example.com', fullName: 'Grace Hopper' },
      })
      assert.equal(start.status, 201, JSON.stringify(start.body))
      const early = await api.request('/api/auth/login', {
        body: { email: 'grace@example.com', password: STRONG_PASSWORD },
      })
      assert.equal(early.status, 401)
      const link = await api.lastLink('grace@example.com')
      assert.match(link, /^http:\/\/prodgy\.test\/confirm\?token=/)
      const token = api.tokenFromLink(link)
      const weak = await api.request('/api/auth/confirm', { body: { token, password: 'password' } })
      assert.equal(weak.status, 400)
      const confirmed = await api.request('/api/auth/confirm', { body: { token, password: STRONG_PASSWORD } })
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body))
      const used = await api.request('/api/auth/confirm', { body: { token, password: STRONG_PASSWORD } })
      assert.equal(used.status, 400)
      const duplicate = await api.request('/api/auth/signup', { body: { email: 'Grace@example.com', fullName: 'G' } })
      assert.equal(duplicate.status, 409)
      const me = await api.request('/api/me', { token: (confirmed.body.data as Session).accessToken })
      assert.equal((me.body.data as { currentOrganizationId: null }).currentOrganizationId, null)
    })

    it('resets a password by emailed link with a progressive cooldown, signing out old sessions', async () => {
      const session = (
        await api.request('/api/auth/login', { body: { email: 'grace@example.com', password: STRONG_PASSWORD } })
      ).body.data as Session
      const first = await api.request('/api/auth/forgot-password', { body: { email: 'grace@example.com' } })
      assert.equal(first.status, 200)
      assert.deepEqual(first.body.data, { cooldownSeconds: 15 })
      const tooSoon = await api.request('/api/auth/forgot-password', { body: { email: 'grace@example.com' } })
      assert.equal(tooSoon.status, 429)
      assert.equal(tooSoon.body.error, 'reset_cooldown')
      assert.ok(Number(tooSoon.headers.get('retry-after')) > 0)
      // an unknown email gets the same answer, so the endpoint reveals nobody
      const unknown = await api.request('/api/auth/forgot-password', { body: { email: 'nobody@example.com' } })
      assert.equal(unknown.status, 200)
      const token = api.tokenFromLink(await api.lastLink('grace@example.com'))
      const reset = await api.request('/api/auth/reset-password', { body: { token, password: 'New-Password-42' } })
      assert.equal(reset.status, 200)
      assert.equal((await api.request('/api/me', { token: session.accessToken })).status, 401)
      const login = await api.request('/api/auth/login', {
        body: { email: 'grace@example.com', password: 'New-Password-42' },
      })
      assert.equal(login.status, 200)
    })

    it('changes the password keeping the current session, and deletes an account with its password', async () => {
      const session = (
        await api.request('/api/auth/login', { body: { email: 'grace@example.com', password: 'New-Password-42' } })
      ).body.data as Session
      const other = (
        await api.request('/api/auth/login', { body: { email: 'grace@example.com', password: 'New-Password-42' } })
      ).body.data as Session
      const wrong = await api.request('/api/me/password', {
        token: session.accessToken,
        body: { currentPassword: 'bad', newPassword: 'Another-Pass-7' },
      })
      assert.equal(wrong.status, 400)
      const changed = await api.request('/api/me/password', {
        token: session.accessToken,
        body: { currentPassword: 'New-Password-42', newPassword: 'Another-Pass-7' },
      })
      assert.equal(changed.status, 200)
      assert.equal((await api.request('/api/me', { token: session.accessToken })).status, 200)
      assert.equal((await api.request('/api/me', { token: other.accessToken })).status, 401)
      const prefs = await api.request('/api/me/ai-preferences', {
        method: 'PUT',
        token: session.accessToken,
        body: { directive: 'Answer in **bullet points**.', confirmDestructiveActions: false },
      })
      assert.deepEqual((prefs.body.data as { aiPreferences: unknown }).aiPreferences, {
        directive: 'Answer in **bullet points**.',
        confirmDestructiveActions: false,
      })
      const badDelete = await api.request('/api/me', {
        method: 'DELETE',
        token: session.accessToken,
        body: { password: 'x' },
      })
      assert.equal(badDelete.status, 400)
      const deleted = await api.request('/api/me', {
        method: 'DELETE',
        token: session.accessToken,
        body: { password: 'Another-Pass-7' },
      })
      assert.equal(deleted.status, 200)
      const login = await api.request('/api/auth/login', {
        body: { email: 'grace@example.com', password: 'Another-Pass-7' },
      })
      assert.equal(login.status, 401)
    })

    it('refuses to delete the only Super Admin', async () => {
      const session = (
        await api.request('/api/auth/login', { body: { email: 'ada@example.com', password: STRONG_PASSWORD } })
      ).body.data as Session
      const refused = await api.request('/api/me', {
        method: 'DELETE',
        token: session.accessToken,
        body: { password: STRONG_PASSWORD },
      })
      assert.equal(refused.status, 409)
      assert.equal(refused.body.error, 'last_super_admin')
    })

    it('never writes a password or token into a log line', () => {
      const all = api.logLines.join('\n')
      assert.ok(all.length > 0)
      for (const secret of [
        STRONG_PASSWORD,
        'New-Password-42',
        'Another-Pass-7',
        admin.refreshToken,
        admin.accessToken,
      ]) {
        assert.equal(all.includes(secret), false, `a log line contains ${secret.slice(0, 6)}…`)
      }
    })
  })
}
