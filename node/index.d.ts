// Public typings of the `contactnow` package. The addon (binding.js, its generated typings in
// binding.d.ts) reads inputs and returns results as plain data; their shapes are declared here.
/** The outcome of a create or update in which every record was accepted. */
export interface WriteResult {
  /** The account that ran the call, or `null` if not reported. */
  accountId: number | null
  /** Records affected (`0` when a priority create found the pair already there). */
  total: number
  /** Records that failed: always `0` here (a batch with failures is an `Api` error). */
  bad: number
  /** The id of the created record, or `null` if not reported (a `bigint` beyond `Number.MAX_SAFE_INTEGER`). */
  key: number | bigint | null
}

/** A stored time-of-day policy. */
export interface TodPolicy {
  /** The policy's id. */
  uid: number
  /** The policy's name. */
  description: string
  /**
   * `'queue'`, `'voicemail'`, `'hangup'`, `'jump:<queue id>'`, or a value this version
   * does not know, as sent.
   */
  default: string
}

/** The policies a read returned. */
export interface TodPolicyListing {
  /** The account, or `null` if not reported. */
  accountId: number | null
  /** The server's `total`. */
  total: number
  /** The records, in the server's order. */
  records: Array<TodPolicy>
}

/** A token granted by `token.php?action=get`. */
export interface TokenGrant {
  /** The token. */
  token: string
  /** When it expires, in Unix seconds. */
  expire: number
}

/** The answer of `token.php?action=validate` for a valid token. */
export interface TokenStatus {
  /** When the token expires, in Unix seconds. */
  expire: number
}

/** What a generic call answered. */
export interface GenericResult {
  /** `account_id`, or `null`. */
  accountId: number | null
  /** `total`, or `null`. */
  total: number | null
  /** `bad`, or `null`. */
  bad: number | null
  /** `key`, or `null` (a `bigint` beyond `Number.MAX_SAFE_INTEGER`). */
  key: number | bigint | null
  /** The server's `error` text with its success, or `null`. */
  error: string | null
  /** The records of a read: every field as the text the server sent. */
  records: Array<Record<string, string>>
}

/** A request to send. */
export interface HttpRequest {
  /** `'GET'` or `'POST'`. */
  method: 'GET' | 'POST'
  /** The full URL. It carries the token (or password): do not log it. */
  url: string
  /** The URL with the token and password shown as `***`, safe to log. */
  redactedUrl: string
  /** Header names and values (`Accept`, and `Content-Type` for writes). */
  headers: Record<string, string>
  /** The body text; `''` for GET. */
  body: string
}

/** An agent assigned to a queue with a priority level. */
export interface Assignment {
  /** The agent's id. */
  agentId: number
  /** The queue's id. */
  queueId: number
  /** The priority level. */
  level: number
}

/** The assignments a read returned (`index.js` builds them from the addon's columns). */
export interface AssignmentListing {
  /** The account, or `null` if not reported. */
  accountId: number | null
  /** The server's `total`. */
  total: number
  /** The records, in the server's order. */
  records: Array<Assignment>
}

/** An assignment to create or update. */
export interface AssignmentInput {
  /** The agent's id (a positive safe integer). */
  agentId: number
  /** The queue's id (a positive safe integer). */
  queueId: number
  /** The priority level (0 to 2^32 - 1). */
  level: number
}

/** A time-of-day policy to create. */
export interface NewTodPolicyInput {
  /** The policy's name; must not be empty. */
  description: string
  /** `'queue'`, `'voicemail'`, `'hangup'` or `'jump:<queue id>'`. */
  default: string
}

/** Changes to a time-of-day policy: fields left out are not sent. */
export interface TodPolicyUpdateInput {
  /** The id of the policy to change. */
  uid: number
  /** A new name. */
  description?: string
  /** A new default action. */
  default?: string
}

/** A response as received. */
export interface HttpResponse {
  /** The HTTP status code. */
  status: number
  /** The `Content-Type` header, if any. */
  contentType?: string
  /**
   * The body: text, or the raw bytes (`Buffer` / `Uint8Array`), which keeps
   * ISO-8859-1 XML exact.
   */
  body: string | Uint8Array
  /** The `Retry-After` header, if any (read on a 429 or 503). */
  retryAfter?: string
}

