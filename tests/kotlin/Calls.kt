// The execution vectors (tests/vectors/calls/*.json): each whole call runs through
// Client.withSender with a scripted Kotlin HttpSender in place of the network; the requests
// sent and the final value or error must be the vector's.
//
// Pauses are not checked: a foreign sender has no sleep hook, so the client really sleeps
// between attempts (jitter of at most 200/400 ms, and one Retry-After of 1 s in all the
// vectors); the Rust runner (crates/contactnow/tests/calls.rs) checks their lengths.
package contactnow.tests

import contactnow.*
import contactnow.core.*
import java.io.File

/** Answers each send with the next scripted exchange, recording every request it is given. */
class ScriptedSender(private val exchanges: List<Map<*, *>>) : HttpSender {
    /** method, url, content_type and body of each request, in order. */
    val sent = ArrayList<Map<String, Any?>>()

    override fun send(request: HttpRequest, timeoutMs: ULong): HttpResponse {
        request.use {
            sent.add(mapOf(
                "method" to it.method().name, "url" to it.url(),
                "content_type" to it.header("Content-Type"), "body" to String(it.body(), Charsets.UTF_8),
            ))
        }
        val exchange = exchanges.getOrNull(sent.size - 1)
            ?: throw ContactNowException.Transport("the script has no more exchanges", true)
        (exchange["failure"] as Map<*, *>?)?.let { f ->
            val message = (f["message"] as String?) ?: "failure"
            throw when {
                f["timeout"] == true -> ContactNowException.Timeout(message, false)
                f["not_sent"] == true -> ContactNowException.Transport(message, false)
                else -> ContactNowException.Transport(message, true)
            }
        }
        val a = exchange["answer"] as Map<*, *>
        return HttpResponse(
            num(a["status"]).toUShort(), a["content_type"] as String?,
            ((a["body"] as String?) ?: "").toByteArray(Charsets.UTF_8), a["retry_after"] as String?,
        )
    }
}

fun runCallVector(case: Map<*, *>) {
    val format = if (case["format"] == "xml") Format.XML else Format.JSON
    val auth = case["auth"] as Map<*, *>
    val config = when {
        auth["token"] != null -> ClientConfig(token = auth["token"] as String, format = format)
        auth["username"] != null ->
            ClientConfig(username = auth["username"] as String, password = auth["password"] as String, format = format)
        else -> throw AssertionError("auth needs token or username")
    }
    @Suppress("UNCHECKED_CAST")
    val exchanges = case["exchanges"] as List<Map<*, *>>
    val sender = ScriptedSender(exchanges)
    val call = callOf(case)
    val result = Client.withSender(config, sender).use { client -> runCatching { client.execute(call) } }
    val outcome = result.exceptionOrNull() ?: result.getOrNull()

    expect(sender.sent.size == exchanges.size) { "${sender.sent.size} requests sent, ${exchanges.size} scripted ($outcome)" }
    for ((n, pair) in sender.sent.zip(exchanges).withIndex()) {
        val want = (pair.second["request"] as Map<*, *>).mapKeys { it.key as String }
        val actual = if ("body" in want) pair.first else pair.first.filterKeys { it == "method" || it == "url" }
        expect(actual == want) { "request $n differs\n expected ${Json.write(want)}\n   actual ${Json.write(actual)}" }
    }

    val expected = case["expect"] as Map<*, *>
    val want = expected["error"] as Map<*, *>?
    val error = result.exceptionOrNull()
    if (want == null) {
        if (error != null) throw AssertionError("expected ok, got $error")
        val value = outputJson(result.getOrThrow())
        expect(value == expected["ok"]) { "value differs\n expected ${Json.write(expected["ok"])}\n   actual ${Json.write(value)}" }
        return
    }
    if (error !is ContactNowException) throw AssertionError("expected a ${want["kind"]} error, got $outcome")
    expect(kindOf(error) == want["kind"]) { "expected ${want["kind"]}, got ${kindOf(error)}: $error" }
    val texts = listOf(error.toString(), error.message ?: "")
    val fields = errorFields(error)
    for ((k, v) in want) {
        when (k) {
            "kind" -> {}
            "message_contains" -> expect(error.toString().contains(v as String)) { "error text '$error' lacks '$v'" }
            "absent" -> for (needle in v as List<*>) {
                expect(texts.none { it.contains(needle as String) }) { "error text contains '$needle': $texts" }
            }
            else -> expect(fields.containsKey(k) && fields[k] == expected(k, v)) { "error.$k: expected $v, got ${fields[k]} ($error)" }
        }
    }
}

/** Runs every case in `dir` (tests/vectors/calls); prints `calls done: N passed, M failed`. */
fun callVectors(dir: File) {
    val passedBefore = passed
    val failedBefore = failed
    val started = System.nanoTime()
    val files = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name } ?: emptyList()
    check("call vectors found") { expect(files.size >= 15) { "expected at least 15 execution vectors in $dir, found ${files.size}" } }
    for (f in files) {
        check("call ${f.name}") { runCallVector(Json.parse(f.readText()) as Map<*, *>) }
    }
    println("calls done: ${passed - passedBefore} passed, ${failed - failedBefore} failed")
    println("(%d execution vectors in %.1f s)".format(files.size, (System.nanoTime() - started) / 1e9))
}
