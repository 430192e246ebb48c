'use strict'
// The error classes: every error the package throws or rejects with, reached through real
// paths (sans-IO, the client against the sandbox and a local server, the sandbox helper,
// invalid input), is an instance of the subclass of its code, with a useful stack and no
// secret in any of its texts.
const { test, before, after, beforeEach } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const util = require('node:util')

const contactnow = require('..')
const {
  Client,
  Sandbox,
  buildRequest,
  parseResponse,
  isContactNowError,
  ErrorCode,
  ContactNowError,
  InvalidInputError,
  ApiError,
  DecodeError,
  HttpStatusError,
  TransportError,
  TimeoutError,
  CancelledError,
} = contactnow

const SECRET = 'err-SECRET-token-8b2c'
const PASSWORD = 'err-SECRET-password-41f0'
const CLASSES = {
  InvalidInput: InvalidInputError,
  Api: ApiError,
  Decode: DecodeError,
  HttpStatus: HttpStatusError,
  Transport: TransportError,
  Timeout: TimeoutError,
  Cancelled: CancelledError,
}

let sandbox
before(async () => {
  sandbox = await Sandbox.start({ tokens: [SECRET], users: [['api-user', PASSWORD]] })
})
after(async () => {
  await sandbox.stop()
})
beforeEach(() => sandbox.reset())

function client(options) {
  return sandbox.client({ retries: 0, ...options })
}

/** The error `run` throws or rejects with. */
async function caught(run) {
  try {
    await run()
  } catch (error) {
    return error
  }
  assert.fail('expected an error')
}

/**
 * Checks that `error` is exactly an instance of the class of `code`, with today's `name` and
 * `code`, a stack that starts with its message and reaches this file, and no secret.
 */
function checkKind(error, code, fields = {}) {
  const Kind = CLASSES[code]
  assert.ok(error instanceof Kind, `expected a ${Kind.name}, got ${util.inspect(error)}`)
  assert.ok(error instanceof ContactNowError && error instanceof Error)
  for (const Other of Object.values(CLASSES)) {
    if (Other !== Kind) assert.ok(!(error instanceof Other), `${Kind.name} is also a ${Other.name}`)
  }
  assert.equal(error.constructor, Kind)
  assert.equal(error.code, code)
  assert.equal(error.code, Kind.code)
  assert.equal(error.name, 'ContactNowError')
  assert.ok(isContactNowError(error))
  for (const [key, value] of Object.entries(fields)) {
    assert.deepEqual(error[key], value, `${code}: error.${key}`)
  }
  // The stack: the message, then frames that reach the caller in this file (for a rejected
  // call, through V8's async stack traces), without the wrapper's internal helpers first.
  assert.ok(error.stack.startsWith(`ContactNowError: ${error.message}\n`), error.stack)
  assert.ok(error.stack.includes(__filename), `the stack does not reach the caller:\n${error.stack}`)
  const firstFrame = error.stack.slice(error.stack.indexOf('\n    at ')).split('\n')[1]
  assert.doesNotMatch(firstFrame, /\b(guarded|settled|fromNative)\b/)
  for (const text of [
    error.message,
    error.stack,
    String(error),
    util.inspect(error),
    util.inspect(error, { showHidden: true, depth: 10 }),
    JSON.stringify(error),
  ]) {
    assert.ok(!text.includes(SECRET) && !text.includes(PASSWORD), `a secret leaked into:\n${text}`)
  }
  return error
}

