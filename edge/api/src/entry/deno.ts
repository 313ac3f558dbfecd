/** The API on Deno: `deno run --allow-net --allow-env --allow-read --allow-write --allow-sys edge/api/src/entry/deno.ts`. */
import { parseEnv } from '@prodgy/core'
import { getConnInfo } from 'hono/deno'
import { createApiFromEnv } from '../runtime/compose.ts'
import { lockDataDir } from '../runtime/data-dir-lock.ts'

declare const Deno: {
  env: { toObject(): Record<string, string> }
  serve(
    options: { hostname: string; port: number; onListen?: (addr: { port: number }) => void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> }
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  exit(code: number): never
}

const source = Deno.env.toObject()
const env = parseEnv(source)
const api = await createApiFromEnv(source, { clientIp: (c) => getConnInfo(c).remote.address, lockDataDir })
const server = Deno.serve(
  {
    hostname: env.PRODGY_HOST,
    port: env.PRODGY_API_PORT,
    onListen: (addr) =>
      api.logger.info('api listening', { runtime: 'deno', url: `http://${env.PRODGY_HOST}:${addr.port}` }),
  },
  (request, info) => api.app.fetch(request, info),
)
const stop = async () => {
  await server.shutdown()
  await api.close()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