/** The retry policy in full. */
export interface RetryOptions {
  /** Attempts in all, including the first (default 3). */
  maxAttempts?: number
  /** The cap of the first pause, in ms (default 200); each later cap doubles. */
  initialBackoffMs?: number
  /** The largest pause, in ms (default 5000). */
  maxBackoffMs?: number
}

/** Settings of a client. Give `token`, or `username` and `password`. */
export interface ClientOptions {
  /** A token from `token.php`. */
  token?: string
  /** An API user's name: the client gets, caches and renews tokens itself. */
  username?: string
  /** The API user's password. */
  password?: string
  /** The base URL (default `https://api-106.dxi.eu`; US: `https://api.contactnow.8x8.com/api`). */
  baseUrl?: string
  /** A documented region instead of `baseUrl`: `'eu'` or `'us'`. */
  region?: 'eu' | 'us'
  /** `'json'` (default) or `'xml'`. */
  format?: 'json' | 'xml'
  /** Timeout of opening a connection, in ms (default 10000). */
  connectTimeoutMs?: number
  /** Timeout of one attempt, in ms (default 30000). */
  timeoutMs?: number
  /**
   * Timeout of a whole call with its retries, in ms (default 120000, or more when the
   * attempts and pauses need it).
   */
  totalTimeoutMs?: number
  /**
   * Retries after the first attempt (default 2), or the policy in full. Only calls that
   * are safe to repeat are repeated (never a TOD policy create that may have arrived).
   */
  retries?: number | RetryOptions
  /** Allows `http://` to hosts other than loopback ones (default false). */
  allowInsecureHttp?: boolean
  /** Responses larger than this are refused (default 64 MiB). */
  maxResponseBytes?: number
  /** An HTTP proxy, `http://host:port` (CONNECT for HTTPS). */
  proxy?: string
  /** The `User-Agent` header (default `contactnow-rust/<version>`). */
  userAgent?: string
  /**
   * Records per request of the Rust client's batched writes (default 100): accepted and checked
   * like every option, but this package's writes send all their records in one request.
   */
  batchSize?: number
}

/**
 * One call event, as published on the `diagnostics_channel` named `contactnow:<name>` (and
 * printed with `NODE_DEBUG=contactnow`). Never holds a token, a password or record content.
 */
export interface CallEvent {
  /** The event, which is also its channel's name after `contactnow:`. */
  name: 'call.start' | 'call.attempt' | 'call.retry' | 'call.refresh' | 'call.give_up' | 'call.end'
  /** `debug` for the start and attempts, `info` for the end, `warn` for a repeat, refresh or give-up. */
  level: 'debug' | 'info' | 'warn'
  /** One line for a human. */
  message: string
  /** The call's number in its client: tells apart the events of concurrent calls. */
  call: number
  /** `call.start`: the operation, e.g. `priority.read`. */
  operation?: string
  /** `call.start`: `json` or `xml`. */
  format?: Format
  /** `call.start`: records in the request. */
  records?: number
  /** `call.attempt`: its number; `call.retry`: the number of the attempt to come. */
  attempt?: number
  /** `call.attempt`: `token` (token.php) or `call`. */
  purpose?: 'token' | 'call'
  /** `call.attempt`: `GET` or `POST`. */
  method?: 'GET' | 'POST'
  /** `call.attempt`: the URL with the token replaced by `***`. */
  url?: string
  /** `call.attempt`: the HTTP status, when an answer came. */
  status?: number
  /** `call.attempt` and `call.end`: how long it took. */
  durationMs?: number
  /** `call.attempt`: the body's size. */
  bytes?: number
  /** `call.attempt`: why there was no usable answer. */
  error?: string
  /** `call.retry`: the pause before the next attempt. */
  pauseMs?: number
  /** `call.retry`, `call.refresh`, `call.give_up`: why. */
  reason?: string
  /** `call.end`: `ok` or the error's code. */
  result?: string
  /** `call.end`: a write not safe to repeat may have been applied. */
  outcomeUnknown?: boolean
  /** `call.end`: attempts sent in all. */
  attempts?: number
}

/** Body format of requests and responses. */
export type Format = 'json' | 'xml'

/** The stable `code` of a ContactNowError. */
export type ErrorCodeName = 'InvalidInput' | 'Api' | 'Decode' | 'HttpStatus' | 'Transport' | 'Timeout' | 'Cancelled'

