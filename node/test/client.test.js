'use strict'
// The client against the in-process sandbox: all six operations in both formats, faults
// and retries, tokens, redaction, and the event loop staying free during a call.
const { test, before, after, beforeEach } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')

const { Client, Sandbox, buildRequest, parseResponse, isContactNowError, ApiError, HttpStatusError, TimeoutError, InvalidInputError } = require('..')

const SECRET = 'sbx-SECRET-token-5d1e'
let sandbox

before(async () => {
  sandbox = await Sandbox.start({ tokens: [SECRET] })
})
after(async () => {
  await sandbox.stop()
})
beforeEach(() => sandbox.reset())

function client(options) {
  return sandbox.client({ retries: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 }, ...options })
}

for (const format of ['json', 'xml']) {
  test(`priority: create, read, update (${format})`, async () => {
    const c = client({ format })
    const created = await c.priority.create([
      { agentId: 1001, queueId: 7, level: 10 },
      { agentId: 1002, queueId: 7, level: 20 },
    ])
    assert.equal(created.total, 2)
    assert.equal(created.bad, 0)
    const again = await c.priority.create({ agentId: 1001, queueId: 7, level: 10 })
    assert.equal(again.total, 0, 'an existing pair is not added again')
    const all = await c.priority.read()
    assert.deepEqual(
      all.records.map((r) => [r.agentId, r.queueId, r.level]).sort(),
      [
        [1001, 7, 10],
        [1002, 7, 20],
      ],
    )
    const updated = await c.priority.update([{ agentId: 1001, queueId: 7, level: 99 }])
    assert.equal(updated.total, 1)
    const one = await c.priority.read({ agentId: 1001 })
    assert.deepEqual(one.records, [{ agentId: 1001, queueId: 7, level: 99 }])
    const byQueue = await c.priority.read({ queueId: 7, agentId: 1002 })
    assert.deepEqual(byQueue.records, [{ agentId: 1002, queueId: 7, level: 20 }])
  })

  test(`todPolicies: create, read, update (${format})`, async () => {
    const c = client({ format })
    const created = await c.todPolicies.create({ description: `Night <&> "${format}"`, default: 'voicemail' })
    assert.equal(created.total, 1)
    assert.equal(typeof created.key, 'number')
    const uid = created.key
    const read = await c.todPolicies.read({ policyId: uid })
    assert.deepEqual(read.records, [{ uid, description: `Night <&> "${format}"`, default: 'voicemail' }])
    const updated = await c.todPolicies.update({ uid, default: 'jump:12' })
    assert.equal(updated.total, 1)
    const all = await c.todPolicies.read()
    assert.deepEqual(
      all.records.find((p) => p.uid === uid),
      { uid, description: `Night <&> "${format}"`, default: 'jump:12' },
    )
    await assert.rejects(c.todPolicies.update({ uid, default: 'jump:0' }), (e) => e instanceof InvalidInputError && e.field === 'records[0].default')
  })
}

test('the sans-IO layer with the built-in fetch', async () => {
  const request = buildRequest('priority.create', { records: [{ agentId: 5, queueId: 6, level: 7 }] }, { token: sandbox.token, baseUrl: sandbox.url })
  const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body })
  const result = parseResponse('priority.create', { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: await res.text() })
  assert.equal(result.total, 1)
  const read = buildRequest('priority.read', { agentId: 5 }, { token: sandbox.token, baseUrl: sandbox.url, format: 'xml' })
  const res2 = await fetch(read.url, { headers: read.headers })
  const listing = parseResponse('priority.read', { status: res2.status, body: new Uint8Array(await res2.arrayBuffer()) }, { format: 'xml' })
  assert.deepEqual(listing.records, [{ agentId: 5, queueId: 6, level: 7 }])
})

test('a timer keeps firing while a delayed request is in flight', async () => {
  const c = client()
  sandbox.pushFault({ kind: 'delay', ms: 300 })
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  const start = performance.now()
  try {
    await c.priority.read()
  } finally {
    clearInterval(timer)
  }
  const elapsed = performance.now() - start
  assert.ok(elapsed >= 250, `the delay applied (${elapsed} ms)`)
  assert.ok(ticks >= 10, `the event loop ran during the call: ${ticks} ticks in ${elapsed.toFixed(0)} ms`)
})

