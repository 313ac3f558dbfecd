import { z } from '@hono/zod-openapi'
import {
  getOutboxMessage,
  listAudit,
  listOutbox,
  listPlatformUsers,
  requireAdmin,
  setSuperAdmin,
  superAdminPatchSchema,
} from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute, idParams, pageOf, pageQuery } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import { auditEntrySchema, outboxMessageSchema, userSchema } from '../schemas.ts'

export function registerAdminRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/audit-log',
      tag: 'Administration',
      summary: 'Audit log of the current organization (Admin)',
      query: pageQuery.extend({ action: z.string().max(100).optional() }),
      response: pageOf(auditEntrySchema),
    },
    async (c, { query }) => {
      const organizationId = requireAdmin(await principalOf(c, deps))
      return { data: await listAudit(platform.db, organizationId, { action: query.action }, query) }
    },
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/admin/outbox',
      tag: 'Administration',
      summary: 'Emails the platform sent or stored (Super Admin)',
      query: pageQuery.extend({ to: z.string().max(254).optional() }),
      response: pageOf(outboxMessageSchema),
    },
    async (c, { query }) => ({ data: await listOutbox(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/admin/outbox/{id}',
      tag: 'Administration',
      summary: 'One email (Super Admin)',
      params: idParams,
      response: outboxMessageSchema,
    },
    async (c, { params }) => ({ data: await getOutboxMessage(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/admin/users',
      tag: 'Administration',
      summary: 'Every user of the platform (Super Admin)',
      query: pageQuery.extend({ search: z.string().max(200).optional() }),
      response: pageOf(userSchema),
    },
    async (c, { query }) => ({ data: await listPlatformUsers(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/admin/users/{id}',
      tag: 'Administration',
      summary: 'Grant or revoke Super Admin (Super Admin)',
      params: idParams,
      body: superAdminPatchSchema,
      response: userSchema,
    },
    async (c, { params, body }) => ({
      data: await setSuperAdmin(platform, await principalOf(c, deps), params.id, body),
    }),
  )
}
