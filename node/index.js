'use strict'
// contactnow: unofficial SDK for the 8x8 ContactNow (DXI) database.php admin API.
// The native addon (binding.js, built from bindings/node) does all the work; this file only
// arranges it into the public API: Client, Sandbox, buildRequest, parseResponse, and the
// error classes its errors become (every call into the addon goes through `guarded` or
// `settled`).

const { inspect, debuglog } = require('node:util')
const diagnostics = require('node:diagnostics_channel')
const native = require('./binding.js')

/**
 * Call events: each is published on the `diagnostics_channel` of its name,
 * `contactnow:call.start`, `contactnow:call.attempt`, `contactnow:call.retry`,
 * `contactnow:call.refresh`, `contactnow:call.give_up` and `contactnow:call.end`, and printed
 * to stderr with `NODE_DEBUG=contactnow`. Nothing is made while nobody listens.
 */
const EVENT_NAMES = Object.freeze(['call.start', 'call.attempt', 'call.retry', 'call.refresh', 'call.give_up', 'call.end'])
const channels = new Map(EVENT_NAMES.map((name) => [name, diagnostics.channel(`contactnow:${name}`)]))
const debug = debuglog('contactnow')

/** Whether a call's events would reach anyone: a channel subscriber or NODE_DEBUG. */
function listening() {
  if (debug.enabled) return true
  for (const channel of channels.values()) if (channel.hasSubscribers) return true
  return false
}

/** Hands one event from the addon to its channel and to NODE_DEBUG. */
function publish(event) {
  const channel = channels.get(event.name)
  if (channel?.hasSubscribers) channel.publish(event)
  if (debug.enabled) debug('%s', event.message)
}

/** The stable `code` of every error the package throws or rejects with. */
const ErrorCode = Object.freeze({
  InvalidInput: 'InvalidInput',
  Api: 'Api',
  Decode: 'Decode',
  HttpStatus: 'HttpStatus',
  Transport: 'Transport',
  Timeout: 'Timeout',
  Cancelled: 'Cancelled',
})

/**
 * Every error the package throws or rejects with is a `ContactNowError`, and more precisely
 * an instance of the subclass of its `code`. `name` is always `'ContactNowError'`.
 * Texts never contain the token or password.
 */
class ContactNowError extends Error {
  /**
   * @param {string} message
   * @param {object} [fields] the fields of the kind (`apiMessage`, `field`, `status`, ...);
   *   `code` too when constructing a `ContactNowError` itself rather than a subclass
   * @param {{ cause?: unknown }} [options]
   */
  constructor(message, fields = {}, options = undefined) {
    super(message, options)
    const code = new.target.code ?? fields.code
    if (typeof code !== 'string') throw new TypeError('a ContactNowError needs a code')
    this.code = code
    // An own enumerable property, as before the classes existed (JSON.stringify keeps it).
    this.name = 'ContactNowError'
    for (const [key, value] of Object.entries(fields)) {
      if (key !== 'code' && key !== 'name') this[key] = value
    }
  }

  /**
   * The error's own fields and message, for `JSON.stringify` (loggers): a `bigint` field (an
   * id beyond `Number.MAX_SAFE_INTEGER`) as its exact decimal string.
   */
  toJSON() {
    const out = {}
    for (const [key, value] of Object.entries(this)) {
      out[key] = typeof value === 'bigint' ? value.toString() : value
    }
    out.message = this.message
    return out
  }
}
// On the prototype too, so that stacks start with `ContactNowError: `.
Object.defineProperty(ContactNowError.prototype, 'name', { value: 'ContactNowError', writable: true, configurable: true })

/** `InvalidInput`: an argument was rejected before anything was sent (`field`, `reason`). */
class InvalidInputError extends ContactNowError {
  static code = ErrorCode.InvalidInput
}

/**
 * `Api`: the server answered with an error, or a batch with failed records (`partial`):
 * `apiMessage`, `accountId`, `total`, `bad`, `key`, `expire`, `partial`, `tokenRejected`.
 */
class ApiError extends ContactNowError {
  static code = ErrorCode.Api
}

/** `Decode`: the answer could not be read, or a record or result holds an id beyond 2^53 - 1 (`format`, `reason`, `excerpt`, `outcomeUnknown`). */
class DecodeError extends ContactNowError {
  static code = ErrorCode.Decode
}

