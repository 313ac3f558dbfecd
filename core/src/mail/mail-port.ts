/**
 * The mail port: one way to hand a rendered message to the world. SMTP (workers/service) sends it; the
 * development transport keeps it in the `mail_outbox` table and logs its link. Every email goes through
 * the outbox first (`outbox.ts`), so a transport is only ever called by the `email.send` job.
 */
export interface MailMessage {
  to: string
  subject: string
  text: string
  html?: string
  /** The one link the message asks the reader to open; the development transport prints it. */
  actionUrl?: string
}

export interface MailSendResult {
  messageId?: string
  /** True when the transport kept the message in the outbox instead of sending it (development). */
  stored?: boolean
}

export interface MailTransport {
  /** `smtp`, `dev-outbox`, …; recorded on each outbox row. */
  name: string
  send(message: MailMessage): Promise<MailSendResult>
}