test('retryable statuses are retried; then HttpStatus', async () => {
  const c = client()
  sandbox.pushFault({ kind: 'status', status: 503 })
  const listing = await c.priority.read()
  assert.deepEqual(listing.records, [])
  assert.equal(sandbox.requests().length, 2, 'one failed attempt, one retry')

  sandbox.reset()
  sandbox.pushFault({ kind: 'status', status: 502, times: 5 })
  await assert.rejects(c.priority.read(), (e) => isContactNowError(e) && e instanceof HttpStatusError && e.code === 'HttpStatus' && e.status === 502)
  assert.equal(sandbox.requests().length, 3, 'maxAttempts: 3')

  sandbox.reset()
  sandbox.pushFault({ kind: 'status', status: 503 })
  await assert.rejects(client({ retries: 0 }).priority.read(), (e) => e.code === 'HttpStatus' && e.status === 503)
})

test('a TOD policy create is never repeated; its outcome is unknown', async () => {
  const c = client()
  sandbox.pushFault({ kind: 'reset' })
  await assert.rejects(c.todPolicies.create({ description: 'Once', default: 'hangup' }), (e) => {
    assert.ok(['Transport', 'Timeout'].includes(e.code), e.message)
    assert.equal(e.outcomeUnknown, true)
    return true
  })
  assert.equal(sandbox.requests().length, 1)
  // A priority create is safe to repeat: retried after the same fault.
  sandbox.reset()
  sandbox.pushFault({ kind: 'reset' })
  assert.equal((await c.priority.create({ agentId: 1, queueId: 2, level: 3 })).total, 1)
})

test('timeouts', async () => {
  sandbox.pushFault({ kind: 'delay', ms: 1500 })
  await assert.rejects(client({ timeoutMs: 200, retries: 0 }).priority.read(), (e) => e instanceof TimeoutError && e.code === 'Timeout' && e.outcomeUnknown === false)
})

test('API errors carry the server text; a batch with failures is never success', async () => {
  const c = client()
  sandbox.pushFault({ kind: 'api_error', error: 'Database busy' })
  await assert.rejects(c.priority.update({ agentId: 1, queueId: 2, level: 3 }), (e) => e instanceof ApiError && e.code === 'Api' && e.apiMessage === 'Database busy' && !e.partial)
})

test('expired tokens are reported; credentials get and renew tokens', async () => {
  const c = client()
  sandbox.expireToken(SECRET)
  const error = await c.priority.read().catch((e) => e)
  assert.equal(error.code, 'Api')
  assert.equal(error.tokenRejected, true)
  for (const text of [error.message, error.stack, util.inspect(error, { showHidden: true, depth: 5 })]) {
    assert.ok(!text.includes(SECRET), text)
  }
  sandbox.reset()
  const viaUser = client({ token: undefined, username: 'demo', password: 'demo-password' })
  assert.deepEqual((await viaUser.priority.read()).records, [])
  const wrong = client({ token: undefined, username: 'demo', password: 'wrong-pass-SECRET' })
  const denied = await wrong.priority.read().catch((e) => e)
  assert.equal(denied.code, 'Api')
  assert.ok(!util.inspect(denied, { showHidden: true }).includes('wrong-pass-SECRET'))
})

test('the sandbox records requests with the token redacted', async () => {
  await client().priority.read({ agentId: 4 })
  const requests = sandbox.requests()
  assert.equal(requests.length, 1)
  assert.ok(!JSON.stringify(requests).includes(SECRET))
  assert.ok(!util.inspect(sandbox).includes(SECRET))
  assert.ok(!util.inspect(client()).includes(SECRET))
})

test('concurrent calls run in parallel', async () => {
  const c = client()
  for (let i = 0; i < 3; i++) sandbox.pushFault({ kind: 'delay', ms: 300 })
  const start = performance.now()
  await Promise.all([c.priority.read(), c.priority.read(), c.todPolicies.read()])
  const elapsed = performance.now() - start
  assert.ok(elapsed < 850, `three 300 ms calls took ${elapsed.toFixed(0)} ms`)
})

