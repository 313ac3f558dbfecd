/** Resolves a host name to every address it has, for the outbound SSRF guard (Node, Bun and Deno all have node:dns). */
import { lookup } from 'node:dns/promises'

export async function resolveHostAddresses(host: string): Promise<string[]> {
  const results = await lookup(host, { all: true, verbatim: true })
  return results.map((r) => r.address)
}
