// Async calls on the Rust async transport, against the in-process sandbox: many in flight at
// once on the small cooperative pool, all correct; `Task.cancel()` (through
// `Cancellation.withTask`) and a deadline in a retry pause send nothing more; a TOD create
// cancelled in flight ends `Cancelled` with outcomeUnknown; blocking and async calls share
// one token cache. No assertion on time: waits are for events, with generous limits.
import Foundation

/// Counts the calls started and not yet ended, and the most at once.
final class InFlight: EventListener, @unchecked Sendable {
    private let lock = NSLock()
    private var now = 0
    private var top = 0
    var most: Int { lock.lock(); defer { lock.unlock() }; return top }
    func onEvent(event: CallEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event.name {
        case "call.start": now += 1; top = max(top, now)
        case "call.end": now -= 1
        default: break
        }
    }
}

/// Suspends until `cond` holds; fails after `limit` seconds.
func awaitUntil(_ what: String, limit: Double = 20, _ cond: () -> Bool) async throws {
    let until = Date().addingTimeInterval(limit)
    while !cond() {
        if Date() > until { throw Failure(description: "gave up waiting for \(what)") }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}

func ends(_ recorder: Recorder) -> [CallEvent] { recorder.events.filter { $0.name == "call.end" } }

/// The `outcomeUnknown` of a `ContactNowError.Cancelled` result, nil for any other result.
func cancelledOutcome<T>(_ result: Result<T, Error>) -> Bool? {
    if case let .failure(error) = result, case let .Cancelled(outcomeUnknown)? = error as? ContactNowError {
        return outcomeUnknown
    }
    return nil
}

/// A client of a freshly reset sandbox whose events go to a Recorder; `body` runs a call that
/// `fault` holds and stops it. Then the call ended `Cancelled` (with `outcomeUnknown` as given),
/// and no request follows the one sent, even once a pause before a repeat would have ended.
func cancelledCall(_ sandbox: Sandbox, _ config: ClientConfig, fault: () throws -> Void, outcomeUnknown: Bool,
                   _ body: (Client, Recorder) async throws -> Void) async throws {
    fresh(sandbox)
    let c = try Client(config: config)
    let recorder = Recorder()
    c.setEventListener(listener: recorder)
    try fault()
    try await body(c, recorder)
    try await awaitUntil("the end event") { !ends(recorder).isEmpty }
    let end = ends(recorder)
    try expect(end.count == 1 && end[0].result == "Cancelled" && end[0].outcomeUnknown == outcomeUnknown, "\(end)")
    try await Task.sleep(nanoseconds: 3_000_000_000)
    try expect(seen(sandbox) == 1, "\(seen(sandbox)) requests, expected 1")
}

func asyncSandboxTests(_ sandbox: Sandbox) async {
    let config = ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), allowInsecureHttp: true)
    // A 503 with Retry-After 2 on the next policy read: the call then waits 2 s before repeating.
    let retryPause = { try sandbox.pushFault(fault: .status(status: 503, retryAfter: 2), method: "tod_policy", action: "read") }
    let slowCreate = { try sandbox.pushFault(fault: .delay(ms: 1500), method: "tod_policy", action: "create") }
    await checkAsync("async: 64 calls in flight at once, each with its own answer") {
        fresh(sandbox)
        let c = try Client(config: config)
        let ids = Array(UInt64(1)...64)
        _ = try c.createAssignments(records: ids.map { Assignment(agentId: $0, queueId: 1007, level: UInt32($0)) })
        let inFlight = InFlight()
        c.setEventListener(listener: inFlight)
        try sandbox.pushFault(fault: .delay(ms: 300), times: 64, method: "priority", action: "read")
        // The cooperative pool has a thread per core: the calls overlap only if none blocks one.
        let listings = try await withThrowingTaskGroup(of: (UInt64, AssignmentListing).self) { group in
            for id in ids { group.addTask { (id, try await c.readAssignmentsAsync(agentId: id, queueId: nil)) } }
            var all: [(UInt64, AssignmentListing)] = []
            for try await pair in group { all.append(pair) }
            return all
        }
        try expect(listings.count == 64, "\(listings.count) answers")
        for (id, listing) in listings {
            try expect(listing.records == [Assignment(agentId: id, queueId: 1007, level: UInt32(id))], "agent \(id): \(listing)")
        }
        try expect(inFlight.most == 64, "at most \(inFlight.most) calls in flight at once")
        try expect(seen(sandbox) == 65, "\(seen(sandbox)) requests")
    }
    await checkAsync("async: Task.cancel() in a retry pause ends the call; nothing more is sent") {
        try await cancelledCall(sandbox, config, fault: retryPause, outcomeUnknown: false) { c, recorder in
            let task = Task { try await Cancellation.withTask { try await c.readPoliciesAsync(policyId: nil, cancellation: $0) } }
            try await awaitUntil("the retry event") { recorder.events.contains { $0.name == "call.retry" } }
            task.cancel()
            let result = await task.result
            try expect(cancelledOutcome(result) == false, "\(result)")
        }
    }
    await checkAsync("async: a deadline (task group) in a retry pause ends the call; nothing more is sent") {
        try await cancelledCall(sandbox, config, fault: retryPause, outcomeUnknown: false) { c, _ in
            let first = try await withThrowingTaskGroup(of: PolicyListing?.self) { group in
                group.addTask { try await Cancellation.withTask { try await c.readPoliciesAsync(policyId: nil, cancellation: $0) } }
                group.addTask { try await Task.sleep(nanoseconds: 800_000_000); return nil }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            try expect(first == nil, "the call ended first: \(String(describing: first))")
        }
    }
    await checkAsync("async: a TOD create cancelled in flight: Cancelled, outcome unknown") {
        try await cancelledCall(sandbox, config, fault: slowCreate, outcomeUnknown: true) { c, recorder in
            let task = Task {
                try await Cancellation.withTask {
                    try await c.createPoliciesAsync(records: [NewTodPolicy(description: "Cancelled", default: .hangup)], cancellation: $0)
                }
            }
            try await awaitUntil("the create at the sandbox") { seen(sandbox) == 1 }
            task.cancel()
            let result = await task.result
            try expect(cancelledOutcome(result) == true, "\(result)")
            try expect(!recorder.events.contains { $0.name == "call.attempt" }, "an attempt ended: \(recorder.events)")
        }
    }
    await checkAsync("async: a Cancellation already set off sends nothing") {
        fresh(sandbox)
        let c = try Client(config: config)
        let cancellation = Cancellation()
        cancellation.cancel()
        let result = await resultOf { try await c.readPoliciesAsync(policyId: nil, cancellation: cancellation) }
        try expect(cancelledOutcome(result) == false && cancellation.isCancelled(), "\(result)")
        try expect(seen(sandbox) == 0, "\(seen(sandbox)) requests")
    }
    await checkAsync("async: blocking and async calls share one session (one token fetch)") {
        fresh(sandbox)
        let c = try Client(config: ClientConfig(baseUrl: sandbox.url(), username: "demo", password: "demo-password", allowInsecureHttp: true))
        _ = try c.readPolicies(policyId: nil)
        _ = try await c.readPoliciesAsync(policyId: nil)
        _ = try c.readAssignments(agentId: nil, queueId: nil)
        try expect(seen(sandbox) == 4, "\(seen(sandbox)) requests: a token fetched twice?")
    }
}

/// The result of an async throwing body.
func resultOf<T>(_ body: () async throws -> T) async -> Result<T, Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
