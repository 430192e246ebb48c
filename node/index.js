'use strict'
// contactnow: unofficial SDK for the 8x8 ContactNow (DXI) database.php admin API.
// The native addon (binding.js, built from bindings/node) does all the work; this file only
// arranges it into the public API: Client, Sandbox, buildRequest, parseResponse.

const { inspect } = require('node:util')
const native = require('./binding.js')

/** The stable `code` of every error the package throws or rejects with. */
const ErrorCode = Object.freeze({
  InvalidInput: 'InvalidInput',
  Api: 'Api',
  Decode: 'Decode',
  HttpStatus: 'HttpStatus',
  Transport: 'Transport',
  Timeout: 'Timeout',
})

/** Whether `error` is an error from this package (any `code`). */
function isContactNowError(error) {
  return error instanceof Error && error.name === 'ContactNowError' && Object.hasOwn(ErrorCode, error.code)
}

/**
 * Turns the columns the addon sends for a priority read (one Float64Array per field:
 * far cheaper to cross Node-API than an object per record) into records.
 */
function assignmentListing(columns) {
  const { agentIds, queueIds, levels } = columns
  const records = new Array(agentIds.length)
  for (let i = 0; i < records.length; i++) {
    records[i] = { agentId: agentIds[i], queueId: queueIds[i], level: levels[i] }
  }
  return { accountId: columns.accountId, total: columns.total, records }
}

/** Parses the response to a request built by `buildRequest` (sans-IO). */
function parseResponse(operation, response, options) {
  const parsed = native.parseResponse(operation, response, options)
  return operation === 'priority.read' ? assignmentListing(parsed) : parsed
}

/**
 * A ContactNow API client. Calls return Promises and run on the libuv thread pool.
 * The token lives in native memory only: it is in no property, message or inspection.
 */
class Client {
  #native

  constructor(options) {
    const client = new native.NativeClient(options ?? {})
    this.#native = client
    /** Agent-to-queue assignments (`method=priority`). */
    this.priority = Object.freeze({
      create: (records) => client.createAssignments(records),
      read: (filter) => client.readAssignments(filter).then(assignmentListing),
      update: (records) => client.updateAssignments(records),
    })
    /** Time-of-day policies (`method=tod_policy`). */
    this.todPolicies = Object.freeze({
      create: (records) => client.createPolicies(records),
      read: (filter) => client.readPolicies(filter),
      update: (records) => client.updatePolicies(records),
    })
    Object.freeze(this)
  }

  /** The base URL calls go to. */
  get baseUrl() {
    return this.#native.baseUrl
  }

  /** `'json'` or `'xml'`. */
  get format() {
    return this.#native.format
  }

  toJSON() {
    return { baseUrl: this.baseUrl, format: this.format }
  }

  [inspect.custom](depth, options, inspectValue) {
    return `Client ${inspectValue(this.toJSON(), options)}`
  }
}

/**
 * The in-process ContactNow emulator, for tests: a real HTTP server on 127.0.0.1 with a
 * valid token, fault injection and a request log.
 */
class Sandbox {
  #native

  /** @private Use `Sandbox.start()`. */
  constructor(handle) {
    if (!(handle instanceof native.NativeSandbox)) {
      throw new TypeError('use Sandbox.start() to make a Sandbox')
    }
    this.#native = handle
  }

  /** Starts a sandbox on a free loopback port. */
  static async start(options) {
    return new Sandbox(await native.NativeSandbox.start(options ?? {}))
  }

  /** The base URL, e.g. `http://127.0.0.1:43121`. */
  get url() {
    return this.#native.url
  }

  /** A token the sandbox accepts. */
  get token() {
    return this.#native.token
  }

  /** A client for this sandbox; `options` may set anything but `baseUrl`. */
  client(options) {
    return new Client({ token: this.token, ...options, baseUrl: this.url })
  }

  /** Makes the next request fail: `{ kind: 'status', status: 503 }`, `{ kind: 'delay', ms: 300 }`, ... */
  pushFault(fault) {
    return this.#native.pushFault(fault)
  }

  /** The requests received so far (tokens redacted). */
  requests() {
    return this.#native.requests()
  }

  /** Makes `token` expired: calls with it get the API's "Expired token" answer. */
  expireToken(token) {
    return this.#native.expireToken(token ?? this.token)
  }

  /** Restores the initial data and clears faults and the request log. */
  reset() {
    return this.#native.reset()
  }

  /** Stops the server. */
  stop() {
    return this.#native.stop()
  }

  [inspect.custom](depth, options, inspectValue) {
    return `Sandbox ${inspectValue({ url: this.url }, options)}`
  }
}

module.exports = {
  Client,
  Sandbox,
  ErrorCode,
  isContactNowError,
  buildRequest: native.buildRequest,
  parseResponse,
  VERSION: native.VERSION,
}
