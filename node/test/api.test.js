'use strict'
// The JS surface without a server: entry points, sans-IO, errors, safe integers, redaction.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')

const contactnow = require('..')
const { Client, buildRequest, parseResponse, redactUrl, isContactNowError, ErrorCode, VERSION, ContactNowError, HttpStatusError, ApiError, DecodeError, InvalidInputError, TransportError } =
  contactnow

const SECRET = 'tok-SECRET-7f3a9c'

function workspaceVersion() {
  const toml = fs.readFileSync(path.join(__dirname, '..', '..', 'Cargo.toml'), 'utf8')
  const section = toml.slice(toml.indexOf('[workspace.package]'))
  return /^version\s*=\s*"([^"]+)"/m.exec(section)[1]
}

test('one version: package.json, the addon and the workspace agree', () => {
  const pkg = require('../package.json')
  assert.equal(pkg.version, workspaceVersion())
  assert.equal(VERSION, pkg.version)
})

test('the ESM entry exports the same objects', async () => {
  const esm = await import('../index.mjs')
  const names = [
    'Client',
    'Sandbox',
    'buildRequest',
    'parseResponse',
    'redactUrl',
    'isContactNowError',
    'ErrorCode',
    'ContactNowError',
    'InvalidInputError',
    'ApiError',
    'DecodeError',
    'HttpStatusError',
    'TransportError',
    'TimeoutError',
    'CancelledError',
    'VERSION',
  ]
  assert.deepEqual(Object.keys(contactnow).sort(), [...names].sort(), 'every export is checked')
  for (const name of names) {
    assert.equal(esm[name], contactnow[name], name)
  }
  assert.equal(esm.default, contactnow)
})

test('buildRequest gives method, URL, headers and body', () => {
  const req = buildRequest('todPolicies.create', { records: [{ description: 'Night', default: 'voicemail' }] }, { token: 'T0KEN', format: 'xml' })
  assert.equal(req.method, 'POST')
  assert.equal(req.url, 'https://api-106.dxi.eu/database.php?token=T0KEN&method=tod_policy&action=create&format=xml&raw=1')
  assert.equal(req.redactedUrl, 'https://api-106.dxi.eu/database.php?token=***&method=tod_policy&action=create&format=xml&raw=1')
  assert.equal(redactUrl(req.url), req.redactedUrl)
  assert.throws(() => redactUrl(42), (e) => e instanceof InvalidInputError && e.field === 'url')
  assert.deepEqual(buildRequest('tod_policy.create', { records: [{ description: 'Night', default: 'voicemail' }] }, { token: 'T0KEN', format: 'xml' }), req)
  assert.equal(req.headers['Content-Type'], 'application/xml')
  assert.match(req.body, /<dxi><description>Night<\/description><default>voicemail<\/default><\/dxi>$/)
  const read = buildRequest('priority.read', { agent_id: 7, queueId: 9 }, { token: 'T', baseUrl: 'https://api.contactnow.8x8.com/api/' })
  assert.equal(read.method, 'GET')
  assert.equal(read.body, '')
  assert.equal(read.url, 'https://api.contactnow.8x8.com/api/database.php?token=T&method=priority&action=read&format=json&raw=1&agent=7&qid=9')
})

test('parseResponse accepts text and bytes', () => {
  const body = '{"success":true,"total":"1","list":[{"uid":"5","description":"Day","default":"jump:12"}]}'
  const expected = { accountId: null, total: 1, records: [{ uid: 5, description: 'Day', default: 'jump:12' }] }
  assert.deepEqual(parseResponse('todPolicies.read', { status: 200, body }), expected)
  assert.deepEqual(parseResponse('todPolicies.read', { status: 200, contentType: 'application/json', body: Buffer.from(body) }), expected)
  assert.deepEqual(parseResponse('todPolicies.read', { status: 200, body: new TextEncoder().encode(body) }, { format: 'json' }), expected)
})