export declare const ErrorCode: Readonly<{ [K in ErrorCodeName]: K }>

/**
 * Every error thrown or rejected by this package is a `ContactNowError`, and more precisely
 * an instance of the subclass of its `code`: `InvalidInputError`, `ApiError`, `DecodeError`,
 * `HttpStatusError`, `TransportError`, `TimeoutError` or `CancelledError`. Narrow with `instanceof` to get the
 * fields of a kind. `name` is always `'ContactNowError'`. The optional fields below are
 * those of the subclasses, kept here for code that branches on `code`.
 */
export declare class ContactNowError extends Error {
  /**
   * Mostly for tests (e.g. a mock client): construct a subclass, which sets `code`. A
   * `ContactNowError` itself takes its `code` from `fields`.
   */
  constructor(message: string, fields?: { code?: string; [field: string]: unknown }, options?: { cause?: unknown })
  name: 'ContactNowError'
  code: ErrorCodeName
  /** InvalidInput: the field at fault, e.g. `records[1].agentId`. */
  field?: string
  /** InvalidInput, Decode: why. */
  reason?: string
  /** HttpStatus: the status code. */
  status?: number
  /** Decode: the expected format. */
  format?: Format
  /** Decode, HttpStatus: the start of the body. */
  excerpt?: string
  /** Api: the server's `error` text. */
  apiMessage?: string
  /** Api: fields of the server's answer, `null` when absent; an id beyond `Number.MAX_SAFE_INTEGER` is a `bigint`. */
  accountId?: number | bigint | null
  total?: number | null
  bad?: number | null
  key?: number | bigint | null
  /** Api (token.php): `expire`, `-1` for an expired token. */
  expire?: number
  /** Api: `success` with `bad > 0`: some records of the batch failed. */
  partial?: boolean
  /** Api: the server refused the token (expired, invalid, unknown). */
  tokenRejected?: boolean
  /**
   * Transport, Timeout, HttpStatus, Decode, Cancelled: a write that is not safe to repeat (a
   * TOD policy create) may have been applied: check the server's state before repeating it.
   */
  outcomeUnknown?: boolean
  /** The own fields and the message, a `bigint` as its decimal string (for loggers). */
  toJSON(): Record<string, unknown>
}

/** An argument was rejected before anything was sent. */
export declare class InvalidInputError extends ContactNowError {
  constructor(message: string, fields: Pick<InvalidInputError, 'field' | 'reason'>, options?: { cause?: unknown })
  static readonly code: 'InvalidInput'
  code: 'InvalidInput'
  /** The field at fault, in JavaScript casing, e.g. `records[1].agentId`. */
  field: string
  /** Why it was rejected. */
  reason: string
}

/** The server answered with an error, or with a batch in which some records failed (`partial`). */
export declare class ApiError extends ContactNowError {
  constructor(
    message: string,
    fields: Pick<ApiError, 'apiMessage' | 'accountId' | 'total' | 'bad' | 'key' | 'expire' | 'partial' | 'tokenRejected'>,
    options?: { cause?: unknown },
  )
  static readonly code: 'Api'
  code: 'Api'
  /** The server's `error` text. */
  apiMessage: string
  /** Fields of the server's answer, `null` when absent; an id beyond `Number.MAX_SAFE_INTEGER` is a `bigint` (never rounded). */
  accountId: number | bigint | null
  total: number | null
  bad: number | null
  key: number | bigint | null
  /** token.php: `expire`, `-1` for an expired token. */
  expire?: number
  /** `success` with `bad > 0`: some records of the batch failed. */
  partial: boolean
  /** The server refused the token (expired, invalid, unknown). */
  tokenRejected: boolean
}

/** The answer could not be read, or holds an id beyond `Number.MAX_SAFE_INTEGER`. */
export declare class DecodeError extends ContactNowError {
  constructor(
    message: string,
    fields: Pick<DecodeError, 'format' | 'reason' | 'excerpt'> & Partial<Pick<DecodeError, 'outcomeUnknown'>>,
    options?: { cause?: unknown },
  )
  static readonly code: 'Decode'
  code: 'Decode'
  /** The expected format. */
  format: Format
  reason: string
  /** The start of the body (empty for an id beyond `Number.MAX_SAFE_INTEGER`). */
  excerpt?: string
  /** True when a TOD policy create got a 2xx answer that could not be read: probably applied. */
  outcomeUnknown: boolean
}

