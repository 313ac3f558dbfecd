/**
 * A local stand-in for Jira Cloud, Azure DevOps, GitHub, Slack and HubSpot, for tests of the built-in integration
 * templates.
 * One HTTP server on 127.0.0.1 (random port) serves the routes the templates call, checks the authentication each
 * service expects, records every request, and answers with the example payloads of each service's public API
 * documentation (`payloads/<service>/*.json`; sources in README.md). Refusals use the service's own error shapes:
 * Jira, Azure DevOps, GitHub and HubSpot answer 401, Slack answers 200 with `{ ok: false, error }` as the real Web
 * API does. Lists page the way each service does (Jira `nextPageToken`, Slack `cursor`, HubSpot `after`).
 *
 * Point the templates' settings at it: Jira `site_url` = `url`, Azure DevOps `organization_url` = `url/<org>`,
 * GitHub `api_url` = `url`, Slack `api_url` = `url/api`, HubSpot `api_url` = `url`.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ReplayService = 'jira' | 'azure_devops' | 'github' | 'slack' | 'hubspot'

export interface RecordedRequest {
  service: ReplayService | 'unknown'
  method: string
  /** The path as received (percent-encoding kept). */
  path: string
  query: Record<string, string>
  /** Header names in lower case. */
  headers: Record<string, string>
  /** Parsed JSON or form body; the raw text when it is neither; undefined when empty. */
  body: unknown
}

export interface SaasReplayCredentials {
  jira: { email: string; apiToken: string }
  azureDevOps: { personalAccessToken: string }
  github: { token: string }
  slack: { botToken: string }
  hubspot: { accessToken: string }
}

export interface SaasReplayServerOptions {
  /** The credentials each service accepts; `SAAS_REPLAY_CREDENTIALS` by default. */
  credentials?: Partial<SaasReplayCredentials>
}

export interface SaasReplayServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  requests: RecordedRequest[]
  credentials: SaasReplayCredentials
  close(): Promise<void>
}

export const SAAS_REPLAY_CREDENTIALS: SaasReplayCredentials = {
  jira: { email: 'mia@example.com', apiToken: 'replay-jira-api-token' },
  azureDevOps: { personalAccessToken: 'replay-azure-devops-pat' },
  github: { token: 'replay-github-token' },
  slack: { botToken: 'xoxb-replay-slack-bot-token' },
  hubspot: { accessToken: 'pat-na1-replay-hubspot-token' },
}

const payloadCache = new Map<string, unknown>()

/** A documented example payload, parsed afresh for every answer so a test cannot change the next one. */
export function replayPayload(service: ReplayService, name: string): unknown {
  const key = `${service}/${name}`
  if (!payloadCache.has(key)) {
    const file = new URL(`./payloads/${service}/${name}.json`, import.meta.url)
    payloadCache.set(key, JSON.parse(readFileSync(file, 'utf8')))
  }
  return structuredClone(payloadCache.get(key))
}

interface Answer {
  status: number
  body?: unknown
}

interface RouteContext {
  request: RecordedRequest
  params: string[]
  credentials: SaasReplayCredentials
}

interface Route {
  service: ReplayService
  methods: string[]
  pattern: RegExp
  handle(context: RouteContext): Answer
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** The Basic credentials of a header, or undefined. */
function basicPair(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '')
  if (!match) return undefined
  const text = Buffer.from(match[1] as string, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) }
}

/** The service's answer when the credentials are missing or wrong; undefined when they are right. */
function refuse(
  service: ReplayService,
  request: RecordedRequest,
  credentials: SaasReplayCredentials,
): Answer | undefined {
  const authorization = request.headers.authorization
  switch (service) {
    case 'jira':
      if (authorization === basic(credentials.jira.email, credentials.jira.apiToken)) return undefined
      return { status: 401, body: replayPayload('jira', 'unauthorized') }
    case 'azure_devops':
      // Azure DevOps ignores the user name of a PAT sent as Basic credentials
      if (basicPair(authorization)?.password === credentials.azureDevOps.personalAccessToken) return undefined
      return { status: 401, body: replayPayload('azure_devops', 'unauthorized') }
    case 'github': {
      if (!request.headers['user-agent']) {
        return {
          status: 403,
          body: {
            message:
              'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.',
          },
        }
      }
      const token = /^(?:Bearer|token) (.+)$/.exec(authorization ?? '')?.[1]
      if (token === credentials.github.token) return undefined
      return { status: 401, body: replayPayload('github', 'unauthorized') }
    }
    case 'slack': {
      const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
      if (token === credentials.slack.botToken) return undefined
      return { status: 200, body: replayPayload('slack', token ? 'invalid_auth' : 'not_authed') }
    }
    case 'hubspot': {
      const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
      if (token === credentials.hubspot.accessToken) return undefined
      return { status: 401, body: replayPayload('hubspot', 'unauthorized') }
    }
  }
}

