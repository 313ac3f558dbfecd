/** The authorization server's identity: its issuer, the resources it issues tokens for, and its RFC 8414 metadata. */
import type { PlatformSettings } from '../services/platform.ts'
import { OAUTH_SCOPES } from './scopes.ts'

type Settings = Pick<PlatformSettings, 'publicUrl' | 'mcpUrl'>

export const ACCESS_TOKEN_PREFIX = 'pgoa_'
export const REFRESH_TOKEN_PREFIX = 'pgor_'
export const ACCESS_TOKEN_TTL_SECONDS = 3600
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600
export const AUTHORIZATION_CODE_TTL_SECONDS = 600

/** The issuer is the public address: the front door serves the metadata and endpoints at its root. */
export function oauthIssuer(settings: Settings): string {
  return settings.publicUrl.replace(/\/+$/, '')
}

export function mcpResourceUrl(settings: Settings): string {
  return (settings.mcpUrl ?? `${oauthIssuer(settings)}/mcp`).replace(/\/+$/, '')
}

/** RFC 8707 resources a token may be requested for: the MCP Gateway and the platform itself (its REST API). */
export function oauthResources(settings: Settings): string[] {
  const issuer = oauthIssuer(settings)
  return [...new Set([mcpResourceUrl(settings), `${issuer}/mcp`, issuer])]
}

/** The resource as stored: the accepted value it names, compared without a trailing slash or fragment. */
export function matchResource(settings: Settings, resource: string): string | undefined {
  let normalized: string
  try {
    const url = new URL(resource)
    url.hash = ''
    normalized = url.href.replace(/\/+$/, '')
  } catch {
    return undefined
  }
  return oauthResources(settings).find((r) => r === normalized)
}

export function authorizationServerMetadata(settings: Settings) {
  const issuer = oauthIssuer(settings)
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    scopes_supported: [...OAUTH_SCOPES],
    authorization_response_iss_parameter_supported: true,
  }
}

function base64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** 32 random bytes as 43 base64url characters (256 bits). */
export function randomBase64Url(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)))
}

/** PKCE S256 (RFC 7636 §4.2): BASE64URL(SHA-256(ASCII(code_verifier))). */
export async function s256Challenge(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

export const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/
export const CODE_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/
