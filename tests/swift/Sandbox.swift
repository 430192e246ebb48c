// The client against the in-process sandbox: all six operations in JSON and XML, blocking and
// async, through a Swift sender too, and the sandbox's faults.
import Foundation

/// The API requests `sandbox` has seen (`UInt64.max` once it is stopped, so that a count fails).
func seen(_ sandbox: Sandbox) -> UInt64 { (try? sandbox.requestCount()) ?? UInt64.max }

/// Resets `sandbox`; a failure counts as a failed check.
func fresh(_ sandbox: Sandbox) {
    do { try sandbox.reset() } catch {
        failed += 1
        print("FAIL the sandbox resets: \(error)")
    }
}

func expectError<T>(_ what: String, _ body: () throws -> T) throws -> ContactNowError {
    do {
        let value = try body()
        throw Failure(description: "\(what): expected an error, got \(value)")
    } catch let e as ContactNowError {
        return e
    }
}

struct Ops {
    let createA: ([Assignment]) throws -> WriteResult
    let readA: (UInt64?, UInt64?) throws -> AssignmentListing
    let updateA: ([Assignment]) throws -> WriteResult
    let createP: ([NewTodPolicy]) throws -> WriteResult
    let readP: (UInt64?) throws -> PolicyListing
    let updateP: ([TodPolicyUpdate]) throws -> WriteResult
}

func sixOperations(_ label: String, _ ops: Ops) {
    check("\(label): priority create, read, update") {
        let created = try ops.createA([Assignment(agentId: 1234, queueId: 1007, level: 5), Assignment(agentId: 1234, queueId: 1234, level: 100)])
        try expect(created.total == 2 && created.bad == 0, "create: \(created)")
        let again = try ops.createA([Assignment(agentId: 1234, queueId: 1007, level: 5)])
        try expect(again.total == 0, "existing pair: \(again)")
        let listing = try ops.readA(1234, nil)
        try expect(Set(listing.records) == [Assignment(agentId: 1234, queueId: 1007, level: 5), Assignment(agentId: 1234, queueId: 1234, level: 100)], "read: \(listing)")
        let updated = try ops.updateA([Assignment(agentId: 1234, queueId: 1007, level: 50)])
        try expect(updated.total == 1, "update: \(updated)")
        try expect(try ops.readA(1234, 1007).records == [Assignment(agentId: 1234, queueId: 1007, level: 50)], "read after update")
        let e = try expectError("update of a missing pair") {
            try ops.updateA([Assignment(agentId: 1234, queueId: 1007, level: 1), Assignment(agentId: 9, queueId: 9, level: 1)])
        }
        guard case let .Api(_, _, _, bad, _, _, partial, _) = e, partial, bad == 1 else { throw Failure(description: "partial: \(e)") }
    }
    check("\(label): tod_policy create, read, update") {
        let created = try ops.createP([NewTodPolicy(description: "Out of hours", default: .jump(queueId: 1007))])
        guard let uid = created.key else { throw Failure(description: "no key: \(created)") }
        try expect(created.total == 1, "create: \(created)")
        let one = try ops.readP(uid)
        try expect(one.records == [TodPolicy(uid: uid, description: "Out of hours", default: .jump(queueId: 1007))], "read: \(one)")
        let updated = try ops.updateP([TodPolicyUpdate(uid: uid, description: "Night & <weekend>", default: .voicemail)])
        try expect(updated.total == 1, "update: \(updated)")
        let all = try ops.readP(nil)
        try expect(all.records.contains(TodPolicy(uid: uid, description: "Night & <weekend>", default: .voicemail)), "read all: \(all)")
        let e = try expectError("empty update") { try ops.updateP([TodPolicyUpdate(uid: uid)]) }
        guard case .InvalidInput = e else { throw Failure(description: "kind: \(e)") }
    }
}

/// Runs an async call to completion from synchronous test code (on another thread).
final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>? = nil
    init() {}
}

func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