/** The server answered with an HTTP status other than 200. */
export declare class HttpStatusError extends ContactNowError {
  constructor(
    message: string,
    fields: Pick<HttpStatusError, 'status' | 'excerpt'> & Partial<Pick<HttpStatusError, 'outcomeUnknown'>>,
    options?: { cause?: unknown },
  )
  static readonly code: 'HttpStatus'
  code: 'HttpStatus'
  status: number
  /** The start of the body. */
  excerpt: string
  /** True when a TOD policy create got a 5xx that may follow its application (500, 502, 504...). */
  outcomeUnknown: boolean
}

/** The connection failed (refused, reset, TLS, ...). */
export declare class TransportError extends ContactNowError {
  constructor(message: string, fields: Pick<TransportError, 'outcomeUnknown'>, options?: { cause?: unknown })
  static readonly code: 'Transport'
  code: 'Transport'
  /** A write that is not safe to repeat may have been applied. */
  outcomeUnknown: boolean
}

/** A timeout (`timeoutMs` or `totalTimeoutMs`) expired. */
export declare class TimeoutError extends ContactNowError {
  constructor(message: string, fields: Pick<TimeoutError, 'outcomeUnknown'>, options?: { cause?: unknown })
  static readonly code: 'Timeout'
  code: 'Timeout'
  /** A write that is not safe to repeat may have been applied. */
  outcomeUnknown: boolean
}

/**
 * The call's `AbortSignal` aborted it (`{ signal }`): the request in flight was abandoned, or
 * the pause cut short, and nothing more is sent. `cause` is the signal's `reason` (an
 * `AbortError` `DOMException` for a bare `abort()`, a `TimeoutError` for `AbortSignal.timeout`).
 */
export declare class CancelledError extends ContactNowError {
  constructor(message: string, fields: Pick<CancelledError, 'outcomeUnknown'>, options?: { cause?: unknown })
  static readonly code: 'Cancelled'
  code: 'Cancelled'
  /**
   * A TOD policy create was in flight and may have been applied (the server may finish a
   * request its client left): check the server's state before repeating it. False when the
   * call was aborted before its request left, in a pause, or for a write safe to repeat.
   */
  outcomeUnknown: boolean
}

/** Any error of the package, as a union that `code` narrows. */
export type AnyContactNowError =
  | InvalidInputError
  | ApiError
  | DecodeError
  | HttpStatusError
  | TransportError
  | TimeoutError
  | CancelledError

/**
 * Whether `error` is an error from this package (any `code`). Unlike `instanceof`, also
 * true for an error from another copy of the package (two versions installed).
 */
export declare function isContactNowError(error: unknown): error is AnyContactNowError

/** Read filter of `client.priority.read`. */
export interface AssignmentFilter {
  agentId?: number
  queueId?: number
}

/** Read filter of `client.todPolicies.read`. */
export interface TodPolicyFilter {
  policyId?: number
}

/**
 * The options every client call takes last, as `fetch` does. `signal`: aborting it ends the
 * call where it is (the request in flight abandoned, a retry pause cut short, nothing more
 * sent) and rejects it with a `CancelledError` (`outcomeUnknown`, `cause` the signal's
 * reason); a signal already aborted rejects at once and sends nothing.
 */
export interface CallOptions {
  signal?: AbortSignal
}

/**
 * Bring your own HTTP: sends one request (honouring `timeoutMs`, and `signal`: the call's
 * own, when it was given one) and resolves with the answer whatever its status. Reject with an error named `TimeoutError` for a timeout, and with one
 * whose `code` (or `cause.code`) is `ECONNREFUSED` when the request certainly did not leave;
 * any other rejection is a failure after sending. `fetch` errors already look like this.
 */
export type Sender = (
  request: HttpRequest,
  options: { timeoutMs: number; signal?: AbortSignal },
) => Promise<{ status: number; contentType?: string | null; body: string | Uint8Array; retryAfter?: string | null }>

