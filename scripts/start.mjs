#!/usr/bin/env node
// `npm start`: builds the Web app and Studio when their sources changed, then runs the whole platform in one
// process (`prodgy start`). On a fresh clone: `npm install && npm start`.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './ensure-built.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
try {
  ensureBuilt()
} catch (error) {
  console.error(error.message)
  process.exit(1)
}
const child = spawn(process.execPath, [join(root, 'cli/bin/prodgy.mjs'), 'start', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
// a process manager may signal only this process: pass it on so the platform shuts down cleanly
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
