// Calls in flight at once (not a test; figures vary by machine), against the in-process
// sandbox with a 100 ms server-side delay on every request:
//   1. 64 and 256 concurrent `client.priority.read()` vs as many concurrent `fetch`es of the
//      identical URL (Node's fetch: undici, keep-alive) with `JSON.parse` and the same mapping,
//      default settings (no UV_THREADPOOL_SIZE), in alternating rounds (A B, then B A, ...),
//      compared by their medians. Goal: at most 1.1x fetch's wall time at 64 and at 256.
//   2. sequential round trips without the delay, the same two (goal: at least 0.9x fetch).
//   3. memory per call in flight: a child process (so that the sandbox's memory is not
//      counted) reads its RSS and V8 heap, starts 256 calls that the server holds for 2 s,
//      reads them again 1 s later, and reports the growth per call, for each side.
// Run: node bench/concurrency.mjs, or npm run bench:concurrency   (after `npm run build`: a release addon)
import { performance } from 'node:perf_hooks'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'
import { Client, Sandbox } from '../index.mjs'

const DELAY_MS = 100
const ROUNDS = 15
const SIZES = [64, 256]
const IN_FLIGHT_FOR_MEMORY = 256
const HOLD_MS = 2000

function strictNumber(text, field) {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new Error(`bad ${field}: ${text}`)
  return n
}

/** What a careful hand-written client does with the answer (as in bench.mjs). */
function mapped(doc) {
  if (doc.success !== true) throw new Error(doc.error)
  return {
    accountId: doc.account_id == null ? null : strictNumber(doc.account_id, 'account_id'),
    total: strictNumber(doc.total, 'total'),
    records: doc.list.map((r) => ({
      agentId: strictNumber(r.agentid, 'agentid'),
      queueId: strictNumber(r.qid, 'qid'),
      level: strictNumber(r.level, 'level'),
    })),
  }
}

/** The request the client sends for `priority.read()`: the same URL for fetch. */
function readUrl(base, token) {
  return `${base}/database.php?token=${encodeURIComponent(token)}&method=priority&action=read&format=json&raw=1`
}

function sides(base, token) {
  const client = new Client({ token, baseUrl: base, retries: 0 })
  const url = readUrl(base, token)
  return {
    contactnow: () => client.priority.read(),
    fetch: async () => {
      const res = await fetch(url, { headers: { Accept: 'application/json' } })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      return mapped(JSON.parse(await res.text()))
    },
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Wall time of `n` calls of `fn` started at once. */
async function burst(fn, n) {
  const start = performance.now()
  const results = await Promise.all(Array.from({ length: n }, fn))
  const ms = performance.now() - start
  if (results.some((r) => r.records.length !== results[0].records.length)) throw new Error('answers differ')
  return ms
}

async function concurrencyBench(sandbox, calls) {
  sandbox.reset()
  sandbox.pushFault({ kind: 'delay', ms: DELAY_MS, times: 4_000_000_000 })
  console.log(`\nConcurrent priority.read, ${DELAY_MS} ms server delay on every request (medians of ${ROUNDS} alternating rounds)`)
  const out = {}
  for (const n of SIZES) {
    // Warm-up: both pools hold n connections before the first measured round.
    for (let i = 0; i < 2; i++) {
      await burst(calls.fetch, n)
      await burst(calls.contactnow, n)
    }
    const ours = []
    const theirs = []
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        ours.push(await burst(calls.contactnow, n))
        theirs.push(await burst(calls.fetch, n))
      } else {
        theirs.push(await burst(calls.fetch, n))
        ours.push(await burst(calls.contactnow, n))
      }
    }
    const a = median(ours)
    const b = median(theirs)
    out[n] = { contactnow: a, fetch: b, ratio: a / b }
    console.log(`  ${String(n).padStart(3)} in flight: contactnow ${a.toFixed(0).padStart(5)} ms   fetch ${b.toFixed(0).padStart(5)} ms   ${(a / b).toFixed(2)}x fetch's time`)
  }
  return out
}

