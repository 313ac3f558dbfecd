/** Reads the two Swagger UI files from the installed `swagger-ui-dist` package (Node, Bun and Deno). */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

export function createSwaggerAssets(): (file: string) => Promise<Response | undefined> {
  const folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, string>()
  return async (file) => {
    const type = FILES[file]
    if (!type) return undefined
    let body = cache.get(file)
    if (!body) {
      body = await readFile(join(folder, file), 'utf8')
      cache.set(file, body)
    }
    return new Response(body, { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } })
  }
}