/** An opaque paging token for a list offset, as the services hand out (base64 of a position). */
const pageToken = (label: string, offset: number) => Buffer.from(`${label}:${offset}`).toString('base64url')

/** The offset a token stands for; 0 without a token, undefined for a token this server did not hand out. */
function pageOffset(label: string, token: unknown): number | undefined {
  if (token === undefined || token === null || token === '') return 0
  const match = new RegExp(`^${label}:(\\d+)$`).exec(Buffer.from(String(token), 'base64url').toString('utf8'))
  return match ? Number(match[1]) : undefined
}

/** A page of `items` from `offset`, at most `limit` long (all when the limit is missing or not a number). */
function page<T>(items: T[], offset: number, limit: unknown): { items: T[]; next?: number } {
  const size = Number(limit)
  const end = Number.isInteger(size) && size > 0 ? offset + size : items.length
  return { items: items.slice(offset, end), ...(end < items.length ? { next: end } : {}) }
}

const jiraErrors = (errors: Record<string, string>): Answer => ({ status: 400, body: { errorMessages: [], errors } })
const isAdf = (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'doc'

function adoError(message: string, typeKey: string): Answer {
  return {
    status: 400,
    body: {
      $id: '1',
      innerException: null,
      message,
      typeName: `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`,
      typeKey,
      errorCode: 0,
      eventId: 3000,
    },
  }
}

/** Azure DevOps refuses calls without an api-version and JSON Patch calls sent as plain JSON. */
function adoChecks(request: RecordedRequest, jsonPatch: boolean): Answer | undefined {
  if (!request.query['api-version']) {
    return adoError(
      `No api-version was supplied for the "${request.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
      'VssVersionNotSpecifiedException',
    )
  }
  if (jsonPatch && !request.headers['content-type']?.startsWith('application/json-patch+json')) {
    return adoError(
      `The request indicated a Content-Type of "${request.headers['content-type'] ?? ''}" for method type "${request.method}" which is not supported. Valid content types for this method are: application/json-patch+json.`,
      'VssRequestContentTypeNotSupportedException',
    )
  }
  if (jsonPatch && !Array.isArray(request.body)) {
    return adoError(
      'You must pass a valid patch document in the body of the request.',
      'VssPropertyValidationException',
    )
  }
  return undefined
}

const ADO = '/[^/]+'
const ADO_PROJECT = '/[^/]+/([^/]+)'
const GH_REPO = '/repos/([^/]+)/([^/]+)'

const ROUTES: Route[] = [
  // Jira Cloud REST API v3
  {
    service: 'jira',
    methods: ['GET'],
    pattern: /^\/rest\/api\/3\/myself$/,
    handle: () => ({ status: 200, body: replayPayload('jira', 'myself') }),
  },
  {
    service: 'jira',
    methods: ['POST'],
    pattern: /^\/rest\/api\/3\/issue$/,
    handle: ({ request }) => {
      const fields = (request.body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {}
      const errors: Record<string, string> = {}
      if (!fields.project) errors.project = 'Specify a valid project ID or key'
      if (!fields.summary) errors.summary = 'You must specify a summary of the issue.'
      if (!fields.issuetype) errors.issuetype = 'Specify an issue type'
      if (fields.description !== undefined && !isAdf(fields.description)) {
        errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)'
      }
      if (Object.keys(errors).length > 0) return jiraErrors(errors)
      return { status: 201, body: replayPayload('jira', 'issue-created') }
    },
  },
  {
    service: 'jira',
    methods: ['GET', 'POST'],
    pattern: /^\/rest\/api\/3\/search\/jql$/,
    handle: ({ request }) => {
      const jql = request.method === 'GET' ? request.query.jql : (request.body as { jql?: unknown } | undefined)?.jql
      if (!jql) {
        return {
          status: 400,
          body: {
            errorMessages: [
              'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
            ],
            errors: {},
          },
        }
      }
      const asked = request.method === 'GET' ? request.query : ((request.body ?? {}) as Record<string, unknown>)
      const offset = pageOffset('jira-search', asked.nextPageToken)
      if (offset === undefined) {
        return { status: 400, body: { errorMessages: ['The nextPageToken is not valid.'], errors: {} } }
      }
      const body = replayPayload('jira', 'search-jql') as { isLast: boolean; issues: unknown[]; nextPageToken?: string }
      const found = page(body.issues, offset, asked.maxResults)
      body.issues = found.items
      body.isLast = found.next === undefined
      // Jira leaves nextPageToken out on the last page
      if (found.next !== undefined) body.nextPageToken = pageToken('jira-search', found.next)
      return { status: 200, body }
    },
  },
  {
    service: 'jira',
    methods: ['GET'],
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)$/,
    handle: () => ({ status: 200, body: replayPayload('jira', 'issue') }),
  },
  {
    service: 'jira',
    methods: ['PUT'],
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)$/,
    handle: ({ request }) => {
      const fields = (request.body as { fields?: Record<string, unknown> } | undefined)?.fields
      if (!fields)
        return { status: 400, body: { errorMessages: ['No fields or update operations given.'], errors: {} } }
      if (fields.description !== undefined && !isAdf(fields.description)) {
        return jiraErrors({ description: 'Operation value must be an Atlassian Document' })
      }
      return { status: 204 }
    },
  },
  {
    service: 'jira',
    methods: ['POST'],
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/,
    handle: ({ request }) => {
      if (!isAdf((request.body as { body?: unknown } | undefined)?.body)) {
        return jiraErrors({ comment: 'Comment body can not be empty!' })
      }
      return { status: 201, body: replayPayload('jira', 'comment-created') }
    },
  },
  {
    service: 'jira',
    methods: ['GET'],
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/,
    handle: () => ({ status: 200, body: replayPayload('jira', 'transitions') }),
  },
  {
    service: 'jira',
    methods: ['POST'],
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/,
    handle: ({ request }) => {
      const id = (request.body as { transition?: { id?: unknown } } | undefined)?.transition?.id
      if (!id) return { status: 400, body: { errorMessages: ['Missing transition id.'], errors: {} } }
      return { status: 204 }
    },
  },
  // Azure DevOps REST 7.1 (paths are case-insensitive, as on the service)
  {
    service: 'azure_devops',
    methods: ['GET'],
    pattern: new RegExp(`^${ADO}/_apis/projects$`, 'i'),
    handle: ({ request }) => {
      const body = replayPayload('azure_devops', 'projects') as { count: number; value: unknown[] }
      const top = Number(request.query.$top)
      if (Number.isInteger(top) && top > 0) body.value = body.value.slice(0, top)
      body.count = body.value.length
      return { status: 200, body }
    },
  },
  {
    service: 'azure_devops',
    methods: ['POST'],
    pattern: new RegExp(`^${ADO_PROJECT}/_apis/wit/workitems/(?:\\$|%24)([^/]+)$`, 'i'),
    handle: ({ request }) => {
      const problem = adoChecks(request, true)
      if (problem) return problem
      const ops = request.body as { path?: string }[]
      if (!ops.some((op) => op.path === '/fields/System.Title')) {
        return adoError(
          "TF401320: Rule Error for field Title. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InAdmin. The field 'Title' cannot be empty.",
          'RuleValidationException',
        )
      }
      return { status: 200, body: replayPayload('azure_devops', 'workitem') }
    },
  },
  {
    service: 'azure_devops',
    methods: ['POST'],
    pattern: new RegExp(`^${ADO_PROJECT}/_apis/wit/wiql$`, 'i'),
    handle: ({ request }) => {
      const problem = adoChecks(request, false)
      if (problem) return problem
      if (!(request.body as { query?: unknown } | undefined)?.query) {
        return adoError('The query text was not supplied.', 'ArgumentNullException')
      }
      const body = replayPayload('azure_devops', 'wiql') as { workItems: unknown[] }
      const top = Number(request.query.$top)
      if (Number.isInteger(top) && top > 0) body.workItems = body.workItems.slice(0, top)
      return { status: 200, body }
    },
  },
  {
    service: 'azure_devops',
    methods: ['GET'],
    pattern: new RegExp(`^${ADO}(?:/[^/]+)?/_apis/wit/workitems$`, 'i'),
    handle: ({ request }) => {
      const problem = adoChecks(request, false)
      if (problem) return problem
      if (!request.query.ids) return adoError('Value cannot be null.\r\nParameter name: ids', 'ArgumentNullException')
      return { status: 200, body: replayPayload('azure_devops', 'workitems') }
    },
  },
  {
    service: 'azure_devops',
    methods: ['GET', 'PATCH'],
    pattern: new RegExp(`^${ADO_PROJECT}/_apis/wit/workitems/(\\d+)$`, 'i'),
    handle: ({ request }) => {
      const problem = adoChecks(request, request.method === 'PATCH')
      if (problem) return problem
      return { status: 200, body: replayPayload('azure_devops', 'workitem') }
    },
  },
  {
    service: 'azure_devops',
    methods: ['POST'],
    pattern: new RegExp(`^${ADO_PROJECT}/_apis/wit/workitems/(\\d+)/comments$`, 'i'),
    handle: ({ request }) => {
      const problem = adoChecks(request, false)
      if (problem) return problem
      if (!(request.body as { text?: unknown } | undefined)?.text) {
        return adoError('Comment text cannot be empty.', 'ArgumentException')
      }
      return { status: 200, body: replayPayload('azure_devops', 'comment') }
    },
  },
  {
    service: 'azure_devops',
    methods: ['GET'],
    pattern: new RegExp(`^${ADO_PROJECT}/_apis/git/pullrequests$`, 'i'),
    handle: ({ request }) =>
      adoChecks(request, false) ?? { status: 200, body: replayPayload('azure_devops', 'pullrequests') },
  },
  {
    service: 'azure_devops',
    methods: ['GET'],
    pattern: new RegExp(`^${ADO_PROJECT}/_apis/git/pullrequests/(\\d+)$`, 'i'),
    handle: ({ request }) => {
      const problem = adoChecks(request, false)
      if (problem) return problem
      const list = replayPayload('azure_devops', 'pullrequests') as { value: unknown[] }
      return { status: 200, body: list.value[0] }
    },
  },
  // GitHub REST API (2022-11-28)
  {
    service: 'github',
    methods: ['GET'],
    pattern: /^\/user$/,
    handle: () => ({ status: 200, body: replayPayload('github', 'user') }),
  },
  {
    service: 'github',
    methods: ['POST'],
    pattern: new RegExp(`^${GH_REPO}/issues$`),
    handle: ({ request }) => {
      if (!(request.body as { title?: unknown } | undefined)?.title) {
        return {
          status: 422,
          body: {
            message: 'Invalid request.\n\n"title" wasn\'t supplied.',
            documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
            status: '422',
          },
        }
      }
      return { status: 201, body: replayPayload('github', 'issue') }
    },
  },
  {
    service: 'github',
    methods: ['GET'],
    pattern: new RegExp(`^${GH_REPO}/issues$`),
    handle: () => ({ status: 200, body: replayPayload('github', 'issues') }),
  },
  {
    service: 'github',
    methods: ['GET', 'PATCH'],
    pattern: new RegExp(`^${GH_REPO}/issues/(\\d+)$`),
    handle: () => ({ status: 200, body: replayPayload('github', 'issue') }),
  },
  {
    service: 'github',
    methods: ['POST'],
    pattern: new RegExp(`^${GH_REPO}/issues/(\\d+)/comments$`),
    handle: ({ request }) => {
      if (!(request.body as { body?: unknown } | undefined)?.body) {
        return {
          status: 422,
          body: {
            message: 'Invalid request.\n\n"body" wasn\'t supplied.',
            documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
            status: '422',
          },
        }
      }
      return { status: 201, body: replayPayload('github', 'issue-comment') }
    },
  },
  {
    service: 'github',
    methods: ['GET'],
    pattern: new RegExp(`^${GH_REPO}/pulls$`),
    handle: () => ({ status: 200, body: replayPayload('github', 'pulls') }),
  },
  {
    service: 'github',
    methods: ['GET'],
    pattern: new RegExp(`^${GH_REPO}/pulls/(\\d+)$`),
    handle: () => ({ status: 200, body: (replayPayload('github', 'pulls') as unknown[])[0] }),
  },
  // Slack Web API
  {
    service: 'slack',
    methods: ['GET', 'POST'],
    pattern: /^\/api\/auth\.test$/,
    handle: () => ({ status: 200, body: replayPayload('slack', 'auth.test') }),
  },
  {
    service: 'slack',
    methods: ['POST'],
    pattern: /^\/api\/chat\.postMessage$/,
    handle: ({ request }) => {
      const body = (request.body ?? {}) as { channel?: unknown; text?: unknown; blocks?: unknown }
      if (!body.channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } }
      if (!body.text && !body.blocks) return { status: 200, body: { ok: false, error: 'no_text' } }
      return { status: 200, body: replayPayload('slack', 'chat.postMessage') }
    },
  },
  {
    service: 'slack',
    methods: ['GET', 'POST'],
    pattern: /^\/api\/conversations\.list$/,
    handle: ({ request }) => {
      const asked = request.method === 'GET' ? request.query : ((request.body ?? {}) as Record<string, unknown>)
      const body = replayPayload('slack', 'conversations.list') as {
        channels: { id: string }[]
        response_metadata: { next_cursor: string }
      }
      // Slack cursors are base64 of `team:<id of the next channel>`, like the documented one
      const cursorOf = (channel: { id: string }) => Buffer.from(`team:${channel.id}`).toString('base64')
      const all = body.channels
      const offset = asked.cursor ? all.findIndex((c) => cursorOf(c) === asked.cursor) : 0
      if (offset < 0) return { status: 200, body: { ok: false, error: 'invalid_cursor' } }
      const found = page(all, offset, asked.limit)
      body.channels = found.items
      const next = found.next === undefined ? undefined : all[found.next]
      body.response_metadata.next_cursor = next ? cursorOf(next) : ''
      return { status: 200, body }
    },
  },
  // HubSpot CRM API v3
  {
    service: 'hubspot',
    methods: ['GET'],
    pattern: /^\/crm\/v3\/objects\/(contacts|deals)$/,
    handle: ({ request, params }) => {
      const body = replayPayload('hubspot', params[0] as string) as { results: unknown[]; paging?: unknown }
      const offset = pageOffset('hubspot-list', request.query.after)
      if (offset === undefined) return hubspotError('The paging cursor (after) is not valid.')
      const found = page(body.results, offset, request.query.limit ?? 10)
      body.results = found.items
      if (found.next === undefined) delete body.paging
      else {
        const after = pageToken('hubspot-list', found.next)
        body.paging = { next: { after, link: `${request.path}?after=${after}` } }
      }
      return { status: 200, body }
    },
  },
  {
    service: 'hubspot',
    methods: ['POST'],
    pattern: /^\/crm\/v3\/objects\/contacts\/search$/,
    handle: ({ request }) => {
      const asked = (request.body ?? {}) as { after?: unknown; limit?: unknown }
      // the search API pages by offset: `after` is the index of the next result
      const offset = asked.after === undefined ? 0 : Number(asked.after)
      if (!Number.isInteger(offset) || offset < 0) return hubspotError('The paging cursor (after) is not valid.')
      const body = replayPayload('hubspot', 'contacts') as { results: unknown[]; paging?: unknown; total?: number }
      const all = body.results.length
      const found = page(body.results, offset, asked.limit ?? 10)
      const result: Record<string, unknown> = { total: all, results: found.items }
      if (found.next !== undefined) result.paging = { next: { after: String(found.next) } }
      return { status: 200, body: result }
    },
  },
]

function hubspotError(message: string): Answer {
  return {
    status: 400,
    body: {
      status: 'error',
      message,
      correlationId: '7c5a2d0e-0c9f-4b8c-9d6c-1f2e3a4b5c6d',
      category: 'VALIDATION_ERROR',
    },
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  return text
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function reply(res: ServerResponse, answer: Answer) {
  if (answer.body === undefined) {
    res.writeHead(answer.status)
    res.end()
    return
  }
  const text = JSON.stringify(answer.body)
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(text)
}

export async function startSaasReplayServer(options: SaasReplayServerOptions = {}): Promise<SaasReplayServer> {
  const credentials: SaasReplayCredentials = { ...SAAS_REPLAY_CREDENTIALS, ...options.credentials }
  const requests: RecordedRequest[] = []

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      const text = await readText(req)
      const recorded: RecordedRequest = {
        service: 'unknown',
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: parseBody(text, headers['content-type']),
      }
      requests.push(recorded)
      const pathMatches = ROUTES.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter(
        (m) => m.match,
      )
      const found = pathMatches.find((m) => m.route.methods.includes(recorded.method))
      if (!found?.match) {
        const service = pathMatches[0]?.route.service
        if (service) recorded.service = service
        reply(
          res,
          pathMatches.length > 0
            ? { status: 405, body: { message: `${recorded.method} is not served on ${url.pathname}` } }
            : { status: 404, body: { message: 'Not Found' } },
        )
        return
      }
      recorded.service = found.route.service
      const refused = refuse(found.route.service, recorded, credentials)
      if (refused) {
        reply(res, refused)
        return
      }
      const params = found.match.slice(1).map((p) => decodeURIComponent(p ?? ''))
      reply(res, found.route.handle({ request: recorded, params, credentials }))
    })().catch((error: unknown) => {
      if (!res.headersSent) reply(res, { status: 500, body: { message: String(error) } })
    })
  })
  server.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    credentials,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
