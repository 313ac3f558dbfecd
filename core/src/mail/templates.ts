/**
 * The emails the platform sends: short, plain and friendly, as text and as simple inline-styled HTML
 * (mail clients ignore style sheets). Every interpolated value is HTML-escaped, and subjects lose line
 * breaks so no value can add a header. Links must be absolute http(s) URLs: a relative link in an email
 * leads nowhere.
 */
import { ValidationError } from '../errors.ts'

export type MailKind = 'confirm_email' | 'reset_password' | 'invitation' | 'test'

export interface RenderedMail {
  subject: string
  text: string
  html: string
  /** The link the reader is asked to open, kept on the outbox row and printed by the development transport. */
  actionUrl: string
}

const PRODUCT = 'Prodgy'

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

function subjectLine(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim()
    .slice(0, 200)
}

/** A value shown inside a sentence: one line, trimmed. */
function inline(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim()
}

function absoluteLink(link: string): string {
  let url: URL
  try {
    url = new URL(link)
  } catch {
    throw new ValidationError('An email link must be an absolute URL.')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError('An email link must start with https:// or http://.')
  }
  return url.toString()
}

function greeting(name: string | undefined): string {
  const clean = name ? inline(name) : ''
  return clean ? `Hi ${clean},` : 'Hi,'
}

interface Layout {
  greeting: string
  paragraphs: string[]
  button?: { label: string; url: string }
  after?: string[]
}

function textBody(layout: Layout): string {
  const lines = [layout.greeting, '', ...layout.paragraphs.flatMap((p) => [p, ''])]
  if (layout.button) lines.push(`${layout.button.label}: ${layout.button.url}`, '')
  for (const p of layout.after ?? []) lines.push(p, '')
  lines.push(`— The ${PRODUCT} team`)
  return `${lines.join('\n')}\n`
}

function htmlBody(layout: Layout): string {
  const p = (text: string) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(text)}</p>`
  const button = layout.button
    ? `<p style="margin:24px 0"><a href="${escapeHtml(layout.button.url)}" style="background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;font-weight:600">${escapeHtml(layout.button.label)}</a></p>` +
      `<p style="margin:0 0 16px;line-height:1.5;font-size:13px;color:#555555">If the button does not work, copy this link into your browser:<br><a href="${escapeHtml(layout.button.url)}" style="color:#4f46e5;word-break:break-all">${escapeHtml(layout.button.url)}</a></p>`
    : ''
  return [
    '<!doctype html>',
    '<html><body style="margin:0;padding:0;background:#f5f5f7">',
    '<div style="max-width:560px;margin:0 auto;padding:32px 24px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;color:#1f2933">',
    `<div style="background:#ffffff;border-radius:8px;padding:32px 28px">`,
    p(layout.greeting),
    ...layout.paragraphs.map(p),
    button,
    ...(layout.after ?? []).map(p),
    p(`— The ${PRODUCT} team`),
    '</div></div></body></html>',
  ].join('\n')
}

function render(subject: string, layout: Layout, actionUrl: string): RenderedMail {
  return { subject: subjectLine(subject), text: textBody(layout), html: htmlBody(layout), actionUrl }
}

/** "30 minutes", "1 hour", "2 days": how long a link stays valid, in words. */
export function describeDuration(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  if (minutes % (24 * 60) === 0 && minutes >= 24 * 60) return plural(minutes / (24 * 60), 'day')
  if (minutes % 60 === 0 && minutes >= 60) return plural(minutes / 60, 'hour')
  return plural(Math.max(1, Math.round(minutes)), 'minute')
}

export function renderConfirmEmail(data: { name?: string; link: string }): RenderedMail {
  const link = absoluteLink(data.link)
  return render(
    `Confirm your email for ${PRODUCT}`,
    {
      greeting: greeting(data.name),
      paragraphs: [`Welcome to ${PRODUCT}! Please confirm your email address to finish creating your account.`],
      button: { label: 'Confirm my email', url: link },
      after: ['If you did not sign up, you can ignore this email.'],
    },
    link,
  )
}

export function renderResetPassword(data: { name?: string; link: string; expiresInMinutes: number }): RenderedMail {
  const link = absoluteLink(data.link)
  return render(
    `Reset your ${PRODUCT} password`,
    {
      greeting: greeting(data.name),
      paragraphs: [`We received a request to reset the password of your ${PRODUCT} account.`],
      button: { label: 'Choose a new password', url: link },
      after: [
        `This link expires in ${describeDuration(data.expiresInMinutes)} and works once.`,
        'If you did not ask for a reset, ignore this email: your password stays the same.',
      ],
    },
    link,
  )
}

export type InvitationRole = 'user' | 'admin' | 'super_admin'

const ROLE_PHRASE: Record<InvitationRole, string> = {
  user: 'a User',
  admin: 'an Administrator',
  super_admin: 'a Super Admin',
}

export function renderInvitation(data: {
  inviterName: string
  organizationName: string
  role: InvitationRole
  link: string
  inviteeName?: string
  expiresInMinutes?: number
}): RenderedMail {
  const link = absoluteLink(data.link)
  const inviter = inline(data.inviterName) || 'A colleague'
  const organization = inline(data.organizationName)
  const after = data.expiresInMinutes ? [`The invitation expires in ${describeDuration(data.expiresInMinutes)}.`] : []
  after.push('If you did not expect this invitation, you can ignore this email.')
  return render(
    `${inviter} invited you to ${organization} on ${PRODUCT}`,
    {
      greeting: greeting(data.inviteeName),
      paragraphs: [`${inviter} invited you to join ${organization} on ${PRODUCT} as ${ROLE_PHRASE[data.role]}.`],
      button: { label: 'Accept the invitation', url: link },
      after,
    },
    link,
  )
}

export function renderTestEmail(data: { link: string; requestedBy?: string }): RenderedMail {
  const link = absoluteLink(data.link)
  const by = data.requestedBy ? inline(data.requestedBy) : ''
  return render(
    `${PRODUCT} test email`,
    {
      greeting: 'Hello,',
      paragraphs: [
        `This is a test message from ${PRODUCT}${by ? `, sent at the request of ${by}` : ''}.`,
        'If you are reading it, email delivery works.',
      ],
      button: { label: `Open ${PRODUCT}`, url: link },
    },
    link,
  )
}
