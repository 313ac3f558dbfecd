#!/usr/bin/env node
// The import rule, checked rather than hoped for (part of `npm run lint`):
// - core is runtime-neutral: outside core/src/adapters and test code it imports only relative files, zod,
//   jose and hash-wasm (pure JavaScript and WASM), never node:*, bun, deno or another workspace;
// - core/src/adapters may wrap third-party clients but never imports edge, workers or cli;
// - edge/* and workers/* depend on core only, never on each other; ui and studio never on servers;
// - no relative import climbs out of its own package.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const packages = [
  { dir: 'core', name: '@prodgy/core' },
  { dir: 'edge/api', name: '@prodgy/api' },
  { dir: 'edge/gateway', name: '@prodgy/gateway' },
  { dir: 'workers/service', name: '@prodgy/service' },
  { dir: 'cli', name: '@prodgy/cli' },
  { dir: 'ui', name: '@prodgy/ui' },
  { dir: 'studio', name: '@prodgy/studio' },
]
const CORE_NEUTRAL = new Set(['zod', 'jose', 'hash-wasm', 'gpt-tokenizer'])
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files(path, out)
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

const isTestCode = (file) => /\.(test|contract)\.tsx?$/.test(file) || /[/\\](testing|__fixtures__)[/\\]/.test(file)
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0])

const problems = []
for (const pkg of packages) {
  const base = join(root, pkg.dir)
  for (const file of files(base)) {
    const rel = relative(root, file)
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(SPECIFIER)) {
      const spec = match[1] ?? match[2] ?? match[3]
      const report = (why) => problems.push(`${rel}: imports "${spec}": ${why}`)
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec)
        if (!target.startsWith(base)) report(`climbs out of ${pkg.dir}; import the package by name instead`)
        continue
      }
      const name = packageName(spec)
      const runtimeSpecific = spec.startsWith('node:') || name === 'bun' || name === 'deno' || spec.startsWith('bun:')
      if (pkg.dir === 'core') {
        if (name.startsWith('@prodgy/')) report('core never depends on another workspace')
        const inAdapters = rel.startsWith(join('core', 'src', 'adapters'))
        if (!inAdapters && !isTestCode(rel)) {
          if (runtimeSpecific) report('core is runtime-neutral; move runtime code to an adapter or an entry file')
          else if (!CORE_NEUTRAL.has(name))
            report(`core may import only ${[...CORE_NEUTRAL].join(', ')} outside adapters/`)
        }
      } else if (pkg.dir.startsWith('edge/') || pkg.dir.startsWith('workers/')) {
        if (name.startsWith('@prodgy/') && name !== '@prodgy/core') {
          report(`${pkg.dir} depends on core only, never on ${name}`)
        }
      } else if (pkg.dir === 'ui' || pkg.dir === 'studio') {
        if (name.startsWith('@prodgy/') && name !== '@prodgy/core') report('the browser apps never import server code')
        if (name === '@prodgy/core' && !/import\s+type\s/.test(match[0]))
          report('browser apps import only types from core')
        if (runtimeSpecific) report('browser code cannot import runtime modules')
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`The import rule is broken in ${problems.length} place(s):\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log('import rule: ok')
