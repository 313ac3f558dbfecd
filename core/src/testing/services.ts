/**
 * Test suites that need a real server read its address from the environment that `npm test`
 * prepares (scripts/test.mjs starts Redis and PostgreSQL once for the whole run).
 * Outside CI a missing server skips the suite with a reason; in CI it fails, so no suite is ever
 * skipped silently there.
 */
declare const process: { env: Record<string, string | undefined> }

export type TestService = 'postgres' | 'redis' | 'chromium'

const variables: Record<TestService, string> = {
  postgres: 'PRODGY_TEST_DATABASE_URL',
  redis: 'PRODGY_TEST_REDIS_URL',
  chromium: 'PRODGY_TEST_CHROMIUM',
}

/** Returns the service's address, or a skip reason outside CI; throws in CI when it is missing. */
export function testService(service: TestService): { url: string; skip: false } | { url: undefined; skip: string } {
  const name = variables[service]
  const url = process.env[name]
  if (url) return { url, skip: false }
  const reason = `${service} is not available (${name} is not set); run the suite through \`npm test\``
  if (process.env.CI === 'true') throw new Error(`In CI every suite must run: ${reason}`)
  return { url: undefined, skip: reason }
}
