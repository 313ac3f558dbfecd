import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ApiEnv } from './context.ts'
import type { ApiDeps } from './deps.ts'

/** What each route module receives. */
export interface ApiRouter {
  app: OpenAPIHono<ApiEnv>
  deps: ApiDeps
}
