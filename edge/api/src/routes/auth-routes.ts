import { z } from '@hono/zod-openapi'
import {
  completeSetup,
  confirmInputSchema,
  confirmSignUp,
  forgotInputSchema,
  login,
  loginInputSchema,
  logout,
  needsSetup,
  PASSWORD_RULES,
  refreshSession,
  requestPasswordReset,
  resetInputSchema,
  resetPassword,
  type SessionDto,
  setupInputSchema,
  signUp,
  signupInputSchema,
  UnauthorizedError,
} from '@prodgy/core'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { clientIpOf } from '../auth.ts'
import { defineRoute } from '../route.ts'
import type { ApiRouter } from '../router.ts'
import { sessionSchema } from '../schemas.ts'

export const REFRESH_COOKIE = 'prodgy_refresh'
const COOKIE_PATH = '/api/auth'

/** Browsers keep the refresh token in an http-only cookie scoped to the auth routes; scripts never read it. */
export function setSessionCookie(c: Context, secure: boolean, session: SessionDto): void {
  setCookie(c, REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: COOKIE_PATH,
    expires: new Date(session.refreshTokenExpiresAt),
  })
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, REFRESH_COOKIE, { path: COOKIE_PATH })
}

export function registerAuthRoutes({ app, deps }: ApiRouter): void {
  const meta = (c: Context) => ({ ip: clientIpOf(c, deps), userAgent: c.req.header('user-agent') })
  const withCookie = (c: Context, session: SessionDto) => {
    setSessionCookie(c, deps.secureCookies, session)
    return { data: session }
  }

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/setup',
      tag: 'Setup',
      summary: 'Whether the first-run setup is still needed',
      authenticated: false,
      response: z.object({ needsSetup: z.boolean() }),
    },
    async () => ({ data: { needsSetup: await needsSetup(deps.platform.db) } }),
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/setup',
      tag: 'Setup',
      summary: 'Create the first Super Admin, organization and workspace',
      description: 'Accepted only while no user exists.',
      authenticated: false,
      body: setupInputSchema,
      response: sessionSchema,
      status: 201,
    },
    async (c, { body }) => withCookie(c, await completeSetup(deps.platform, body, meta(c))),
  )

  defineRoute(
    app,
    {
      method: 'get',
      path: '/api/auth/password-policy',
      tag: 'Authentication',
      summary: 'The password rules',
      authenticated: false,
      response: z.object({ rules: z.array(z.object({ id: z.string(), description: z.string() })) }),
    },
    async () => ({ data: { rules: PASSWORD_RULES.map(({ id, description }) => ({ id, description })) } }),
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/signup',
      tag: 'Authentication',
      summary: 'Start a sign-up; a confirmation link is emailed',
      authenticated: false,
      body: signupInputSchema,
      status: 201,
    },
    async (_c, { body }) => {
      await signUp(deps.platform, body)
      return { data: null, message: `We sent a confirmation link to ${body.email}. Open it to set your password.` }
    },
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/confirm',
      tag: 'Authentication',
      summary: 'Confirm the email with the emailed link and set the password',
      authenticated: false,
      body: confirmInputSchema,
      response: sessionSchema,
    },
    async (c, { body }) => withCookie(c, await confirmSignUp(deps.platform, body, meta(c))),
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/login',
      tag: 'Authentication',
      summary: 'Sign in with email and password',
      authenticated: false,
      body: loginInputSchema,
      response: sessionSchema,
    },
    async (c, { body }) => withCookie(c, await login(deps.platform, body, meta(c))),
  )

  const refreshBody = z.object({ refreshToken: z.string().max(200).optional() })

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/refresh',
      tag: 'Authentication',
      summary: 'Exchange a refresh token (body or cookie) for a new session; the old one stops working',
      authenticated: false,
      body: refreshBody,
      response: sessionSchema,
    },
    async (c, { body }) => {
      const token = body.refreshToken ?? getCookie(c, REFRESH_COOKIE)
      if (!token) throw new UnauthorizedError('Your session has ended. Please sign in again.', 'session_expired')
      try {
        return withCookie(c, await refreshSession(deps.platform, token, meta(c)))
      } catch (error) {
        clearSessionCookie(c)
        throw error
      }
    },
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/logout',
      tag: 'Authentication',
      summary: 'Sign out: revoke the session family of the refresh token',
      authenticated: false,
      body: refreshBody,
    },
    async (c, { body }) => {
      const token = body.refreshToken ?? getCookie(c, REFRESH_COOKIE)
      if (token) await logout(deps.platform, token)
      clearSessionCookie(c)
      return { data: null, message: 'Signed out.' }
    },
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/forgot-password',
      tag: 'Authentication',
      summary: 'Email a password-reset link (with a progressive cooldown per email)',
      authenticated: false,
      body: forgotInputSchema,
      response: z.object({ cooldownSeconds: z.number() }),
    },
    async (c, { body }) => ({
      data: await requestPasswordReset(deps.platform, body, meta(c)),
      message: 'If an account exists for this email, a reset link is on its way.',
    }),
  )

  defineRoute(
    app,
    {
      method: 'post',
      path: '/api/auth/reset-password',
      tag: 'Authentication',
      summary: 'Set a new password with the emailed reset link',
      authenticated: false,
      body: resetInputSchema,
    },
    async (c, { body }) => {
      await resetPassword(deps.platform, body, meta(c))
      return { data: null, message: 'Your password was changed. Sign in with the new password.' }
    },
  )
}