async function roundTrips(fn, ms) {
  for (let i = 0; i < 50; i++) await fn()
  let n = 0
  const start = performance.now()
  while (performance.now() - start < ms) {
    await fn()
    n++
  }
  return n / ((performance.now() - start) / 1000)
}

async function sequentialBench(sandbox, calls) {
  sandbox.reset()
  console.log(`\nSequential priority.read round trips, no delay (medians of 5 alternating 1 s runs)`)
  const ours = []
  const theirs = []
  for (let round = 0; round < 5; round++) {
    if (round % 2 === 0) {
      ours.push(await roundTrips(calls.contactnow, 1000))
      theirs.push(await roundTrips(calls.fetch, 1000))
    } else {
      theirs.push(await roundTrips(calls.fetch, 1000))
      ours.push(await roundTrips(calls.contactnow, 1000))
    }
  }
  const a = median(ours)
  const b = median(theirs)
  console.log(`  contactnow ${a.toFixed(0)}/s   fetch ${b.toFixed(0)}/s   ${(a / b).toFixed(2)}x fetch's rate`)
  return a / b
}

/** In the child: memory growth with IN_FLIGHT_FOR_MEMORY calls held by the server. */
async function memoryChild(kind, base, token) {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc')
  const calls = sides(base, token)
  const fn = calls[kind]
  await fn() // one connection open, the addon or undici loaded and warm
  gc()
  const before = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed }
  const pending = Array.from({ length: IN_FLIGHT_FOR_MEMORY }, fn)
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS / 2))
  gc()
  const during = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed }
  await Promise.all(pending)
  console.log(JSON.stringify({ rss: (during.rss - before.rss) / IN_FLIGHT_FOR_MEMORY, heap: (during.heap - before.heap) / IN_FLIGHT_FOR_MEMORY }))
}

function child(kind, base, token) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--memory', kind, base, token], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`memory child exited ${code}`))))
  })
}

async function memoryBench(sandbox) {
  console.log(`\nMemory per call in flight (${IN_FLIGHT_FOR_MEMORY} held ${HOLD_MS} ms by the server, child process, after GC; median of 3)`)
  const out = {}
  for (const kind of ['contactnow', 'fetch']) {
    const runs = []
    for (let i = 0; i < 3; i++) {
      sandbox.reset()
      sandbox.pushFault({ kind: 'delay', ms: HOLD_MS, times: IN_FLIGHT_FOR_MEMORY, action: 'read' })
      runs.push(await child(kind, sandbox.url, sandbox.token))
    }
    const rss = median(runs.map((r) => r.rss))
    const heap = median(runs.map((r) => r.heap))
    out[kind] = { rss, heap }
    console.log(`  ${kind.padEnd(10)} RSS +${(rss / 1024).toFixed(1)} KiB/call   V8 heap +${(heap / 1024).toFixed(1)} KiB/call`)
  }
  return out
}

if (process.argv[2] === '--memory') {
  await memoryChild(process.argv[3], process.argv[4], process.argv[5])
} else {
  console.log(`contactnow Node concurrency benchmark: node ${process.version}, ${process.platform}-${process.arch}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 'unset'}`)
  const sandbox = await Sandbox.start({ seed: 'demo' })
  try {
    const calls = sides(sandbox.url, sandbox.token)
    const a = await calls.contactnow()
    const b = await calls.fetch()
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the two sides answer differently')
    const concurrency = await concurrencyBench(sandbox, calls)
    const sequential = await sequentialBench(sandbox, calls)
    await memoryBench(sandbox)
    console.log('\nSummary (goal in brackets)')
    for (const n of SIZES) console.log(`  ${n} concurrent reads vs fetch:  ${concurrency[n].ratio.toFixed(2)}x the wall time  [<= 1.1x]`)
    console.log(`  sequential round trips vs fetch: ${sequential.toFixed(2)}x the rate  [>= 0.9x]`)
  } finally {
    await sandbox.stop()
  }
}
