// Typed usage of the public API: checked with `tsc --noEmit -p test/types`, never run.
import {
  Client,
  Sandbox,
  buildRequest,
  parseResponse,
  redactUrl,
  isContactNowError,
  ErrorCode,
  VERSION,
  ContactNowError,
  InvalidInputError,
  ApiError,
  DecodeError,
  HttpStatusError,
  TransportError,
  TimeoutError,
  CancelledError,
  type AnyContactNowError,
  type CallOptions,
  type AssignmentListing,
  type TodPolicy,
  type WriteResult,
} from '../../index'

async function main(): Promise<void> {
  const version: string = VERSION
  const client = new Client({ token: 'T', baseUrl: 'https://api-106.dxi.eu', format: 'xml', timeoutMs: 5000, retries: 2 })
  const other = new Client({ username: 'u', password: 'p', retries: { maxAttempts: 3, initialBackoffMs: 10 } })
  const written: WriteResult = await client.priority.create([{ agentId: 1, queueId: 2, level: 3 }])
  const total: number = written.total
  const key: number | bigint | null = written.key
  const listing: AssignmentListing = await client.priority.read({ agentId: 1 })
  const agentIds: number[] = listing.records.map((r) => r.agentId)
  await client.priority.update({ agentId: 1, queueId: 2, level: 4 })
  await client.todPolicies.create({ description: 'Night', default: 'voicemail' })
  await other.todPolicies.update([{ uid: 5, default: 'jump:7' }])
  const policies: TodPolicy[] = (await client.todPolicies.read({ policyId: 5 })).records
  const action: string = policies[0].default

  // { signal } last, as for fetch, on every call.
  const controller = new AbortController()
  const options: CallOptions = { signal: controller.signal }
  await client.priority.read({ agentId: 1 }, options)
  await client.priority.read(undefined, { signal: AbortSignal.timeout(1000) })
  await client.priority.create({ agentId: 1, queueId: 2, level: 3 }, { signal: controller.signal })
  await client.todPolicies.update({ uid: 5, default: 'hangup' }, {})
  await client.call('queues', 'read', { filters: { qid: 7 }, signal: controller.signal })
  controller.abort()
  // @ts-expect-error: a signal is an AbortSignal
  await client.todPolicies.read({}, { signal: 'soon' })
  // @ts-expect-error: the only option of a call is its signal
  await client.todPolicies.read({}, { timeoutMs: 5 })

  const request = buildRequest('priority.read', { queueId: 3 }, { token: 'T', format: 'json' })
  const method: 'GET' | 'POST' = request.method
  const loggable: string = request.redactedUrl === redactUrl(request.url) ? request.redactedUrl : ''
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body || undefined })
  const parsed: AssignmentListing = parseResponse(
    'priority.read',
    { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: new Uint8Array(await response.arrayBuffer()) },
    { format: 'json' },
  )

  const sandbox = await Sandbox.start()
  const local: Client = sandbox.client({ format: 'json', username: 'demo', password: 'demo-password' })
  const kitTimeout: number = Sandbox.CLIENT_TIMEOUT_MS
  local.close()
  const wasClosed: boolean = local.closed
  sandbox.pushFault({ kind: 'delay', ms: 300 })
  sandbox.pushFault({ kind: 'status', status: 503 })
  sandbox.pushFault({ kind: 'status', status: 429, retryAfter: 1 })
  const url: string = sandbox.url
  const seen: number = sandbox.requestCount()
  await sandbox.stop()
  const stopped: boolean = sandbox.stopped

  try {
    await client.priority.read()
  } catch (error) {
    // instanceof narrows to the class of the kind, with its fields typed.
    if (error instanceof ApiError) {
      const message: string = error.apiMessage
      const bad: number | null = error.bad
      const partial: boolean = error.partial
      const code: 'Api' = error.code
      if (error.tokenRejected) console.log(message, bad, partial, code)
    } else if (error instanceof InvalidInputError) {
      const field: string = error.field
      const reason: string = error.reason
      console.log(field, reason)
    } else if (error instanceof HttpStatusError) {
      const status: number = error.status
      const excerpt: string = error.excerpt
      console.log(status, excerpt)
    } else if (error instanceof DecodeError) {
      const format: 'json' | 'xml' = error.format
      const excerpt: string | undefined = error.excerpt
      console.log(format, excerpt, error.reason)
    } else if (error instanceof TransportError || error instanceof TimeoutError) {
      const unknown: boolean = error.outcomeUnknown
      console.log(unknown)
    } else if (error instanceof CancelledError) {
      const unknown: boolean = error.outcomeUnknown
      const code: 'Cancelled' = error.code
      console.log(unknown, code, error.cause)
    } else if (error instanceof ContactNowError) {
      const name: 'ContactNowError' = error.name
      const message: string = error.message
      console.log(name, message, error.code)
    } else {
      throw error
    }
  }
  try {
    buildRequest('priority.read', {}, { token: 'T' })
  } catch (error) {
    // The old helper: narrows to the union of the classes, which `code` narrows further.
    if (isContactNowError(error)) {
      const e: ContactNowError = error
      const any: AnyContactNowError = error
      if (e.code === ErrorCode.Api && e.partial) console.log(e.total, e.bad)
      if (any.code === 'InvalidInput') {
        const field: string = any.field
        console.log(field)
      }
      if (any.code === 'Transport' || any.code === 'Timeout' || any.code === 'Cancelled') {
        const unknown: boolean = any.outcomeUnknown
        console.log(unknown)
      }
    }
  }
  // Errors can be constructed, e.g. by a mock client in tests.
  const mock: HttpStatusError = new HttpStatusError('unexpected HTTP status 503', { status: 503, excerpt: '' })
  const timeout = new TimeoutError('timed out', { outcomeUnknown: false }, { cause: mock })
  const base: ContactNowError = timeout
  const api = new ApiError('x', { apiMessage: 'x', accountId: null, total: null, bad: null, key: null, partial: false, tokenRejected: false })
  // @ts-expect-error: the code of an ApiError is 'Api'
  const wrongCode: 'Timeout' = api.code
  // @ts-expect-error: an InvalidInputError needs its field
  new InvalidInputError('x', { reason: 'y' })
  void [base, wrongCode]
  // @ts-expect-error: agentId is required
  await client.priority.create([{ queueId: 2, level: 3 }])
  // @ts-expect-error: unknown operation
  buildRequest('priority.delete', {}, { token: 'T' })
  void [version, total, key, agentIds, action, method, parsed, local, url]
}

void main

// Bring your own HTTP: a fetch-based sender.
const viaFetch = new Client({
  token: 'T0KEN',
  sender: async (request, { timeoutMs, signal }) => {
    const deadline = AbortSignal.timeout(timeoutMs)
    const answer = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'POST' ? request.body : undefined,
      signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    })
    return {
      status: answer.status,
      contentType: answer.headers.get('content-type'),
      body: new Uint8Array(await answer.arrayBuffer()),
      retryAfter: answer.headers.get('retry-after'),
    }
  },
})
void viaFetch.execute('priority.read', { agentId: 7 })
void viaFetch.execute('priority.read', { agentId: 7 }, { signal: new AbortController().signal })
const cancelled: CancelledError = new CancelledError('cancelled by the caller', { outcomeUnknown: false }, { cause: 'test' })
void cancelled