test('errors are ContactNowErrors with a stable code and fields', () => {
  assert.throws(
    () => parseResponse('priority.create', { status: 502, body: '<html>Bad gateway</html>' }),
    (e) =>
      e instanceof HttpStatusError && isContactNowError(e) && e.code === ErrorCode.HttpStatus && e.status === 502 && e.excerpt.includes('Bad gateway'),
  )
  assert.throws(
    () => parseResponse('priority.update', { status: 200, body: '{"success":false,"error":"Expired token","expire":-1}' }),
    (e) => e instanceof ApiError && e.code === 'Api' && e.apiMessage === 'Expired token' && e.tokenRejected === true && e.partial === false,
  )
  assert.throws(
    () => parseResponse('priority.read', { status: 200, body: '{"success":tru' }),
    (e) => e instanceof DecodeError && e.code === 'Decode' && e.format === 'json' && e instanceof Error && e.name === 'ContactNowError',
  )
  assert.throws(
    () => buildRequest('priority.delete', {}, { token: 'T' }),
    (e) => e instanceof InvalidInputError && e instanceof ContactNowError && e.code === 'InvalidInput' && e.field === 'operation',
  )
  assert.throws(() => buildRequest('priority.read', { agentID: 1 }, { token: 'T' }), (e) => e.code === 'InvalidInput' && e.field === 'agentID')
  assert.throws(() => buildRequest('priority.read', {}, { token: 'T', format: 'yaml' }), (e) => e.code === 'InvalidInput' && e.field === 'format')
  // As in Python: a pause function is the sender's companion; alone it would be ignored.
  assert.throws(() => new Client({ token: 'T', sleep: async () => {} }), (e) => e instanceof InvalidInputError && e.field === 'sleep')
})

