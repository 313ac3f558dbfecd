/**
 * The transport used when no SMTP server is configured (development, a first local start). It sends
 * nothing: the message stays in `mail_outbox` with status `stored`, where Super Admins can read it, and one
 * log line names the recipient, the subject and the action link. Printing the link is deliberate in this
 * mode only: a newcomer can confirm their account or accept an invitation without a mail server.
 */
import type { Logger } from '../log.ts'
import type { MailTransport } from './mail-port.ts'

export const DEV_OUTBOX_TRANSPORT = 'dev-outbox'

export function createDevOutboxTransport(options: { log: Logger }): MailTransport {
  const log = options.log.child({ transport: DEV_OUTBOX_TRANSPORT })
  return {
    name: DEV_OUTBOX_TRANSPORT,
    async send(message) {
      log.info('email kept in the development outbox (no SMTP configured)', {
        to: message.to,
        subject: message.subject,
        ...(message.actionUrl ? { link: message.actionUrl } : {}),
      })
      return { stored: true }
    },
  }
}
