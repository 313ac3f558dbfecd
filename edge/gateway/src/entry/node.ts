/** The Gateway on Node: `tsx edge/gateway/src/entry/node.ts` (the CLI's `prodgy gateway` does the same). */
import { serve } from '@hono/node-server'
import { createGatewayFromEnv } from '../runtime/compose.ts'

const gateway = createGatewayFromEnv(process.env)
const server = serve({ fetch: gateway.app.fetch, hostname: gateway.host, port: gateway.port }, (info) => {
  gateway.logger.info('gateway listening', {
    runtime: 'node',
    url: `http://${gateway.host}:${info.port}`,
    api: gateway.apiUrl,
    mcpUrl: gateway.mcpUrl,
  })
})
const stop = () => {
  server.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
