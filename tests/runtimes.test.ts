/**
 * Smoke test of the API's three entry files: each runtime boots the real server on a throwaway PGlite database,
 * answers the health checks and completes one authenticated round trip (setup, then `/api/me`). It catches what
 * unit tests cannot: a dependency or an entry file that works under tsx but not under Bun's or Deno's loaders.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { API_RUNTIMES, callJson, freePort, type RunningServer, startApi, stopProcess } from './support/servers.ts'

for (const runtime of API_RUNTIMES) {
  describe(`API on ${runtime.name}`, () => {
    let server: RunningServer | undefined

    before(async () => {
      server = await startApi(runtime, await freePort())
    })
    after(async () => {
      await server?.stop()
    })

    const running = (): RunningServer => {
      assert.ok(server, `${runtime.name} did not start`)
      return server
    }

    test('GET /health answers ok', async (t) => {
      const s = running()
      t.diagnostic(`${runtime.name} booted in ${s.bootMs} ms`)
      const { status, json } = await callJson<{ success: boolean; data: { status: string; service: string } }>(
        s.baseUrl,
        'GET',
        '/health',
      )
      assert.equal(status, 200)
      assert.deepEqual(
        { success: json.success, status: json.data.status, service: json.data.service },
        { success: true, status: 'ok', service: 'api' },
      )
    })

    test('GET /health/ready answers 200', async () => {
      const { status, json } = await callJson(running().baseUrl, 'GET', '/health/ready')
      assert.equal(status, 200, `readiness: ${JSON.stringify(json)}`)
    })

    test('setup, then /api/me with the session shows the workspace', async () => {
      const s = running()
      const email = `ada.${runtime.name}@example.com`
      const setup = await callJson<{ success: boolean; data: { accessToken: string } }>(
        s.baseUrl,
        'POST',
        '/api/setup',
        {
          body: {
            email,
            password: 'Correct-Horse-9',
            fullName: 'Ada Lovelace',
            organizationName: `Acme on ${runtime.name}`,
            workspaceName: 'Main',
          },
        },
      )
      assert.equal(setup.status, 201, `setup: ${JSON.stringify(setup.json)}`)
      assert.equal(typeof setup.json.data.accessToken, 'string')
      const me = await callJson<{ data: { user: { email: string }; workspaces: { name: string; slug: string }[] } }>(
        s.baseUrl,
        'GET',
        '/api/me',
        { token: setup.json.data.accessToken },
      )
      assert.equal(me.status, 200, `me: ${JSON.stringify(me.json)}`)
      assert.equal(me.json.data.user.email, email)
      assert.deepEqual(
        me.json.data.workspaces.map((w) => ({ name: w.name, slug: w.slug })),
        [{ name: 'Main', slug: 'main' }],
      )
    })

    test('stops cleanly on SIGTERM', async () => {
      const code = await stopProcess(running().child, 10_000)
      assert.equal(code, 0, `${runtime.name} did not exit cleanly:\n${running().output()}`)
    })
  })
}
