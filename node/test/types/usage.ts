// Typed usage of the public API: checked with `tsc --noEmit -p test/types`, never run.
import {
  Client,
  Sandbox,
  buildRequest,
  parseResponse,
  isContactNowError,
  ErrorCode,
  VERSION,
  type AssignmentListing,
  type ContactNowError,
  type TodPolicy,
  type WriteResult,
} from '../../index'

async function main(): Promise<void> {
  const version: string = VERSION
  const client = new Client({ token: 'T', baseUrl: 'https://api-106.dxi.eu', format: 'xml', timeoutMs: 5000, retries: 2 })
  const other = new Client({ username: 'u', password: 'p', retries: { maxAttempts: 3, initialBackoffMs: 10 } })
  const written: WriteResult = await client.priority.create([{ agentId: 1, queueId: 2, level: 3 }])
  const total: number = written.total
  const key: number | null = written.key
  const listing: AssignmentListing = await client.priority.read({ agentId: 1 })
  const agentIds: number[] = listing.records.map((r) => r.agentId)
  await client.priority.update({ agentId: 1, queueId: 2, level: 4 })
  await client.todPolicies.create({ description: 'Night', default: 'voicemail' })
  await other.todPolicies.update([{ uid: 5, default: 'jump:7' }])
  const policies: TodPolicy[] = (await client.todPolicies.read({ policyId: 5 })).records
  const action: string = policies[0].default

  const request = buildRequest('priority.read', { queueId: 3 }, { token: 'T', format: 'json' })
  const method: 'GET' | 'POST' = request.method
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body || undefined })
  const parsed: AssignmentListing = parseResponse(
    'priority.read',
    { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: new Uint8Array(await response.arrayBuffer()) },
    { format: 'json' },
  )

  const sandbox = await Sandbox.start()
  const local: Client = sandbox.client({ format: 'json' })
  sandbox.pushFault({ kind: 'delay', ms: 300 })
  sandbox.pushFault({ kind: 'status', status: 503 })
  const url: string = sandbox.url
  await sandbox.stop()

  try {
    await client.priority.read()
  } catch (error) {
    if (isContactNowError(error)) {
      const e: ContactNowError = error
      if (e.code === ErrorCode.Api && e.partial) console.log(e.total, e.bad)
      if (e.code === 'InvalidInput') console.log(e.field)
      if (e.code === 'Transport' || e.code === 'Timeout') console.log(e.outcomeUnknown)
    }
  }
  // @ts-expect-error: agentId is required
  await client.priority.create([{ queueId: 2, level: 3 }])
  // @ts-expect-error: unknown operation
  buildRequest('priority.delete', {}, { token: 'T' })
  void [version, total, key, agentIds, action, method, parsed, local, url]
}

void main
