/**
 * OAuth protocol errors (RFC 6749 §4.1.2.1 and §5.2, RFC 7591 §3.2.2). The OAuth endpoints answer them as
 * `{ error, error_description }`; under `/api` they travel in the usual envelope with `error` as the code.
 */
import { AppError } from '../errors.ts'

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'

export class OAuthError extends AppError {
  readonly error: OAuthErrorCode

  constructor(error: OAuthErrorCode, description: string, status = error === 'invalid_client' ? 401 : 400) {
    super(error, description, status)
    this.name = 'OAuthError'
    this.error = error
  }

  toBody(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message }
  }
}
