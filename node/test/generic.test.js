'use strict'
// The generic call: every case of tests/vectors/generic/ through `client.call` with a scripted
// sender, and the native path against the sandbox (on method=priority, the typed fields).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const contactnow = require('..')
const { Client, Sandbox, InvalidInputError, ApiError } = contactnow

const dir = path.join(__dirname, '..', '..', 'tests', 'vectors', 'generic')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const NAMES = { message: 'apiMessage', token_rejected: 'tokenRejected', outcome_unknown: 'outcomeUnknown' }

test('the generic vector folder has cases', () => assert.ok(files.length >= 5))

for (const [file, via] of files.flatMap((f) => [[f, 'call'], [f, 'execute']])) {
  test(`generic ${file} through ${via}`, async () => {
    const c = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
    const sent = []
    const client = new Client({
      token: 'T0KEN',
      format: c.format,
      sender: async (request) => {
        sent.push(request)
        const r = c.response
        return { status: r.status, contentType: r.content_type, body: r.body }
      },
    })
    const options = {
      filters: Object.fromEntries(c.call.filters ?? []),
      records: c.call.records?.map((r) => Object.fromEntries(r)),
      repeatable: c.call.repeatable ?? false,
    }
    let value
    let error
    try {
      const { method, action } = c.call
      value = await (via === 'call' ? client.call(method, action, options) : client.execute('call', { method, action, ...options }))
    } catch (e) {
      error = e
    }
    if (c.request) {
      assert.equal(sent.length, 1)
      const r = sent[0]
      assert.deepEqual(
        { method: r.method, url: r.url, content_type: r.headers['Content-Type'] ?? null, body: r.body },
        c.request,
      )
    } else {
      assert.equal(sent.length, 0, 'nothing is sent for refused input')
    }
    if (c.expect.ok) {
      assert.equal(error, undefined, error && error.message)
      const { account_id: accountId, ...rest } = c.expect.ok
      assert.deepEqual(value, { accountId, ...rest })
      return
    }
    assert.ok(error instanceof contactnow[`${c.expect.error.kind}Error`], `${error}`)
    for (const [key, want] of Object.entries(c.expect.error)) {
      if (key !== 'kind') assert.deepEqual(error[NAMES[key] ?? key], want, key)
    }
  })
}

test('the generic call on priority matches the typed read (native path, both formats)', async () => {
  const sandbox = await Sandbox.start({ seed: 'demo' })
  try {
    for (const format of ['json', 'xml']) {
      const client = sandbox.client({ format })
      const generic = await client.call('priority', 'read', { filters: { agent: 1234 } })
      const typed = await client.priority.read({ agentId: 1234 })
      assert.deepEqual(
        generic.records.map((r) => [r.agentid, r.qid, r.level]),
        typed.records.map((a) => [String(a.agentId), String(a.queueId), String(a.level)]),
      )
      await assert.rejects(client.call('queues', 'read'), (e) => e instanceof ApiError)
      await assert.rejects(client.call('priority', 'read', { filters: { token: 'x' } }), (e) => e instanceof InvalidInputError && e.field === 'filters[0]')
    }
    const written = await sandbox.client().call('priority', 'create', { records: [{ agentid: 1234, qid: 1301, level: '9' }] })
    assert.equal(written.total, 1)
  } finally {
    await sandbox.stop()
  }
})
