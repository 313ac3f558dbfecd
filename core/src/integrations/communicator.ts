/**
 * Events that communicators (Slack, Google Chat) post to `POST /api/communicator/webhook/{integration_id}`.
 * Each request is authenticated before anything is read into the database:
 *
 * - Slack: `X-Slack-Signature` = `v0=` + HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` under the
 *   integration's signing secret, compared in constant time; a timestamp more than 5 minutes off is refused
 *   (replays). `url_verification` answers the challenge.
 * - Google Chat: `Authorization: Bearer <JWT>` signed by `chat@system.gserviceaccount.com` for the audience the
 *   integration names (the Google Cloud project number).
 *
 * Accepted events are stored once (a retried delivery with the same event id is acknowledged, not stored again).
 */
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { timingSafeEqual } from '../crypto/random.ts'
import { AppError, NotFoundError, UnauthorizedError } from '../errors.ts'
import type { Platform } from '../services/platform.ts'
import { credentialsOf, findIntegration, templateOf } from './installed.ts'

const SLACK_TOLERANCE_SECONDS = 300
const GOOGLE_CHAT_ISSUER = 'chat@system.gserviceaccount.com'
const GOOGLE_CHAT_JWKS = 'https://www.googleapis.com/service_accounts/v1/jwk/chat@system.gserviceaccount.com'

let googleKeys: JWTVerifyGetKey | undefined

export interface CommunicatorDeps {
  /** Google's signing keys for Chat; tests pass a local key set. */
  googleChatKeys?: JWTVerifyGetKey
  now?: () => number
}

export interface CommunicatorRequest {
  headers: Headers
  rawBody: string
}

/** What the webhook answers: a JSON body (Slack's challenge, or an empty acknowledgement). */
export interface CommunicatorResponse {
  body: Record<string, unknown>
  stored: boolean
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)))
  return [...signature].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export async function slackSignature(secret: string, timestamp: string, rawBody: string): Promise<string> {
  return `v0=${await hmacHex(secret, `v0:${timestamp}:${rawBody}`)}`
}

async function verifySlack(secret: string, request: CommunicatorRequest, now: number): Promise<void> {
  const timestamp = request.headers.get('x-slack-request-timestamp') ?? ''
  const signature = request.headers.get('x-slack-signature') ?? ''
  if (!/^\d+$/.test(timestamp) || !signature) {
    throw new UnauthorizedError('The request is not signed by Slack.', 'invalid_signature')
  }
  if (Math.abs(now / 1000 - Number(timestamp)) > SLACK_TOLERANCE_SECONDS) {
    throw new UnauthorizedError('The request timestamp is too old or in the future.', 'stale_request')
  }
  const expected = await slackSignature(secret, timestamp, request.rawBody)
  if (!timingSafeEqual(expected, signature)) {
    throw new UnauthorizedError('The Slack signature does not match.', 'invalid_signature')
  }
}

async function verifyGoogleChat(audience: string, request: CommunicatorRequest, deps: CommunicatorDeps): Promise<void> {
  const token = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  if (!token) throw new UnauthorizedError('The request carries no Google Chat token.', 'invalid_signature')
  googleKeys ??= createRemoteJWKSet(new URL(GOOGLE_CHAT_JWKS), { timeoutDuration: 5000 })
  try {
    await jwtVerify(token, deps.googleChatKeys ?? googleKeys, {
      issuer: GOOGLE_CHAT_ISSUER,
      audience,
      ...(deps.now ? { currentDate: new Date(deps.now()) } : {}),
    })
  } catch {
    throw new UnauthorizedError('The Google Chat token is not valid for this integration.', 'invalid_signature')
  }
}

function eventOf(kind: 'slack' | 'google_chat', body: Record<string, unknown>): { type: string; externalId?: string } {
  if (kind === 'slack') {
    const event = body.event as Record<string, unknown> | undefined
    return {
      type: String(event?.type ?? body.type ?? 'unknown'),
      ...(typeof body.event_id === 'string' ? { externalId: body.event_id } : {}),
    }
  }
  const message = body.message as Record<string, unknown> | undefined
  return {
    type: String(body.type ?? 'unknown'),
    ...(typeof message?.name === 'string' ? { externalId: `${String(body.type)}:${message.name}` } : {}),
  }
}

export async function handleCommunicatorWebhook(
  platform: Platform,
  deps: CommunicatorDeps,
  integrationId: string,
  request: CommunicatorRequest,
): Promise<CommunicatorResponse> {
  const db = platform.db
  const row = await findIntegration(db, integrationId)
  const template = row ? templateOf(row) : undefined
  if (!row || !template?.webhook) throw new NotFoundError('Communicator integration', 'integration_not_found')
  if (!row.active) throw new AppError('integration_inactive', 'This integration is deactivated.', 409)
  const { kind, secretField } = template.webhook
  const secret = String(
    (await credentialsOf(row, platform.settings.encryptionKey))[secretField] ?? row.settings[secretField] ?? '',
  ).trim()
  if (!secret) {
    throw new AppError(
      'webhook_not_configured',
      `This integration has no ${secretField}; set it before the service can post events.`,
      409,
    )
  }
  const now = deps.now?.() ?? Date.now()
  if (kind === 'slack') await verifySlack(secret, request, now)
  else await verifyGoogleChat(secret, request, deps)

  let body: Record<string, unknown>
  try {
    body = JSON.parse(request.rawBody) as Record<string, unknown>
  } catch {
    throw new AppError('malformed_request', 'The event is not JSON.', 400)
  }
  if (kind === 'slack' && body.type === 'url_verification') {
    return { body: { challenge: String(body.challenge ?? '') }, stored: false }
  }
  const event = eventOf(kind, body)
  const inserted = await db.query<{ id: string }>(
    `insert into communicator_events (organization_id, integration_id, provider, external_id, event_type, payload)
     values ($1, $2, $3, $4, $5, $6::jsonb)
     on conflict (integration_id, external_id) where external_id is not null do nothing
     returning id`,
    [row.organization_id, row.id, kind, event.externalId ?? null, event.type, body],
  )
  return { body: {}, stored: inserted.length > 0 }
}
