// The Swift suite of the uniffi bindings: every case in tests/vectors/ (and every execution
// vector in tests/vectors/calls/ through Client.withSender), the client against the sandbox
// (all six operations, blocking and async), a foreign HttpSender, async that does not block
// the caller, many async calls in flight and their cancellation (Async.swift), and token
// redaction. Ends with `N passed, N failed`.
//
// Usage: contactnow-tests <tests/vectors dir>
import Foundation

nonisolated(unsafe) var passed = 0
nonisolated(unsafe) var failed = 0

struct Failure: Error, CustomStringConvertible { let description: String }

func expect(_ cond: Bool, _ msg: @autoclosure () -> String) throws {
    if !cond { throw Failure(description: msg()) }
}

func check(_ name: String, _ body: () throws -> Void) {
    do {
        try body()
        passed += 1
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}

func checkAsync(_ name: String, _ body: () async throws -> Void) async {
    do {
        try await body()
        passed += 1
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}

// ---------------------------------------------------------------- vectors

func num(_ v: UInt64?) -> JSON { v.map { .number(String($0)) } ?? .null }
func num(_ v: Int64?) -> JSON { v.map { .number(String($0)) } ?? .null }

func assignment(_ j: JSON) -> Assignment {
    Assignment(agentId: j["agent_id"]!.u64!, queueId: j["queue_id"]!.u64!, level: UInt32(j["level"]!.u64!))
}

func callOf(_ c: JSON) throws -> ApiCall {
    let input = c["input"]!
    let records = input["records"]?.array ?? []
    switch c["operation"]!.string! {
    case "priority.create": return .createAssignments(records: records.map(assignment))
    case "priority.update": return .updateAssignments(records: records.map(assignment))
    case "priority.read": return .readAssignments(agentId: input["agent_id"]?.u64, queueId: input["queue_id"]?.u64)
    case "tod_policy.create":
        return .createPolicies(records: records.map {
            NewTodPolicy(description: $0["description"]!.string!, default: defaultActionFromWire(value: $0["default"]!.string!))
        })
    case "tod_policy.update":
        return .updatePolicies(records: records.map {
            TodPolicyUpdate(uid: $0["uid"]!.u64!, description: $0["description"]?.string,
                            default: $0["default"]?.string.map { defaultActionFromWire(value: $0) })
        })
    case "tod_policy.read": return .readPolicies(policyId: input["policy_id"]?.u64)
    case "token.get": return .getToken(username: input["username"]!.string!, password: input["password"]!.string!)
    case "token.validate": return .validateToken(token: input["token"]!.string!)
    case let op: throw Failure(description: "unknown operation \(op)")
    }
}

func outputJSON(_ out: ApiOutput) -> JSON {
    switch out {
    case let .write(r):
        return .object([("account_id", num(r.accountId)), ("total", num(r.total)), ("bad", num(r.bad)), ("key", num(r.key))])
    case let .assignments(l):
        return .object([("account_id", num(l.accountId)), ("total", num(l.total)), ("records", .array(l.records.map {
            .object([("agent_id", num($0.agentId)), ("queue_id", num($0.queueId)), ("level", num(UInt64($0.level)))])
        }))])
    case let .policies(l):
        return .object([("account_id", num(l.accountId)), ("total", num(l.total)), ("records", .array(l.records.map {
            .object([("uid", num($0.uid)), ("description", .string($0.description)),
                     ("default", .string(defaultActionToWire(action: $0.default)))])
        }))])
    case let .tokenGrant(token, expire): return .object([("token", .string(token)), ("expire", num(expire))])
    case let .tokenStatus(expire): return .object([("expire", num(expire))])
    case let .generic(r):
        let records = r.records.map { record in JSON.object(record.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }
        return .object([("account_id", num(r.accountId)), ("total", num(r.total)), ("bad", num(r.bad)), ("key", num(r.key)),
                        ("error", r.error.map { .string($0) } ?? .null), ("records", .array(records))])
    }
}

func kindOf(_ e: ContactNowError) -> String {
    switch e {
    case .InvalidInput: return "InvalidInput"
    case .Api: return "Api"
    case .Decode: return "Decode"
    case .HttpStatus: return "HttpStatus"
    case .Transport: return "Transport"
    case .Timeout: return "Timeout"
    case .Cancelled: return "Cancelled"
    case .Internal: return "Internal"
    }
}

/// A vector's field path as Swift names it: camelCase (`records[1].agent_id` -> `records[1].agentId`).
func camelPath(_ path: String) -> String {
    var out = ""
    var upper = false
    for c in path {
        if c == "_", let last = out.last, last.isLetter || last.isNumber {
            upper = true
        } else if upper {
            out += c.uppercased()
            upper = false
        } else {
            out.append(c)
        }
    }
    return out
}

/// What a vector expects of an error's `k`, as Swift names it.
func expected(_ k: String, _ v: JSON) -> JSON {
    if k == "field", let s = v.string { return .string(camelPath(s)) }
    return v
}

func errorFields(_ e: ContactNowError) -> [String: JSON] {
    switch e {
    case let .InvalidInput(field, _): return ["field": .string(field)]
    case let .Api(detail, _, total, bad, key, _, partial, tokenRejected):
        return ["message": .string(detail), "total": num(total), "bad": num(bad), "key": num(key),
                "partial": .bool(partial), "token_rejected": .bool(tokenRejected)]
    case let .HttpStatus(status, _, outcomeUnknown):
        return ["status": .number(String(status)), "outcome_unknown": .bool(outcomeUnknown)]
    case let .Decode(_, _, _, outcomeUnknown): return ["outcome_unknown": .bool(outcomeUnknown)]
    case let .Transport(_, outcomeUnknown): return ["outcome_unknown": .bool(outcomeUnknown)]
    case let .Timeout(_, outcomeUnknown): return ["outcome_unknown": .bool(outcomeUnknown)]
    case let .Cancelled(outcomeUnknown): return ["outcome_unknown": .bool(outcomeUnknown)]
    default: return [:]
    }
}

/// The error's description and its text fields as they are: `"\(e)"` alone escapes the
/// quotes inside a reason (`\"voicemail\"`).
func errorText(_ e: ContactNowError) -> String {
    var parts = ["\(e)"]
    for fields in Mirror(reflecting: e).children.map(\.value) {
        if let text = fields as? String { parts.append(text) }
        for field in Mirror(reflecting: fields).children { if let text = field.value as? String { parts.append(text) } }
    }
    return parts.joined(separator: " ")
}

func hexBytes(_ hex: String) -> Data {
    let chars = Array(hex)
    return Data(stride(from: 0, to: chars.count, by: 2).map { UInt8(String(chars[$0..<$0 + 2]), radix: 16)! })
}

func runVector(_ c: JSON) throws {
    let format: Format = c["format"]?.string == "xml" ? .xml : .json
    let token = c["token"]?.string ?? "T0KEN"
    let call = try callOf(c)
    let expectation = c["expect"]!
    var value: JSON? = nil
    var error: ContactNowError? = nil
    do {
        let request = try buildRequest(call: call, token: token, format: format, baseUrl: c["base_url"]?.string)
        if let want = c["request"] {
            let actual = JSON.object([
                ("method", .string(request.method() == .get ? "GET" : "POST")), ("url", .string(request.url())),
                ("content_type", request.header(name: "Content-Type").map { .string($0) } ?? .null),
                ("body", .string(String(decoding: request.body(), as: UTF8.self))),
            ])
            try expect(actual == want, "request differs\n expected \(want)\n   actual \(actual)")
        }
        if let resp = c["response"] {
            let body = resp["body"]?.string.map { Data($0.utf8) } ?? hexBytes(resp["body_hex"]!.string!)
            let response = HttpResponse(status: UInt16(resp["status"]!.u64!), contentType: resp["content_type"]?.string, body: body)
            value = outputJSON(try parseResponse(call: call, format: format, response: response))
        }
    } catch let e as ContactNowError {
        error = e
    }
    guard let want = expectation["error"] else {
        if let error { throw Failure(description: "expected ok, got \(error)") }
        if c["response"] != nil {
            try expect(value == expectation["ok"], "value differs\n expected \(expectation["ok"]!)\n   actual \(value!)")
        }
        return
    }
    guard let error else { throw Failure(description: "expected a \(want["kind"]!) error, got \(String(describing: value))") }
    try expect(kindOf(error) == want["kind"]?.string, "expected \(want["kind"]!), got \(error)")
    if let needle = want["message_contains"]?.string {
        try expect(errorText(error).contains(needle), "error text '\(errorText(error))' lacks '\(needle)'")
    }
    let fields = errorFields(error)
    if case let .object(pairs) = want {
        for (k, v) in pairs where k != "kind" && k != "message_contains" {
            try expect(fields[k] == expected(k, v), "error.\(k): expected \(v), got \(String(describing: fields[k])) (\(error))")
        }
    }
}

func vectors(_ dir: String) {
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    check("vectors found") { try expect(files.count >= 40, "expected at least 40 vector cases in \(dir), found \(files.count)") }
    for f in files {
        check("vector \(f)") {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            try runVector(try JSON.parse(text))
        }
    }
}

// ---------------------------------------------------------------- main

let args = CommandLine.arguments
let started = Date()
let vectorsDir = args.count > 1 ? args[1] : "tests/vectors"
vectors(vectorsDir)
print("vectors done: \(passed) passed, \(failed) failed")
callVectors(vectorsDir + "/calls")
genericTests(vectorsDir + "/generic")
senderTests()
await asyncTests()
redactionTests()
await sandboxTests()
print(String(format: "(%.1f s)", Date().timeIntervalSince(started)))
print("\(passed) passed, \(failed) failed")
exit(failed == 0 && passed > 0 ? 0 : 1)
