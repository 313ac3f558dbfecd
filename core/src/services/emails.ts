/** The account emails (confirmation, reset, invitation), rendered and written to the outbox in the caller's transaction. */
import type { Queryable } from '../db/database.ts'
import { queueEmail } from '../mail/outbox.ts'
import { renderConfirmEmail, renderInvitation, renderResetPassword } from '../mail/templates.ts'
import type { MemberRole } from './members.ts'

export const RESET_LINK_MINUTES = 60
export const INVITATION_MINUTES = 7 * 24 * 60

export type AccountEmail =
  | { kind: 'confirm_email'; to: string; fullName: string; url: string }
  | { kind: 'reset_password'; to: string; fullName: string; url: string }
  | {
      kind: 'invitation'
      to: string
      organizationId: string
      fullName: string
      inviterName: string
      organizationName: string
      role: MemberRole
      url: string
    }

/** Returns the outbox id; hand it to `Platform.dispatchEmail` once the transaction has committed. */
export async function queueAccountEmail(tx: Queryable, email: AccountEmail): Promise<string> {
  const name = email.fullName || undefined
  const rendered =
    email.kind === 'confirm_email'
      ? renderConfirmEmail({ name, link: email.url })
      : email.kind === 'reset_password'
        ? renderResetPassword({ name, link: email.url, expiresInMinutes: RESET_LINK_MINUTES })
        : renderInvitation({
            inviterName: email.inviterName,
            organizationName: email.organizationName,
            role: email.role,
            link: email.url,
            inviteeName: name,
            expiresInMinutes: INVITATION_MINUTES,
          })
  const organizationId = email.kind === 'invitation' ? email.organizationId : undefined
  const { id } = await queueEmail(tx, {
    ...(organizationId ? { organizationId } : {}),
    to: email.to,
    kind: email.kind,
    rendered,
  })
  return id
}
