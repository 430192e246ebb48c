// The Kotlin suite of the uniffi bindings: every case in tests/vectors/ (and every execution
// vector in tests/vectors/calls/ through Client.withSender), the client against
// the sandbox (all six operations, blocking and suspend), a foreign HttpSender, async that
// does not block the caller's thread, many suspend calls in flight and their cancellation
// (Async.kt), and token redaction. Ends with `N passed, N failed`.
//
// Usage: java ... contactnow.tests.MainKt <tests/vectors dir>
package contactnow.tests

import contactnow.*
import contactnow.core.*
import java.io.File
import java.math.BigInteger
import kotlin.system.exitProcess

var passed = 0
var failed = 0

fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

fun expect(cond: Boolean, msg: () -> String) {
    if (!cond) throw AssertionError(msg())
}

// ---------------------------------------------------------------- vectors

fun num(v: Any?): ULong = (v as BigInteger).toString().toULong()
fun optNum(m: Map<*, *>, k: String): ULong? = m[k]?.let { num(it) }
fun big(v: ULong?): BigInteger? = v?.let { BigInteger(it.toString()) }
fun big(v: Long?): BigInteger? = v?.let { BigInteger.valueOf(it) }

fun callOf(case: Map<*, *>): ApiCall {
    val input = case["input"] as Map<*, *>
    @Suppress("UNCHECKED_CAST")
    val records = (input["records"] as List<Map<*, *>>?) ?: emptyList()
    return when (val op = case["operation"]) {
        "priority.create" -> ApiCall.CreateAssignments(records.map { assignment(it) })
        "priority.update" -> ApiCall.UpdateAssignments(records.map { assignment(it) })
        "priority.read" -> ApiCall.ReadAssignments(optNum(input, "agent_id"), optNum(input, "queue_id"))
        "tod_policy.create" -> ApiCall.CreatePolicies(records.map {
            NewTodPolicy(it["description"] as String, defaultActionFromWire(it["default"] as String))
        })
        "tod_policy.update" -> ApiCall.UpdatePolicies(records.map {
            TodPolicyUpdate(num(it["uid"]), it["description"] as String?, (it["default"] as String?)?.let { d -> defaultActionFromWire(d) })
        })
        "tod_policy.read" -> ApiCall.ReadPolicies(optNum(input, "policy_id"))
        "token.get" -> ApiCall.GetToken(input["username"] as String, input["password"] as String)
        "token.validate" -> ApiCall.ValidateToken(input["token"] as String)
        else -> throw IllegalArgumentException("unknown operation $op")
    }
}

fun assignment(m: Map<*, *>) = Assignment(num(m["agent_id"]), num(m["queue_id"]), num(m["level"]).toUInt())

fun outputJson(out: ApiOutput): Any? = when (out) {
    is ApiOutput.Write -> mapOf(
        "account_id" to big(out.result.accountId), "total" to big(out.result.total),
        "bad" to big(out.result.bad), "key" to big(out.result.key),
    )
    is ApiOutput.Assignments -> mapOf(
        "account_id" to big(out.listing.accountId), "total" to big(out.listing.total),
        "records" to out.listing.records.map {
            mapOf("agent_id" to big(it.agentId), "queue_id" to big(it.queueId), "level" to big(it.level.toULong()))
        },
    )
    is ApiOutput.Policies -> mapOf(
        "account_id" to big(out.listing.accountId), "total" to big(out.listing.total),
        "records" to out.listing.records.map {
            mapOf("uid" to big(it.uid), "description" to it.description, "default" to defaultActionToWire(it.default))
        },
    )
    is ApiOutput.TokenGrant -> mapOf("token" to out.token, "expire" to big(out.expire))
    is ApiOutput.TokenStatus -> mapOf("expire" to big(out.expire))
    is ApiOutput.Generic -> mapOf(
        "account_id" to big(out.result.accountId), "total" to big(out.result.total),
        "bad" to big(out.result.bad), "key" to big(out.result.key), "error" to out.result.error,
        "records" to out.result.records,
    )
}

fun kindOf(e: ContactNowException): String = when (e) {
    is ContactNowException.InvalidInput -> "InvalidInput"
    is ContactNowException.Api -> "Api"
    is ContactNowException.Decode -> "Decode"
    is ContactNowException.HttpStatus -> "HttpStatus"
    is ContactNowException.Transport -> "Transport"
    is ContactNowException.Timeout -> "Timeout"
    is ContactNowException.Cancelled -> "Cancelled"
    is ContactNowException.Internal -> "Internal"
}

/** A vector's field path as Kotlin names it: camelCase (`records[1].agent_id` -> `records[1].agentId`). */
fun camelPath(path: String): String = Regex("(?<=[A-Za-z0-9])_([a-z0-9])").replace(path) { it.groupValues[1].uppercase() }

