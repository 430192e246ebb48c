// Call events through an EventListener implemented in Swift: a 503 then success gives start,
// attempt, retry, attempt, end in order, with their fields, and no event holds the token
// (raw or percent-encoded).
import Foundation

/// Keeps every event it is given.
final class Recorder: EventListener, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [CallEvent] = []
    var events: [CallEvent] { lock.lock(); defer { lock.unlock() }; return kept }
    func onEvent(event: CallEvent) {
        lock.lock()
        kept.append(event)
        lock.unlock()
    }
}

func eventTests(_ sandbox: Sandbox) {
    fresh(sandbox)
    let config = ClientConfig(token: sandbox.token(), baseUrl: sandbox.url(), allowInsecureHttp: true)
    check("events: a 503 then success, in order, without the token") {
        let c = try Client(config: config)
        let recorder = Recorder()
        c.setEventListener(listener: recorder)
        try sandbox.pushFault(fault: .status(status: 503, retryAfter: 0))
        _ = try c.readPolicies(policyId: nil)
        c.setEventListener(listener: nil)
        let events = recorder.events
        let names = events.map { $0.name }
        try expect(names == ["call.start", "call.attempt", "call.retry", "call.attempt", "call.end"], "\(names)")
        try expect(events[0].operation == "tod_policy.read" && events[0].level == "debug", "\(events[0])")
        try expect(events[1].status == 503 && events[1].attempt == 1 && events[1].method == "GET", "\(events[1])")
        try expect(events[1].url?.contains("token=***&method=tod_policy") == true, "\(String(describing: events[1].url))")
        try expect(events[2].reason == "HTTP 503" && events[2].level == "warn" && events[2].pauseMs != nil, "\(events[2])")
        try expect(events[4].result == "ok" && events[4].attempts == 2 && events[4].outcomeUnknown == false, "\(events[4])")
        let text = events.map { "\($0)" }.joined(separator: "\n")
        let token = sandbox.token()
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        for form in [token, encoded] {
            try expect(!text.contains(form), "the token in \(text)")
        }
        _ = try c.readPolicies(policyId: nil)
        try expect(recorder.events.count == 5, "events after the listener was removed")
    }
    check("events: credentials and a refresh never show the password; requests are data") {
        let password = "pw-SW-SECRET &9/+"
        let sb = try Sandbox.start(seed: .demo, users: [SandboxUser(username: "ops", password: password)])
        defer { sb.stop() }
        let config = ClientConfig(baseUrl: sb.url(), username: "ops", password: password, allowInsecureHttp: true)
        let c = try Client(config: config)
        let recorder = Recorder()
        c.setEventListener(listener: recorder)
        try sb.pushFault(fault: .apiError(error: "Expired token"), method: "priority")
        _ = try c.readAssignments(agentId: 1234, queueId: nil)
        let names = recorder.events.map { $0.name }
        try expect(names.contains("call.refresh"), "\(names)")
        let purposes = recorder.events.filter { $0.name == "call.attempt" }.map { $0.purpose ?? "" }
        try expect(purposes == ["token", "call", "token", "call"], "\(purposes)")
        let text = recorder.events.map { "\($0)" }.joined(separator: "\n")
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        for form in [password, encoded, password.replacingOccurrences(of: " ", with: "%20")] {
            try expect(!text.contains(form), "the password in \(text)")
        }
        let reads = try sb.requests().filter { $0.apiMethod == "priority" }
        try expect(reads.count == 2 && reads[0].action == "read" && reads[0].fault == "api_error", "\(reads)")
        try expect(reads[0].params["agent"] == "1234" && reads[0].params["token"] == "***", "\(reads[0].params)")
    }
}
