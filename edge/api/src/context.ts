import type { Logger, Principal } from '@prodgy/core'

/** Values every request carries through the Hono context. */
export interface ApiVariables {
  requestId: string
  log: Logger
  /** Set by the authentication middleware when the request carried valid credentials. */
  principal: Principal | undefined
}

export type ApiEnv = { Variables: ApiVariables }
