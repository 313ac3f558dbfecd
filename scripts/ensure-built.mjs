#!/usr/bin/env node
// Builds the Web app and Studio when their sources are newer than the last build. Used by `npm start` and by
// the browser tests, so neither ever serves a stale or missing build.
import { spawnSync } from 'node:child_process'
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

export function ensureBuilt(apps = ['ui', 'studio']) {
  for (const app of apps) {
    const built = join(root, app, 'dist', 'index.html')
    const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
    if (newest(join(root, app)) > builtAt) {
      console.log(`Building ${app}…`)
      const result = spawnSync('npm', ['run', 'build', '-w', app], { cwd: root, stdio: 'inherit' })
      if (result.status !== 0) throw new Error(`Building ${app} failed.`)
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBuilt()
