// The execution vectors (tests/vectors/calls/*.json): each whole call runs through
// Client.withSender with a scripted Swift HttpSender in place of the network; the requests
// sent and the final value or error must be the vector's.
//
// Pauses are not checked: a foreign sender has no sleep hook, so the client really sleeps
// between attempts (jitter of at most 200/400 ms, and one Retry-After of 1 s in all the
// vectors); the Rust runner (crates/contactnow/tests/calls.rs) checks their lengths.
import Foundation

/// Answers each send with the next scripted exchange, recording every request it is given.
final class ScriptedSender: HttpSender, @unchecked Sendable {
    let exchanges: [JSON]
    private let lock = NSLock()
    private var log: [JSON] = []

    init(_ exchanges: [JSON]) { self.exchanges = exchanges }

    /// method, url, content_type and body of each request, in order.
    var sent: [JSON] { lock.lock(); defer { lock.unlock() }; return log }

    func send(request: HttpRequest, timeoutMs: UInt64) throws -> HttpResponse {
        let record = JSON.object([
            ("method", .string(request.method() == .get ? "GET" : "POST")), ("url", .string(request.url())),
            ("content_type", request.header(name: "Content-Type").map { .string($0) } ?? .null),
            ("body", .string(String(decoding: request.body(), as: UTF8.self))),
        ])
        lock.lock()
        log.append(record)
        let n = log.count
        lock.unlock()
        guard n <= exchanges.count else {
            throw ContactNowError.Transport(detail: "the script has no more exchanges", outcomeUnknown: true)
        }
        let exchange = exchanges[n - 1]
        if let f = exchange["failure"] {
            let message = f["message"]?.string ?? "failure"
            if f["timeout"] == .bool(true) { throw ContactNowError.Timeout(detail: message, outcomeUnknown: false) }
            if f["not_sent"] == .bool(true) { throw ContactNowError.Transport(detail: message, outcomeUnknown: false) }
            throw ContactNowError.Transport(detail: message, outcomeUnknown: true)
        }
        guard let a = exchange["answer"], let status = a["status"]?.u64 else {
            throw Plain(description: "exchange \(n - 1) has neither answer nor failure")
        }
        return HttpResponse(status: UInt16(status), contentType: a["content_type"]?.string,
                            body: Data((a["body"]?.string ?? "").utf8), retryAfter: a["retry_after"]?.string)
    }
}

func runCallVector(_ c: JSON) throws {
    let format: Format = c["format"]?.string == "xml" ? .xml : .json
    let auth = c["auth"]!
    let config: ClientConfig
    if let token = auth["token"]?.string {
        config = ClientConfig(token: token, format: format)
    } else if let user = auth["username"]?.string, let password = auth["password"]?.string {
        config = ClientConfig(username: user, password: password, format: format)
    } else {
        throw Failure(description: "auth needs token or username")
    }
    let exchanges = c["exchanges"]?.array ?? []
    let sender = ScriptedSender(exchanges)
    let call = try callOf(c)
    let client = try Client.withSender(config: config, sender: sender)
    var value: ApiOutput? = nil
    var error: ContactNowError? = nil
    do { value = try client.execute(call: call) } catch let e as ContactNowError { error = e }
    let outcome = error.map { "\($0)" } ?? String(describing: value)

    let sent = sender.sent
    try expect(sent.count == exchanges.count, "\(sent.count) requests sent, \(exchanges.count) scripted (\(outcome))")
    for (n, (actual, exchange)) in zip(sent, exchanges).enumerated() {
        let want = exchange["request"]!
        var got = actual
        if want["body"] == nil, case let .object(pairs) = actual {
            got = .object(pairs.filter { $0.0 == "method" || $0.0 == "url" })
        }
        try expect(got == want, "request \(n) differs\n expected \(want)\n   actual \(got)")
    }

    let expectation = c["expect"]!
    guard let want = expectation["error"] else {
        if let error { throw Failure(description: "expected ok, got \(error)") }
        let actual = outputJSON(value!)
        try expect(actual == expectation["ok"], "value differs\n expected \(expectation["ok"]!)\n   actual \(actual)")
        return
    }
    guard let error else { throw Failure(description: "expected a \(want["kind"]!) error, got \(outcome)") }
    try expect(kindOf(error) == want["kind"]?.string, "expected \(want["kind"]!), got \(error)")
    // `description` is the Rust wording (Kotlin's toString()); the generated enum does not
    // declare CustomStringConvertible, so "\(error)" is Swift's own rendering of the fields.
    let text = error.description
    let texts = [text, "\(error)", String(reflecting: error), error.localizedDescription]
    let fields = errorFields(error)
    guard case let .object(pairs) = want else { throw Failure(description: "expect.error is not an object") }
    for (k, v) in pairs {
        switch k {
        case "kind": break
        case "message_contains":
            let needle = v.string ?? "\u{0}"
            try expect(text.contains(needle), "error text '\(text)' lacks '\(needle)'")
        case "absent":
            for needle in v.array ?? [] {
                let s = needle.string ?? "\u{0}"
                try expect(!texts.contains { $0.contains(s) }, "error text contains '\(s)': \(texts)")
            }
        default:
            try expect(fields[k] == expected(k, v), "error.\(k): expected \(v), got \(String(describing: fields[k])) (\(error))")
        }
    }
}

/// Runs every case in `dir` (tests/vectors/calls); prints `calls done: N passed, M failed`.
func callVectors(_ dir: String) {
    let passedBefore = passed
    let failedBefore = failed
    let started = Date()
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    check("call vectors found") { try expect(files.count >= 15, "expected at least 15 execution vectors in \(dir), found \(files.count)") }
    for f in files {
        check("call \(f)") {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            try runCallVector(try JSON.parse(text))
        }
    }
    print("calls done: \(passed - passedBefore) passed, \(failed - failedBefore) failed")
    print("(\(files.count) execution vectors in " + String(format: "%.1f s)", Date().timeIntervalSince(started)))
}
