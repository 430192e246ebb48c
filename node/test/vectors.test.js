'use strict'
// Runs every case of tests/vectors/ (the cross-language contract) through the JS layer:
// buildRequest for the request, parseResponse for the answer.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const contactnow = require('..')
const { buildRequest, parseResponse, isContactNowError, ContactNowError } = contactnow
const { camelKeys, camelPath } = require('./helpers.js')

const dir = path.join(__dirname, '..', '..', 'tests', 'vectors')
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()

// Names the JS layer uses for what the vectors call by their wire or Rust names.
const FIELD_NAMES = { agent: 'agentId', qid: 'queueId', policy: 'policyId' }
const OPERATIONS = { 'tod_policy.create': 'todPolicies.create', 'tod_policy.read': 'todPolicies.read', 'tod_policy.update': 'todPolicies.update' }

test('the vector folder has cases', () => {
  assert.ok(files.length >= 40, `expected at least 40 vector cases in ${dir}, found ${files.length}`)
})

function responseOf(r) {
  const body = r.body !== undefined ? r.body : Buffer.from(r.body_hex, 'hex')
  return { status: r.status, contentType: r.content_type ?? undefined, body }
}

function run(c) {
  const operation = OPERATIONS[c.operation] ?? c.operation
  const options = { token: c.token ?? 'T0KEN', baseUrl: c.base_url ?? 'https://api-106.dxi.eu', format: c.format ?? 'json' }
  let request
  try {
    request = buildRequest(operation, camelKeys(c.input), options)
  } catch (error) {
    return { request: null, error }
  }
  if (!c.response) return { request, value: null }
  try {
    return { request, value: parseResponse(operation, responseOf(c.response), { format: options.format }) }
  } catch (error) {
    return { request, error }
  }
}

function checkError(want, error) {
  assert.ok(isContactNowError(error), `expected a ContactNowError, got ${error && error.stack}`)
  assert.equal(error.code, want.kind, error.message)
  // The class of the kind: `Api` -> ApiError, `InvalidInput` -> InvalidInputError, ...
  assert.ok(error instanceof ContactNowError && error instanceof contactnow[`${want.kind}Error`], `not a ${want.kind}Error: ${error.constructor.name}`)
  if (want.message_contains) assert.ok(error.message.includes(want.message_contains), `${error.message} lacks ${want.message_contains}`)
  const names = { message: 'apiMessage', token_rejected: 'tokenRejected', outcome_unknown: 'outcomeUnknown' }
  for (const [key, value] of Object.entries(want)) {
    if (key === 'kind' || key === 'message_contains') continue
    if (key === 'field') {
      assert.equal(error.field, FIELD_NAMES[value] ?? camelPath(value), `field (${error.message})`)
    } else {
      assert.deepEqual(error[names[key] ?? key], value, `error.${key}`)
    }
  }
}

for (const file of files) {
  test(`vector ${file}`, () => {
    const c = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    const outcome = run(c)
    if (c.request) {
      assert.ok(outcome.request, `no request built: ${outcome.error && outcome.error.message}`)
      assert.deepEqual(
        {
          method: outcome.request.method,
          url: outcome.request.url,
          content_type: outcome.request.headers['Content-Type'] ?? null,
          body: outcome.request.body,
        },
        c.request,
      )
    }
    if (c.expect.ok !== undefined) {
      assert.ok(c.response, 'expect.ok needs a response')
      assert.equal(outcome.error, undefined, outcome.error && outcome.error.message)
      assert.deepEqual(outcome.value, camelKeys(c.expect.ok))
    } else {
      assert.ok(outcome.error, `expected a ${c.expect.error.kind} error, got ${JSON.stringify(outcome.value)}`)
      checkError(c.expect.error, outcome.error)
    }
  })
}
