'use strict'
// The README's examples, run as printed against the sandbox: only the package name, the
// token and the base URL (which the examples leave at the real host) are filled in.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const contactnow = require('..')
const { Sandbox } = contactnow

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8')
const BLOCKS = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
const AsyncFunction = (async () => {}).constructor

function block(marker) {
  const found = BLOCKS.find((b) => b.includes(marker))
  assert.ok(found, `no README example contains ${marker}`)
  return found
}

/** Runs `code` with `require('contactnow')` resolved to this package; returns its locals. */
async function run(code, replacements, scope) {
  // The examples are ES modules (top-level await): their imports become requires here.
  let source = code.replace(/^import \{([^}]*)\} from 'contactnow'/gm, "const {$1} = require('..')")
  for (const [from, to] of replacements) {
    assert.ok(source.includes(from), `the README example no longer contains ${from}`)
    source = source.replace(from, to)
  }
  const names = Object.keys(scope)
  const fn = new AsyncFunction('require', ...names, `${source}\nreturn { ${exported(source).join(', ')} }`)
  return fn((id) => (id === '..' ? contactnow : require(id)), ...names.map((n) => scope[n]))
}

/** The names the example declares with const at top level. */
function exported(source) {
  const names = []
  for (const m of source.matchAll(/^const (\{[^}]*\}|\w+)/gm)) {
    const decl = m[1]
    if (decl.startsWith('{')) {
      for (const part of decl.slice(1, -1).split(',')) {
        const name = part.split(':').pop().trim()
        if (name) names.push(name)
      }
    } else {
      names.push(decl)
    }
  }
  return names
}

test('README: the client example runs', async () => {
  const sandbox = await Sandbox.start()
  try {
    const locals = await run(
      block('new Client({'),
      [
        ['process.env.CONTACTNOW_TOKEN', 'sandboxToken'],
        ["baseUrl: 'https://api-106.dxi.eu'", 'baseUrl: sandboxUrl'],
      ],
      { sandboxToken: sandbox.token, sandboxUrl: sandbox.url },
    )
    assert.deepEqual(locals.records, [{ agentId: 1234, queueId: 1007, level: 100 }])
    const check = sandbox.client()
    assert.deepEqual((await check.priority.read({ agentId: 1234 })).records, [{ agentId: 1234, queueId: 1007, level: 50 }])
    const [policy] = (await check.todPolicies.read({ policyId: locals.uid })).records
    assert.deepEqual(policy, { uid: locals.uid, description: 'Night', default: 'jump:1007' })
  } finally {
    await sandbox.stop()
  }
})

test('README: the fetch example runs', async () => {
  const sandbox = await Sandbox.start({ seed: 'demo' })
  try {
    const locals = await run(block('await fetch('), [["{ token, format: 'xml' }", "{ token, baseUrl, format: 'xml' }"]], {
      token: sandbox.token,
      baseUrl: sandbox.url,
    })
    const expected = (await sandbox.client().priority.read({ queueId: 1007 })).records
    assert.ok(expected.length > 0, 'the demo data has agents on queue 1007')
    assert.deepEqual(locals.listing.records, expected)
  } finally {
    await sandbox.stop()
  }
})

test('README: the sender example runs', async () => {
  const sandbox = await Sandbox.start({ seed: 'demo' })
  try {
    const locals = await run(block('sender: async'), [["baseUrl: 'https://api-106.dxi.eu'", 'baseUrl'], ['token,', 'token,']], {
      token: sandbox.token,
      baseUrl: sandbox.url,
    })
    const expected = (await sandbox.client().priority.read({ queueId: 1007 })).records
    assert.ok(expected.length > 0)
    assert.deepEqual(locals.viaFetchListing.records, expected)
    assert.ok(sandbox.requests().some((r) => r.query.includes('qid=1007')), 'sent through fetch to the sandbox')
  } finally {
    await sandbox.stop()
  }
})

test('README: the generic call example runs', async () => {
  const sandbox = await Sandbox.start({ seed: 'demo' })
  try {
    const locals = await run(block("client.call('priority'"), [["baseUrl: 'https://api-106.dxi.eu'", 'baseUrl']], {
      token: sandbox.token,
      baseUrl: sandbox.url,
    })
    const typed = (await sandbox.client().priority.read({ agentId: 1234 })).records
    assert.deepEqual(locals.generic.records.map((r) => Number(r.qid)), typed.map((a) => a.queueId))
  } finally {
    await sandbox.stop()
  }
})

test('README: the signal example runs', async () => {
  const sandbox = await Sandbox.start()
  try {
    // The create is held by the server past the (shortened) abort: in flight, so maybe applied.
    sandbox.pushFault({ kind: 'delay', ms: 1000, method: 'tod_policy', action: 'create' })
    const locals = await run(
      block('{ signal: controller.signal }'),
      [
        ["baseUrl: 'https://api-106.dxi.eu'", 'baseUrl'],
        ['controller.abort(), 5_000)', 'controller.abort(), 200)'],
      ],
      { token: sandbox.token, baseUrl: sandbox.url },
    )
    assert.equal(locals.outcome, 'maybe created: read the policies before trying again')
  } finally {
    await sandbox.stop()
  }
})

test('README: the sandbox example runs', async () => {
  const locals = await run(block('Sandbox.start({'), [], {})
  assert.equal(locals.sandbox.constructor, Sandbox)
})

test('README: the first example runs as printed, an ES module with top-level await', () => {
  const { execFileSync } = require('node:child_process')
  // Run from the package's directory: `'contactnow'` resolves to this package (a self-reference).
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', BLOCKS[0]], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    timeout: 30_000,
  })
  assert.match(out, /agentId: 1234, queueId: 1007, level: 100/)
})
