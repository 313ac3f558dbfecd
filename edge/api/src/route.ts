/**
 * One way to declare an API route: its inputs are zod schemas (validated, with messages per field) and
 * documented in the OpenAPI 3.1 document; the handler returns plain data and the envelope is added here.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { ApiEnv } from './context.ts'

type Schema = z.ZodType

export interface RouteSpec<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI-style path under the app, e.g. `/api/workspaces/{id}`. */
  path: string
  tag: string
  summary: string
  description?: string
  body?: B
  query?: Q
  params?: P
  /** Schema of `data` in the success envelope, for the documentation. */
  response?: Schema
  status?: 200 | 201
  /** false for routes that take no credentials (sign-in, setup, invitation links). */
  authenticated?: boolean
}

type Infer<T> = T extends Schema ? z.infer<T> : undefined

export interface RouteInput<B, Q, P> {
  body: Infer<B>
  query: Infer<Q>
  params: Infer<P>
}

/** What a handler may return: the data, or the data with a message for people. */
export type RouteResult = { data: unknown; message?: string } | undefined

const errorEnvelope = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: 'validation_failed' }),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Error')

export function defineRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(
  app: OpenAPIHono<ApiEnv>,
  spec: RouteSpec<B, Q, P>,
  handler: (c: Context<ApiEnv>, input: RouteInput<B, Q, P>) => Promise<RouteResult>,
): void {
  const status = spec.status ?? 200
  const request: Record<string, unknown> = {}
  if (spec.body) request.body = { content: { 'application/json': { schema: spec.body } }, required: true }
  if (spec.query) request.query = spec.query
  if (spec.params) request.params = spec.params
  const route = createRoute({
    method: spec.method,
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    security: spec.authenticated === false ? [] : [{ bearer: [] }, { apiToken: [] }],
    request,
    responses: {
      [status]: {
        description: 'Success',
        content: {
          'application/json': {
            schema: z.object({
              success: z.literal(true),
              data: spec.response ?? z.unknown(),
              message: z.string().optional(),
            }),
          },
        },
      },
      400: { description: 'Invalid input', content: { 'application/json': { schema: errorEnvelope } } },
      ...(spec.authenticated === false
        ? {}
        : {
            401: {
              description: 'Missing or invalid credentials',
              content: { 'application/json': { schema: errorEnvelope } },
            },
            403: { description: 'Not allowed', content: { 'application/json': { schema: errorEnvelope } } },
          }),
      429: { description: 'Too many requests', content: { 'application/json': { schema: errorEnvelope } } },
    },
  })
  app.openapi(route, (async (c: Context<ApiEnv>) => {
    const req = c.req as unknown as { valid(target: string): unknown }
    const valid = (target: string) => req.valid(target)
    const input = {
      body: spec.body ? valid('json') : undefined,
      query: spec.query ? valid('query') : undefined,
      params: spec.params ? valid('param') : undefined,
    } as RouteInput<B, Q, P>
    const result = await handler(c, input)
    return c.json(
      { success: true, data: result?.data ?? null, ...(result?.message ? { message: result.message } : {}) },
      status,
    )
  }) as never)
}

export const idParams = z.object({ id: z.uuid({ message: 'Must be an id (a UUID).' }) })
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
})

export function pageOf<T extends Schema>(item: T) {
  return z.object({ items: z.array(item), page: z.number(), pageSize: z.number(), total: z.number() })
}
