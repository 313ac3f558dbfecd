/**
 * Short-lived access tokens for user sessions: HS256 JWTs signed with the platform's signing key.
 * They carry only the user id and the session family, so revoking the family (logout, password change,
 * refresh-token reuse) is checked against the database on each request.
 */
import { jwtVerify, SignJWT } from 'jose'

export const ACCESS_TOKEN_ISSUER = 'prodgy'
export const ACCESS_TOKEN_AUDIENCE = 'prodgy-api'

export interface AccessTokenClaims {
  userId: string
  familyId: string
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret)
}

export async function signAccessToken(
  claims: AccessTokenClaims,
  secret: string,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000)
  const expiresAt = new Date((now + ttlSeconds) * 1000)
  const token = await new SignJWT({ sid: claims.familyId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(key(secret))
  return { token, expiresAt }
}

/** Returns the claims of a valid token, or undefined for anything else (bad signature, expired, malformed). */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessTokenClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      algorithms: ['HS256'],
    })
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return undefined
    return { userId: payload.sub, familyId: payload.sid }
  } catch {
    return undefined
  }
}