/** A local HTTP server that answers every request with `status` and `body`. */
async function fixedServer(status, body) {
  const server = http.createServer((req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

test('the classes: one subclass per code, all ContactNowErrors', () => {
  assert.deepEqual(Object.keys(CLASSES).sort(), Object.keys(ErrorCode).sort())
  for (const [code, Kind] of Object.entries(CLASSES)) {
    assert.equal(Object.getPrototypeOf(Kind), ContactNowError)
    assert.equal(Kind.code, code)
    assert.equal(Kind.name, `${code}Error`)
    assert.equal(Kind.prototype.name, 'ContactNowError')
  }
  assert.equal(Object.getPrototypeOf(ContactNowError), Error)
})

test('errors can be constructed, e.g. for a mock client', () => {
  const fields = { apiMessage: 'Database busy', accountId: null, total: 2, bad: 1, key: null, partial: true, tokenRejected: false }
  const error = new ApiError('API error: Database busy', fields, { cause: 'test' })
  assert.ok(error instanceof ApiError && error instanceof ContactNowError && isContactNowError(error))
  assert.equal(error.code, 'Api')
  assert.equal(error.name, 'ContactNowError')
  assert.equal(error.cause, 'test')
  assert.deepEqual({ ...error }, { code: 'Api', name: 'ContactNowError', ...fields })
  // A field cannot change the code of a subclass.
  assert.equal(new TimeoutError('late', { code: 'Api', outcomeUnknown: false }).code, 'Timeout')
  // The base class takes its code from the fields (a code this version does not know).
  const other = new ContactNowError('new kind', { code: 'Future', detail: 1 })
  assert.equal(other.code, 'Future')
  assert.equal(other.detail, 1)
  assert.ok(other instanceof ContactNowError && isContactNowError(other))
  assert.throws(() => new ContactNowError('no code'), TypeError)
})

test('isContactNowError still recognises an error of another copy of the package', () => {
  const foreign = Object.assign(new Error('API error: x'), { name: 'ContactNowError', code: 'Api' })
  assert.ok(isContactNowError(foreign))
  assert.ok(!(foreign instanceof ContactNowError))
  assert.ok(!isContactNowError(Object.assign(new Error('x'), { name: 'ContactNowError', code: 'Other' })))
  assert.ok(!isContactNowError({ name: 'ContactNowError', code: 'Api', message: 'not an Error' }))
  assert.ok(!isContactNowError(new TypeError('x')))
})

test('sans-IO: every parse error is its subclass', () => {
  const parse = (operation, response, options) => caught(() => parseResponse(operation, response, options))
  return Promise.all([
    parse('priority.create', { status: 502, body: '<html>Bad gateway</html>' }).then((e) =>
      checkKind(e, 'HttpStatus', { status: 502 }),
    ),
    parse('priority.update', { status: 200, body: '{"success":false,"error":"Expired token","expire":-1}' }).then((e) =>
      checkKind(e, 'Api', { apiMessage: 'Expired token', tokenRejected: true, partial: false, expire: -1 }),
    ),
    parse('todPolicies.create', { status: 200, body: '{"success":true,"total":"2","bad":"1"}' }).then((e) =>
      checkKind(e, 'Api', { partial: true, total: 2, bad: 1 }),
    ),
    parse('priority.read', { status: 200, body: '{"success":tru' }).then((e) => checkKind(e, 'Decode', { format: 'json' })),
    parse('priority.read', { status: 200, body: '<dxi><success>tr' }, { format: 'xml' }).then((e) =>
      checkKind(e, 'Decode', { format: 'xml' }),
    ),
    // Decided in the binding, not the core: an id JavaScript cannot hold exactly.
    parse('priority.read', { status: 200, body: '{"success":true,"list":[{"agentid":"9007199254740993","qid":"1","level":"1"}]}' }).then(
      (e) => checkKind(e, 'Decode', { format: 'json' }),
    ),
    parse('token.get', { status: 200, body: '{"success":false,"error":"Invalid password"}' }).then((e) =>
      checkKind(e, 'Api', { apiMessage: 'Invalid password' }),
    ),
    // A 5xx after a TOD policy create: it may have been applied.
    parse('todPolicies.create', { status: 502, body: '<html>Bad gateway</html>' }).then((e) =>
      checkKind(e, 'HttpStatus', { status: 502, outcomeUnknown: true }),
    ),
    parse('todPolicies.create', { status: 200, body: '{"success":true,"tot' }).then((e) =>
      checkKind(e, 'Decode', { outcomeUnknown: true }),
    ),
  ])
})

test('sans-IO: numbers in an API error are never rounded (bigint beyond Number.MAX_SAFE_INTEGER)', () => {
  const body = '{"success":true,"account_id":"9007199254740993","total":"3","bad":"1","key":"18446744073709551615"}'
  const e = caught(() => parseResponse('todPolicies.create', { status: 200, body }))
  return e.then((error) => {
    checkKind(error, 'Api', { partial: true, total: 3, bad: 1 })
    assert.equal(error.accountId, 9007199254740993n)
    assert.equal(error.key, 18446744073709551615n)
    // Loggers can still serialise it: exact decimal strings.
    const json = JSON.parse(JSON.stringify(error))
    assert.deepEqual([json.accountId, json.key, json.total, json.code], ['9007199254740993', '18446744073709551615', 3, 'Api'])
    assert.equal(json.message, error.message)
  })
})

test('invalid input, synchronous and rejected, is an InvalidInputError', async () => {
  const sync = [
    [() => buildRequest('priority.delete', {}, { token: SECRET }), 'operation'],
    [() => buildRequest(42, {}, { token: SECRET }), 'operation'],
    [() => buildRequest('priority.read', { agentId: 2 ** 53 }, { token: SECRET }), 'agentId'],
    [() => buildRequest('priority.create', { records: [{ agentId: 1, queueId: 1, level: 1 }] }, { token: SECRET, format: 'yaml' }), 'format'],
    // The token given in place of the options is refused without being quoted.
    [() => buildRequest('priority.read', {}, SECRET), 'options'],
    [() => buildRequest('priority.read', {}, { token: SECRET, baseUrl: 'http://example.com' }), 'baseUrl'],
    [() => parseResponse('priority.read', null), 'response'],
    [() => parseResponse('priority.read', { status: '200', body: '' }), 'response.status'],
    [() => parseResponse('priority.read', { status: 200, body: 5 }), 'response.body'],
    [() => parseResponse('priority.read', { status: 200, contentType: 1, body: '' }), 'response.contentType'],
    [() => parseResponse(null, { status: 200, body: '' }), 'operation'],
    [() => new Client({}), 'token'],
    [() => new Client({ token: SECRET, baseUrl: 'http://example.com' }), 'baseUrl'],
    [() => new Client({ token: SECRET, username: 'api-user', password: PASSWORD }), 'token'],
    [() => new Client({ password: PASSWORD }), 'username'],
    [() => new Client({ username: 'api-user' }), 'password'],
    [() => new Client({ token: SECRET, timeoutMs: 0 }), 'timeoutMs'],
    [() => new Client({ token: SECRET, retries: { maxAttempts: 0 } }), 'retries.maxAttempts'],
    [() => new Client({ token: SECRET, region: 'mars' }), 'region'],
    [() => new Client({ token: SECRET, batchSize: 0 }), 'batchSize'],
    [() => new Client({ token: SECRET, connectTimeoutMs: -1 }), 'connectTimeoutMs'],
  ]
  for (const [run, field] of sync) {
    let error
    try {
      run()
    } catch (e) {
      error = e
    }
    assert.ok(error, `no error from ${run}`)
    checkKind(error, 'InvalidInput', { field })
  }
  // Through the client, the Promise rejects (nothing is thrown synchronously, nothing is sent).
  const c = client({ token: SECRET })
  const calls = [
    [() => c.priority.create([{ agentId: 1, queueId: 2 ** 53, level: 1 }]), 'records[0].queueId'],
    [() => c.priority.read({ agentId: 1.5 }), 'agentId'],
    [() => c.priority.update({ agentId: 1, queueId: 1 }), 'records[0].level'],
    [() => c.todPolicies.create({ description: 'x', default: 'jump:0' }), 'records[0].default'],
    [() => c.todPolicies.read({ policyId: -1 }), 'policyId'],
    [() => c.todPolicies.update({ uid: 1e21 }), 'records[0].uid'],
  ]
  for (const [call, field] of calls) {
    const promise = call()
    assert.ok(promise instanceof Promise)
    checkKind(await caught(() => promise), 'InvalidInput', { field })
  }
  assert.equal(sandbox.requests().length, 0)
})

test('the sandbox helper throws InvalidInputErrors', async () => {
  checkKind(await caught(() => sandbox.pushFault({ kind: 'nope' })), 'InvalidInput', { field: 'fault' })
  checkKind(await caught(() => sandbox.pushFault({ kind: 'status', status: 503, times: 0 })), 'InvalidInput', { field: 'fault.times' })
  // Refused like POST /_sandbox/faults refuses them, never a crash.
  checkKind(await caught(() => sandbox.pushFault({ kind: 'status', status: 42 })), 'InvalidInput', { field: 'fault.status' })
  checkKind(await caught(() => sandbox.pushFault({ kind: 'status' })), 'InvalidInput', { field: 'fault.status' })
  checkKind(await caught(() => sandbox.pushFault({ kind: 'delay', ms: 600_001 })), 'InvalidInput', { field: 'fault.ms' })
  checkKind(await caught(() => sandbox.expireToken(42)), 'InvalidInput', { field: 'token' })
  checkKind(await caught(() => Sandbox.start({ seed: 'nope' })), 'InvalidInput', { field: 'seed' })
  checkKind(await caught(() => new Sandbox({})), 'InvalidInput', { field: 'Sandbox' })
  checkKind(await caught(() => sandbox.pushFault({ kind: 'reset', times: 0 })), 'InvalidInput', { field: 'fault.times' })
  const twice = { kind: 'status', status: 503, retryAfter: 1, retry_after: 1 }
  checkKind(await caught(() => sandbox.pushFault(twice)), 'InvalidInput', { field: 'fault.retryAfter' })
  // A value of the wrong type is named by its field, in camelCase.
  checkKind(await caught(() => sandbox.pushFault({ kind: 'status', status: 503, retryAfter: 'soon' })), 'InvalidInput', { field: 'fault.retryAfter' })
  checkKind(await caught(() => sandbox.pushFault({ kind: 'status', status: 503, times: '2' })), 'InvalidInput', { field: 'fault.times' })
  checkKind(await caught(() => sandbox.pushFault({ kind: 'delay', ms: -3 })), 'InvalidInput', { field: 'fault.ms' })
  const stopped = await Sandbox.start()
  assert.equal(stopped.stopped, false)
  await stopped.stop()
  await stopped.stop()
  assert.equal(stopped.stopped, true)
  checkKind(await caught(() => stopped.requestCount()), 'InvalidInput', { field: 'sandbox' })
  checkKind(await caught(() => stopped.reset()), 'InvalidInput', { field: 'sandbox' })
  checkKind(await caught(() => stopped.requests()), 'InvalidInput', { field: 'sandbox' })
  checkKind(await caught(() => stopped.pushFault({ kind: 'reset' })), 'InvalidInput', { field: 'sandbox' })
  checkKind(await caught(() => stopped.client()), 'InvalidInput', { field: 'sandbox' })
  assert.ok(stopped.url.startsWith('http://127.0.0.1:') && stopped.token, 'still readable')
  checkKind(await caught(() => Sandbox.start({ tokens: [] })), 'InvalidInput', { field: 'tokens' })
})

test('client calls against the sandbox with faults: Api, HttpStatus, Transport, Timeout, Cancelled', async () => {
  sandbox.pushFault({ kind: 'api_error', error: 'Database busy' })
  checkKind(await caught(() => client().priority.read()), 'Api', { apiMessage: 'Database busy', partial: false, tokenRejected: false })

  sandbox.pushFault({ kind: 'status', status: 503 })
  checkKind(await caught(() => client().todPolicies.read()), 'HttpStatus', { status: 503, outcomeUnknown: false })

  // A 502 may come after a TOD policy create was applied: not repeated, outcome unknown.
  sandbox.pushFault({ kind: 'status', status: 502, method: 'tod_policy', action: 'create' })
  checkKind(await caught(() => client().todPolicies.create({ description: 'Maybe', default: 'queue' })), 'HttpStatus', {
    status: 502,
    outcomeUnknown: true,
  })

  sandbox.pushFault({ kind: 'reset' })
  checkKind(await caught(() => client().priority.update({ agentId: 1, queueId: 2, level: 3 })), 'Transport', { outcomeUnknown: false })

  sandbox.pushFault({ kind: 'truncate' })
  checkKind(await caught(() => client().priority.read({ agentId: 1 })), 'Transport')

  // A TOD policy create is never repeated: its outcome is unknown.
  sandbox.pushFault({ kind: 'reset' })
  checkKind(await caught(() => client({ retries: 2 }).todPolicies.create({ description: 'Once', default: 'hangup' })), 'Transport', {
    outcomeUnknown: true,
  })

  sandbox.pushFault({ kind: 'delay', ms: 1000 })
  checkKind(await caught(() => client({ timeoutMs: 100 }).priority.read()), 'Timeout', { outcomeUnknown: false })

  // Aborted by its signal, during the call and before it: Cancelled, caused by the reason.
  sandbox.pushFault({ kind: 'delay', ms: 1000 })
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  checkKind(await caught(() => client().priority.read(undefined, { signal: controller.signal })), 'Cancelled', {
    outcomeUnknown: false,
    cause: controller.signal.reason,
  })
  checkKind(await caught(() => client().todPolicies.create({ description: 'No', default: 'queue' }, { signal: controller.signal })), 'Cancelled', {
    outcomeUnknown: false,
  })

  sandbox.expireToken(SECRET)
  checkKind(await caught(() => client().todPolicies.update({ uid: 1, default: 'hangup' })), 'Api', { tokenRejected: true })

  sandbox.reset()
  const wrong = client({ token: undefined, username: 'api-user', password: `${PASSWORD}-wrong` })
  const denied = checkKind(await caught(() => wrong.priority.read()), 'Api', { tokenRejected: false })
  assert.ok(!util.inspect(denied, { showHidden: true }).includes(`${PASSWORD}-wrong`))
})

test('client calls: Decode errors from a server that answers badly; Transport when nobody listens', async () => {
  const garbled = await fixedServer(200, '{"success":tru')
  const huge = await fixedServer(200, '{"success":true,"list":[{"agentid":"9007199254740993","qid":"1","level":"1"}]}')
  try {
    const options = { token: SECRET, retries: 0, allowInsecureHttp: true }
    checkKind(await caught(() => new Client({ ...options, baseUrl: garbled.url }).priority.read()), 'Decode', {
      format: 'json',
      outcomeUnknown: false,
    })
    // An unreadable 2xx after a TOD policy create: probably applied, never repeated.
    const create = () => new Client({ ...options, baseUrl: garbled.url }).todPolicies.create({ description: 'X', default: 'queue' })
    checkKind(await caught(create), 'Decode', { outcomeUnknown: true })
    checkKind(await caught(() => new Client({ ...options, baseUrl: huge.url }).priority.read()), 'Decode', { format: 'json' })
  } finally {
    await Promise.all([garbled.close(), huge.close()])
  }
  const refused = new Client({ token: SECRET, baseUrl: 'http://127.0.0.1:9', allowInsecureHttp: true, retries: 0 })
  checkKind(await caught(() => refused.todPolicies.read()), 'Transport', { outcomeUnknown: false })
})

test('a rejected call keeps the awaiting callers in its stack', async () => {
  sandbox.pushFault({ kind: 'status', status: 500 })
  async function readAssignmentsForReport() {
    return client().priority.read()
  }
  async function buildReport() {
    return await readAssignmentsForReport()
  }
  const error = await caught(buildReport)
  checkKind(error, 'HttpStatus')
  assert.match(error.stack, /at async buildReport \(/)
})

test('whatever the arguments, an entry point returns or fails with a ContactNowError', async () => {
  const values = [undefined, null, 0, -1, 2 ** 64, NaN, '', 'x', true, Symbol('s'), 10n, () => {}, [], [1], {}, { records: 5 }, new Date(0)]
  const tried = []
  const check = async (label, run) => {
    tried.push(label)
    try {
      await run()
    } catch (error) {
      assert.ok(error instanceof ContactNowError, `${label}: ${util.inspect(error)}`)
      assert.ok(error instanceof CLASSES[error.code], label)
    }
  }
  const c = client()
  for (const v of values) {
    const label = util.inspect(v)
    await check(`buildRequest(${label})`, () => buildRequest(v, v, v))
    await check(`buildRequest op, ${label}`, () => buildRequest('priority.create', v, { token: 'T' }))
    await check(`buildRequest options ${label}`, () => buildRequest('priority.read', {}, v))
    await check(`parseResponse(${label})`, () => parseResponse('priority.read', v, v))
    await check(`parseResponse body ${label}`, () => parseResponse('todPolicies.read', { status: 200, body: v }))
    await check(`new Client(${label})`, () => new Client(v))
    await check(`new Client({ token: ${label} })`, () => new Client({ token: v }))
    for (const call of [c.priority.create, c.priority.read, c.priority.update, c.todPolicies.create, c.todPolicies.read, c.todPolicies.update]) {
      await check(`client call(${label})`, () => call(v))
      await check(`client call({}, ${label})`, () => call({}, v))
    }
    await check(`client.call(${label})`, () => c.call(v, v, v))
    await check(`client.call options ${label}`, () => c.call('priority', 'read', v))
    await check(`pushFault(${label})`, () => sandbox.pushFault(v))
    await check(`Sandbox.start(${label})`, async () => (await Sandbox.start(v)).stop())
  }
  sandbox.reset()
  assert.ok(tried.length > 100)
})
