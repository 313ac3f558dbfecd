/**
 * Builds the Gateway from the environment for a process of its own (`prodgy gateway`, the `entry/*` files): the API
 * at PRODGY_API_URL over HTTP, the service key from PRODGY_API_TOKEN.
 */
import { createLogger, type Logger, parseEnv, ValidationError } from '@prodgy/core'
import type { Hono } from 'hono'
import { createGatewayApp } from '../app.ts'

export interface RunningGateway {
  app: Hono
  logger: Logger
  /** Where it listens: PRODGY_HOST and PRODGY_GATEWAY_PORT. */
  host: string
  port: number
  apiUrl: string
  mcpUrl: string
}

/** The address MCP clients use: PRODGY_MCP_URL, or PRODGY_PUBLIC_URL + `/mcp`. */
export function mcpUrlFrom(env: { PRODGY_MCP_URL?: string | undefined; PRODGY_PUBLIC_URL: string }): string {
  return env.PRODGY_MCP_URL ?? `${env.PRODGY_PUBLIC_URL.replace(/\/+$/, '')}/mcp`
}

export function createGatewayFromEnv(
  source: Record<string, string | undefined>,
  runtime: { logger?: Logger; fetch?: typeof fetch } = {},
): RunningGateway {
  const env = parseEnv(source)
  if (!env.PRODGY_API_TOKEN) {
    throw new ValidationError(
      'The Gateway needs PRODGY_API_TOKEN: the service key it sends to the API (32+ characters, the same value the API ' +
        'is started with).',
    )
  }
  const logger = runtime.logger ?? createLogger({ level: env.LOG_LEVEL, bindings: { service: 'gateway' } })
  const call = runtime.fetch ?? fetch
  const mcpUrl = mcpUrlFrom(env)
  const app = createGatewayApp({
    api: { fetch: (request) => call(request) },
    apiBaseUrl: env.PRODGY_API_URL,
    serviceKey: env.PRODGY_API_TOKEN,
    publicUrl: env.PRODGY_PUBLIC_URL,
    mcpUrl,
    logger,
  })
  return { app, logger, host: env.PRODGY_HOST, port: env.PRODGY_GATEWAY_PORT, apiUrl: env.PRODGY_API_URL, mcpUrl }
}
