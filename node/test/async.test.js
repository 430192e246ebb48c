'use strict'
// Client calls as futures on the addon's tokio runtime: hundreds in flight at once, none
// holding a libuv thread; `{ signal }` cancelling a call wherever it is (the request in
// flight, a retry pause, the token fetch) with what is known of its outcome; and a process
// that exits on its own once its calls are done.
const { test, before, after, beforeEach } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const diagnostics = require('node:diagnostics_channel')
const path = require('node:path')
const { spawn } = require('node:child_process')

const { Client, Sandbox, CancelledError, ContactNowError, InvalidInputError, TimeoutError } = require('..')

const USER = 'async-user'
const PASSWORD = 'async-SECRET-password'
let sandbox

before(async () => {
  sandbox = await Sandbox.start({ seed: 'demo', users: [[USER, PASSWORD]] })
})
after(async () => {
  await sandbox.stop()
})
beforeEach(() => sandbox.reset())

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `predicate()` holds (checked every 5 ms), failing after `ms`. */
async function until(predicate, what, ms = 5000) {
  const end = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

/** The requests the sandbox received for `method`/`action` (token.php: method undefined). */
function received(method, action) {
  return sandbox.requests().filter((r) => {
    const query = new URLSearchParams(r.query)
    return query.get('method') === (method ?? null) && query.get('action') === action
  })
}

/** The error `promise` rejects with. */
async function rejection(promise) {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('expected a rejection')
}

/** Checks a `CancelledError` from an aborted `controller`. */
function checkCancelled(error, controller, outcomeUnknown) {
  assert.ok(error instanceof CancelledError, `expected a CancelledError, got ${error?.stack ?? error}`)
  assert.ok(error instanceof ContactNowError)
  assert.equal(error.code, 'Cancelled')
  assert.equal(error.name, 'ContactNowError')
  assert.equal(error.outcomeUnknown, outcomeUnknown)
  assert.equal(error.cause, controller.signal.reason)
  assert.match(error.message, /^cancelled by the caller/)
  if (outcomeUnknown) assert.match(error.message, /outcome unknown/)
}

test('256 reads in flight at once all complete, each with its own answer', async () => {
  const client = sandbox.client()
  const expected = new Map()
  for (const agentId of [1234, 1235, 1236, 1240, 1241, 1250]) {
    expected.set(agentId, (await client.priority.read({ agentId })).records)
  }
  sandbox.reset()
  sandbox.pushFault({ kind: 'delay', ms: 300, times: 256 })
  const agents = [...expected.keys()]
  const start = performance.now()
  const results = await Promise.all(
    Array.from({ length: 256 }, (_, i) => client.priority.read({ agentId: agents[i % agents.length] })),
  )
  const elapsed = performance.now() - start
  results.forEach((listing, i) => {
    const agentId = agents[i % agents.length]
    assert.deepEqual(listing.records, expected.get(agentId), `call ${i} (agent ${agentId})`)
    assert.ok(listing.records.every((r) => r.agentId === agentId))
  })
  assert.equal(sandbox.requestCount(), 256)
  assert.equal(sandbox.requests().filter((r) => r.fault !== null).length, 256, 'every request was delayed')
  // Not a benchmark: only that they waited together (libuv's 4 threads would need 64 waves).
  assert.ok(elapsed < 300 * 10, `256 delayed reads took ${elapsed.toFixed(0)} ms`)
})

test('calls in flight hold no libuv thread: the pool stays free for crypto, fs and dns', async () => {
  const client = sandbox.client()
  sandbox.pushFault({ kind: 'delay', ms: 1500, times: 16 })
  const calls = Array.from({ length: 16 }, () => client.todPolicies.read())
  await until(() => sandbox.requests().length === 16, 'the 16 requests to arrive')
  // Four pool tasks at once: each would wait behind a call holding a thread if calls did.
  const start = performance.now()
  await Promise.all(
    Array.from({ length: 4 }, () => new Promise((resolve, reject) => crypto.pbkdf2('pw', 'salt', 1, 32, 'sha256', (e) => (e ? reject(e) : resolve())))),
  )
  const elapsed = performance.now() - start
  assert.ok(elapsed < 1000, `the thread pool was busy for ${elapsed.toFixed(0)} ms`)
  const listings = await Promise.all(calls)
  for (const listing of listings) assert.equal(listing.records.length, 4)
})

test('the event loop runs while 64 calls wait', async () => {
  const client = sandbox.client()
  sandbox.pushFault({ kind: 'delay', ms: 300, times: 64 })
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  try {
    await Promise.all(Array.from({ length: 64 }, () => client.priority.read()))
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks >= 10, `only ${ticks} ticks`)
})

test('an abort during a retry pause stops the call: no further request', async () => {
  const client = sandbox.client()
  sandbox.pushFault({ kind: 'status', status: 503, retryAfter: 1 })
  const controller = new AbortController()
  const start = performance.now()
  const call = client.priority.read({ agentId: 1234 }, { signal: controller.signal })
  await until(() => sandbox.requests().length === 1, 'the first attempt')
  await sleep(100) // in the 1 s pause the server asked for
  controller.abort()
  const error = await rejection(call)
  checkCancelled(error, controller, false)
  assert.ok(performance.now() - start < 900, 'rejected at the abort, not after the pause')
  await sleep(1200) // longer than the pause would have been
  assert.equal(sandbox.requests().length, 1, 'nothing was sent after the abort')
})

test('an abort while a TOD policy create is in flight: Cancelled, outcome unknown (and it was applied)', async () => {
  const client = sandbox.client()
  sandbox.pushFault({ kind: 'delay', ms: 400, method: 'tod_policy', action: 'create' })
  const controller = new AbortController()
  const call = client.todPolicies.create({ description: 'MaybeApplied', default: 'hangup' }, { signal: controller.signal })
  await until(() => received('tod_policy', 'create').length === 1, 'the create to arrive')
  controller.abort(new Error('user closed the page'))
  const error = await rejection(call)
  checkCancelled(error, controller, true)
  assert.equal(error.cause.message, 'user closed the page')
  // The sandbox, like PHP, finishes the request after the client left: that is why.
  await sleep(600)
  const { records } = await client.todPolicies.read()
  assert.ok(records.some((p) => p.description === 'MaybeApplied'), 'the abandoned create was applied')
  assert.equal(received('tod_policy', 'create').length, 1, 'never repeated')
})

test('an abort before a TOD policy create was sent: Cancelled, outcome known (not applied)', async () => {
  // Aborted already: rejects at once, sends nothing.
  const controller = new AbortController()
  controller.abort()
  const client = sandbox.client()
  const started = performance.now()
  const error = await rejection(client.todPolicies.create({ description: 'Never', default: 'hangup' }, { signal: controller.signal }))
  checkCancelled(error, controller, false)
  assert.ok(performance.now() - started < 100)
  assert.equal(sandbox.requests().length, 0)

  // Aborted while the token was being fetched (token.php delayed): the create never left.
  const viaUser = sandbox.client({ token: undefined, username: USER, password: PASSWORD })
  sandbox.pushFault({ kind: 'delay', ms: 500, action: 'get' })
  const duringToken = new AbortController()
  const call = viaUser.todPolicies.create({ description: 'Never', default: 'hangup' }, { signal: duringToken.signal })
  await until(() => received(undefined, 'get').length === 1, 'the token request')
  duringToken.abort()
  const tokenError = await rejection(call)
  checkCancelled(tokenError, duringToken, false)
  assert.ok(!JSON.stringify(tokenError).includes(PASSWORD))

  // Aborted in the pause after token.php answered 503.
  sandbox.pushFault({ kind: 'status', status: 503, retry_after: 1, action: 'get' })
  const inPause = new AbortController()
  const paused = viaUser.todPolicies.create({ description: 'Never', default: 'hangup' }, { signal: inPause.signal })
  await until(() => received(undefined, 'get').length === 2, 'the refused token request')
  await sleep(50)
  inPause.abort()
  checkCancelled(await rejection(paused), inPause, false)

  await sleep(1100)
  assert.equal(received(undefined, 'get').length, 2, 'no token request after the abort')
  assert.equal(received('tod_policy', 'create').length, 0, 'no create was sent')
  assert.ok(!(await client.todPolicies.read()).records.some((p) => p.description === 'Never'))
})

test('every call takes { signal }: the writes, the reads and the generic call', async () => {
  const client = sandbox.client()
  const aborted = () => {
    const controller = new AbortController()
    controller.abort()
    return controller
  }
  const calls = [
    (signal) => client.priority.create({ agentId: 1, queueId: 2, level: 3 }, { signal }),
    (signal) => client.priority.read(undefined, { signal }),
    (signal) => client.priority.update({ agentId: 1, queueId: 2, level: 3 }, { signal }),
    (signal) => client.todPolicies.create({ description: 'X', default: 'queue' }, { signal }),
    (signal) => client.todPolicies.read({}, { signal }),
    (signal) => client.todPolicies.update({ uid: 2170, default: 'hangup' }, { signal }),
    (signal) => client.call('queues', 'read', { filters: { qid: 1007 }, signal }),
  ]
  for (const call of calls) {
    const controller = aborted()
    checkCancelled(await rejection(call(controller.signal)), controller, false)
  }
  assert.equal(sandbox.requests().length, 0)
  // Each one in flight.
  sandbox.pushFault({ kind: 'delay', ms: 2000, times: calls.length })
  const controllers = calls.map(() => new AbortController())
  const pending = calls.map((call, i) => rejection(call(controllers[i].signal)))
  await until(() => sandbox.requests().length === calls.length, 'every call in flight')
  for (const controller of controllers) controller.abort()
  const errors = await Promise.all(pending)
  errors.forEach((error, i) => checkCancelled(error, controllers[i], i === 3))
  // A signal that never fires changes nothing; nor does a finished call's later abort.
  sandbox.reset()
  const idle = new AbortController()
  assert.equal((await client.priority.read({ agentId: 1234 }, { signal: idle.signal })).records.length, 2)
  assert.equal((await client.call('priority', 'read', { filters: { agent: 1234 }, signal: idle.signal })).records.length, 2)
  idle.abort()
})

test('AbortSignal.timeout as a deadline of the caller: Cancelled, its cause a TimeoutError', async () => {
  sandbox.pushFault({ kind: 'delay', ms: 1000 })
  const signal = AbortSignal.timeout(100)
  const error = await rejection(sandbox.client().priority.read(undefined, { signal }))
  assert.ok(error instanceof CancelledError)
  assert.equal(error.cause.name, 'TimeoutError')
  assert.equal(error.outcomeUnknown, false)
})

test('timeoutMs still times out a call on the runtime', async () => {
  sandbox.pushFault({ kind: 'delay', ms: 1000 })
  const error = await rejection(sandbox.client({ timeoutMs: 150, retries: 0 }).priority.read(undefined, { signal: new AbortController().signal }))
  assert.ok(error instanceof TimeoutError, error.stack)
  assert.equal(error.outcomeUnknown, false)
})

test('bad call options are InvalidInputErrors, rejected before anything is sent', async () => {
  const client = sandbox.client()
  for (const [options, field] of [
    [5, 'options'],
    [[], 'options'],
    [{ signal: 'soon' }, 'options.signal'],
    [{ signal: {} }, 'options.signal'],
    [{ timeoutMs: 5 }, 'options.timeoutMs'],
  ]) {
    const error = await rejection(client.priority.read({}, options))
    assert.ok(error instanceof InvalidInputError, String(error))
    assert.equal(error.field, field)
  }
  assert.equal((await rejection(client.call('queues', 'read', { signal: 7 }))).field, 'options.signal')
  assert.equal(sandbox.requests().length, 0)
})

test('an aborted call ends with a call.end event saying Cancelled', async () => {
  const events = []
  const onEnd = (event) => events.push(event)
  diagnostics.subscribe('contactnow:call.end', onEnd)
  try {
    sandbox.pushFault({ kind: 'delay', ms: 1000 })
    const controller = new AbortController()
    const call = sandbox.client().todPolicies.create({ description: 'Evt', default: 'queue' }, { signal: controller.signal })
    await until(() => sandbox.requests().length === 1, 'the request')
    controller.abort()
    await rejection(call)
    await until(() => events.length === 1, 'the end event')
  } finally {
    diagnostics.unsubscribe('contactnow:call.end', onEnd)
  }
  assert.equal(events[0].result, 'Cancelled')
  assert.equal(events[0].outcomeUnknown, true)
})

test('a client with a sender honours { signal } too, and hands it to the sender', async () => {
  const seen = []
  const client = new Client({
    token: sandbox.token,
    baseUrl: sandbox.url,
    sender: async (request, { timeoutMs, signal }) => {
      seen.push(signal)
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.method === 'POST' ? request.body : undefined,
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      })
      return { status: res.status, contentType: res.headers.get('content-type'), body: new Uint8Array(await res.arrayBuffer()), retryAfter: res.headers.get('retry-after') }
    },
  })
  const controller = new AbortController()
  assert.equal((await client.priority.read({ agentId: 1234 }, { signal: controller.signal })).records.length, 2)
  assert.equal(seen[0], controller.signal)

  sandbox.pushFault({ kind: 'delay', ms: 1000, method: 'tod_policy', action: 'create' })
  const call = client.todPolicies.create({ description: 'ViaSender', default: 'queue' }, { signal: controller.signal })
  await until(() => received('tod_policy', 'create').length === 1, 'the create')
  controller.abort()
  checkCancelled(await rejection(call), controller, true)

  sandbox.pushFault({ kind: 'status', status: 503, retry_after: 1 })
  const inPause = new AbortController()
  const paused = client.priority.read({}, { signal: inPause.signal })
  await until(() => received('priority', 'read').length === 2, 'the refused read')
  await sleep(50)
  inPause.abort()
  checkCancelled(await rejection(paused), inPause, false)
  await sleep(1100)
  assert.equal(received('priority', 'read').length, 2, 'no attempt after the abort')

  const already = new AbortController()
  already.abort()
  checkCancelled(await rejection(client.execute('priority.read', {}, { signal: already.signal })), already, false)
})

