// The generic call (tests/vectors/generic/*.json) through Client.withSender with a scripted
// sender, and through the blocking client against the sandbox: on method=priority it gives
// the typed read's fields.
import Foundation

func genericFields(_ j: JSON?) -> [GenericField] {
    (j?.array ?? []).map { p in GenericField(name: p.array?[0].string ?? "", value: p.array?[1].string ?? "") }
}

func genericJSON(_ r: GenericResult) -> JSON {
    .object([
        ("account_id", num(r.accountId)), ("total", num(r.total)), ("bad", num(r.bad)), ("key", num(r.key)),
        ("error", r.error.map { .string($0) } ?? .null),
        ("records", .array(r.records.map { record in .object(record.map { ($0.key, JSON.string($0.value)) }) })),
    ])
}

func runGenericVector(_ c: JSON) throws {
    let format: Format = c["format"]?.string == "xml" ? .xml : .json
    let exchanges: [JSON] = c["response"].map { [JSON.object([("answer", $0)])] } ?? []
    let sender = ScriptedSender(exchanges)
    let spec = c["call"]!
    let client = try Client.withSender(config: ClientConfig(token: "T0KEN", format: format), sender: sender)
    var value: GenericResult? = nil
    var error: ContactNowError? = nil
    do {
        value = try client.call(method: spec["method"]?.string ?? "", action: spec["action"]?.string ?? "",
                                filters: genericFields(spec["filters"]),
                                records: (spec["records"]?.array ?? []).map { genericFields($0) },
                                repeatable: spec["repeatable"] == .bool(true))
    } catch let e as ContactNowError { error = e }
    if let request = c["request"] {
        try expect(sender.sent == [request], "sent \(sender.sent), expected \(request)")
    } else {
        try expect(sender.sent.isEmpty, "nothing is sent for refused input, sent \(sender.sent)")
    }
    let expectation = c["expect"]!
    guard let want = expectation["error"] else {
        if let error { throw Failure(description: "expected ok, got \(error)") }
        let actual = genericJSON(value!)
        try expect(actual == expectation["ok"], "value differs\n expected \(expectation["ok"]!)\n   actual \(actual)")
        return
    }
    guard let error else { throw Failure(description: "expected a \(want["kind"]!) error") }
    try expect(kindOf(error) == want["kind"]?.string, "expected \(want["kind"]!), got \(error)")
    let fields = errorFields(error)
    guard case let .object(pairs) = want else { throw Failure(description: "expect.error is not an object") }
    for (k, v) in pairs where k != "kind" {
        try expect(fields[k] == expected(k, v), "error.\(k): expected \(v), got \(String(describing: fields[k])) (\(error))")
    }
}

func genericTests(_ dir: String) {
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    check("generic vectors found") { try expect(files.count >= 5, "expected generic vectors in \(dir), found \(files.count)") }
    for f in files {
        check("generic \(f)") { try runGenericVector(try JSON.parse(try String(contentsOfFile: dir + "/" + f, encoding: .utf8))) }
    }
    check("generic call on priority gives the typed fields (sandbox, both formats)") {
        let sandbox = try Sandbox.start()
        defer { sandbox.stop() }
        for format in [Format.json, Format.xml] {
            let c = try Client(config: ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), format: format, allowInsecureHttp: true))
            _ = try c.createAssignments(records: [Assignment(agentId: 1234, queueId: 1007, level: 100)])
            let generic = try c.call(method: "priority", action: "read", filters: [GenericField(name: "agent", value: "1234")],
                                     records: [], repeatable: false)
            let typed = try c.readAssignments(agentId: 1234, queueId: nil).records
            try expect(generic.records.map { [$0["agentid"], $0["qid"], $0["level"]] } ==
                       typed.map { [String($0.agentId), String($0.queueId), String($0.level)] }, "\(generic) vs \(typed)")
            do {
                _ = try c.call(method: "queues", action: "read", filters: [], records: [], repeatable: false)
                throw Failure(description: "no error for an unknown method")
            } catch ContactNowError.Api {}
        }
    }
}
