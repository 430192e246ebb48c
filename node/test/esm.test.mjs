// The ESM entry point (`import ... from 'contactnow'`, resolved through package.json
// `exports`): the same classes as the CommonJS entry, and its errors are instances of them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import contactnowDefault, {
  ContactNowError,
  InvalidInputError,
  ApiError,
  DecodeError,
  HttpStatusError,
  TransportError,
  TimeoutError,
  ErrorCode,
  isContactNowError,
  buildRequest,
  parseResponse,
  Sandbox,
} from 'contactnow'

const cjs = createRequire(import.meta.url)('contactnow')

test('ESM and CommonJS export the same error classes', () => {
  const classes = { ContactNowError, InvalidInputError, ApiError, DecodeError, HttpStatusError, TransportError, TimeoutError }
  for (const [name, Class] of Object.entries(classes)) {
    assert.equal(typeof Class, 'function', name)
    assert.equal(Class, cjs[name], name)
    assert.equal(Class, contactnowDefault[name], name)
  }
  assert.equal(ErrorCode, cjs.ErrorCode)
})

test('errors caught through the ESM entry are instances of its classes', async () => {
  assert.throws(() => buildRequest('priority.delete', {}, { token: 'T' }), InvalidInputError)
  assert.throws(() => parseResponse('priority.read', { status: 503, body: 'busy' }), HttpStatusError)
  assert.throws(() => parseResponse('priority.read', { status: 200, body: '{"success":false,"error":"No"}' }), ApiError)
  assert.throws(() => parseResponse('priority.read', { status: 200, body: '{' }), DecodeError)
  const sandbox = await Sandbox.start()
  try {
    sandbox.pushFault({ kind: 'reset' })
    await assert.rejects(sandbox.client({ retries: 0 }).priority.read(), TransportError)
    sandbox.pushFault({ kind: 'delay', ms: 800 })
    const error = await sandbox.client({ retries: 0, timeoutMs: 100 }).priority.read().catch((e) => e)
    assert.ok(error instanceof TimeoutError && error instanceof ContactNowError && isContactNowError(error))
    assert.ok(error instanceof cjs.TimeoutError, 'one class for both entry points')
    assert.equal(error.code, 'Timeout')
  } finally {
    await sandbox.stop()
  }
})
