// The client options: each bad one names itself as Swift writes it, by the rule every
// language shares (camelCase, durations in ms); good ones make a client.
import Foundation

func optionTests() {
    let cases: [(ClientConfig, String)] = [
        (ClientConfig(token: "t", timeoutMs: 0), "timeoutMs"),
        (ClientConfig(token: "t", connectTimeoutMs: 0), "connectTimeoutMs"),
        (ClientConfig(token: "t", totalTimeoutMs: 0), "totalTimeoutMs"),
        (ClientConfig(token: "t", retryPolicy: RetryPolicy(maxAttempts: 0)), "retryPolicy.maxAttempts"),
        (ClientConfig(token: "t", region: "mars"), "region"),
        (ClientConfig(token: "t", maxResponseBytes: 0), "maxResponseBytes"),
        (ClientConfig(token: "t", batchSize: 0), "batchSize"),
        (ClientConfig(password: "p"), "username"),
        (ClientConfig(token: "t", username: "u", password: "p"), "token"),
    ]
    for (config, expected) in cases {
        check("options: \(expected) is named when bad") {
            let e = try expectError(expected) { try Client(config: config) }
            guard case let .InvalidInput(field, _) = e, field == expected else {
                throw Failure(description: "\(e) for \(config)")
            }
        }
    }
    check("options: region, proxy, user agent, batch size and a policy make a client") {
        let config = ClientConfig(
            token: "tok-SECRET", region: "us", connectTimeoutMs: 500, totalTimeoutMs: 5_000,
            retryPolicy: RetryPolicy(maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 100),
            proxy: "http://127.0.0.1:3128", userAgent: "ops-tool/1", batchSize: 10
        )
        let c = try Client(config: config)
        try expect(c.baseUrl().contains("8x8.com") && c.format() == .json, c.baseUrl())
        try expect(!"\(config)".contains("SECRET") && !"\(config)".contains("3128"), "\(config)")
    }
}
