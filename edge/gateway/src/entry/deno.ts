/** The Gateway on Deno: `deno run --allow-net --allow-env --allow-read edge/gateway/src/entry/deno.ts`. */
import { createGatewayFromEnv } from '../runtime/compose.ts'

declare const Deno: {
  env: { toObject(): Record<string, string> }
  serve(
    options: { hostname: string; port: number; onListen?: (addr: { port: number }) => void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> }
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  exit(code: number): never
}

const gateway = createGatewayFromEnv(Deno.env.toObject())
const server = Deno.serve(
  {
    hostname: gateway.host,
    port: gateway.port,
    onListen: (addr) =>
      gateway.logger.info('gateway listening', {
        runtime: 'deno',
        url: `http://${gateway.host}:${addr.port}`,
        api: gateway.apiUrl,
        mcpUrl: gateway.mcpUrl,
      }),
  },
  (request, info) => gateway.app.fetch(request, info),
)
const stop = async () => {
  await server.shutdown()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', stop)
Deno.addSignalListener('SIGTERM', stop)
