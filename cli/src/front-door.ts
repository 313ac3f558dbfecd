/**
 * The one front door: the Web app, Studio at `/studio`, the API at `/api`, `/health` and `/swagger`, and the MCP
 * Gateway at `/mcp` on one origin. In one-process mode the API and the Gateway are called in memory (no socket
 * between them); `prodgy web` forwards to them elsewhere instead.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

export interface FrontDoorOptions {
  /** Answers API requests: an in-memory `fetch` or a proxy to a remote API. */
  api: (request: Request, env: unknown) => Response | Promise<Response>
  /** Answers `/mcp` and the OAuth protected-resource metadata: the Gateway in memory, or a proxy to it. */
  gateway?: (request: Request, env: unknown) => Response | Promise<Response>
  uiDist: string
  studioDist: string
}

const API_PREFIXES = [
  '/api/',
  '/health',
  '/swagger',
  // the OAuth authorization server; `/oauth/consent` stays a Web app page
  '/oauth/authorize',
  '/oauth/token',
  '/oauth/register',
  '/oauth/revoke',
  '/.well-known/oauth-authorization-server',
]
const GATEWAY_PREFIXES = ['/mcp', '/.well-known/oauth-protected-resource']
const matches = (path: string, prefixes: string[]) =>
  prefixes.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))

function missingBuild(name: string, dist: string): Response {
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>Prodgy</title><p>The ${name} has not been built: ${dist} is missing. Run <code>npm run build</code> (npm start does it for you).</p>`,
    { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } },
  )
}

/** A single-page app: real files are served, any other GET that wants HTML gets index.html. */
function spa(app: Hono, mount: string, dist: string, name: string) {
  const index = join(dist, 'index.html')
  app.use(
    `${mount === '/' ? '' : mount}/*`,
    serveStatic({
      root: dist,
      rewriteRequestPath: (path) => (mount === '/' ? path : path.slice(mount.length) || '/'),
      onFound: (path, c) => {
        // hashed assets never change; index.html must always be fresh
        c.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    }),
  )
  app.get(`${mount === '/' ? '' : mount}/*`, (c) => {
    if (!existsSync(index)) return missingBuild(name, dist)
    c.header('Cache-Control', 'no-cache')
    return c.html(readFileSync(index, 'utf8'))
  })
}

export function createFrontDoor(options: FrontDoorOptions): Hono {
  const app = new Hono()
  app.all('*', async (c, next) => {
    const path = c.req.path
    if (options.gateway && matches(path, GATEWAY_PREFIXES)) return options.gateway(c.req.raw, c.env)
    if (matches(path, API_PREFIXES)) return options.api(c.req.raw, c.env)
    await next()
  })
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  )
  app.get('/studio', (c) => c.redirect('/studio/'))
  spa(app, '/studio', options.studioDist, 'Studio')
  spa(app, '/', options.uiDist, 'Web app')
  return app
}

/** Forwards API requests to a remote API (`prodgy web` in the scale-out mode). */
export function proxyTo(apiUrl: string) {
  const base = apiUrl.replace(/\/+$/, '')
  return async (request: Request) => {
    const url = new URL(request.url)
    const headers = new Headers(request.headers)
    headers.delete('host')
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(120_000),
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      init.body = request.body
      init.duplex = 'half'
    }
    return fetch(`${base}${url.pathname}${url.search}`, init)
  }
}