func sandboxTests() async {
    let sandbox: Sandbox
    do {
        sandbox = try Sandbox.start()
    } catch {
        check("sandbox starts") { throw error }
        return
    }
    defer { sandbox.stop() }
    for format in [Format.json, Format.xml] {
        fresh(sandbox)
        do {
            let c = try Client(config: ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), format: format, allowInsecureHttp: true))
            sixOperations("sandbox \(format) blocking", Ops(
                createA: { try c.createAssignments(records: $0) }, readA: { try c.readAssignments(agentId: $0, queueId: $1) },
                updateA: { try c.updateAssignments(records: $0) }, createP: { try c.createPolicies(records: $0) },
                readP: { try c.readPolicies(policyId: $0) }, updateP: { try c.updatePolicies(records: $0) }))
        } catch { check("client \(format)") { throw error } }
    }
    fresh(sandbox)
    do {
        let c = try Client(config: ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), allowInsecureHttp: true))
        sixOperations("sandbox async", Ops(
            createA: { r in try wait { try await c.createAssignmentsAsync(records: r) } },
            readA: { a, q in try wait { try await c.readAssignmentsAsync(agentId: a, queueId: q) } },
            updateA: { r in try wait { try await c.updateAssignmentsAsync(records: r) } },
            createP: { r in try wait { try await c.createPoliciesAsync(records: r) } },
            readP: { p in try wait { try await c.readPoliciesAsync(policyId: p) } },
            updateP: { r in try wait { try await c.updatePoliciesAsync(records: r) } }))
    } catch { check("async client") { throw error } }
    for format in [Format.json, Format.xml] {
        fresh(sandbox)
        let sender = SocketSender()
        do {
            let c = try Client.withSender(config: ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), format: format), sender: sender)
            sixOperations("sandbox \(format) through a Swift socket sender", Ops(
                createA: { try c.createAssignments(records: $0) }, readA: { try c.readAssignments(agentId: $0, queueId: $1) },
                updateA: { try c.updateAssignments(records: $0) }, createP: { try c.createPolicies(records: $0) },
                readP: { try c.readPolicies(policyId: $0) }, updateP: { try c.updatePolicies(records: $0) }))
        } catch { check("sender client \(format)") { throw error } }
        check("sandbox \(format) sender was used") { try expect(sender.calls.value >= 10, "\(sender.calls.value) calls") }
    }
    faultTests(sandbox)
    kitTests()
    eventTests(sandbox)
    optionTests()
    await asyncSandboxTests(sandbox)
}

/// The field of an `InvalidInput`, else a failure.
func invalidField(_ e: ContactNowError) throws -> String {
    guard case let .InvalidInput(field, _) = e else { throw Failure(description: "not InvalidInput: \(e)") }
    return field
}

/// The test kit as every language has it: its options, their errors, and a stopped sandbox.
func kitTests() {
    check("kit: tokens, users and accountId replace the defaults") {
        let sb = try Sandbox.start(seed: .demo, users: [], tokens: ["t-1", "t-2"], accountId: 7)
        defer { sb.stop() }
        try expect(sb.token() == "t-1", sb.token())
        let c = try Client(config: ClientConfig(token: "t-2", baseUrl: sb.url()))
        try expect(try c.readAssignments().records.count == 12, "the demo seed")
        try expect(try c.createAssignments(records: [Assignment(agentId: 1, queueId: 2, level: 3)]).accountId == 7, "accountId")
        let creds = ClientConfig(baseUrl: sb.url(), username: "demo", password: "demo-password")
        let e = try expectError("no users") { try Client(config: creds).readPolicies() }
        guard case .Api = e else { throw Failure(description: "\(e)") }
        try sb.expireToken()
        _ = try expectError("expired") { try Client(config: ClientConfig(token: "t-1", baseUrl: sb.url(), retries: 0)).readPolicies() }
        try sb.pushFault(fault: .apiError())
        let f = try expectError("the default error") { try c.readPolicies() }
        guard case let .Api(detail, _, _, _, _, _, _, _) = f, detail == "Simulated failure" else { throw Failure(description: "\(f)") }
        try expect(try sb.requests().last?.remoteIp == "127.0.0.1", "remoteIp")
    }
    check("kit: bad options name their field as Swift writes it") {
        try expect(try invalidField(try expectError("account 0") { try Sandbox.start(accountId: 0) }) == "accountId", "accountId")
        try expect(try invalidField(try expectError("empty token") { try Sandbox.start(tokens: [""]) }) == "tokens", "tokens")
        try expect(try invalidField(try expectError("no token") { try Sandbox.start(tokens: []) }) == "tokens", "tokens")
    }
    check("kit: client() takes any option: the kit's URL, its token unless credentials, 5 s per attempt") {
        let sb = try Sandbox.start()
        defer { sb.stop() }
        try expect(try sb.client().readPolicies().records.isEmpty, "not empty")
        let viaUser = ClientConfig(username: "demo", password: "demo-password", userAgent: "kit-test/1")
        try expect(try sb.client(config: viaUser).createAssignments(records: [Assignment(agentId: 5, queueId: 6, level: 7)]).total == 1, "create")
        let actions = try sb.requests().map { $0.action }
        try expect(actions == ["read", "get", "create"], "\(actions)")
        try expect(try invalidField(try expectError("batch 0") { try sb.client(config: ClientConfig(batchSize: 0)) }) == "batchSize", "batchSize")
        // A call's input error names the field as Swift writes it, as an option's does.
        let c = try sb.client()
        let e = try expectError("agent 0") {
            try c.createAssignments(records: [Assignment(agentId: 1, queueId: 2, level: 3), Assignment(agentId: 0, queueId: 2, level: 3)])
        }
        try expect(try invalidField(e) == "records[1].agentId", "\(e)")
        try expect(try invalidField(try expectError("policy 0") { try c.readPolicies(policyId: 0) }) == "policyId", "policyId")
        sb.stop()
        try expect(try invalidField(try expectError("a stopped kit's client") { try sb.client() }) == "sandbox", "sandbox")
    }
    check("kit: a stopped sandbox refuses every use, naming sandbox") {
        let sb = try Sandbox.start()
        try expect(!sb.stopped(), "stopped at start")
        sb.stop()
        sb.stop()
        try expect(sb.stopped(), "not stopped")
        let uses: [() throws -> Void] = [
            { try sb.reset() }, { _ = try sb.requests() }, { _ = try sb.requestCount() }, { try sb.clearRequests() },
            { try sb.expireToken() }, { try sb.revokeToken(token: "x") }, { try sb.pushFault(fault: .reset) },
        ]
        for use in uses {
            try expect(try invalidField(try expectError("a stopped sandbox") { try use() }) == "sandbox", "sandbox")
        }
    }
}