/** `HttpStatus`: an HTTP status other than 200 (`status`, `excerpt`, `outcomeUnknown`). */
class HttpStatusError extends ContactNowError {
  static code = ErrorCode.HttpStatus
}

/** `Transport`: the connection failed (`outcomeUnknown`: a write may have been applied). */
class TransportError extends ContactNowError {
  static code = ErrorCode.Transport
}

/** `Timeout`: a timeout expired (`outcomeUnknown`: a write may have been applied). */
class TimeoutError extends ContactNowError {
  static code = ErrorCode.Timeout
}

/**
 * `Cancelled`: the call's `AbortSignal` aborted it (`outcomeUnknown`: a write that is not safe
 * to repeat was in flight and may have been applied); `cause` is the signal's `reason`.
 */
class CancelledError extends ContactNowError {
  static code = ErrorCode.Cancelled
}

const ERROR_CLASSES = Object.freeze({
  InvalidInput: InvalidInputError,
  Api: ApiError,
  Decode: DecodeError,
  HttpStatus: HttpStatusError,
  Transport: TransportError,
  Timeout: TimeoutError,
  Cancelled: CancelledError,
})

/**
 * Whether `error` is an error from this package (any `code`). Unlike `instanceof`, also
 * true for the errors of another copy of the package (e.g. two versions installed).
 */
function isContactNowError(error) {
  return (
    error instanceof ContactNowError ||
    (error instanceof Error && error.name === 'ContactNowError' && Object.hasOwn(ErrorCode, error.code))
  )
}

/**
 * The one place where the addon's errors (plain `Error`s named `ContactNowError`, see
 * crates/contactnow-core/src/js/error.rs) become instances of the classes above, with the same message
 * and fields. The stack is taken here, cut at `site`: for a synchronous call it is the
 * addon's own (the same JavaScript frames); for an asynchronous one, whose native error has
 * no frames, it shows the callers that awaited the call. Any other value passes unchanged.
 */
function fromNative(error, site, signal) {
  if (!(error instanceof Error) || error instanceof ContactNowError || error.name !== 'ContactNowError') return error
  if (typeof error.code !== 'string') return error
  const Kind = Object.hasOwn(ERROR_CLASSES, error.code) ? ERROR_CLASSES[error.code] : ContactNowError
  // A call its signal ended has the signal's reason as its cause, as `fetch`'s AbortError does.
  const options = Kind === CancelledError && signal?.aborted ? { cause: signal.reason } : undefined
  // Own enumerable properties: `code`, `name` and the fields (message and stack are not).
  const converted = new Kind(error.message, { ...error }, options)
  Error.captureStackTrace(converted, site)
  return converted
}

/** An `InvalidInputError` for `field`. */
function invalid(field, reason) {
  const name = field || 'input'
  return new InvalidInputError(`invalid input: ${name}: ${reason}`, { field: name, reason })
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Refuses what JSON data cannot hold before it reaches the addon (which would turn `NaN`
 * into "no filter" and a lone surrogate into U+FFFD): non-finite numbers, lone surrogates,
 * symbols, functions and bigints, each named by its path (`records[1].level`, `timeoutMs`).
 */
function checkPlain(value, path, depth = 0) {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, `must be a finite number, got ${value}`)
      return
    case 'string':
      if (LONE_SURROGATE.test(value)) throw invalid(path, 'contains a lone surrogate: not valid Unicode, so it cannot be sent')
      return
    case 'bigint':
      throw invalid(path, 'must be a number (a safe integer), got a bigint')
    case 'symbol':
    case 'function':
      throw invalid(path, `must be plain data, got a ${typeof value}`)
    case 'object':
      if (value === null || ArrayBuffer.isView(value)) return
      if (depth > 32) throw invalid(path, 'is nested too deeply')
      if (Array.isArray(value)) {
        value.forEach((item, i) => checkPlain(item, `${path}[${i}]`, depth + 1))
        return
      }
      for (const key of Object.keys(value)) checkPlain(value[key], path ? `${path}.${key}` : key, depth + 1)
      return
    default:
  }
}