/** Client settings, plus the optional HTTP stack (`sender`) and pause function (`sleep`). */
export interface ClientSettings extends ClientOptions {
  /** Sends through this function instead of the addon's HTTP stack; the engine's rules still apply. */
  sender?: Sender
  /** Waits `ms` between attempts of a `sender` client (default `setTimeout`). */
  sleep?: (ms: number) => Promise<void>
}

export declare class Client {
  /** Throws an `InvalidInputError` for invalid options; calls reject with a `ContactNowError`. */
  constructor(options: ClientSettings)
  /**
   * Runs any operation by name (`'priority.read'`, ..., `'token.validate'`, `'call'`) with
   * `input` in the keys of the test vectors: retries, token handling and errors as for the
   * other calls.
   */
  execute(operation: Operation, input?: unknown, options?: CallOptions): Promise<WriteResult | AssignmentListing | TodPolicyListing | TokenGrant | TokenStatus | GenericResult>
  /**
   * Any `database.php` method and action (`queues`, `agents`, ...): the envelope, with each
   * record's fields as the text the server sent. Writes (`records`) are repeated only with
   * `repeatable: true`. `signal` as for every call (see `CallOptions`).
   */
  call(
    method: string,
    action: string,
    options?: GenericCallOptions & { signal?: AbortSignal },
  ): Promise<GenericResult>
  readonly baseUrl: string
  readonly format: Format
  /**
   * Frees the connection pool at once; later calls reject with an `InvalidInputError` on
   * `client` (calls in flight end as they would have).
   */
  close(): void
  /** Whether `close()` was called. */
  readonly closed: boolean
  /** Agent-to-queue assignments (`method=priority`). */
  readonly priority: {
    create(records: AssignmentInput | AssignmentInput[], options?: CallOptions): Promise<WriteResult>
    read(filter?: AssignmentFilter, options?: CallOptions): Promise<AssignmentListing>
    update(records: AssignmentInput | AssignmentInput[], options?: CallOptions): Promise<WriteResult>
  }
  /** Time-of-day policies (`method=tod_policy`). */
  readonly todPolicies: {
    create(records: NewTodPolicyInput | NewTodPolicyInput[], options?: CallOptions): Promise<WriteResult>
    read(filter?: TodPolicyFilter, options?: CallOptions): Promise<TodPolicyListing>
    update(records: TodPolicyUpdateInput | TodPolicyUpdateInput[], options?: CallOptions): Promise<WriteResult>
  }
  toJSON(): { baseUrl: string; format: Format }
}

/** A fault for the sandbox's next request. */
export type SandboxFault = (
  | { kind: 'status'; status: number; retryAfter?: number; retry_after?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'truncate' }
  | { kind: 'api_error'; error?: string }
) & {
  /** How many of the next matching requests it applies to (default 1). */
  times?: number
  /** Only requests with this `method` parameter (`priority`, `tod_policy`). */
  method?: string
  /** Only requests with this `action` parameter (`create`, `read`, ...). */
  action?: string
}

/** Options of `Sandbox.start`. */
export interface SandboxOptions {
  /** The data to start from and reset to: `'empty'` (default) or `'demo'`. */
  seed?: 'empty' | 'demo'
  /** Static tokens accepted from any IP (default `['sandbox-token']`). */
  tokens?: string[]
  /** `token.php` users as [username, password] (default `[['demo', 'demo-password']]`). */
  users?: [string, string][]
  /** The account id reported in write responses (default 10278). */
  accountId?: number
}

/** A request the sandbox received (token redacted). */
export interface SandboxRequest {
  /** Order of arrival, from 1. */
  seq: number
  method: string
  /** e.g. `/database.php`. */
  path: string
  /** The query string, `token` and `password` values replaced by `***`. */
  query: string
  body: string
  /** The client's IP address. */
  remoteIp: string
  /** The fault applied to this request, if any (`'status 503'`, `'delay 200 ms'`, ...). */
  fault: string | null
  /** The `method` argument (`'priority'`, `'tod_policy'`), or `null` for `token.php`. */
  apiMethod: string | null
  /** The `action` argument (`'create'`, `'read'`, `'get'`, ...), or `null`. */
  action: string | null
  /** Every argument as the server read it (query and POST variables, POST winning), secrets as `'***'`. */
  params: Record<string, string>
}

