// The client options: each bad one names itself as Kotlin writes it, by the rule every
// language shares (camelCase, durations in ms); good ones make a client.
package contactnow.tests

import contactnow.*
import contactnow.core.*

fun optionTests() {
    val cases = listOf(
        ClientConfig(token = "t", timeoutMs = 0uL) to "timeoutMs",
        ClientConfig(token = "t", connectTimeoutMs = 0uL) to "connectTimeoutMs",
        ClientConfig(token = "t", totalTimeoutMs = 0uL) to "totalTimeoutMs",
        ClientConfig(token = "t", retryPolicy = RetryPolicy(maxAttempts = 0u)) to "retryPolicy.maxAttempts",
        ClientConfig(token = "t", retries = 1u, retryPolicy = RetryPolicy()) to "retries",
        ClientConfig(token = "t", region = "mars") to "region",
        ClientConfig(token = "t", region = "us", baseUrl = "https://example.test") to "region",
        ClientConfig(token = "t", maxResponseBytes = 0uL) to "maxResponseBytes",
        ClientConfig(token = "t", batchSize = 0uL) to "batchSize",
        ClientConfig(token = "t", proxy = "::") to "proxy",
        ClientConfig(token = "t", userAgent = "a\nb") to "userAgent",
        ClientConfig(password = "p") to "username",
        ClientConfig(username = "u") to "password",
        ClientConfig(token = "t", username = "u", password = "p") to "token",
    )
    for ((config, field) in cases) {
        check("options: $field is named when bad") {
            val e = expectError<ContactNowException.InvalidInput>(field) { Client(config).close() }
            expect(e.field == field) { "${e.field} for $config" }
            expect(!e.toString().contains("SECRET")) { "$e" }
        }
    }
    check("options: region, proxy, user agent, batch size and a policy make a client") {
        val config = ClientConfig(
            token = "tok-SECRET", region = "us", proxy = "http://127.0.0.1:3128", userAgent = "ops-tool/1",
            batchSize = 10uL, connectTimeoutMs = 500uL, totalTimeoutMs = 5_000uL,
            retryPolicy = RetryPolicy(maxAttempts = 2u, initialBackoffMs = 10uL, maxBackoffMs = 100uL),
        )
        Client(config).use { c -> expect(c.baseUrl().contains("8x8.com") && c.format() == Format.JSON) { c.baseUrl() } }
        expect(!config.toString().contains("SECRET") && !config.toString().contains("3128")) { "$config" }
    }
}
