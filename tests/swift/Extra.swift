// Foreign HttpSender, async and redaction tests, with a tiny canned HTTP server and an
// HTTP/1.1 sender on plain sockets (what an app would do with URLSession).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let SECRET = "tok-SECRET-9f8e7d6c"

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

func loopbackAddr(port: UInt16) -> sockaddr_in {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return addr
}

func readAll(_ fd: Int32) -> Data {
    var data = Data()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &buf, buf.count)
        if n <= 0 { break }
        data.append(contentsOf: buf[0..<n])
    }
    return data
}

func writeAll(_ fd: Int32, _ data: Data) {
    data.withUnsafeBytes { raw in
        var off = 0
        while off < raw.count {
            let n = write(fd, raw.baseAddress! + off, raw.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}

/// Reads one request (head and Content-Length body); returns its request line.
func readRequest(_ fd: Int32) -> String {
    var data = Data()
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1 {
        data.append(byte)
        if data.count >= 4 && data.suffix(4) == Data("\r\n\r\n".utf8) { break }
    }
    let head = String(decoding: data, as: UTF8.self)
    var length = 0
    for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
        length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    var body = [UInt8](repeating: 0, count: max(length, 1))
    var got = 0
    while got < length { let n = read(fd, &body[got], length - got); if n <= 0 { break }; got += n }
    return head.components(separatedBy: "\r\n").first ?? ""
}

/// Answers every request with `status` and `body(requestLine)` after `delay` seconds.
final class CannedServer: @unchecked Sendable {
    let fd: Int32
    let url: String

    init(status: Int, delay: Double = 0, body: @escaping @Sendable (String) -> String) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = loopbackAddr(port: 0)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        } }
        listen(listener, 32)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(listener, $0, &len)
        } }
        fd = listener
        url = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))"
        Thread.detachNewThread {
            while true {
                let c = accept(listener, nil, nil)
                // Closed here, not in stop(): the number cannot be reused under this loop.
                if c < 0 { close(listener); return }
                Thread.detachNewThread {
                    let line = readRequest(c)
                    if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                    let payload = Data(body(line).utf8)
                    let head = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
                    writeAll(c, Data(head.utf8) + payload)
                    close(c)
                }
            }
        }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)) }
}

/// A sender on plain sockets for http://127.0.0.1 URLs, reading within each send's time limit.
final class SocketSender: HttpSender, @unchecked Sendable {
    let calls = Counter()

    func send(request: HttpRequest, timeoutMs: UInt64) throws -> HttpResponse {
        calls.add()
        let url = request.url()
        guard let parsed = URL(string: url), let port = parsed.port else {
            throw ContactNowError.Transport(detail: "bad URL \(url)", outcomeUnknown: false)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        let limit = min(timeoutMs, 3_600_000)
        var tv = timeval(tv_sec: Int(limit / 1000), tv_usec: Int(limit % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = loopbackAddr(port: UInt16(port))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        } }
        // Not connected: nothing left, so even a TOD policy create may be sent again.
        if rc != 0 { throw ContactNowError.Transport(detail: "connect failed for \(url)", outcomeUnknown: false) }
        let body = request.body()
        let target = url.replacingOccurrences(of: "http://127.0.0.1:\(port)", with: "")
        var head = "\(request.method() == .get ? "GET" : "POST") \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for h in request.headers() { head += "\(h.name): \(h.value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        writeAll(fd, Data(head.utf8) + body)
        errno = 0
        let answer = readAll(fd)
        let timedOut = errno == EAGAIN || errno == EWOULDBLOCK
        guard let split = answer.range(of: Data("\r\n\r\n".utf8)) else {
            // Maybe after the request left: the client decides whether it is outcome unknown.
            if timedOut { throw ContactNowError.Timeout(detail: "no answer within \(timeoutMs) ms from \(url)", outcomeUnknown: true) }
            throw ContactNowError.Transport(detail: "no response head from \(url)", outcomeUnknown: true)
        }
        let headText = String(decoding: answer[..<split.lowerBound], as: UTF8.self)
        let lines = headText.components(separatedBy: "\r\n")
        let status = UInt16(lines[0].split(separator: " ")[1]) ?? 0
        var contentType: String? = nil
        var retryAfter: String? = nil
        var length: Int? = nil
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0].lowercased() {
            case "content-type": contentType = parts[1]
            case "content-length": length = Int(parts[1])
            case "retry-after": retryAfter = parts[1]
            default: break
            }
        }
        var bytes = Data(answer[split.upperBound...])
        if let length, bytes.count > length { bytes = bytes.prefix(length) }
        return HttpResponse(status: status, contentType: contentType, body: bytes, retryAfter: retryAfter)
    }
}

