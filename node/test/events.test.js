'use strict'
// Call events: published on diagnostics_channel in order, printed by NODE_DEBUG=contactnow,
// and never holding the token or the password (raw or percent-encoded).
const { test, before, after, beforeEach } = require('node:test')
const assert = require('node:assert/strict')
const diagnostics = require('node:diagnostics_channel')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const { Sandbox } = require('..')

const TOKEN = 'tok-EVENTS-SECRET/+='
const USER = 'ops'
const PASSWORD = 'pw-EVENTS-SECRET &9'
const NAMES = ['call.start', 'call.attempt', 'call.retry', 'call.refresh', 'call.give_up', 'call.end']
let sandbox

before(async () => {
  sandbox = await Sandbox.start({ seed: 'demo', tokens: [TOKEN], users: [[USER, PASSWORD]] })
})
after(async () => {
  await sandbox.stop()
})
beforeEach(() => sandbox.reset())

/** Every form of a secret that must not appear. */
function forms(secret) {
  const hex = [...Buffer.from(secret)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')
  return [secret, encodeURIComponent(secret), hex, secret.replace(/ /g, '+')]
}

/** Collects the events of every channel while `run` runs, then unsubscribes. */
async function recording(run) {
  const events = []
  const listeners = NAMES.map((name) => [`contactnow:${name}`, (message) => events.push(message)])
  for (const [channel, fn] of listeners) diagnostics.subscribe(channel, fn)
  try {
    await run()
    // Events cross from the addon's threads through a queue: let it drain.
    await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    for (const [channel, fn] of listeners) diagnostics.unsubscribe(channel, fn)
  }
  return events
}

const fast = { retries: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 } }

test('a 503 then success: start, attempt, retry, attempt, end, in order', async () => {
  const client = sandbox.client(fast)
  sandbox.pushFault({ kind: 'status', status: 503 })
  const events = await recording(async () => {
    const listing = await client.priority.read({ agentId: 1234 })
    assert.equal(listing.records.length, 2)
  })
  assert.deepEqual(
    events.map((e) => e.name),
    ['call.start', 'call.attempt', 'call.retry', 'call.attempt', 'call.end'],
  )
  const [start, first, retry, second, end] = events
  assert.equal(start.operation, 'priority.read')
  assert.equal(start.level, 'debug')
  assert.equal(first.status, 503)
  assert.equal(first.attempt, 1)
  assert.equal(first.method, 'GET')
  assert.match(first.url, /token=\*\*\*&method=priority&action=read/)
  assert.equal(typeof first.durationMs, 'number')
  assert.equal(retry.level, 'warn')
  assert.equal(retry.reason, 'HTTP 503')
  assert.equal(retry.attempt, 2)
  assert.equal(typeof retry.pauseMs, 'number')
  assert.equal(second.status, 200)
  assert.equal(end.result, 'ok')
  assert.equal(end.outcomeUnknown, false)
  assert.equal(end.attempts, 2)
  assert.equal(new Set(events.map((e) => e.call)).size, 1)
  for (const e of events) assert.equal(typeof e.message, 'string')
})

test('credentials and a refresh: no form of a secret in any event', async () => {
  const client = sandbox.client({ ...fast, token: undefined, username: USER, password: PASSWORD })
  sandbox.pushFault({ kind: 'api_error', error: 'Expired token', method: 'priority' })
  sandbox.pushFault({ kind: 'status', status: 500, times: 3, method: 'tod_policy' })
  const events = await recording(async () => {
    await client.priority.read()
    await assert.rejects(client.todPolicies.read(), { code: 'HttpStatus' })
  })
  const names = events.map((e) => e.name)
  assert.ok(names.includes('call.refresh'), names.join())
  assert.ok(names.includes('call.give_up'), names.join())
  assert.deepEqual(
    events.filter((e) => e.name === 'call.attempt').map((e) => e.purpose),
    ['token', 'call', 'token', 'call', 'call', 'call', 'call'],
  )
  const text = JSON.stringify(events)
  for (const secret of [TOKEN, PASSWORD]) {
    for (const form of forms(secret)) assert.ok(!text.includes(form), `${form} in ${text}`)
  }
})

test('nothing is published while nobody listens', async () => {
  let seen = 0
  const fn = () => seen++
  const client = sandbox.client(fast)
  await client.priority.read()
  diagnostics.subscribe('contactnow:call.end', fn)
  diagnostics.unsubscribe('contactnow:call.end', fn)
  await client.priority.read()
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(seen, 0)
})

test('NODE_DEBUG=contactnow prints one line per event to stderr', () => {
  const script = `
    const { Sandbox } = require(${JSON.stringify(path.join(__dirname, '..'))})
    ;(async () => {
      const sandbox = await Sandbox.start({ tokens: [${JSON.stringify(TOKEN)}] })
      sandbox.pushFault({ kind: 'status', status: 503 })
      await sandbox.client(${JSON.stringify(fast)}).todPolicies.read()
      await new Promise((resolve) => setTimeout(resolve, 50))
      await sandbox.stop()
    })()`
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_DEBUG: 'contactnow' }, encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  const lines = run.stderr.trim().split('\n')
  assert.equal(lines.length, 5, run.stderr)
  assert.match(lines[0], /^CONTACTNOW \d+: call \d+: tod_policy\.read \(json, 0 records\)$/)
  assert.match(lines[1], /attempt 1 GET .*token=\*\*\*.* -> HTTP 503/)
  assert.match(lines[2], /HTTP 503; attempt 2 after/)
  assert.match(lines[4], /ok after 2 attempts/)
  for (const form of forms(TOKEN)) assert.ok(!run.stderr.includes(form), run.stderr)
})

test("a cancelled call's end counts the time its request was in flight", async () => {
  for (const options of [{}, { sender: (request, { signal }) => fetch(request.url, { signal }).then(async (r) => ({ status: r.status, body: await r.text() })) }]) {
    sandbox.pushFault({ kind: 'delay', ms: 2000 })
    const events = await recording(async () => {
      const error = await sandbox.client(options).priority.read(undefined, { signal: AbortSignal.timeout(300) }).then(() => assert.fail('resolved'), (e) => e)
      assert.equal(error.code, 'Cancelled')
    })
    const end = events.find((e) => e.name === 'call.end')
    assert.equal(end.result, 'Cancelled')
    assert.ok(end.durationMs >= 250, `${end.durationMs} ms`)
  }
})
