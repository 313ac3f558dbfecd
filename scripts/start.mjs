#!/usr/bin/env node
// `npm start`: builds the Web app and Studio when their sources are newer than the last build, then runs
// the whole platform in one process (`prodgy start`). On a fresh clone: `npm install && npm start`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = 0
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue
    latest = Math.max(latest, newest(join(path, name)))
  }
  return latest
}

for (const app of ['ui', 'studio']) {
  const built = join(root, app, 'dist', 'index.html')
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
  if (newest(join(root, app)) > builtAt) {
    console.log(`Building ${app}…`)
    const result = spawnSync('npm', ['run', 'build', '-w', app], { cwd: root, stdio: 'inherit' })
    if (result.status !== 0) process.exit(result.status ?? 1)
  }
}

const child = spawn(process.execPath, [join(root, 'cli/bin/prodgy.mjs'), 'start', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
// a process manager may signal only this process: pass it on so the platform shuts down cleanly
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