export declare class Sandbox {
  private constructor(handle: never)
  static start(options?: SandboxOptions): Promise<Sandbox>
  readonly url: string
  readonly token: string
  /** The `timeoutMs` of a sandbox's clients unless given (5000). */
  static readonly CLIENT_TIMEOUT_MS: number
  /**
   * A client for this sandbox: any option of `Client`, with the sandbox's URL, its `token`
   * unless `token` or `username` is given, and `timeoutMs` of `CLIENT_TIMEOUT_MS` unless given.
   */
  client(options?: Omit<ClientOptions, 'baseUrl'>): Client
  pushFault(fault: SandboxFault): void
  requests(): SandboxRequest[]
  /** The number of requests received so far. */
  requestCount(): number
  clearRequests(): void
  expireToken(token?: string): void
  revokeToken(token?: string): void
  reset(): void
  /** Stops the server; later uses throw `InvalidInputError` on `sandbox`. Idempotent. */
  stop(): Promise<void>
  /** Whether `stop()` was called. */
  readonly stopped: boolean
}

export type Operation =
  | 'priority.create'
  | 'priority.read'
  | 'priority.update'
  | 'todPolicies.create'
  | 'todPolicies.read'
  | 'todPolicies.update'
  | 'token.get'
  | 'token.validate'
  | 'call'

/** The options of a generic call (`client.call`, or `execute('call', ...)`). */
export interface GenericCallOptions {
  filters?: Record<string, string | number>
  records?: Array<Record<string, string | number>>
  repeatable?: boolean
}

export interface RequestOptions {
  token?: string
  baseUrl?: string
  format?: Format
  /** Allows plain `http` to a host that is not loopback (the token would travel unencrypted). */
  allowInsecureHttp?: boolean
}

/** Builds the exact HTTP request of a call (sans-IO): send it with any HTTP client. Throws an `InvalidInputError`. */
/** `url` with the values of `token` and `password` shown as `***`, safe to log. */
export declare function redactUrl(url: string): string

export declare function buildRequest(
  operation: 'priority.create' | 'priority.update',
  input: { records: AssignmentInput | AssignmentInput[] },
  options: RequestOptions,
): HttpRequest
export declare function buildRequest(operation: 'priority.read', input: AssignmentFilter, options: RequestOptions): HttpRequest
export declare function buildRequest(
  operation: 'todPolicies.create',
  input: { records: NewTodPolicyInput | NewTodPolicyInput[] },
  options: RequestOptions,
): HttpRequest
export declare function buildRequest(
  operation: 'todPolicies.update',
  input: { records: TodPolicyUpdateInput | TodPolicyUpdateInput[] },
  options: RequestOptions,
): HttpRequest
export declare function buildRequest(operation: 'todPolicies.read', input: TodPolicyFilter, options: RequestOptions): HttpRequest
export declare function buildRequest(
  operation: 'token.get',
  input: { username: string; password: string },
  options: RequestOptions,
): HttpRequest
export declare function buildRequest(operation: 'token.validate', input: { token: string }, options: RequestOptions): HttpRequest
export declare function buildRequest(
  operation: 'call',
  input: { method: string; action: string } & GenericCallOptions,
  options: RequestOptions,
): HttpRequest

/**
 * Parses a response to a request built by `buildRequest` (sans-IO). Throws an `ApiError`,
 * `DecodeError` or `HttpStatusError` when the call failed, `InvalidInputError` for bad arguments.
 */
export declare function parseResponse(
  operation: 'priority.create' | 'priority.update' | 'todPolicies.create' | 'todPolicies.update',
  response: HttpResponse,
  options?: { format?: Format },
): WriteResult
export declare function parseResponse(operation: 'priority.read', response: HttpResponse, options?: { format?: Format }): AssignmentListing
export declare function parseResponse(operation: 'todPolicies.read', response: HttpResponse, options?: { format?: Format }): TodPolicyListing
export declare function parseResponse(operation: 'token.get', response: HttpResponse, options?: { format?: Format }): TokenGrant
export declare function parseResponse(operation: 'token.validate', response: HttpResponse, options?: { format?: Format }): TokenStatus
/** A generic call's answer, parsed as a read's: a write's `bad` count is in the result, not thrown as `client.call` throws it. */
export declare function parseResponse(operation: 'call', response: HttpResponse, options?: { format?: Format }): GenericResult

export declare const VERSION: string