/// A sender answering canned bytes, recording what it was given (and each send's time limit).
final class FakeSender: HttpSender, @unchecked Sendable {
    let answer: @Sendable (HttpRequest) throws -> HttpResponse
    nonisolated(unsafe) var seen: [String] = []
    nonisolated(unsafe) var timeouts: [UInt64] = []
    init(_ answer: @escaping @Sendable (HttpRequest) throws -> HttpResponse) { self.answer = answer }
    func send(request: HttpRequest, timeoutMs: UInt64) throws -> HttpResponse {
        seen.append("\(request.method() == .get ? "GET" : "POST") \(request.url())")
        timeouts.append(timeoutMs)
        return try answer(request)
    }
}

struct Plain: Error, CustomStringConvertible { let description: String }

func jsonResponse(_ status: UInt16, _ body: String) -> HttpResponse {
    HttpResponse(status: status, contentType: "application/json", body: Data(body.utf8))
}

func assertNoSecret(_ what: String, _ texts: String...) throws {
    for t in texts { try expect(!t.contains(SECRET), "\(what) leaks the token: \(t)") }
}

let listingBody = #"{"success":true,"total":"1","list":[{"agentid":"7","qid":"9","level":"100"}]}"#
let readURL = "https://api-106.dxi.eu/database.php?token=T0KEN&method=priority&action=read&format=json&raw=1&agent=7"
let listing7 = [Assignment(agentId: 7, queueId: 9, level: 100)]

