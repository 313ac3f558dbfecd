import { z } from '@hono/zod-openapi'
import {
  acceptInvitation,
  acceptInvitationInputSchema,
  cancelInvitation,
  createInvitation,
  grantWorkspaceAccess,
  invitationInputSchema,
  listInvitations,
  listMembers,
  lookupInvitation,
  memberPatchSchema,
  removeMember,
  updateMember,
} from '@prodgy/core'
import { clientIpOf, principalOf } from '../auth.ts'
import { defineRoute, idParams, pageOf, pageQuery } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import { invitationSchema, memberSchema, sessionSchema } from '../schemas.ts'
import { setSessionCookie } from './auth-routes.ts'

const userParams = z.object({ userId: z.uuid({ message: 'Must be a user id (a UUID).' }) })

export function registerMemberRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/members',
      tag: 'Members',
      summary: 'Members of the current organization (Admin)',
      query: pageQuery.extend({ search: z.string().max(200).optional() }),
      response: pageOf(memberSchema),
    },
    async (c, { query }) => ({ data: await listMembers(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/members/{userId}',
      tag: 'Members',
      summary: "Change a member's role or workspace access (Admin; Super Admin role only by a Super Admin)",
      params: userParams,
      body: memberPatchSchema,
      response: memberSchema,
    },
    async (c, { params, body }) => ({
      data: await updateMember(platform, await principalOf(c, deps), params.userId, body),
    }),
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/members/{userId}',
      tag: 'Members',
      summary: 'Remove a person from the organization; their API tokens there are revoked (Admin)',
      params: userParams,
    },
    async (c, { params }) => {
      await removeMember(platform, await principalOf(c, deps), params.userId)
      return { data: null, message: 'The member was removed.' }
    },
  )

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/workspaces/{id}/members',
      tag: 'Workspaces',
      summary: 'People who can open the workspace',
      params: idParams,
      query: pageQuery.extend({ search: z.string().max(200).optional() }),
      response: pageOf(memberSchema),
    },
    async (c, { params, query }) => ({
      data: await listMembers(platform, await principalOf(c, deps), { ...query, workspaceId: params.id }),
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/workspaces/{id}/members',
      tag: 'Workspaces',
      summary: 'Give a member access to the workspace (Admin)',
      params: idParams,
      body: z.object({ userId: z.uuid() }),
    },
    async (c, { params, body }) => {
      await grantWorkspaceAccess(platform, await principalOf(c, deps), params.id, body.userId, true)
      return { data: null, message: 'Access granted.' }
    },
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/workspaces/{id}/members/{userId}',
      tag: 'Workspaces',
      summary: "Remove a member's access to the workspace (Admin)",
      params: idParams.extend(userParams.shape),
    },
    async (c, { params }) => {
      await grantWorkspaceAccess(platform, await principalOf(c, deps), params.id, params.userId, false)
      return { data: null, message: 'Access removed.' }
    },
  )

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/invitations',
      tag: 'Invitations',
      summary: 'Invitations of the current organization (Admin)',
      query: pageQuery.extend({ status: z.enum(['pending', 'active', 'cancelled']).optional() }),
      response: pageOf(invitationSchema),
    },
    async (c, { query }) => ({ data: await listInvitations(platform, await principalOf(c, deps), query) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/invitations',
      tag: 'Invitations',
      summary: 'Invite a person by email with a role and workspaces (Admin)',
      body: invitationInputSchema,
      response: invitationSchema,
      status: 201,
    },
    async (c, { body }) => ({
      data: await createInvitation(platform, await principalOf(c, deps), body),
      message: `Invitation sent to ${body.email}.`,
    }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/invitations/{id}/cancel',
      tag: 'Invitations',
      summary: 'Cancel a pending invitation (Admin)',
      params: idParams,
      response: invitationSchema,
    },
    async (c, { params }) => ({ data: await cancelInvitation(platform, await principalOf(c, deps), params.id) }),
  )
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/invitations/lookup',
      tag: 'Invitations',
      summary: 'What an invitation link is for',
      authenticated: false,
      query: z.object({ token: z.string().min(10).max(200) }),
      response: z.object({
        email: z.string(),
        fullName: z.string(),
        organizationName: z.string(),
        role: z.string(),
        accountExists: z.boolean(),
      }),
    },
    async (_c, { query }) => ({ data: await lookupInvitation(platform, query.token) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/invitations/accept',
      tag: 'Invitations',
      summary:
        'Accept an invitation: create the account (full name and password) or confirm with the existing password',
      authenticated: false,
      body: acceptInvitationInputSchema,
      response: sessionSchema,
    },
    async (c, { body }) => {
      const session = await acceptInvitation(platform, body, {
        ip: clientIpOf(c, deps),
        userAgent: c.req.header('user-agent'),
      })
      setSessionCookie(c, deps.secureCookies, session)
      return { data: session }
    },
  )
}
