/**
 * The mail transport for real delivery: SMTP through nodemailer. One connection per message (email volume
 * is low, and no idle connection can go stale), and every phase of it is bounded so a silent server fails
 * the attempt instead of holding a worker slot: the queue retries it with backoff.
 */
import type { MailTransport } from '@prodgy/core'
import { createTransport } from 'nodemailer'

export interface SmtpTransportOptions {
  host: string
  port: number
  /** Implicit TLS from the first byte (port 465). When false, STARTTLS is used if the server offers it. */
  secure: boolean
  user?: string
  password?: string
  /** The From header, e.g. `Prodgy <no-reply@example.com>`. */
  from: string
  /** Milliseconds for the TCP (and TLS) connection, the server greeting, and any silence afterwards. */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number }
}

export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const transporter = createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
    connectionTimeout: options.timeouts?.connectionMs ?? 10_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 10_000,
    socketTimeout: options.timeouts?.socketMs ?? 30_000,
    dnsTimeout: 10_000,
  })
  return {
    name: 'smtp',
    async send(message) {
      const info = await transporter.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
      })
      return { messageId: info.messageId }
    },
  }
}
