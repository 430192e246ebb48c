// The generic call (tests/vectors/generic/*.json) through Client.withSender with a scripted
// sender, and through the blocking client against the sandbox: on method=priority it gives
// the typed read's fields.
package contactnow.tests

import contactnow.*
import contactnow.core.*
import java.io.File

fun fields(pairs: Any?): List<GenericField> =
    (pairs as List<*>?)?.map { p -> (p as List<*>).let { GenericField(it[0] as String, it[1] as String) } } ?: emptyList()

fun genericJson(r: GenericResult): Map<String, Any?> = mapOf(
    "account_id" to big(r.accountId), "total" to big(r.total), "bad" to big(r.bad), "key" to big(r.key),
    "error" to r.error, "records" to r.records,
)

fun runGenericVector(case: Map<*, *>) {
    val format = if (case["format"] == "xml") Format.XML else Format.JSON
    val response = case["response"] as Map<*, *>?
    val sender = ScriptedSender(if (response == null) emptyList() else listOf(mapOf("answer" to response)))
    val spec = case["call"] as Map<*, *>
    val result = Client.withSender(ClientConfig(token = "T0KEN", format = format), sender).use { client ->
        runCatching {
            client.call(
                spec["method"] as String, spec["action"] as String, fields(spec["filters"]),
                (spec["records"] as List<*>?)?.map { fields(it) } ?: emptyList(), spec["repeatable"] == true,
            )
        }
    }
    val request = case["request"] as Map<*, *>?
    if (request == null) {
        expect(sender.sent.isEmpty()) { "nothing is sent for refused input, sent ${sender.sent}" }
    } else {
        expect(sender.sent == listOf(request.mapKeys { it.key as String })) { "sent ${sender.sent}, expected $request" }
    }
    val expected = case["expect"] as Map<*, *>
    val want = expected["error"] as Map<*, *>?
    val error = result.exceptionOrNull()
    if (want == null) {
        if (error != null) throw AssertionError("expected ok, got $error")
        val value = genericJson(result.getOrThrow())
        expect(value == expected["ok"]) { "value differs\n expected ${Json.write(expected["ok"])}\n   actual ${Json.write(value)}" }
        return
    }
    if (error !is ContactNowException) throw AssertionError("expected a ${want["kind"]} error, got $result")
    expect(kindOf(error) == want["kind"]) { "expected ${want["kind"]}, got $error" }
    val got = errorFields(error)
    for ((k, v) in want) if (k != "kind") expect(got[k] == expected(k, v)) { "error.$k: expected $v, got ${got[k]} ($error)" }
}

fun genericTests(dir: File) {
    val files = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name } ?: emptyList()
    check("generic vectors found") { expect(files.size >= 5) { "expected generic vectors in $dir, found ${files.size}" } }
    for (f in files) check("generic ${f.name}") { runGenericVector(Json.parse(f.readText()) as Map<*, *>) }
    check("generic call on priority gives the typed fields (sandbox, both formats)") {
        val sandbox = Sandbox.start()
        try {
            for (format in listOf(Format.JSON, Format.XML)) {
                Client(ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), format = format, allowInsecureHttp = true)).use { c ->
                    c.createAssignments(listOf(Assignment(1234uL, 1007uL, 100u), Assignment(1234uL, 1008uL, 5u)))
                    val generic = c.call("priority", "read", listOf(GenericField("agent", "1234")), emptyList(), false)
                    val typed = c.readAssignments(1234uL, null).records
                    expect(generic.records.map { listOf(it["agentid"], it["qid"], it["level"]) } ==
                        typed.map { listOf(it.agentId.toString(), it.queueId.toString(), it.level.toString()) }) { "$generic vs $typed" }
                    try {
                        c.call("queues", "read", emptyList(), emptyList(), false)
                        throw AssertionError("no error")
                    } catch (e: ContactNowException.Api) {}
                }
            }
        } finally {
            sandbox.stop()
        }
    }
}
