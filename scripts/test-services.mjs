#!/usr/bin/env node
// Throwaway PostgreSQL 15 (+pgvector) and Redis for tests.
//
// Library:  const svc = await startTestServices({ need: ['postgres', 'redis'] });
//           ... use svc.env.PRODGY_TEST_DATABASE_URL / PRODGY_TEST_REDIS_URL ...
//           await svc.stop();
// CLI:      node scripts/test-services.mjs start [postgres] [redis]   (prints export lines)
//           node scripts/test-services.mjs stop
//
// Every service gets its own temp dir and a free loopback port, so parallel
// runs and a developer's own servers never collide. Plain Node ESM with no
// dependencies so it runs before `npm ci` and from any test runner.

import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const PG_BIN = '/usr/lib/postgresql/15/bin'
const PG_VECTOR_CONTROL = '/usr/share/postgresql/15/extension/vector.control'
const STATE_FILE = path.join(os.tmpdir(), 'prodgy-test-services.json')
const IS_CI = process.env.CI === 'true'
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0

const log = (msg) => process.stderr.write(`[test-services] ${msg}\n`)

// ---------------------------------------------------------------- helpers

/** Free loopback ports: bind port 0 (all at once so they differ), then release. */
async function freePorts(count) {
  const servers = []
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer()
      await new Promise((resolve, reject) => {
        srv.once('error', reject)
        srv.listen(0, '127.0.0.1', resolve)
      })
      servers.push(srv)
    }
    return servers.map((s) => s.address().port)
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  }
}

function findBinary(name, extraDirs = []) {
  const dirs = [...extraDirs, ...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin']
  for (const dir of dirs) {
    if (!dir) continue
    const p = path.join(dir, name)
    if (existsSync(p)) return p
  }
  return null
}

/** Child env without PG* variables, which would silently redirect initdb/pg_ctl/psql. */
function cleanEnv() {
  const env = { ...process.env, LC_ALL: 'C' }
  for (const k of Object.keys(env)) if (k.startsWith('PG')) delete env[k]
  return env
}

/** The postgres OS user, needed when we are root (PostgreSQL refuses to run as root). */
function postgresUser() {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (r.status !== 0 || g.status !== 0)
    throw new Error('running as root but there is no "postgres" OS user (apt-get install postgresql)')
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

/**
 * Run a command to completion with a hard timeout; reject with its output on failure.
 * `as` = { uid, gid } runs it as another user (postgres when we are root).
 */
function run(cmd, args, { timeoutMs = 30_000, as, cwd, env = cleanEnv() } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(as ?? {}) })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`timed out after ${timeoutMs / 1000}s: ${cmd} ${args.join(' ')}\n${out}`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run ${cmd}: ${err.message}`))
    })
    // Settle on 'close' (all output read), but at most 1s after 'exit': a daemon
    // that inherited our pipes must not hang us.
    let exited = null
    const settle = () => {
      clearTimeout(timer)
      const { code, signal } = exited
      if (code === 0) resolve(out)
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out}`))
    }
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      setTimeout(settle, 1000).unref()
    })
    child.on('close', () => exited && settle())
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Send one inline Redis command over raw TCP and return the first reply line. */
function redisCommand(port, command, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port })
    let buf = ''
    const done = (err, val) => {
      sock.destroy()
      err ? reject(err) : resolve(val)
    }
    sock.setTimeout(timeoutMs, () => done(new Error('redis: no reply')))
    sock.on('error', (err) => done(err))
    sock.on('connect', () => sock.write(`${command}\r\n`))
    sock.on('data', (d) => {
      buf += d
      const i = buf.indexOf('\r\n')
      if (i >= 0) done(null, buf.slice(0, i))
    })
    // SHUTDOWN closes the connection without replying.
    sock.on('end', () => done(null, buf))
  })
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A daemon that exited stays a zombie until PID 1 reaps it, which can take
  // seconds here; a zombie is gone for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** A binary is missing: fatal in CI, otherwise the suites that need it are skipped. */
function missing(service, what, pkg) {
  const msg = `${service}: ${what} not found; install it with: apt-get install -y ${pkg}`
  if (IS_CI) throw new Error(msg)
  log(`WARNING: ${msg}. Tests that need ${service} will be skipped.`)
  return null
}

// ---------------------------------------------------------------- redis

