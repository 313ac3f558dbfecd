#!/usr/bin/env node
// `npm test`: the one test command. It plays the part of a global setup that Node 20's test runner lacks:
// bundles the migrations, starts a throwaway Redis and PostgreSQL 15 (with pgvector) once, finds Chromium,
// then runs every *.test.ts under Node's test runner (through tsx) and stops the services.
// `npm test -- core/src/db` runs only the test files whose path contains one of the arguments.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestServices } from './test-services.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const roots = ['core', 'edge', 'workers', 'cli', 'tests']
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'))

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) findTests(path, out)
    else if (name.endsWith('.test.ts')) out.push(relative(root, path))
  }
  return out
}

const files = roots
  .flatMap((r) => findTests(join(root, r)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
if (files.length === 0) {
  console.error('No test files matched.')
  process.exit(1)
}

spawnSync(process.execPath, [join(root, 'scripts/gen-migrations.mjs')], { stdio: 'inherit' })

const services = await startTestServices({ need: ['postgres', 'redis'] })
const env = { ...process.env, ...services.env }
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
if (chromium) env.PRODGY_TEST_CHROMIUM = chromium
else if (process.env.CI === 'true') {
  await services.stop()
  console.error('Chromium is missing: install the Debian package `chromium` (see .ci/run).')
  process.exit(1)
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] },
)
// In CI a skipped suite is a failure: every integration suite must run. The summary is read as it passes by.
let skipped = 0
let tail = ''
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  tail = (tail + chunk).slice(-4096)
  const match = /^# skipped (\d+)$/m.exec(tail)
  if (match) skipped = Number(match[1])
})
const stop = async () => {
  await services.stop()
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    child.kill(signal)
  })
}
let code = await new Promise((resolve) => child.on('close', (c, s) => resolve(c ?? (s ? 1 : 0))))
await stop()
if (process.env.CI === 'true' && skipped > 0) {
  console.error(`${skipped} test(s) were skipped; in CI every suite must run.`)
  code = 1
}
process.exit(code)
