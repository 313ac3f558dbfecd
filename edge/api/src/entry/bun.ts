/** The API on Bun: `bun edge/api/src/entry/bun.ts`. */
import { parseEnv } from '@prodgy/core'
import { getConnInfo } from 'hono/bun'
import { createApiFromEnv } from '../runtime/compose.ts'
import { lockDataDir } from '../runtime/data-dir-lock.ts'

declare const Bun: {
  serve(options: {
    hostname: string
    port: number
    fetch: (request: Request, server: unknown) => Response | Promise<Response>
  }): { port: number; stop(): void }
}

const env = parseEnv(process.env)
const api = await createApiFromEnv(process.env, { clientIp: (c) => getConnInfo(c).remote.address, lockDataDir })
const server = Bun.serve({
  hostname: env.PRODGY_HOST,
  port: env.PRODGY_API_PORT,
  fetch: (request, bunServer) => api.app.fetch(request, { server: bunServer }),
})
api.logger.info('api listening', { runtime: 'bun', url: `http://${env.PRODGY_HOST}:${server.port}` })
const stop = async () => {
  server.stop()
  await api.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