test('execute runs any operation by name on a client without a sender', async () => {
  const c = client()
  await c.priority.create([{ agentId: 4321, queueId: 1007, level: 5 }])
  const listing = await c.execute('priority.read', { agentId: 4321 })
  assert.deepEqual(listing.records, [{ agentId: 4321, queueId: 1007, level: 5 }])
  const generic = await c.execute('call', { method: 'priority', action: 'read', filters: { agent: 4321 } })
  assert.deepEqual(generic.records, [{ agentid: '4321', qid: '1007', level: '5' }])
  await assert.rejects(c.execute('priority.read', { agentId: -1 }), { code: 'InvalidInput', field: 'agentId' })
  // The options of call() cannot replace its method or action.
  await assert.rejects(c.call('priority', 'read', { action: 'delete' }), { code: 'InvalidInput', field: 'action' })
  // token.validate checks the token its input names, never the options' one.
  assert.throws(() => buildRequest('token.validate', {}, { token: 'T0KEN' }), { code: 'InvalidInput', field: 'token' })
})

test('the sandbox records each request with its method, action and arguments', async () => {
  const c = client()
  sandbox.pushFault({ kind: 'status', status: 503, method: 'priority', action: 'read' })
  await c.priority.read({ agentId: 1234 })
  const [first, second] = sandbox.requests()
  assert.deepEqual([first.apiMethod, first.action, first.fault, second.fault], ['priority', 'read', 'status 503', null])
  assert.equal(first.params.agent, '1234')
  assert.equal(first.params.token, '***')
  assert.ok(!JSON.stringify(sandbox.requests()).includes(SECRET))
})

test('the sandbox kit: clearRequests and revokeToken', async () => {
  const c = client()
  await c.todPolicies.read()
  assert.equal(sandbox.requests().length, 1)
  sandbox.clearRequests()
  assert.equal(sandbox.requests().length, 0)
  sandbox.revokeToken()
  await assert.rejects(c.todPolicies.read(), (e) => e.code === 'Api' && e.tokenRejected === true)
})

test("the kit's client takes every client option: its token unless given, 5 s per attempt unless given", async () => {
  assert.equal(Sandbox.CLIENT_TIMEOUT_MS, 5000)
  const seen = []
  const sender = async (request, { timeoutMs }) => {
    seen.push([new URL(request.url).searchParams.get('token') !== null, timeoutMs])
    return { status: 200, contentType: 'application/json', body: '{"success":true,"total":0,"list":[]}' }
  }
  await sandbox.client({ sender }).priority.read()
  await sandbox.client({ sender, timeoutMs: 250, userAgent: 'kit-test/1' }).priority.read()
  assert.deepEqual(seen, [[true, 5000], [true, 250]])
  // Credentials instead of the kit's token: a token is fetched from token.php first.
  const viaUser = sandbox.client({ username: 'demo', password: 'demo-password' })
  assert.equal((await viaUser.priority.create({ agentId: 5, queueId: 6, level: 7 })).total, 1)
  assert.deepEqual(sandbox.requests().map((r) => r.action), ['get', 'create'])
  assert.throws(() => sandbox.client({ batchSize: 0 }), (e) => e instanceof InvalidInputError && e.field === 'batchSize')
  assert.throws(() => sandbox.client('token'), (e) => e instanceof InvalidInputError && e.field === 'options')
})

test('close() frees the client: later calls reject with InvalidInput on client, in flight ones end', async () => {
  for (const options of [{}, { sender: async () => ({ status: 200, contentType: 'application/json', body: '{"success":true,"total":0,"list":[]}' }) }]) {
    const c = client(options)
    assert.equal(c.closed, false)
    const inFlight = c.priority.read()
    c.close()
    c.close() // idempotent
    assert.equal(c.closed, true)
    assert.equal((await inFlight).total, 0)
    const error = await c.priority.read().then(() => assert.fail('a closed client called'), (e) => e)
    assert.ok(error instanceof InvalidInputError, String(error))
    assert.equal(error.field, 'client')
    assert.match(error.message, /closed/)
    await assert.rejects(c.execute('token.validate', { token: 'x' }), (e) => e instanceof InvalidInputError && e.field === 'client')
    assert.equal(c.baseUrl, sandbox.url)
  }
})
