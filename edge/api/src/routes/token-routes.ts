import {
  createApiToken,
  createTokenInputSchema,
  listApiTokenAudit,
  listApiTokens,
  regenerateApiToken,
  renewApiToken,
  renewTokenInputSchema,
  revokeApiToken,
  setApiTokenActive,
} from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute, idParams, pageOf, pageQuery } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import { apiTokenSchema, auditEntrySchema, newTokenSchema } from '../schemas.ts'

export function registerTokenRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/workspaces/{id}/api-tokens',
      tag: 'API tokens',
      summary: "The workspace's API tokens (all for an Admin, one's own otherwise)",
      params: idParams,
      query: pageQuery,
      response: pageOf(apiTokenSchema),
    },
    async (c, { params, query }) => ({
      data: await listApiTokens(platform, await principalOf(c, deps), params.id, query),
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/workspaces/{id}/api-tokens',
      tag: 'API tokens',
      summary: 'Create an API token bound to the workspace; the full token is returned only here',
      params: idParams,
      body: createTokenInputSchema,
      response: newTokenSchema,
      status: 201,
    },
    async (c, { params, body }) => ({
      data: await createApiToken(platform, await principalOf(c, deps), params.id, body),
      message: 'Copy the token now: it will not be shown again.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/api-tokens/{id}/regenerate',
      tag: 'API tokens',
      summary: 'Replace the secret; the old one stops working at once',
      params: idParams,
      response: newTokenSchema,
    },
    async (c, { params }) => ({
      data: await regenerateApiToken(platform, await principalOf(c, deps), params.id),
      message: 'Copy the new token now: it will not be shown again.',
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/api-tokens/{id}/renew',
      tag: 'API tokens',
      summary: 'Set a new expiry (null: never); an expired token becomes active again',
      params: idParams,
      body: renewTokenInputSchema,
      response: apiTokenSchema,
    },
    async (c, { params, body }) => ({
      data: await renewApiToken(platform, await principalOf(c, deps), params.id, body),
    }),
  )
  for (const [action, summary] of [
    ['activate', 'Activate a deactivated token'],
    ['deactivate', 'Deactivate a token (it can be activated again)'],
    ['revoke', 'Revoke a token permanently'],
  ] as const) {
    defineRoute(
      app,
      {
        method: 'post',
        path: `/api/api-tokens/{id}/${action}`,
        tag: 'API tokens',
        summary,
        params: idParams,
        response: apiTokenSchema,
      },
      async (c, { params }) => {
        const principal = await principalOf(c, deps)
        const data =
          action === 'revoke'
            ? await revokeApiToken(platform, principal, params.id)
            : await setApiTokenActive(platform, principal, params.id, action === 'activate')
        return { data }
      },
    )
  }
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/api-tokens/{id}/audit',
      tag: 'API tokens',
      summary: "The token's audit trail: created, used, renewed, regenerated, revoked, expired",
      params: idParams,
      query: pageQuery,
      response: pageOf(auditEntrySchema),
    },
    async (c, { params, query }) => ({
      data: await listApiTokenAudit(platform, await principalOf(c, deps), params.id, query),
    }),
  )
}