/** Runs a synchronous call into the addon: what it throws becomes a ContactNowError subclass. */
function guarded(call) {
  try {
    return call()
  } catch (error) {
    throw fromNative(error, guarded)
  }
}

/**
 * Awaits a call into the addon: what it rejects (or throws) with becomes a ContactNowError
 * subclass (a `CancelledError` caused by `signal`'s reason when the signal ended the call).
 */
async function settled(call, signal) {
  try {
    return await call()
  } catch (error) {
    throw fromNative(error, settled, signal)
  }
}

/**
 * The `signal` of a call's last argument (`{ signal }`, as for `fetch`), or `undefined`.
 * Anything but an object with an optional AbortSignal `signal` is an InvalidInputError.
 */
function signalOf(options, field) {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object' || Array.isArray(options)) throw invalid(field, 'expected an object: { signal }')
  for (const key of Object.keys(options)) {
    if (key !== 'signal') throw invalid(`${field}.${key}`, 'unknown option (the options of a call are { signal })')
  }
  return checkSignal(options.signal, `${field}.signal`)
}

/** `signal` if it is an AbortSignal (or absent); anything else is an InvalidInputError. */
function checkSignal(signal, field) {
  if (signal === undefined || signal === null) return undefined
  // Duck-typed, so that a signal of another realm (vm, a polyfill) is accepted too.
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw invalid(field, 'expected an AbortSignal')
  }
  return signal
}

/** The error of a call whose signal was aborted before it started: nothing was sent. */
function abortedBefore(signal) {
  const error = new CancelledError('cancelled by the caller', { outcomeUnknown: false }, { cause: signal.reason })
  Error.captureStackTrace(error, abortedBefore)
  return error
}

/**
 * Runs a call of the addon (`run(abort)`, a Promise) with the `signal` of its options: an
 * aborted signal rejects at once and sends nothing; an abort during the call flips the call's
 * `NativeAbort`, which ends the call in the addon (the request in flight abandoned, a pause cut
 * short) with the engine's `CancelledError`. The listener is removed when the call settles.
 */
async function withSignal(signal, run) {
  if (signal === undefined) return settled(() => run(undefined))
  if (signal.aborted) throw abortedBefore(signal)
  const abort = new native.NativeAbort()
  const onAbort = () => abort.abort()
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await settled(() => run(abort), signal)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
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
  checkPlain(options, '')
  const parsed = guarded(() => native.parseResponse(operation, response, options))
  return operation === 'priority.read' ? assignmentListing(parsed) : parsed
}

/** Builds the exact HTTP request of a call (sans-IO): send it with any HTTP client. */
function buildRequest(operation, input, options) {
  checkPlain(input, '')
  checkPlain(options, '')
  return guarded(() => native.buildRequest(operation, input, options))
}

/** `url` with the values of `token` and `password` shown as `***`, safe to log. */
function redactUrl(url) {
  return guarded(() => native.redactUrl(url))
}

/** Whether an error thrown by a sender is a timeout (`AbortSignal.timeout`, fetch's `TimeoutError`). */
function isTimeout(error) {
  return error?.name === 'TimeoutError' || error?.code === 'ETIMEDOUT' || error?.cause?.code === 'ETIMEDOUT'
}

/** Whether an error thrown by a sender proves the request never left (connection refused). */
function notSent(error) {
  return error?.code === 'ECONNREFUSED' || error?.cause?.code === 'ECONNREFUSED'
}

/** What `untilAborted` resolves with when the signal aborts first. */
const ABORTED = Symbol('aborted')