/** What a vector expects of an error's `k`, as Kotlin names it. */
fun expected(k: Any?, v: Any?): Any? = if (k == "field" && v is String) camelPath(v) else v

fun errorFields(e: ContactNowException): Map<String, Any?> = when (e) {
    is ContactNowException.InvalidInput -> mapOf("field" to e.field)
    is ContactNowException.Api -> mapOf(
        "message" to e.detail, "total" to big(e.total), "bad" to big(e.bad), "key" to big(e.key),
        "partial" to e.partial, "token_rejected" to e.tokenRejected,
    )
    is ContactNowException.HttpStatus -> mapOf(
        "status" to BigInteger.valueOf(e.status.toLong()), "outcome_unknown" to e.outcomeUnknown,
    )
    is ContactNowException.Decode -> mapOf("outcome_unknown" to e.outcomeUnknown)
    is ContactNowException.Transport -> mapOf("outcome_unknown" to e.outcomeUnknown)
    is ContactNowException.Timeout -> mapOf("outcome_unknown" to e.outcomeUnknown)
    is ContactNowException.Cancelled -> mapOf("outcome_unknown" to e.outcomeUnknown)
    else -> emptyMap()
}

fun hexBytes(hex: String) = ByteArray(hex.length / 2) { hex.substring(it * 2, it * 2 + 2).toInt(16).toByte() }

fun runVector(case: Map<*, *>) {
    val format = if (case["format"] == "xml") Format.XML else Format.JSON
    val token = (case["token"] as String?) ?: "T0KEN"
    val call = callOf(case)
    val expect = case["expect"] as Map<*, *>
    val outcome: Result<Any?> = runCatching {
        val request = buildRequest(call, token, format, case["base_url"] as String?)
        request.use {
            (case["request"] as Map<*, *>?)?.let { want ->
                val actual = mapOf(
                    "method" to it.method().name, "url" to it.url(),
                    "content_type" to it.header("Content-Type"), "body" to String(it.body(), Charsets.UTF_8),
                )
                val wantNorm = want.mapKeys { k -> k.key as String }
                expect(actual == wantNorm) { "request differs\n expected ${Json.write(wantNorm)}\n   actual ${Json.write(actual)}" }
            }
        }
        val resp = case["response"] as Map<*, *>? ?: return@runCatching null
        val body = (resp["body"] as String?)?.toByteArray(Charsets.UTF_8) ?: hexBytes(resp["body_hex"] as String)
        val response = HttpResponse(num(resp["status"]).toUShort(), resp["content_type"] as String?, body)
        outputJson(parseResponse(call, format, response))
    }
    val error = outcome.exceptionOrNull()
    if (error is AssertionError) throw error
    val want = expect["error"] as Map<*, *>?
    if (want == null) {
        if (error != null) throw AssertionError("expected ok, got $error")
        if (case["response"] != null) {
            val value = outcome.getOrNull()
            expect(value == expect["ok"]) { "value differs\n expected ${Json.write(expect["ok"])}\n   actual ${Json.write(value)}" }
        }
        return
    }
    if (error !is ContactNowException) throw AssertionError("expected a ${want["kind"]} error, got ${error ?: outcome.getOrNull()}")
    expect(kindOf(error) == want["kind"]) { "expected ${want["kind"]}, got ${kindOf(error)}: $error" }
    (want["message_contains"] as String?)?.let { needle ->
        expect(error.toString().contains(needle)) { "error text '$error' lacks '$needle'" }
    }
    val fields = errorFields(error)
    for ((k, v) in want) {
        if (k == "kind" || k == "message_contains") continue
        expect(fields.containsKey(k) && fields[k] == expected(k, v)) { "error.$k: expected $v, got ${fields[k]} ($error)" }
    }
}

fun vectors(dir: File) {
    val files = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name } ?: emptyList()
    check("vectors found") { expect(files.size >= 40) { "expected at least 40 vector cases in $dir, found ${files.size}" } }
    for (f in files) {
        check("vector ${f.name}") { runVector(Json.parse(f.readText()) as Map<*, *>) }
    }
}

// ---------------------------------------------------------------- main

fun main(args: Array<String>) {
    val dir = File(args.getOrElse(0) { "tests/vectors" })
    val started = System.nanoTime()
    vectors(dir)
    println("vectors done: $passed passed, $failed failed")
    callVectors(File(dir, "calls"))
    genericTests(File(dir, "generic"))
    senderTests()
    asyncTests()
    redactionTests()
    sandboxTests()
    println("(%.1f s)".format((System.nanoTime() - started) / 1e9))
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
