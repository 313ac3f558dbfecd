/**
 * A tiny real SMTP server for tests: enough of RFC 5321 for nodemailer to deliver (greeting, EHLO/HELO,
 * MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT), recording what arrived. No TLS, no AUTH.
 */
import { createServer, type Socket } from 'node:net'

export interface ReceivedMail {
  from: string
  to: string[]
  /** The message as sent, headers and body, with CRLF line ends. */
  raw: string
  /** Header names lowercased; folded lines joined. */
  headers: Record<string, string>
}

export interface SmtpTestServer {
  port: number
  messages: ReceivedMail[]
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
  close(): Promise<void>
}

function parseHeaders(raw: string): Record<string, string> {
  const head = raw.split('\r\n\r\n')[0] ?? ''
  const headers: Record<string, string> = {}
  let last: string | undefined
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && last) {
      headers[last] += ` ${line.trim()}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    last = line.slice(0, colon).trim().toLowerCase()
    headers[last] = line.slice(colon + 1).trim()
  }
  return headers
}

/** `greet: false` accepts connections and never says hello, to exercise the client's greeting timeout. */
export async function startSmtpTestServer(options: { greet?: boolean } = {}): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = []
  const sockets = new Set<Socket>()

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    if (options.greet === false) return
    const reply = (line: string) => socket.write(`${line}\r\n`)
    let buffer = ''
    let inData = false
    let dataLines: string[] = []
    let from = ''
    let to: string[] = []

    const handleCommand = (line: string) => {
      const verb = line.slice(0, 4).toUpperCase()
      if (verb === 'EHLO') return reply('250-localhost greets you\r\n250 8BITMIME')
      if (verb === 'HELO') return reply('250 localhost')
      if (verb === 'MAIL') {
        from = /<([^>]*)>/.exec(line)?.[1] ?? ''
        to = []
        return reply('250 OK')
      }
      if (verb === 'RCPT') {
        to.push(/<([^>]*)>/.exec(line)?.[1] ?? '')
        return reply('250 OK')
      }
      if (verb === 'DATA') {
        inData = true
        dataLines = []
        return reply('354 End data with <CR><LF>.<CR><LF>')
      }
      if (verb === 'RSET' || verb === 'NOOP') return reply('250 OK')
      if (verb === 'QUIT') {
        reply('221 Bye')
        return socket.end()
      }
      return reply('502 Command not implemented')
    }

    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      let end = buffer.indexOf('\r\n')
      while (end >= 0) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (inData) {
          if (line === '.') {
            inData = false
            const raw = dataLines.join('\r\n')
            messages.push({ from, to, raw, headers: parseHeaders(raw) })
            reply(`250 OK queued as test-${messages.length}`)
          } else {
            dataLines.push(line.startsWith('..') ? line.slice(1) : line)
          }
        } else {
          handleCommand(line)
        }
        end = buffer.indexOf('\r\n')
      }
    })
    reply('220 localhost ESMTP prodgy-test')
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('The SMTP test server has no port.')

  return {
    port: address.port,
    messages,
    async waitForMessages(count, timeoutMs = 10_000) {
      const started = Date.now()
      while (messages.length < count) {
        if (Date.now() - started > timeoutMs) throw new Error(`Expected ${count} messages, got ${messages.length}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return messages
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
