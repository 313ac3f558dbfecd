export { API_VERSION, createApiApp } from './app.ts'
export type { ApiEnv, ApiVariables } from './context.ts'
export type { ApiDeps } from './deps.ts'
