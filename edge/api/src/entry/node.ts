/** The API on Node: `tsx edge/api/src/entry/node.ts` (the CLI's `prodgy api` does the same). */
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { parseEnv } from '@prodgy/core'
import { createApiFromEnv } from '../runtime/compose.ts'
import { lockDataDir } from '../runtime/data-dir-lock.ts'

const env = parseEnv(process.env)
const api = await createApiFromEnv(process.env, { clientIp: (c) => getConnInfo(c).remote.address, lockDataDir })
const server = serve({ fetch: api.app.fetch, hostname: env.PRODGY_HOST, port: env.PRODGY_API_PORT }, (info) => {
  api.logger.info('api listening', { runtime: 'node', url: `http://${env.PRODGY_HOST}:${info.port}` })
})
const stop = async () => {
  server.close()
  await api.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