async function startRedis(port) {
  const bin = findBinary('redis-server')
  if (!bin) return missing('redis', 'redis-server', 'redis-server')

  const dir = mkdtempSync(path.join(os.tmpdir(), 'prodgy-test-redis-'))
  const pidfile = path.join(dir, 'redis.pid')
  const logfile = path.join(dir, 'redis.log')
  const state = { dir, port, pidfile }
  // AOF on, like production; no RDB snapshots; loopback only; detached daemon.
  // biome-ignore format: flag/value pairs read better grouped
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--save', '',
    '--daemonize', 'yes', '--pidfile', pidfile, '--logfile', logfile,
  ]
  try {
    await run(bin, args, { timeoutMs: 10_000 })
    const deadline = Date.now() + 10_000
    for (;;) {
      const reply = await redisCommand(port, 'PING').catch(() => '')
      if (reply === '+PONG') break
      if (Date.now() > deadline)
        throw new Error(`redis did not answer PING on 127.0.0.1:${port} within 10s\n${tail(logfile)}`)
      await sleep(50)
    }
  } catch (err) {
    await stopRedis(state).catch(() => {})
    throw err
  }
  return state
}

async function stopRedis({ dir, port, pidfile }) {
  const pid = readPid(pidfile)
  // NOSAVE: the data is throwaway, so skip the final snapshot.
  await redisCommand(port, 'SHUTDOWN NOSAVE').catch(() => {})
  if (pid) {
    const deadline = Date.now() + 5_000
    while (pidAlive(pid) && Date.now() < deadline) await sleep(50)
    if (pidAlive(pid)) {
      log(`redis (pid ${pid}) ignored SHUTDOWN; killing it`)
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

// ---------------------------------------------------------------- postgres

async function startPostgres(port) {
  const initdb = path.join(PG_BIN, 'initdb')
  const pgCtl = path.join(PG_BIN, 'pg_ctl')
  const psql = findBinary('psql', [PG_BIN])
  if (!existsSync(initdb) || !existsSync(pgCtl))
    return missing('postgres', `${PG_BIN}/initdb and pg_ctl`, 'postgresql-15')
  if (!psql) return missing('postgres', 'psql', 'postgresql-client-15')

  // Base dir /tmp/prodgy-test-pg-XXXX (700, owned by postgres when we are root)
  // holds the cluster in data/ and the server log beside it.
  const dir = mkdtempSync('/tmp/prodgy-test-pg-')
  const data = path.join(dir, 'data')
  const logfile = path.join(dir, 'server.log')
  const as = IS_ROOT ? postgresUser() : undefined
  if (as) chownSync(dir, as.uid, as.gid)
  chmodSync(dir, 0o700)
  const state = { dir, data, port, as }

  try {
    // trust auth: loopback-only throwaway cluster. --no-sync: durability is irrelevant here.
    await run(initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      as,
      cwd: dir,
      timeoutMs: 60_000,
    })
    // fsync=off for speed; 200 connections so parallel test workers with pools fit.
    const opts = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`
    try {
      await run(pgCtl, ['-D', data, '-l', logfile, '-o', opts, '-w', '-t', '30', 'start'], {
        as,
        cwd: dir,
        timeoutMs: 40_000,
      })
    } catch (err) {
      throw new Error(`${err.message}\n--- server.log ---\n${tail(logfile)}`)
    }
    const url = pgUrl(port)
    try {
      await run(psql, [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', 'create extension if not exists vector'], {
        timeoutMs: 15_000,
      })
    } catch (err) {
      const hint = existsSync(PG_VECTOR_CONTROL)
        ? ''
        : ' pgvector is not installed: run `bash .ci/install-pgvector.sh` (as root).'
      throw new Error(`postgres: "create extension vector" failed.${hint}\n${err.message}`)
    }
  } catch (err) {
    await stopPostgres(state).catch(() => {})
    throw err
  }
  return state
}

const pgUrl = (port) => `postgres://postgres@127.0.0.1:${port}/postgres`

async function stopPostgres({ dir, data, as }) {
  const pidfile = path.join(data, 'postmaster.pid')
  if (existsSync(pidfile)) {
    const pid = readPid(pidfile)
    try {
      // immediate: no checkpoint, the cluster is deleted right after.
      await run(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop'], {
        as,
        cwd: dir,
        timeoutMs: 30_000,
      })
    } catch (err) {
      log(`pg_ctl stop failed, killing postmaster: ${err.message}`)
      if (pid && pidAlive(pid)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

// ---------------------------------------------------------------- public API

/** Start each service in `need`; on any failure stop what already started. */
async function startAll(need, { reuseEnv }) {
  const unknown = need.filter((n) => n !== 'postgres' && n !== 'redis')
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')} (known: postgres, redis)`)
  const env = {}
  const state = {}
  const [pgPort, redisPort] = await freePorts(2)
  const redisUrl = `redis://127.0.0.1:${redisPort}`
  try {
    if (need.includes('redis')) {
      if (reuseEnv && process.env.PRODGY_TEST_REDIS_URL) {
        env.PRODGY_TEST_REDIS_URL = process.env.PRODGY_TEST_REDIS_URL
      } else {
        state.redis = await startRedis(redisPort)
        if (state.redis) env.PRODGY_TEST_REDIS_URL = redisUrl
      }
    }
    if (need.includes('postgres')) {
      if (reuseEnv && process.env.PRODGY_TEST_DATABASE_URL) {
        env.PRODGY_TEST_DATABASE_URL = process.env.PRODGY_TEST_DATABASE_URL
      } else {
        state.postgres = await startPostgres(pgPort)
        if (state.postgres) env.PRODGY_TEST_DATABASE_URL = pgUrl(pgPort)
      }
    }
  } catch (err) {
    await stopServices(state).catch(() => {})
    throw err
  }
  return { env, state }
}

/**
 * Start the requested services. Returns { env, stop }. `env` holds only the
 * variables of services that are running; a service whose binaries are absent
 * is left out outside CI (with a warning) and is an error in CI.
 * A variable already set in process.env is reused as is (your own server).
 */
export async function startTestServices({ need = ['postgres', 'redis'], stopOnExit = true } = {}) {
  const { env, state } = await startAll(need, { reuseEnv: true })
  // If the caller exits without calling stop(), do not leave daemons behind.
  const onExit = () => stopServicesSync(state)
  if (stopOnExit) process.once('exit', onExit)
  return {
    env,
    stop: async () => {
      process.removeListener('exit', onExit)
      await stopServices(state)
    },
  }
}

/** Stop whatever `state` describes; best effort for each, errors reported together. */
export async function stopServices(state) {
  const errors = []
  if (state.postgres) await stopPostgres(state.postgres).catch((e) => errors.push(e))
  if (state.redis) await stopRedis(state.redis).catch((e) => errors.push(e))
  delete state.postgres
  delete state.redis
  if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('\n'))
}

/** Synchronous last-resort cleanup for process 'exit' (no async work possible there). */
function stopServicesSync(state) {
  if (state.postgres) {
    const { dir, data, as } = state.postgres
    spawnSync(path.join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop'], {
      cwd: dir,
      env: cleanEnv(),
      stdio: 'ignore',
      timeout: 15_000,
      ...(as ?? {}),
    })
    rmSync(dir, { recursive: true, force: true })
  }
  if (state.redis) {
    const pid = readPid(state.redis.pidfile)
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    rmSync(state.redis.dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------- CLI

async function cli([cmd, ...names]) {
  if (cmd === 'start') {
    if (existsSync(STATE_FILE)) {
      throw new Error(`services already started (${STATE_FILE}); run: node scripts/test-services.mjs stop`)
    }
    const need = names.length ? names : ['postgres', 'redis']
    const { env, state } = await startAll(need, { reuseEnv: false })
    // The daemons outlive this process; the state file lets `stop` find them.
    writeFileSync(STATE_FILE, JSON.stringify({ state, env }, null, 2))
    for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${v}`)
    log(`started; stop with: node scripts/test-services.mjs stop`)
  } else if (cmd === 'stop') {
    if (!existsSync(STATE_FILE)) {
      log(`nothing to stop (${STATE_FILE} not found)`)
      return
    }
    const { state } = JSON.parse(readFileSync(STATE_FILE, 'utf8'))
    await stopServices(state)
    rmSync(STATE_FILE, { force: true })
    log('stopped')
  } else {
    console.error('usage: node scripts/test-services.mjs start [postgres] [redis] | stop')
    process.exitCode = 2
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error(`[test-services] ERROR: ${err.message}`)
    process.exitCode = 1
  })
}