/** Runs `script` in a fresh Node process; resolves with its exit code, output and duration. */
function runNode(script, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the process did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started })
    })
  })
}

test('the process exits on its own after calls, aborted ones included; a call in flight keeps it alive', async () => {
  const script = `
    const { Sandbox } = require(${JSON.stringify(path.join(__dirname, '..'))})
    ;(async () => {
      const sandbox = await Sandbox.start({ seed: 'demo' })
      const client = sandbox.client()
      await Promise.all(Array.from({ length: 32 }, () => client.priority.read()))
      // Left in flight at the server (a 60 s delay), abandoned by the abort.
      sandbox.pushFault({ kind: 'delay', ms: 60000 })
      const controller = new AbortController()
      const call = client.todPolicies.read(undefined, { signal: controller.signal }).catch((e) => e.code)
      setTimeout(() => controller.abort(), 100)
      console.log('aborted:', await call)
      // Not awaited: the pending call alone keeps the process alive until it settles.
      sandbox.pushFault({ kind: 'delay', ms: 300 })
      client.priority.read().then(async (listing) => {
        console.log('read:', listing.records.length)
        await sandbox.stop()
        // One turn of the loop first: Node itself may have an Immediate queued for this turn.
        await new Promise((resolve) => setImmediate(resolve))
        console.log('resources:', JSON.stringify(process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap')))
      })
    })()`
  const run = await runNode(script)
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.signal, null)
  assert.match(run.stdout, /aborted: Cancelled/)
  assert.match(run.stdout, /read: 12/)
  assert.match(run.stdout, /resources: \[\]/)
  assert.ok(run.ms < 10_000, `exit took ${run.ms.toFixed(0)} ms`)
})
