import {
  aiPreferencesInputSchema,
  changePassword,
  changePasswordInputSchema,
  deleteAccountInputSchema,
  deleteOwnAccount,
  getMe,
  profileInputSchema,
  updateAiPreferences,
  updateProfile,
} from '@prodgy/core'
import { principalOf } from '../auth.ts'
import { defineRoute } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import { meSchema, userSchema } from '../schemas.ts'
import { clearSessionCookie } from './auth-routes.ts'

export function registerMeRoutes({ app, deps }: ApiRouter): void {
  const { platform } = deps
  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/me',
      tag: 'Me',
      summary: 'The caller: profile, organizations, current role and workspaces',
      response: meSchema,
    },
    async (c) => ({ data: await getMe(platform, await principalOf(c, deps)) }),
  )
  defineRoute(
    app,
    {
      method: 'patch',
      path: '/api/me',
      tag: 'Me',
      summary: 'Update the profile',
      body: profileInputSchema,
      response: userSchema,
    },
    async (c, { body }) => ({ data: await updateProfile(platform, await principalOf(c, deps), body) }),
  )
  defineRoute(
    app,
    {
      method: 'put',
      path: '/api/me/ai-preferences',
      tag: 'Me',
      summary: 'Set the personal AI directive and the confirm-destructive-actions flag',
      body: aiPreferencesInputSchema,
      response: userSchema,
    },
    async (c, { body }) => ({ data: await updateAiPreferences(platform, await principalOf(c, deps), body) }),
  )
  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/me/password',
      tag: 'Me',
      summary: 'Change the password; other sessions are signed out',
      body: changePasswordInputSchema,
    },
    async (c, { body }) => {
      await changePassword(platform, await principalOf(c, deps), body)
      return { data: null, message: 'Password changed. Your other sessions were signed out.' }
    },
  )
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/api/me',
      tag: 'Me',
      summary: 'Delete the account (confirm with the password); cannot be undone',
      body: deleteAccountInputSchema,
    },
    async (c, { body }) => {
      await deleteOwnAccount(platform, await principalOf(c, deps), body)
      clearSessionCookie(c)
      return { data: null, message: 'Your account was deleted.' }
    },
  )
}
