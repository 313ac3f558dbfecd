import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createTestApi, STRONG_PASSWORD, type TestApi } from './testing/harness.ts'

type Session = { accessToken: string; user: { id: string } }
type NewToken = { token: string; apiToken: { id: string; prefix: string; status: string; usageCount: number } }

for (const kind of testDatabaseKinds()) {
  describe(`API tokens on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let api: TestApi
    let root: Session
    let workspaceId: string
    let created: NewToken

    const audit = async (tokenId: string) => {
      const res = await api.request(`/api/api-tokens/${tokenId}/audit?pageSize=100`, { token: root.accessToken })
      return (res.body.data as { items: { action: string }[] }).items.map((i) => i.action)
    }

    before(async () => {
      handle = await kind.create({ migrated: true })
      api = await createTestApi(handle.db)
      root = (
        await api.request('/api/setup', {
          body: {
            email: 'root@acme.test',
            password: STRONG_PASSWORD,
            fullName: 'Root',
            organizationName: 'Acme',
            workspaceName: 'Rocket',
          },
        })
      ).body.data as Session
      const me = (await api.request('/api/me', { token: root.accessToken })).body.data as {
        workspaces: { id: string }[]
      }
      workspaceId = me.workspaces[0]?.id as string
    })
    after(async () => {
      await handle?.drop()
    })

    it('creates a token shown once, stored only as a hash with an 8-character prefix', async () => {
      const res = await api.request(`/api/workspaces/${workspaceId}/api-tokens`, {
        token: root.accessToken,
        body: { name: 'CI pipeline' },
      })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      created = res.body.data as NewToken
      assert.match(created.token, /^prodgy_[A-Za-z0-9]{32}$/)
      assert.equal(created.apiToken.prefix, created.token.slice(0, 15))
      const [row] = await handle.db.query<Record<string, unknown>>('select * from api_tokens where id = $1', [
        created.apiToken.id,
      ])
      assert.equal(Object.values(row ?? {}).includes(created.token), false)
      const list = await api.request(`/api/workspaces/${workspaceId}/api-tokens`, { token: root.accessToken })
      assert.equal(JSON.stringify(list.body).includes(created.token), false)
    })

    it('authenticates as Bearer and as X-API-Token, bound to its workspace, counting each use', async () => {
      const bearer = await api.request('/api/me', { token: created.token })
      assert.equal(bearer.status, 200)
      const me = bearer.body.data as { apiToken: { workspaceId: string }; workspaces: { id: string }[] }
      assert.equal(me.apiToken.workspaceId, workspaceId)
      assert.deepEqual(
        me.workspaces.map((w) => w.id),
        [workspaceId],
      )
      const header = await api.request(`/api/workspaces/${workspaceId}`, { headers: { 'x-api-token': created.token } })
      assert.equal(header.status, 200)
      const list = (await api.request(`/api/workspaces/${workspaceId}/api-tokens`, { token: root.accessToken })).body
        .data as { items: { usageCount: number; lastUsedAt: string | null }[] }
      assert.equal(list.items[0]?.usageCount, 2)
      assert.ok(list.items[0]?.lastUsedAt)
    })

    it('cannot manage accounts, members or tokens, nor reach another workspace', async () => {
      const other = (await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Other' } })).body
        .data as { id: string }
      assert.equal((await api.request(`/api/workspaces/${other.id}`, { token: created.token })).status, 403)
      const mint = await api.request(`/api/workspaces/${workspaceId}/api-tokens`, {
        token: created.token,
        body: { name: 'x' },
      })
      assert.equal(mint.status, 403)
      assert.equal(mint.body.error, 'session_required')
      const password = await api.request('/api/me/password', {
        token: created.token,
        body: { currentPassword: STRONG_PASSWORD, newPassword: 'Another-Pass-7' },
      })
      assert.equal(password.status, 403)
    })

    it('stops working on the very next request after deactivation, and works again when activated', async () => {
      const off = await api.request(`/api/api-tokens/${created.apiToken.id}/deactivate`, {
        token: root.accessToken,
        body: {},
      })
      assert.equal((off.body.data as { status: string }).status, 'inactive')
      const refused = await api.request('/api/me', { token: created.token })
      assert.equal(refused.status, 401)
      assert.equal(refused.body.error, 'token_inactive')
      await api.request(`/api/api-tokens/${created.apiToken.id}/activate`, { token: root.accessToken, body: {} })
      assert.equal((await api.request('/api/me', { token: created.token })).status, 200)
    })

    it('regenerates: the old secret fails at once, the new one works', async () => {
      const res = await api.request(`/api/api-tokens/${created.apiToken.id}/regenerate`, {
        token: root.accessToken,
        body: {},
      })
      const fresh = res.body.data as NewToken
      assert.notEqual(fresh.token, created.token)
      assert.equal((await api.request('/api/me', { token: created.token })).status, 401)
      assert.equal((await api.request('/api/me', { token: fresh.token })).status, 200)
      created = fresh
    })

    it('expires, is audited as expired, and comes back when renewed', async () => {
      await handle.db.query(`update api_tokens set expires_at = now() - interval '1 minute' where id = $1`, [
        created.apiToken.id,
      ])
      const expired = await api.request('/api/me', { token: created.token })
      assert.equal(expired.status, 401)
      assert.equal(expired.body.error, 'token_expired')
      const past = await api.request(`/api/api-tokens/${created.apiToken.id}/renew`, {
        token: root.accessToken,
        body: { expiresAt: '2001-01-01T00:00:00Z' },
      })
      assert.equal(past.status, 400)
      const renewed = await api.request(`/api/api-tokens/${created.apiToken.id}/renew`, {
        token: root.accessToken,
        body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      })
      assert.equal((renewed.body.data as { status: string }).status, 'active')
      assert.equal((await api.request('/api/me', { token: created.token })).status, 200)
    })

    it('revokes permanently', async () => {
      await api.request(`/api/api-tokens/${created.apiToken.id}/revoke`, { token: root.accessToken, body: {} })
      const refused = await api.request('/api/me', { token: created.token })
      assert.equal(refused.status, 401)
      assert.equal(refused.body.error, 'token_revoked')
      const again = await api.request(`/api/api-tokens/${created.apiToken.id}/activate`, {
        token: root.accessToken,
        body: {},
      })
      assert.equal(again.status, 409)
    })

    it('audits created, used, regenerated, expired, renewed and revoked', async () => {
      const actions = await audit(created.apiToken.id)
      for (const action of ['created', 'used', 'regenerated', 'expired', 'renewed', 'revoked', 'deactivated']) {
        assert.ok(actions.includes(`api_token.${action}`), `missing api_token.${action} in ${actions.join(', ')}`)
      }
    })

    it('rejects malformed and unknown tokens with one message', async () => {
      const unknown = await api.request('/api/me', { token: `prodgy_${'A'.repeat(32)}` })
      const malformed = await api.request('/api/me', { headers: { 'x-api-token': 'prodgy_short' } })
      assert.equal(unknown.status, 401)
      assert.equal(malformed.status, 401)
      assert.equal(unknown.body.message, malformed.body.message)
    })

    it('accepts service keys in constant time, acting for a user with X-Prodgy-User-Id', async () => {
      const key = 'k'.repeat(40)
      const service = await createTestApi(handle.db, { env: { PRODGY_API_TOKEN: key } })
      const ok = await service.request('/api/me', { headers: { 'x-api-key': key, 'x-prodgy-user-id': root.user.id } })
      assert.equal(ok.status, 200)
      const bad = await service.request('/api/me', { headers: { 'x-api-key': `${'k'.repeat(39)}x` } })
      assert.equal(bad.status, 401)
      assert.equal(bad.body.error, 'invalid_api_key')
    })
  })
}
