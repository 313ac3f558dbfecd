import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestDatabaseHandle, testDatabaseKinds } from '@prodgy/core/testing/databases'
import { createTestApi, STRONG_PASSWORD, type TestApi } from './testing/harness.ts'

type Session = { accessToken: string; user: { id: string } }
type Workspace = { id: string; slug: string; name: string; memberCount: number }

for (const kind of testDatabaseKinds()) {
  describe(`organizations, workspaces, members and invitations on ${kind.name}`, { skip: kind.skip }, () => {
    let handle: TestDatabaseHandle
    let api: TestApi
    let root: Session // Super Admin of Acme
    let rocket: Workspace
    let admin: Session // invited Admin of Acme
    let user: Session // invited User of Acme, access to Rocket only
    let other: Session // Admin of Globex, another tenant
    const login = async (email: string, password = STRONG_PASSWORD) =>
      (await api.request('/api/auth/login', { body: { email, password } })).body.data as Session

    const invite = async (token: string, body: Record<string, unknown>) => {
      const res = await api.request('/api/invitations', { token, body })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      return res.body.data as { id: string; status: string }
    }
    const accept = async (email: string, fullName: string) => {
      const token = api.tokenFromLink(await api.lastLink(email))
      const res = await api.request('/api/invitations/accept', { body: { token, fullName, password: STRONG_PASSWORD } })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return res.body.data as Session
    }

    before(async () => {
      handle = await kind.create({ migrated: true })
      api = await createTestApi(handle.db)
      const setup = await api.request('/api/setup', {
        body: { email: 'root@acme.test', password: STRONG_PASSWORD, fullName: 'Root', organizationName: 'Acme' },
      })
      root = setup.body.data as Session
    })
    after(async () => {
      await handle?.drop()
    })

    it('creates workspaces with slugs derived from their names, unique in the organization', async () => {
      const a = await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Rocket App!' } })
      assert.equal(a.status, 201, JSON.stringify(a.body))
      rocket = a.body.data as Workspace
      assert.equal(rocket.slug, 'rocket-app')
      const b = await api.request('/api/workspaces', { token: root.accessToken, body: { name: 'Rocket   app' } })
      assert.equal((b.body.data as Workspace).slug, 'rocket-app-2')
      const empty = await api.request('/api/workspaces', { token: root.accessToken, body: { name: '  ' } })
      assert.equal(empty.status, 400)
      assert.ok((empty.body.details as { fields: Record<string, string[]> }).fields.name)
    })

    it('updates the product context of a workspace', async () => {
      const res = await api.request(`/api/workspaces/${rocket.id}`, {
        method: 'PATCH',
        token: root.accessToken,
        body: { vision: 'Reach orbit', okrs: '- O1: launch', website: 'https://rocket.example' },
      })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const ws = res.body.data as { vision: string; okrs: string; website: string }
      assert.equal(ws.vision, 'Reach orbit')
      assert.equal(ws.okrs, '- O1: launch')
      const bad = await api.request(`/api/workspaces/${rocket.id}`, {
        method: 'PATCH',
        token: root.accessToken,
        body: { website: 'not a url' },
      })
      assert.equal(bad.status, 400)
    })

    it('invites an Admin and a User by email; they accept by link and join with their roles', async () => {
      await invite(root.accessToken, { email: 'boss@acme.test', fullName: 'Boss', role: 'admin' })
      admin = await accept('boss@acme.test', 'Boss Person')
      await invite(admin.accessToken, {
        email: 'dev@acme.test',
        fullName: 'Dev',
        role: 'user',
        workspaceIds: [rocket.id],
      })
      const lookup = await api.request(
        `/api/invitations/lookup?token=${api.tokenFromLink(await api.lastLink('dev@acme.test'))}`,
      )
      assert.deepEqual(lookup.body.data, {
        email: 'dev@acme.test',
        fullName: 'Dev',
        organizationName: 'Acme',
        role: 'user',
        accountExists: false,
      })
      user = await accept('dev@acme.test', 'Dev Person')
      const me = (await api.request('/api/me', { token: user.accessToken })).body.data as {
        role: string
        workspaces: Workspace[]
      }
      assert.equal(me.role, 'user')
      assert.deepEqual(
        me.workspaces.map((w) => w.id),
        [rocket.id],
      )
    })

    it('lets only a Super Admin invite a Super Admin, and cancels pending invitations', async () => {
      const refused = await api.request('/api/invitations', {
        token: admin.accessToken,
        body: { email: 'x@acme.test', fullName: 'X', role: 'super_admin' },
      })
      assert.equal(refused.status, 403)
      const pending = await invite(admin.accessToken, { email: 'late@acme.test', fullName: 'Late', role: 'user' })
      const cancelled = await api.request(`/api/invitations/${pending.id}/cancel`, {
        token: admin.accessToken,
        body: {},
      })
      assert.equal((cancelled.body.data as { status: string }).status, 'cancelled')
      const token = api.tokenFromLink(await api.lastLink('late@acme.test'))
      const res = await api.request('/api/invitations/accept', {
        body: { token, fullName: 'L', password: STRONG_PASSWORD },
      })
      assert.equal(res.status, 404)
      assert.equal(res.body.error, 'invitation_invalid')
    })

    it('hides Super Admins from Admins, and keeps the rules of roles', async () => {
      const seenByAdmin = (await api.request('/api/members', { token: admin.accessToken })).body.data as {
        items: { email: string }[]
      }
      assert.deepEqual(seenByAdmin.items.map((m) => m.email).sort(), ['boss@acme.test', 'dev@acme.test'])
      const seenByRoot = (await api.request('/api/members', { token: root.accessToken })).body.data as { total: number }
      assert.equal(seenByRoot.total, 3)
      const promote = await api.request(`/api/members/${user.user.id}`, {
        method: 'PATCH',
        token: admin.accessToken,
        body: { role: 'super_admin' },
      })
      assert.equal(promote.status, 403)
      const userTriesAdmin = await api.request('/api/members', { token: user.accessToken })
      assert.equal(userTriesAdmin.status, 403)
      const userCreates = await api.request('/api/workspaces', { token: user.accessToken, body: { name: 'Mine' } })
      assert.equal(userCreates.status, 403)
    })

    it('grants and removes workspace access', async () => {
      const list = (await api.request('/api/workspaces', { token: root.accessToken })).body.data as {
        items: Workspace[]
      }
      const second = list.items.find((w) => w.slug === 'rocket-app-2') as Workspace
      assert.equal((await api.request(`/api/workspaces/${second.id}`, { token: user.accessToken })).status, 403)
      const grant = await api.request(`/api/workspaces/${second.id}/members`, {
        token: admin.accessToken,
        body: { userId: user.user.id },
      })
      assert.equal(grant.status, 200)
      assert.equal((await api.request(`/api/workspaces/${second.id}`, { token: user.accessToken })).status, 200)
      const members = (await api.request(`/api/workspaces/${second.id}/members`, { token: user.accessToken })).body
        .data as { items: { email: string }[] }
      assert.ok(members.items.some((m) => m.email === 'dev@acme.test'))
      await api.request(`/api/workspaces/${second.id}/members/${user.user.id}`, {
        method: 'DELETE',
        token: admin.accessToken,
      })
      assert.equal((await api.request(`/api/workspaces/${second.id}`, { token: user.accessToken })).status, 403)
    })

    it('keeps organizations apart: another tenant sees nothing of Acme', async () => {
      await api.request('/api/auth/signup', { body: { email: 'owner@globex.test', fullName: 'Owner' } })
      const token = api.tokenFromLink(await api.lastLink('owner@globex.test'))
      other = (await api.request('/api/auth/confirm', { body: { token, password: STRONG_PASSWORD } })).body
        .data as Session
      const org = await api.request('/api/organizations', { token: other.accessToken, body: { name: 'Globex' } })
      assert.equal(org.status, 201)
      const theirs = (await api.request('/api/workspaces', { token: other.accessToken })).body.data as { total: number }
      assert.equal(theirs.total, 0)
      const peek = await api.request(`/api/workspaces/${rocket.id}`, { token: other.accessToken })
      assert.equal(peek.status, 404)
      const edit = await api.request(`/api/workspaces/${rocket.id}`, {
        method: 'PATCH',
        token: other.accessToken,
        body: { name: 'Pwned' },
      })
      assert.equal(edit.status, 404)
      const acme = (await api.request('/api/organizations/current', { token: root.accessToken })).body.data as {
        id: string
      }
      const forged = await api.request('/api/workspaces', {
        token: other.accessToken,
        headers: { 'x-organization-id': acme.id },
      })
      assert.equal(forged.status, 403)
      assert.equal(forged.body.error, 'not_a_member')
      const members = await api.request(`/api/members/${user.user.id}`, {
        method: 'DELETE',
        token: other.accessToken,
      })
      assert.equal(members.status, 404)
    })

    it('lets a Super Admin act in any organization with X-Organization-Id', async () => {
      const globex = (await api.request('/api/organizations/current', { token: other.accessToken })).body.data as {
        id: string
      }
      const res = await api.request('/api/workspaces', {
        token: root.accessToken,
        body: { name: 'Support' },
        headers: { 'x-organization-id': globex.id },
      })
      assert.equal(res.status, 201)
      const theirs = (await api.request('/api/workspaces', { token: other.accessToken })).body.data as { total: number }
      assert.equal(theirs.total, 1)
      const all = (await api.request('/api/organizations', { token: root.accessToken })).body.data as { total: number }
      assert.equal(all.total, 2)
    })

    it('deletes a workspace only when its name is typed, and an organization only without workspaces', async () => {
      const ws = (await api.request('/api/workspaces', { token: other.accessToken })).body.data as {
        items: Workspace[]
      }
      const support = ws.items[0] as Workspace
      const blocked = await api.request('/api/organizations/current', {
        method: 'DELETE',
        token: other.accessToken,
        body: { confirmName: 'Globex' },
      })
      assert.equal(blocked.status, 409)
      assert.equal(blocked.body.error, 'organization_has_workspaces')
      const wrongName = await api.request(`/api/workspaces/${support.id}`, {
        method: 'DELETE',
        token: other.accessToken,
        body: { confirmName: 'support' },
      })
      assert.equal(wrongName.status, 400)
      const gone = await api.request(`/api/workspaces/${support.id}`, {
        method: 'DELETE',
        token: other.accessToken,
        body: { confirmName: 'Support' },
      })
      assert.equal(gone.status, 200)
      const deleted = await api.request('/api/organizations/current', {
        method: 'DELETE',
        token: other.accessToken,
        body: { confirmName: 'Globex' },
      })
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body))
    })

    it('keeps at least one administrator', async () => {
      const demote = await api.request(`/api/members/${admin.user.id}`, {
        method: 'PATCH',
        token: admin.accessToken,
        body: { role: 'user' },
      })
      // root is also an admin of Acme, so Boss may step down
      assert.equal(demote.status, 200, JSON.stringify(demote.body))
      const rootDemotesSelf = await api.request(`/api/members/${root.user.id}`, {
        method: 'PATCH',
        token: root.accessToken,
        body: { role: 'user' },
      })
      assert.equal(rootDemotesSelf.status, 409)
    })

    it('records the audit trail of the organization', async () => {
      const audit = (await api.request('/api/audit-log?pageSize=100', { token: root.accessToken })).body.data as {
        items: { action: string }[]
      }
      const actions = new Set(audit.items.map((a) => a.action))
      for (const action of ['workspace.created', 'invitation.created', 'invitation.accepted', 'invitation.cancelled']) {
        assert.ok(actions.has(action), `missing ${action}`)
      }
      assert.equal((await login('dev@acme.test')).user.id, user.user.id)
    })
  })
}