func senderTests() {
    check("sender: canned read through a Swift sender, with the attempt's time limit") {
        let fake = FakeSender { _ in jsonResponse(200, listingBody) }
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN", timeoutMs: 1234), sender: fake)
        let listing = try c.readAssignments(agentId: 7, queueId: nil)
        try expect(listing.records == listing7, "got \(listing)")
        try expect(fake.seen == ["GET \(readURL)"], "sent \(fake.seen)")
        try expect(fake.timeouts.count == 1 && (1...1234).contains(fake.timeouts[0]), "timeouts \(fake.timeouts)")
    }
    check("sender: a 503 then a 200 on a read is retried through the sender (2 sends)") {
        let sends = Counter()
        let fake = FakeSender { _ in
            sends.add()
            return sends.value == 1 ? jsonResponse(503, "<html>busy</html>") : jsonResponse(200, listingBody)
        }
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN"), sender: fake)
        let listing = try c.readAssignments(agentId: 7, queueId: nil)
        try expect(listing.records == listing7, "got \(listing)")
        try expect(fake.seen == ["GET \(readURL)", "GET \(readURL)"], "sent \(fake.seen)")
    }
    check("sender: username/password: token fetched through the sender, refreshed once on Expired token") {
        let grants = Counter()
        let fake = FakeSender { r in
            let url = r.url()
            if url.contains("/token.php?") {
                grants.add()
                return jsonResponse(200, "{\"success\":true,\"token\":\"TOK-\(grants.value)\",\"expire\":4102444800}")
            }
            if url.contains("token=TOK-1&") { return jsonResponse(200, #"{"success":false,"error":"Expired token","expire":-1}"#) }
            return jsonResponse(200, listingBody)
        }
        let c = try Client.withSender(config: ClientConfig(username: "api-user", password: SECRET), sender: fake)
        let listing = try c.readAssignments(agentId: 7, queueId: nil)
        try expect(listing.records == listing7, "got \(listing)")
        let token = "GET https://api-106.dxi.eu/token.php?action=get&username=api-user&password=\(SECRET)"
        let read = { (t: String) in "GET " + readURL.replacingOccurrences(of: "token=T0KEN", with: "token=\(t)") }
        try expect(fake.seen == [token, read("TOK-1"), token, read("TOK-2")], "sent \(fake.seen)")
        // The cached token is used by the next call.
        _ = try c.readAssignments(agentId: 7, queueId: nil)
        try expect(fake.seen.count == 5 && fake.seen[4] == read("TOK-2"), "sent \(fake.seen)")
    }
    check("sender: execute goes through the sender too") {
        let fake = FakeSender { _ in jsonResponse(200, listingBody) }
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN"), sender: fake)
        guard case let .assignments(listing) = try c.execute(call: .readAssignments(agentId: 7, queueId: nil)) else {
            throw Failure(description: "not a listing")
        }
        try expect(listing.records == listing7 && fake.seen.count == 1, "got \(listing), sent \(fake.seen)")
    }
    check("sender: partial batch is an Api error") {
        let fake = FakeSender { _ in jsonResponse(200, #"{"success":true,"total":1,"bad":1}"#) }
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN", format: .json), sender: fake)
        do {
            _ = try c.createAssignments(records: [Assignment(agentId: 1, queueId: 2, level: 3), Assignment(agentId: 1, queueId: 3, level: 3)])
            throw Failure(description: "no error")
        } catch let ContactNowError.Api(_, _, total, bad, _, _, partial, _) {
            try expect(partial && bad == 1 && total == 1, "partial \(partial) bad \(String(describing: bad))")
        }
    }
    check("sender: invalid input never reaches the sender") {
        let fake = FakeSender { _ in throw Plain(description: "sent") }
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN"), sender: fake)
        do {
            _ = try c.createPolicies(records: [NewTodPolicy(description: " ", default: .queue)])
            throw Failure(description: "no error")
        } catch let ContactNowError.InvalidInput(field, _) {
            try expect(field == "records[0].description", field)
        }
        try expect(fake.seen.isEmpty, "sent \(fake.seen)")
    }
    check("sender: a Swift error becomes Transport, outcome unknown for a TOD create (not repeated), token scrubbed") {
        let fake = FakeSender { r in throw Plain(description: "socket closed while sending \(r.url())") }
        let c = try Client.withSender(config: ClientConfig(token: SECRET), sender: fake)
        do {
            _ = try c.createPolicies(records: [NewTodPolicy(description: "Hours", default: .jump(queueId: 12))])
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            guard case let .Transport(detail, outcomeUnknown) = e else { throw Failure(description: "kind: \(e)") }
            try expect(outcomeUnknown, "outcomeUnknown false: \(e)")
            try assertNoSecret("Transport", detail, e.description, "\(e)", e.localizedDescription, String(reflecting: e))
        }
        try expect(fake.seen.count == 1, "a TOD create was repeated: \(fake.seen.count) sends")
        do {
            _ = try c.readPolicies(policyId: nil)
            throw Failure(description: "no error")
        } catch let ContactNowError.Transport(_, outcomeUnknown) {
            try expect(!outcomeUnknown, "a read is safe to repeat")
        }
        try expect(fake.seen.count == 4, "a read gets 3 attempts: \(fake.seen.count - 1) sends")
    }
    check("sender: Transport(outcomeUnknown: false) means not sent: a TOD create is repeated") {
        let sends = Counter()
        let fake = FakeSender { r in
            sends.add()
            if sends.value == 1 { throw ContactNowError.Transport(detail: "connection refused: \(r.url())", outcomeUnknown: false) }
            return jsonResponse(200, #"{"success":true,"total":1,"bad":0,"key":2166}"#)
        }
        let c = try Client.withSender(config: ClientConfig(token: SECRET), sender: fake)
        let result = try c.createPolicies(records: [NewTodPolicy(description: "Hours", default: .queue)])
        try expect(result.key == 2166 && fake.seen.count == 2, "\(result) after \(fake.seen.count) sends")
    }
    check("sender: thrown ContactNowError.Timeout keeps its kind") {
        let fake = FakeSender { r in throw ContactNowError.Timeout(detail: "read timed out: \(r.url())", outcomeUnknown: false) }
        let c = try Client.withSender(config: ClientConfig(token: SECRET), sender: fake)
        do {
            _ = try c.updateAssignments(records: [Assignment(agentId: 1, queueId: 2, level: 3)])
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            guard case .Timeout = e else { throw Failure(description: "kind: \(e)") }
            try assertNoSecret("Timeout", e.description, "\(e)")
        }
    }
    check("sender: socket sender against a canned server, 502 is HttpStatus after 3 attempts") {
        let server = CannedServer(status: 502) { _ in "<html>bad gateway</html>" }
        defer { server.stop() }
        let sender = SocketSender()
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN", baseUrl: server.url), sender: sender)
        do {
            _ = try c.readPolicies(policyId: 5)
            throw Failure(description: "no error")
        } catch let ContactNowError.HttpStatus(status, excerpt, _) {
            try expect(status == 502 && excerpt.contains("bad gateway"), "\(status) \(excerpt)")
        }
        try expect(sender.calls.value == 3, "\(sender.calls.value) sends")
    }
}

func asyncTests() async {
    await checkAsync("async: calls suspend, they do not block a thread") {
        let body = #"{"success":true,"total":"1","list":[{"uid":"5","description":"Office","default":"jump:1007"}]}"#
        let server = CannedServer(status: 200, delay: 0.4) { _ in body }
        defer { server.stop() }
        let client = try Client(config: ClientConfig(token: "T0KEN", baseUrl: server.url, allowInsecureHttp: true))
        let ticks = Counter()
        let done = Counter()
        let ticker = Task { while done.value == 0 { try? await Task.sleep(nanoseconds: 10_000_000); ticks.add() } }
        let started = Date()
        // Six concurrent calls of 400 ms each: on the small cooperative pool they only overlap
        // (and the ticker only runs) if the calls suspend instead of blocking their threads.
        async let a = client.readPoliciesAsync(policyId: nil)
        async let b = client.readPoliciesAsync(policyId: 5)
        async let c = client.readPoliciesAsync(policyId: 5)
        async let d = client.readPoliciesAsync(policyId: 5)
        async let e = client.readPoliciesAsync(policyId: 5)
        async let f = client.readPoliciesAsync(policyId: 5)
        let results = try await [a, b, c, d, e, f]
        let elapsed = Date().timeIntervalSince(started)
        done.add()
        await ticker.value
        try expect(results[0].records == [TodPolicy(uid: 5, description: "Office", default: .jump(queueId: 1007))], "\(results[0])")
        try expect(elapsed < 1.6, "six 400 ms calls took \(elapsed) s: they did not overlap")
        try expect(ticks.value >= 10, "the ticker starved: \(ticks.value) ticks")
    }
    await checkAsync("async: an async call through a Swift sender") {
        let fake = FakeSender { _ in jsonResponse(200, listingBody) }
        let c = try Client.withSender(config: ClientConfig(token: "T0KEN"), sender: fake)
        let listing = try await c.readAssignmentsAsync(agentId: 7, queueId: nil)
        try expect(listing.records == listing7 && fake.seen == ["GET \(readURL)"], "got \(listing), sent \(fake.seen)")
    }
    await checkAsync("async: errors arrive as ContactNowError") {
        let server = CannedServer(status: 200) { _ in #"{"success":false,"error":"Invalid token"}"# }
        defer { server.stop() }
        let client = try Client(config: ClientConfig(token: "T0KEN", baseUrl: server.url, allowInsecureHttp: true))
        do {
            _ = try await client.createAssignmentsAsync(records: [Assignment(agentId: 1, queueId: 2, level: 3)])
            throw Failure(description: "no error")
        } catch let ContactNowError.Api(detail, _, _, _, _, _, _, tokenRejected) {
            try expect(tokenRejected && detail == "Invalid token", detail)
        }
    }
}

func redactionTests() {
    check("an unreadable 2xx after a TOD create: Decode, outcome unknown") {
        let server = CannedServer(status: 200) { _ in "<html>proxy page</html>" }
        defer { server.stop() }
        let client = try Client(config: ClientConfig(token: SECRET, baseUrl: server.url, allowInsecureHttp: true))
        do {
            _ = try client.createPolicies(records: [NewTodPolicy(description: "X", default: .queue)])
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            guard case let .Decode(_, _, _, outcomeUnknown) = e, outcomeUnknown else { throw Failure(description: "\(e)") }
        }
    }
    check("redaction: an HTTP status whose body echoes the URL") {
        let server = CannedServer(status: 500) { line in "<html>error at \(line)</html>" }
        defer { server.stop() }
        let client = try Client(config: ClientConfig(token: SECRET, baseUrl: server.url, retries: 0, allowInsecureHttp: true))
        do {
            _ = try client.readAssignments(agentId: nil, queueId: nil)
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            guard case let .HttpStatus(status, excerpt, _) = e else { throw Failure(description: "kind: \(e)") }
            try expect(status == 500 && excerpt.contains("token="), "no echo: \(e)")
            try assertNoSecret("HttpStatus", excerpt, "\(e)", e.localizedDescription, String(reflecting: e))
        }
    }
    check("redaction: a transport error (nothing listening)") {
        let server = CannedServer(status: 200) { _ in "" }
        let url = server.url
        server.stop()
        let client = try Client(config: ClientConfig(token: SECRET, baseUrl: url, timeoutMs: 2000, retries: 0, allowInsecureHttp: true))
        do {
            _ = try client.updatePolicies(records: [TodPolicyUpdate(uid: 5, description: "x")])
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            switch e {
            case .Transport, .Timeout: break
            default: throw Failure(description: "kind: \(e)")
            }
            try assertNoSecret("Transport", "\(e)", e.localizedDescription)
        }
    }
    check("redaction: an API error text quoting the token") {
        let server = CannedServer(status: 200) { _ in "{\"success\":false,\"error\":\"Unknown token \(SECRET)\"}" }
        defer { server.stop() }
        let client = try Client(config: ClientConfig(token: SECRET, baseUrl: server.url, allowInsecureHttp: true))
        do {
            _ = try client.readPolicies(policyId: nil)
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            guard case let .Api(detail, _, _, _, _, _, _, tokenRejected) = e else { throw Failure(description: "kind: \(e)") }
            try expect(tokenRejected, "\(e)")
            try assertNoSecret("Api", detail, "\(e)", e.localizedDescription)
        }
    }
    check("redaction: config, request and invalid settings") {
        try assertNoSecret("ClientConfig", "\(ClientConfig(token: SECRET, password: SECRET))")
        try assertNoSecret("ClientConfig (credentials)", "\(ClientConfig(username: "api-user", password: SECRET))")
        let r = try buildRequest(call: .readPolicies(policyId: nil), token: SECRET, format: .xml)
        try expect(r.url().contains(SECRET), "the URL itself must carry the token")
        try assertNoSecret("HttpRequest", "\(r)", r.redactedUrl())
        do {
            _ = try Client(config: ClientConfig(token: SECRET, baseUrl: "http://example.com/?token=\(SECRET)"))
            throw Failure(description: "no error")
        } catch let e as ContactNowError {
            guard case .InvalidInput = e else { throw Failure(description: "kind: \(e)") }
            try assertNoSecret("InvalidInput", "\(e)", e.localizedDescription)
        }
    }
    check("sans-IO: the generic call builds and parses as Client.call") {
        let call = ApiCall.generic(method: "queues", action: "read", filters: [GenericField(name: "qid", value: "1007")], records: [], repeatable: false)
        let r = try buildRequest(call: call, token: "T0KEN")
        try expect(r.url().hasSuffix("method=queues&action=read&format=json&raw=1&qid=1007"), r.redactedUrl())
        let body = Data(#"{"success":true,"total":1,"list":[{"qid":"1007","name":"Sales"}]}"#.utf8)
        let out = try parseResponse(call: call, response: HttpResponse(status: 200, contentType: "application/json", body: body, retryAfter: nil))
        guard case let .generic(result) = out else { throw Failure(description: "not generic: \(out)") }
        try expect(result.records == [["qid": "1007", "name": "Sales"]], "\(result.records)")
    }
    check("sans-IO: token and format may be left out where they are not needed") {
        let r = try buildRequest(call: .getToken(username: "ops", password: "pw-SECRET"))
        try expect(r.redactedUrl().contains("action=get") && !r.redactedUrl().contains("SECRET"), r.redactedUrl())
        let e = try expectError("no token") { try buildRequest(call: .readPolicies(policyId: nil)) }
        guard case let .InvalidInput(field, _) = e, field == "token" else { throw Failure(description: "\(e)") }
    }
    check("errors: plain http to a remote host is refused") {
        do {
            _ = try Client(config: ClientConfig(token: "T0KEN", baseUrl: "http://example.com"))
            throw Failure(description: "no error")
        } catch ContactNowError.InvalidInput(let field, _) {
            try expect(field == "baseUrl", field)
        }
        let e = try expectError("sans-IO") { try buildRequest(call: .readPolicies(policyId: nil), token: "T0KEN", baseUrl: "http://example.com") }
        guard case let .InvalidInput(field, reason) = e, field == "baseUrl", reason.contains("`allowInsecureHttp`") else {
            throw Failure(description: "\(e)")
        }
        let r = try buildRequest(call: .readPolicies(policyId: nil), token: "T0KEN", baseUrl: "http://example.com", allowInsecureHttp: true)
        try expect(r.url().hasPrefix("http://example.com/database.php?"), r.redactedUrl())
    }
}
