// Benchmarks of the Node package (not a test; figures vary by machine). Ratios come from
// one run, each against a baseline measured in the same run:
//   1. parse a 100k-record priority read: contactnow vs JSON.parse + mapping (JSON) and
//      vs fast-xml-parser + mapping (XML);
//   2. round trips per second against the in-process sandbox: client.priority.read() vs
//      fetch + JSON.parse + mapping.
// Run: node bench/bench.mjs   (after `npm run build`)
import { performance } from 'node:perf_hooks'
import { XMLParser } from 'fast-xml-parser'
import { Client, Sandbox, parseResponse } from '../index.mjs'

const N = 100_000

function jsonBody(n) {
  const parts = []
  for (let i = 0; i < n; i++) parts.push(`{"agentid":"${1000 + i}","qid":"${1 + (i % 50)}","level":"${i % 101}"}`)
  return `{"success":true,"account_id":"10278","total":"${n}","list":[${parts.join(',')}]}`
}

function xmlBody(n) {
  const parts = []
  for (let i = 0; i < n; i++) {
    parts.push(`<priority><agentid>${1000 + i}</agentid><qid>${1 + (i % 50)}</qid><level>${i % 101}</level></priority>`)
  }
  return `<?xml version="1.0" encoding="ISO-8859-1"?><result><success>1</success><total>${n}</total><list>${parts.join('')}</list></result>`
}

/** Median time of `fn` in ms over `runs` runs after `warmup` runs. */
function time(fn, { runs = 15, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) fn()
  const samples = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    fn()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]
}

function strictNumber(text, field) {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new Error(`bad ${field}: ${text}`)
  return n
}

// Baselines: what a careful hand-written client does (check success, convert the
// numbers-as-strings, rename the fields).
function baselineJson(text) {
  const doc = JSON.parse(text)
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

const xmlParser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'priority' })
function baselineXml(text) {
  const doc = xmlParser.parse(text).result
  if (doc.success !== '1') throw new Error(doc.error)
  return {
    accountId: null,
    total: strictNumber(doc.total, 'total'),
    records: doc.list.priority.map((r) => ({
      agentId: strictNumber(r.agentid, 'agentid'),
      queueId: strictNumber(r.qid, 'qid'),
      level: strictNumber(r.level, 'level'),
    })),
  }
}

function row(name, ms, baseMs, unit = 'ms') {
  const ratio = baseMs / ms
  console.log(`  ${name.padEnd(46)} ${ms.toFixed(1).padStart(9)} ${unit}   ${ratio.toFixed(2)}x baseline`)
  return ratio
}

function parseBench() {
  const json = jsonBody(N)
  const jsonBytes = Buffer.from(json)
  const xml = xmlBody(N)
  const xmlBytes = Buffer.from(xml, 'latin1')
  // Same answers first.
  const ours = parseResponse('priority.read', { status: 200, body: jsonBytes })
  const theirs = baselineJson(json)
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error('JSON results differ')
  const oursXml = parseResponse('priority.read', { status: 200, body: xmlBytes }, { format: 'xml' })
  if (JSON.stringify(oursXml.records) !== JSON.stringify(baselineXml(xml).records)) throw new Error('XML results differ')

  console.log(`\nParse a ${N.toLocaleString('en')}-record priority read (median of 15)`)
  console.log(`  JSON body ${(json.length / 1e6).toFixed(1)} MB`)
  const baseJ = time(() => baselineJson(json))
  row('baseline: JSON.parse + mapping', baseJ, baseJ)
  const rJsonBytes = row('contactnow parseResponse (Buffer body)', time(() => parseResponse('priority.read', { status: 200, body: jsonBytes })), baseJ)
  const rJsonText = row('contactnow parseResponse (string body)', time(() => parseResponse('priority.read', { status: 200, body: json })), baseJ)
  console.log(`  XML body ${(xml.length / 1e6).toFixed(1)} MB`)
  const baseX = time(() => baselineXml(xml), { runs: 7, warmup: 1 })
  row('baseline: fast-xml-parser + mapping', baseX, baseX)
  const rXml = row(
    'contactnow parseResponse (Buffer body)',
    time(() => parseResponse('priority.read', { status: 200, body: xmlBytes }, { format: 'xml' })),
    baseX,
  )
  return { rJsonBytes, rJsonText, rXml }
}

async function roundTrips(fn, seconds) {
  for (let i = 0; i < 50; i++) await fn()
  let n = 0
  const start = performance.now()
  const end = start + seconds * 1000
  while (performance.now() < end) {
    await fn()
    n++
  }
  return n / ((performance.now() - start) / 1000)
}

async function roundTripBench() {
  const sandbox = await Sandbox.start({ seed: 'demo' })
  try {
    const client = sandbox.client({ retries: 0 })
    const url = `${sandbox.url}/database.php?token=${encodeURIComponent(sandbox.token)}&method=priority&action=read&format=json&raw=1`
    const viaFetch = async () => {
      const res = await fetch(url, { headers: { Accept: 'application/json' } })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      return baselineJson(await res.text())
    }
    const a = await client.priority.read()
    const b = await viaFetch()
    if (JSON.stringify(a.records) !== JSON.stringify(b.records)) throw new Error('round-trip results differ')
    console.log(`\nRound trips against the in-process sandbox (priority.read of ${a.records.length} records, sequential, 3 s each)`)
    const base = await roundTrips(viaFetch, 3)
    const ours = await roundTrips(() => client.priority.read(), 3)
    console.log(`  ${'baseline: fetch + JSON.parse + mapping'.padEnd(46)} ${base.toFixed(0).padStart(9)} /s`)
    console.log(`  ${'contactnow client.priority.read()'.padEnd(46)} ${ours.toFixed(0).padStart(9)} /s   ${(ours / base).toFixed(2)}x baseline`)
    return ours / base
  } finally {
    await sandbox.stop()
  }
}

console.log(`contactnow Node benchmark: node ${process.version}, ${process.platform}-${process.arch}`)
const parse = parseBench()
let rt = null
try {
  rt = await roundTripBench()
} catch (error) {
  console.log(`\nRound trips skipped: ${error.message}`)
}
console.log('\nSummary (goal in brackets)')
console.log(`  parse JSON vs JSON.parse + mapping:   ${parse.rJsonBytes.toFixed(2)}x (Buffer), ${parse.rJsonText.toFixed(2)}x (string)  [>= 0.8x]`)
console.log(`  parse XML vs fast-xml-parser:         ${parse.rXml.toFixed(2)}x  [>= 3x]`)
if (rt !== null) console.log(`  round trips vs fetch:                 ${rt.toFixed(2)}x  [>= 1x]`)