/** `promise`, or `ABORTED` as soon as `signal` aborts (whichever comes first). */
function untilAborted(promise, signal) {
  if (signal === undefined) return promise
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/**
 * The driver of a call with a `sender`: the addon's engine (retries, pauses, token fetch
 * and refresh, outcome rules) decides each step; this loop only sends, sleeps and reports.
 * An abort of `signal` (also handed to the sender) ends the call where it is: the engine
 * says what is known of its outcome (`call.cancel()` throws its CancelledError).
 */
async function drive(call, sender, sleep, signal) {
  const cancel = () => {
    try {
      call.cancel()
    } catch (error) {
      throw fromNative(error, cancel, signal)
    }
  }
  for (;;) {
    if (signal?.aborted) cancel()
    const step = guarded(() => call.step())
    if (step.kind === 'done') return step.value
    if (step.kind === 'sleep') {
      if ((await untilAborted(sleep(step.ms), signal)) === ABORTED) cancel()
      continue
    }
    let response
    try {
      response = await untilAborted(sender(step.request, { timeoutMs: step.timeoutMs, signal }), signal)
    } catch (error) {
      if (signal?.aborted) cancel()
      call.failed(String(error?.message ?? error), isTimeout(error), notSent(error))
      continue
    }
    if (response === ABORTED) cancel()
    guarded(() => call.received(response))
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A ContactNow API client. Calls return Promises and run as futures on the addon's tokio
 * runtime, holding no thread while they wait; or, with `sender` (bring your own HTTP:
 * `async (request, { timeoutMs, signal }) => ({ status, contentType, body, retryAfter })`),
 * in JavaScript through that sender with the same engine. Every call takes `{ signal }` (an
 * AbortSignal) last. The token lives in native memory only: it is in no property, message
 * or inspection.
 */
class Client {
  #native

  constructor(options) {
    const { sender, sleep, ...settings } = options ?? {}
    checkPlain(settings, '')
    const via = sender !== undefined
    const native_ = guarded(() => new native.NativeClient(settings, publish, via, sleep !== undefined))
    this.#native = native_
    // Every call first tells the addon whether its events are wanted (see `listening`).
    const client = new Proxy(native_, {
      get(target, key) {
        const value = Reflect.get(target, key)
        if (typeof value !== 'function') return value
        return (...args) => {
          target.listening = listening()
          return value.apply(target, args)
        }
      },
    })
    if (sender !== undefined && typeof sender !== 'function') {
      throw new InvalidInputError('invalid input: sender: expected a function', { field: 'sender', reason: 'expected a function' })
    }
    if (sleep !== undefined && typeof sleep !== 'function') {
      throw new InvalidInputError('invalid input: sleep: expected a function', { field: 'sleep', reason: 'expected a function' })
    }
    /** Drives a call of the sender client through `sender`, with the call's `signal`. */
    const driven = (start, signal) => {
      if (signal?.aborted) return Promise.reject(abortedBefore(signal))
      return settled(() => drive(guarded(start), sender, sleep ?? pause, signal), signal)
    }
    /**
     * Runs any operation (`'priority.read'`, ..., `'token.validate'`, `'call'`) with `input`,
     * through the sender or on the addon's tokio runtime, `{ signal }` as for every call.
     */
    const execute = (operation, input, options) => {
      let signal
      try {
        signal = signalOf(options, 'options')
      } catch (error) {
        return Promise.reject(error)
      }
      const value = via
        ? driven(() => client.execute(operation, input ?? {}), signal)
        : withSignal(signal, (abort) => client.execute(operation, input ?? {}, abort))
      return operation === 'priority.read' ? value.then(assignmentListing) : value
    }
    this.execute = execute
    /**
     * Any `database.php` method and action (`queues`, `agents`, ...), with `{ filters,
     * records, repeatable, signal }`: the envelope with every record's fields as text.
     */
    this.call = (method, action, options) => {
      let signal
      let rest
      try {
        if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
          throw invalid('options', 'expected an object: { filters, records, repeatable, signal }')
        }
        ;({ signal, ...rest } = options ?? {})
        signal = checkSignal(signal, 'options.signal')
        checkPlain(rest, '')
        for (const key of ['method', 'action']) {
          if (Object.hasOwn(rest, key)) throw invalid(key, 'unknown option: the method and action are the first two arguments')
        }
      } catch (error) {
        return Promise.reject(error)
      }
      return execute('call', { method, action, ...rest }, { signal })
    }
    /** A call of `operation` taking `arg` (records or a filter, checked as `root`) and `{ signal }` last. */
    const checked = (root, operation, wrap) => (arg, options) => {
      try {
        // A lone record is record 0 of the batch, as the addon names it.
        const single = root === 'records' && arg !== null && typeof arg === 'object' && !Array.isArray(arg)
        checkPlain(arg, single ? 'records[0]' : root)
      } catch (error) {
        return Promise.reject(error)
      }
      return execute(operation, wrap(arg), options)
    }
    const records = (value) => ({ records: value })
    const filter = (value) => value
    /** Agent-to-queue assignments (`method=priority`). */
    this.priority = Object.freeze({
      create: checked('records', 'priority.create', records),
      read: checked('', 'priority.read', filter),
      update: checked('records', 'priority.update', records),
    })
    /** Time-of-day policies (`method=tod_policy`). */
    this.todPolicies = Object.freeze({
      create: checked('records', 'todPolicies.create', records),
      read: checked('', 'todPolicies.read', filter),
      update: checked('records', 'todPolicies.update', records),
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

  /**
   * Frees the connection pool at once; later calls reject with an `InvalidInputError` on
   * `client` (calls in flight end as they would have).
   */
  close() {
    this.#native.close()
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#native.closed
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
  /** The `timeoutMs` of a sandbox's clients unless given: the kit's in every language (`contactnow_sandbox::CLIENT_TIMEOUT`). */
  static CLIENT_TIMEOUT_MS = 5000

  #native

  /** @private Use `Sandbox.start()`. */
  constructor(handle) {
    if (!(handle instanceof native.NativeSandbox)) {
      throw new InvalidInputError('invalid input: Sandbox: use Sandbox.start() to make a Sandbox', {
        field: 'Sandbox',
        reason: 'use Sandbox.start() to make a Sandbox',
      })
    }
    this.#native = handle
  }

  /** Starts a sandbox on a free loopback port. */
  static async start(options) {
    return new Sandbox(guarded(() => native.NativeSandbox.start(options ?? {})))
  }

  /** The base URL, e.g. `http://127.0.0.1:43121`. */
  get url() {
    return this.#native.url
  }

  /** A token the sandbox accepts. */
  get token() {
    return this.#native.token
  }

  /**
   * A client for this sandbox: any option of `Client`, with the sandbox's URL, its `token`
   * unless `token` or `username` is given, and `timeoutMs` of `Sandbox.CLIENT_TIMEOUT_MS` unless given;
   * an `InvalidInputError` on `sandbox` once stopped.
   */
  client(options) {
    if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
      throw invalid('options', 'expected an object of client options')
    }
    const own = options ?? {}
    const auth = own.token !== undefined || own.username !== undefined ? {} : { token: this.token }
    const baseUrl = guarded(() => this.#native.clientUrl())
    return new Client({ timeoutMs: Sandbox.CLIENT_TIMEOUT_MS, ...auth, ...own, baseUrl })
  }

  /** Makes the next request fail: `{ kind: 'status', status: 503 }`, `{ kind: 'delay', ms: 300 }`, ... */
  pushFault(fault) {
    return guarded(() => this.#native.pushFault(fault))
  }

  /** The requests received so far (tokens redacted). */
  requests() {
    return guarded(() => this.#native.requests())
  }

  /** The number of requests received so far. */
  requestCount() {
    return guarded(() => this.#native.requestCount())
  }

  /** Forgets the recorded requests. */
  clearRequests() {
    return guarded(() => this.#native.clearRequests())
  }

  /** Makes `token` expired: calls with it get the API's "Expired token" answer. */
  expireToken(token) {
    return guarded(() => this.#native.expireToken(token ?? undefined))
  }

  /** Makes `token` unknown: calls with it get the API's "Invalid token" answer. */
  revokeToken(token) {
    return guarded(() => this.#native.revokeToken(token ?? undefined))
  }

  /** Restores the initial data and clears faults and the request log. */
  reset() {
    return guarded(() => this.#native.reset())
  }

  /** Stops the server; later uses throw `InvalidInputError` on `sandbox`. Idempotent. */
  stop() {
    return settled(() => this.#native.stop())
  }

  /** Whether `stop()` was called. */
  get stopped() {
    return this.#native.stopped
  }

  [inspect.custom](depth, options, inspectValue) {
    return `Sandbox ${inspectValue({ url: this.url }, options)}`
  }
}

module.exports = {
  Client,
  Sandbox,
  ErrorCode,
  ContactNowError,
  InvalidInputError,
  ApiError,
  DecodeError,
  HttpStatusError,
  TransportError,
  TimeoutError,
  CancelledError,
  isContactNowError,
  buildRequest,
  parseResponse,
  redactUrl,
  VERSION: native.VERSION,
}