test('ids that are not safe integers are rejected, never rounded', async () => {
  const bad = [2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1.5, -3, NaN, Infinity, '12', 2n ** 53n, 2n ** 70n, -1n]
  for (const agentId of bad) {
    assert.throws(
      () => buildRequest('priority.create', { records: [{ agentId, queueId: 1, level: 1 }] }, { token: 'T' }),
      // A BigInt beyond 128 bits cannot even be read as data: still InvalidInput.
      (e) => e.code === 'InvalidInput' && (e.field === 'records[0].agentId' || agentId === 2n ** 70n),
      String(agentId),
    )
  }
  const max = buildRequest('priority.read', { agentId: Number.MAX_SAFE_INTEGER }, { token: 'T' })
  assert.ok(max.url.endsWith('&agent=9007199254740991'))
  // Through the client: the Promise rejects before anything is sent.
  const client = new Client({ token: SECRET, baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(client.priority.read({ queueId: 2 ** 53 }), (e) => e.code === 'InvalidInput' && e.field === 'queueId' && /safe integer/.test(e.message))
  await assert.rejects(client.todPolicies.update({ uid: 1e21, description: 'x' }), (e) => e.code === 'InvalidInput' && e.field === 'records[0].uid')
  // A server id beyond 2^53 - 1 is a Decode error, not a rounded number.
  assert.throws(
    () => parseResponse('priority.read', { status: 200, body: '{"success":true,"list":[{"agentid":"9007199254740993","qid":"1","level":"1"}]}' }),
    (e) => e.code === 'Decode' && e.message.includes('list[0].agentid'),
  )
  // The key of an applied write is never an error (that would hide the write): a bigint.
  const created = parseResponse('todPolicies.create', { status: 200, body: '{"success":true,"total":1,"key":"9007199254740993"}' })
  assert.deepEqual(created, { accountId: null, total: 1, bad: 0, key: 9007199254740993n })
  assert.equal(parseResponse('todPolicies.create', { status: 200, body: '{"success":true,"total":1,"key":"12"}' }).key, 12)
})

test('client options are checked', () => {
  assert.throws(() => new Client({}), (e) => e.code === 'InvalidInput' && e.field === 'token')
  assert.throws(() => new Client({ token: 'T', baseUrl: 'http://example.com' }), (e) => e.code === 'InvalidInput' && e.field === 'baseUrl')
  assert.throws(() => new Client({ token: 'T', timeoutMs: 0 }), (e) => e.field === 'timeoutMs')
  assert.throws(() => new Client({ token: 'T', tiemoutMs: 10 }), (e) => e.field === 'tiemoutMs' && e.message.endsWith('did you mean "timeoutMs"?'))
  assert.throws(() => new Client({ token: 'T', tiemout_ms: 10 }), (e) => e.field === 'tiemout_ms' && e.message.endsWith('did you mean "timeout_ms"?'))
  assert.throws(() => new Client({ token: 'T', retries: { maxAtempts: 2 } }), (e) => e.field === 'retries.maxAtempts' && e.message.endsWith('did you mean "maxAttempts"?'))
  assert.throws(() => new Client({ token: 'T', colour: 1 }), (e) => e.field === 'colour' && e.message.endsWith('unknown option'))
  assert.throws(() => new Client({ token: 'T', retries: -1 }), (e) => e.field === 'retries')
  assert.throws(() => new Client({ token: 'T', username: 'u', password: 'p' }), (e) => e.code === 'InvalidInput')
  const c = new Client({ token: 'T', baseUrl: 'http://example.com', allowInsecureHttp: true, format: 'xml', retries: 0 })
  assert.equal(c.baseUrl, 'http://example.com')
  assert.equal(c.format, 'xml')
})

test('buildRequest refuses plain http to a remote host, as the client does', () => {
  const build = (options) => buildRequest('priority.read', {}, { token: 'T0KEN', ...options })
  assert.throws(
    () => build({ baseUrl: 'http://example.com' }),
    (e) => e.code === 'InvalidInput' && e.field === 'baseUrl' && e.reason.includes('`allowInsecureHttp`') && !e.message.includes('T0KEN'),
  )
  assert.ok(build({ baseUrl: 'http://example.com', allowInsecureHttp: true }).url.startsWith('http://example.com/database.php?'))
  assert.ok(build({ baseUrl: 'http://127.0.0.1:9' }).url.startsWith('http://127.0.0.1:9/'))
  assert.throws(() => build({ allowInsecureHttp: 'yes' }), (e) => e.field === 'allowInsecureHttp')
})

test('the token never appears in a client or its errors', async () => {
  const client = new Client({ token: SECRET, baseUrl: 'http://127.0.0.1:9', retries: 0, timeoutMs: 2000 })
  for (const text of [util.inspect(client, { showHidden: true, depth: 10 }), JSON.stringify(client), String(client)]) {
    assert.ok(!text.includes(SECRET), text)
  }
  // Connection refused: a Transport error that must not show the URL's token.
  const error = await client.priority.read().then(
    () => assert.fail('expected a failure'),
    (e) => e,
  )
  assert.ok(error instanceof TransportError)
  assert.equal(error.code, 'Transport')
  assert.equal(error.outcomeUnknown, false)
  for (const text of [error.message, error.stack, util.inspect(error, { showHidden: true, depth: 10 }), JSON.stringify(error)]) {
    assert.ok(!text.includes(SECRET), text)
  }
  const creds = new Client({ username: 'api-user', password: SECRET, baseUrl: 'http://127.0.0.1:9', retries: 0 })
  assert.ok(!util.inspect(creds, { showHidden: true }).includes(SECRET))
  const e2 = await creds.priority.read().catch((e) => e)
  assert.ok(isContactNowError(e2))
  assert.ok(!util.inspect(e2, { showHidden: true }).includes(SECRET) && !e2.stack.includes(SECRET))
})

test("a sender's unusable answer is a failure after sending: repeated when safe, outcome unknown for a TOD create", async () => {
  let sent = 0
  const sender = async () => {
    sent += 1
    return { status: 200, contentType: 'application/json' } // no body
  }
  const client = new Client({ token: SECRET, sender, sleep: async () => {}, retries: 1 })
  const create = await client.todPolicies.create({ description: 'Night', default: 'hangup' }).then(() => assert.fail('resolved'), (e) => e)
  assert.ok(create instanceof TransportError, String(create))
  assert.equal(create.outcomeUnknown, true)
  assert.match(create.message, /sender's answer: .*response\.body/)
  assert.equal(sent, 1, 'a TOD create that may have been applied is not repeated')
  sent = 0
  const read = await client.priority.read().then(() => assert.fail('resolved'), (e) => e)
  assert.ok(read instanceof TransportError, String(read))
  assert.equal(read.outcomeUnknown, false)
  assert.equal(sent, 2, 'a read is repeated')
})
