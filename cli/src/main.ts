/**
 * `prodgy`: one command for the whole platform.
 *   prodgy start                  everything in one process on the embedded default (the README's `npm start`)
 *   prodgy api | worker | web     one service per process, for the scale-out mode (DATABASE_URL, REDIS_URL)
 *   prodgy gateway                the MCP Gateway alone, in front of an API at PRODGY_API_URL
 *   prodgy migrate                apply supabase/migrations
 *   prodgy user create-admin …    create a Super Admin, an organization and its first workspace
 *   prodgy token create …         print a new API token for a user and workspace
 */
import { parseArgs } from 'node:util'
import { AppError, ValidationError } from '@prodgy/core'
import { createAdminCommand, createTokenCommand } from './commands/admin.ts'
import { runApi, runGateway, runMigrate, runStart, runWeb } from './commands/serve.ts'

const HELP = `Usage: prodgy <command> [options]

Commands:
  start                         Run the whole platform in one process (Web app, API, workers) on
                                http://localhost:3000 with the embedded database (or DATABASE_URL).
  api                           Run only the API (port PRODGY_API_PORT, 4000).
  worker                        Run only the queue workers (needs DATABASE_URL and REDIS_URL; health on 5000).
  web                           Serve the Web app and Studio (port PRODGY_WEB_PORT, 3000), forwarding /api
                                to PRODGY_API_URL and /mcp to the Gateway (PRODGY_GATEWAY_PORT).
  gateway                       Run only the MCP Gateway (port PRODGY_GATEWAY_PORT, 3100) against the API at
                                PRODGY_API_URL; needs PRODGY_API_TOKEN, the API's service key.
  migrate                       Apply the database migrations and exit.
  user create-admin --email E --password P --org NAME [--workspace NAME]
                                Create a Super Admin, an organization and its first workspace.
  token create --email E --workspace SLUG --name N [--org NAME] [--expires ISO-DATE]
                                Print a new API token for that user and workspace.
  help                          Show this help.

Configuration comes from environment variables; see .env.example.`

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv
  switch (command) {
    case 'start':
      return runStart()
    case 'api':
      return runApi()
    case 'web':
      return runWeb()
    case 'gateway':
      return runGateway()
    case 'worker': {
      const { runWorkerFromEnv } = await import('@prodgy/service')
      await runWorkerFromEnv(process.env)
      return -1
    }
    case 'migrate':
      return runMigrate()
    case 'user':
      if (sub === 'create-admin')
        return createAdminCommand(parseOptions(rest, ['email', 'password', 'org', 'workspace']))
      break
    case 'token':
      if (sub === 'create') {
        return createTokenCommand(parseOptions(rest, ['email', 'workspace', 'name', 'org', 'expires']))
      }
      break
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP)
      return 0
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${HELP}`)
  return 2
}

function parseOptions(args: string[], names: string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  })
  return values as Record<string, string | undefined>
}

try {
  const code = await main(process.argv.slice(2))
  // -1: a server is running and exits on its own signal handling
  if (code >= 0) process.exit(code)
} catch (error) {
  if (error instanceof ValidationError && error.details?.fields) {
    const fields = error.details.fields as Record<string, string[]>
    console.error(
      `${error.message}\n${Object.entries(fields)
        .map(([f, p]) => `  ${f}: ${p.join('; ')}`)
        .join('\n')}`,
    )
  } else if (error instanceof AppError || (error instanceof Error && error.name === 'TypeError' && 'code' in error)) {
    console.error(error.message)
  } else {
    console.error(error)
  }
  process.exit(1)
}
