/** The Gateway on Bun: `bun edge/gateway/src/entry/bun.ts`. */
import { createGatewayFromEnv } from '../runtime/compose.ts'

declare const Bun: {
  serve(options: {
    hostname: string
    port: number
    fetch: (request: Request, server: unknown) => Response | Promise<Response>
  }): { port: number; stop(): void }
}

const gateway = createGatewayFromEnv(process.env)
const server = Bun.serve({
  hostname: gateway.host,
  port: gateway.port,
  fetch: (request, bunServer) => gateway.app.fetch(request, { server: bunServer }),
})
gateway.logger.info('gateway listening', {
  runtime: 'bun',
  url: `http://${gateway.host}:${server.port}`,
  api: gateway.apiUrl,
  mcpUrl: gateway.mcpUrl,
})
const stop = () => {
  server.stop()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
