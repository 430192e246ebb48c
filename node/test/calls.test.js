'use strict'
// Every execution vector of tests/vectors/calls/ through the Node client's bring-your-own-HTTP
// mode: `new Client({ ..., sender, sleep })` with a scripted sender. The requests sent, the
// pauses and the result or error must be the case's (schema in tests/vectors/README.md).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const contactnow = require('..')
const { Client, isContactNowError } = contactnow
const { camelKeys, camelPath } = require('./helpers.js')

const dir = path.join(__dirname, '..', '..', 'tests', 'vectors', 'calls')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()

test('the execution vector folder has cases', () => {
  assert.ok(files.length >= 15, `expected at least 15 execution vectors in ${dir}, found ${files.length}`)
})

/** Answers each send with the next exchange; records requests and the pause before each. */
function script(exchanges) {
  const sent = []
  let pause = 0
  return {
    sent,
    async sender(request, { timeoutMs }) {
      assert.ok(timeoutMs > 0)
      sent.push({ request, pause })
      pause = 0
      const exchange = exchanges[sent.length - 1]
      if (!exchange) throw Object.assign(new Error('the script has no more exchanges'), { code: 'ECONNRESET' })
      const f = exchange.failure
      if (f) {
        if (f.timeout) throw new DOMException(f.message, 'TimeoutError')
        throw Object.assign(new TypeError('fetch failed'), {
          message: f.message,
          cause: { code: f.not_sent ? 'ECONNREFUSED' : 'ECONNRESET' },
        })
      }
      const a = exchange.answer
      return { status: a.status, contentType: a.content_type, body: a.body, retryAfter: a.retry_after }
    },
    async sleep(ms) {
      pause += ms
    },
  }
}

const OPERATIONS = { 'tod_policy.create': 'todPolicies.create', 'tod_policy.read': 'todPolicies.read', 'tod_policy.update': 'todPolicies.update' }
const NAMES = { message: 'apiMessage', token_rejected: 'tokenRejected', outcome_unknown: 'outcomeUnknown' }

for (const file of files) {
  test(`call ${file}`, async () => {
    const c = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    const s = script(c.exchanges)
    const client = new Client({ ...c.auth, format: c.format, sender: s.sender, sleep: s.sleep })
    let value
    let error
    try {
      value = await client.execute(OPERATIONS[c.operation] ?? c.operation, camelKeys(c.input))
    } catch (e) {
      error = e
    }
    assert.equal(s.sent.length, c.exchanges.length, `sent ${s.sent.length}: ${error && error.message}`)
    s.sent.forEach(({ request, pause }, n) => {
      const want = c.exchanges[n].request
      const actual = { method: request.method, url: request.url }
      if (want.body !== undefined) {
        actual.content_type = request.headers['Content-Type'] ?? null
        actual.body = request.body
      }
      assert.deepEqual(actual, want, `request ${n}`)
      const expected = c.exchanges[n].pause_ms
      if (expected === undefined) assert.equal(pause, 0, `pause before request ${n}`)
      else if (typeof expected === 'object') assert.ok(pause <= expected.max, `pause before request ${n}: ${pause} ms`)
      else assert.ok(Math.abs(pause - expected) < 1e-6, `pause before request ${n}: ${pause} ms`)
    })
    if (c.expect.ok !== undefined) {
      assert.equal(error, undefined, error && error.message)
      assert.deepEqual(value, camelKeys(c.expect.ok))
      return
    }
    const want = c.expect.error
    assert.ok(isContactNowError(error), `expected a ${want.kind} error, got ${error ? error.stack : JSON.stringify(value)}`)
    assert.ok(error instanceof contactnow[`${want.kind}Error`], `not a ${want.kind}Error: ${error.constructor.name}`)
    const text = `${error.message} ${JSON.stringify(error)}`
    for (const [key, expected] of Object.entries(want)) {
      if (key === 'kind') assert.equal(error.code, expected)
      else if (key === 'message_contains') assert.ok(text.includes(expected), `${text} lacks ${expected}`)
      else if (key === 'absent') for (const secret of expected) assert.ok(!text.includes(secret), text)
      else if (key === 'field') assert.equal(error.field, camelPath(expected), `error.field (${error.message})`)
      else assert.deepEqual(error[NAMES[key] ?? key], expected, `error.${key}`)
    }
  })
}