func faultTests(_ sandbox: Sandbox) {
    fresh(sandbox)
    let config = ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), allowInsecureHttp: true)
    check("fault: a 503 on a read is retried") {
        let c = try Client(config: config)
        try sandbox.pushFault(fault: .status(status: 503, retryAfter: nil))
        _ = try c.readPolicies(policyId: nil)
        try expect(seen(sandbox) == 2, "\(seen(sandbox)) requests")
    }
    check("fault: an invalid fault spec is an InvalidInput error, nothing queued") {
        let e = try expectError("status 42") { try sandbox.pushFault(fault: .status(status: 42, retryAfter: nil)) }
        guard case let .InvalidInput(field, _) = e, field == "fault.status" else { throw Failure(description: "\(e)") }
        let z = try expectError("times 0") { try sandbox.pushFault(fault: .reset, times: 0) }
        guard case let .InvalidInput(zfield, _) = z, zfield == "fault.times" else { throw Failure(description: "\(z)") }
        let before = seen(sandbox)
        _ = try Client(config: config).readPolicies(policyId: nil)
        try expect(seen(sandbox) == before + 1, "a fault was queued")
    }
    check("fault: an API error keeps its text") {
        let c = try Client(config: config)
        try sandbox.pushFault(fault: .apiError(error: "Database busy"))
        let e = try expectError("api error") { try c.readAssignments(agentId: nil, queueId: nil) }
        guard case let .Api(detail, _, _, _, _, _, _, tokenRejected) = e, detail == "Database busy", !tokenRejected else {
            throw Failure(description: "\(e)")
        }
    }
    check("fault: a reset on a TOD create is not repeated, outcome unknown") {
        fresh(sandbox)
        let c = try Client(config: config)
        try sandbox.pushFault(fault: .reset, method: "tod_policy", action: "create")
        let e = try expectError("reset") { try c.createPolicies(records: [NewTodPolicy(description: "X", default: .hangup)]) }
        guard case let .Transport(_, outcomeUnknown) = e, outcomeUnknown, seen(sandbox) == 1 else {
            throw Failure(description: "\(e) after \(seen(sandbox)) requests")
        }
    }
    check("fault: a 502 on a TOD create is not repeated, outcome unknown") {
        fresh(sandbox)
        let c = try Client(config: config)
        try sandbox.pushFault(fault: .status(status: 502, retryAfter: nil), method: "tod_policy", action: "create")
        let e = try expectError("502") { try c.createPolicies(records: [NewTodPolicy(description: "X", default: .hangup)]) }
        guard case let .HttpStatus(status, _, outcomeUnknown) = e, status == 502, outcomeUnknown, seen(sandbox) == 1 else {
            throw Failure(description: "\(e) after \(seen(sandbox)) requests")
        }
    }
    check("fault: a slow answer is a timeout") {
        var slow = config
        slow.timeoutMs = 300
        slow.retries = 0
        let c = try Client(config: slow)
        try sandbox.pushFault(fault: .delay(ms: 2000))
        let e = try expectError("delay") { try c.readPolicies(policyId: nil) }
        guard case .Timeout = e else { throw Failure(description: "\(e)") }
    }
    check("fault: a revoked token is an Api error with tokenRejected") {
        fresh(sandbox)
        let c = try Client(config: config)
        try sandbox.revokeToken(token: sandbox.token())
        let e = try expectError("revoked") { try c.readPolicies(policyId: nil) }
        guard case let .Api(_, _, _, _, _, _, _, tokenRejected) = e, tokenRejected else { throw Failure(description: "\(e)") }
        fresh(sandbox)
    }
}
