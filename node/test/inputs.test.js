'use strict'
// Inputs every binding refuses the same way: an InvalidInputError naming the field, nothing sent.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const { Client, InvalidInputError, buildRequest } = require('..')

function client(sent) {
  return new Client({
    token: 'T0KEN',
    sender: async (request) => {
      sent.push(request)
      return { status: 200, contentType: 'application/json', body: '{"success":true,"total":0,"list":[]}' }
    },
  })
}

test('non-finite filters are refused, never read as "no filter"', async () => {
  const sent = []
  for (const [filter, field] of [
    [{ agentId: NaN }, 'agentId'],
    [{ queueId: Infinity }, 'queueId'],
    [{ agentId: -Infinity }, 'agentId'],
  ]) {
    await assert.rejects(client(sent).priority.read(filter), (e) => e instanceof InvalidInputError && e.field === field)
  }
  await assert.rejects(client(sent).todPolicies.read({ policyId: NaN }), (e) => e.field === 'policyId')
  assert.equal(sent.length, 0)
})

test('a NaN timeout is refused, not the default', () => {
  assert.throws(() => new Client({ token: 'T', timeoutMs: NaN }), (e) => e instanceof InvalidInputError && e.field === 'timeoutMs')
  assert.throws(() => new Client({ token: 'T', retries: Infinity }), (e) => e.field === 'retries')
})

test('a lone surrogate is refused, not replaced by U+FFFD', async () => {
  const sent = []
  await assert.rejects(
    client(sent).todPolicies.create([{ description: 'Night \udc80', default: 'hangup' }]),
    (e) => e instanceof InvalidInputError && e.field === 'records[0].description',
  )
  assert.throws(
    () => buildRequest('todPolicies.create', { records: [{ description: '\ud800', default: 'queue' }] }, { token: 'T' }),
    (e) => e.field === 'records[0].description',
  )
  assert.equal(sent.length, 0)
})

test('symbols, functions and bigints name the field', async () => {
  const sent = []
  for (const [value, kind] of [
    [Symbol('x'), 'symbol'],
    [() => 1, 'function'],
    [10n, 'bigint'],
  ]) {
    await assert.rejects(
      client(sent).priority.create([{ agentId: 1, queueId: 2, level: value }]),
      (e) => e instanceof InvalidInputError && e.field === 'records[0].level' && e.message.includes(kind),
    )
  }
  assert.equal(sent.length, 0)
})

test('a zero filter names the parameter, a wrong-case action is refused', () => {
  assert.throws(() => buildRequest('priority.read', { agentId: 0 }, { token: 'T' }), (e) => e.field === 'agentId')
  assert.throws(
    () => buildRequest('todPolicies.create', { records: [{ description: 'N', default: 'JUMP:12' }] }, { token: 'T' }),
    (e) => e.field === 'records[0].default',
  )
})

test('an unknown key is named as written, the known ones in camelCase; a lone record is records[0]', async () => {
  const client = new Client({ token: 'T', sender: async () => assert.fail('nothing is sent') })
  const unknown = await client.priority.create({ agent_idd: 1, queueId: 2, level: 3 }).then(() => assert.fail('sent'), (e) => e)
  assert.ok(unknown instanceof InvalidInputError, String(unknown))
  assert.equal(unknown.field, 'records[0].agent_idd')
  assert.match(unknown.message, /unknown key; expected agentId, queueId, level/)
  const nan = await client.priority.create({ agentId: NaN, queueId: 2, level: 3 }).then(() => assert.fail('sent'), (e) => e)
  assert.equal(nan.field, 'records[0].agentId')
})
