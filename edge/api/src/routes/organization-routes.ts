import { z } from '@hono/zod-openapi'
import {
  createOrganization,
  createWorkspace,
  deleteByNameSchema,
  deleteOrganization,
  deleteWorkspace,
  getOrganization,
  getWorkspace,
  listOrganizations,
  listWorkspaces,
  organizationInputSchema,
  organizationPatchSchema,
  requireOrganization,
  updateOrganization,
  updateWorkspace,
  workspaceInputSchema,
  workspacePatchSchema,
} from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute, idParams, pageOf, pageQuery } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import { organizationSchema, workspaceSchema } from '../schemas.ts'

export function registerOrganizationRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/organizations',
      tag: 'Organizations',
      summary: 'Organizations the caller belongs to (all of them for a Super Admin)',
      query: pageQuery.extend({ search: z.string().max(200).optional() }),
      response: pageOf(organizationSchema),
    },
    async (c, { query }) => ({ data: await listOrganizations(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/organizations',
      tag: 'Organizations',
      summary: 'Create an organization; the caller becomes its administrator',
      body: organizationInputSchema,
      response: organizationSchema,
      status: 201,
    },
    async (c, { body }) => ({ data: await createOrganization(platform, await principalOf(c, deps), body) }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/organizations/current',
      tag: 'Organizations',
      summary: 'The organization the call acts in',
      response: organizationSchema,
    },
    async (c) => ({ data: await getOrganization(platform.db, requireOrganization(await principalOf(c, deps))) }),
  )
  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/organizations/current',
      tag: 'Organizations',
      summary: 'Update the current organization (Admin)',
      body: organizationPatchSchema,
      response: organizationSchema,
    },
    async (c, { body }) => ({ data: await updateOrganization(platform, await principalOf(c, deps), body) }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/organizations/current',
      tag: 'Organizations',
      summary: 'Delete the current organization by typing its name (refused while it has workspaces)',
      body: deleteByNameSchema,
    },
    async (c, { body }) => {
      await deleteOrganization(platform, await principalOf(c, deps), body)
      return { data: null, message: 'The organization was deleted.' }
    },
  )

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/workspaces',
      tag: 'Workspaces',
      summary: 'Workspaces the caller can open in the current organization',
      query: pageQuery,
      response: pageOf(workspaceSchema),
    },
    async (c, { query }) => ({ data: await listWorkspaces(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/workspaces',
      tag: 'Workspaces',
      summary: 'Create a workspace; its slug is derived from the name (Admin)',
      body: workspaceInputSchema,
      response: workspaceSchema,
      status: 201,
    },
    async (c, { body }) => ({ data: await createWorkspace(platform, await principalOf(c, deps), body) }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/workspaces/{id}',
      tag: 'Workspaces',
      summary: 'One workspace with its product context',
      params: idParams,
      response: workspaceSchema,
    },
    async (c, { params }) => ({ data: await getWorkspace(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/workspaces/{id}',
      tag: 'Workspaces',
      summary: 'Update a workspace and its context: vision, target audience, personas, value proposition, OKRs (Admin)',
      params: idParams,
      body: workspacePatchSchema,
      response: workspaceSchema,
    },
    async (c, { params, body }) => ({
      data: await updateWorkspace(platform, await principalOf(c, deps), params.id, body),
    }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/workspaces/{id}',
      tag: 'Workspaces',
      summary: 'Delete a workspace by typing its name (Admin)',
      params: idParams,
      body: deleteByNameSchema,
    },
    async (c, { params, body }) => {
      await deleteWorkspace(platform, await principalOf(c, deps), params.id, body)
      return { data: null, message: 'The workspace was deleted.' }
    },
  )
}
