// The client against the in-process sandbox: all six operations in JSON and XML, blocking and
// suspend, through a Kotlin sender too, and the sandbox's faults (retry, API error, reset,
// timeout, revoked token).
package contactnow.tests

import contactnow.*
import contactnow.core.*
import kotlinx.coroutines.runBlocking

fun <T> expectError(what: String, body: () -> Any?): T {
    try {
        val value = body()
        throw AssertionError("$what: expected an error, got $value")
    } catch (e: ContactNowException) {
        @Suppress("UNCHECKED_CAST")
        return e as T
    }
}

/** The six operations through any client shape, checked step by step against the sandbox state. */
fun sixOperations(
    label: String,
    createA: (List<Assignment>) -> WriteResult,
    readA: (ULong?, ULong?) -> AssignmentListing,
    updateA: (List<Assignment>) -> WriteResult,
    createP: (List<NewTodPolicy>) -> WriteResult,
    readP: (ULong?) -> PolicyListing,
    updateP: (List<TodPolicyUpdate>) -> WriteResult,
) {
    check("$label: priority create, read, update") {
        val created = createA(listOf(Assignment(1234uL, 1007uL, 5u), Assignment(1234uL, 1234uL, 100u)))
        expect(created.total == 2uL && created.bad == 0uL) { "create: $created" }
        val again = createA(listOf(Assignment(1234uL, 1007uL, 5u)))
        expect(again.total == 0uL) { "existing pair: $again" }
        val listing = readA(1234uL, null)
        expect(listing.records.toSet() == setOf(Assignment(1234uL, 1007uL, 5u), Assignment(1234uL, 1234uL, 100u))) { "read: $listing" }
        val updated = updateA(listOf(Assignment(1234uL, 1007uL, 50u)))
        expect(updated.total == 1uL) { "update: $updated" }
        expect(readA(1234uL, 1007uL).records == listOf(Assignment(1234uL, 1007uL, 50u))) { "read after update" }
        val partial = expectError<ContactNowException.Api>("update of a missing pair") {
            updateA(listOf(Assignment(1234uL, 1007uL, 1u), Assignment(9uL, 9uL, 1u)))
        }
        expect(partial.partial && partial.bad == 1uL) { "partial: $partial" }
    }
    check("$label: tod_policy create, read, update") {
        val created = createP(listOf(NewTodPolicy("Out of hours", DefaultAction.Jump(1007uL))))
        val uid = created.key ?: throw AssertionError("no key: $created")
        expect(created.total == 1uL) { "create: $created" }
        val one = readP(uid)
        expect(one.records == listOf(TodPolicy(uid, "Out of hours", DefaultAction.Jump(1007uL)))) { "read: $one" }
        val updated = updateP(listOf(TodPolicyUpdate(uid, description = "Night & <weekend>", default = DefaultAction.Voicemail)))
        expect(updated.total == 1uL) { "update: $updated" }
        val all = readP(null)
        expect(all.records.contains(TodPolicy(uid, "Night & <weekend>", DefaultAction.Voicemail))) { "read all: $all" }
        expectError<ContactNowException.InvalidInput>("empty update") { updateP(listOf(TodPolicyUpdate(uid))) }
    }
}

fun sandboxTests() {
    val sandbox = try {
        Sandbox.start()
    } catch (e: Throwable) {
        check("sandbox starts") { throw e }
        return
    }
    try {
        for (format in listOf(Format.JSON, Format.XML)) {
            sandbox.reset()
            Client(ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), format = format, allowInsecureHttp = true)).use { c ->
                sixOperations("sandbox $format blocking", c::createAssignments, c::readAssignments, c::updateAssignments,
                    c::createPolicies, c::readPolicies, c::updatePolicies)
            }
        }
        sandbox.reset()
        Client(ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), allowInsecureHttp = true)).use { c ->
            sixOperations("sandbox suspend",
                { r -> runBlocking { c.createAssignmentsAsync(r) } },
                { a, q -> runBlocking { c.readAssignmentsAsync(a, q) } },
                { r -> runBlocking { c.updateAssignmentsAsync(r) } },
                { r -> runBlocking { c.createPoliciesAsync(r) } },
                { p -> runBlocking { c.readPoliciesAsync(p) } },
                { r -> runBlocking { c.updatePoliciesAsync(r) } })
        }
        for (format in listOf(Format.JSON, Format.XML)) {
            sandbox.reset()
            val sender = UrlConnectionSender()
            Client.withSender(ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), format = format), sender).use { c ->
                sixOperations("sandbox $format through a Kotlin HttpURLConnection sender", c::createAssignments, c::readAssignments,
                    c::updateAssignments, c::createPolicies, c::readPolicies, c::updatePolicies)
            }
            check("sandbox $format sender was used") { expect(sender.calls >= 10) { "${sender.calls} calls" } }
        }
        faultTests(sandbox)
        kitTests()
        eventTests(sandbox)
        optionTests()
        asyncSandboxTests(sandbox)
    } finally {
        sandbox.stop()
        sandbox.close()
    }
}

/// The test kit as every language has it: its options, their errors, and a stopped sandbox.
fun kitTests() {
    check("kit: tokens, users and accountId replace the defaults") {
        val sb = Sandbox.start(seed = SandboxSeed.DEMO, users = listOf(), tokens = listOf("t-1", "t-2"), accountId = 7uL)
        try {
            expect(sb.token() == "t-1") { sb.token() }
            Client(ClientConfig(token = "t-2", baseUrl = sb.url())).use { c ->
                expect(c.readAssignments().records.size == 12) { "the demo seed" }
                expect(c.createAssignments(listOf(Assignment(1uL, 2uL, 3u))).accountId == 7uL) { "accountId" }
            }
            val e = expectError<ContactNowException.Api>("no users") {
                Client(ClientConfig(username = "demo", password = "demo-password", baseUrl = sb.url())).use { it.readPolicies() }
            }
            expect(e.tokenRejected || e.detail.isNotEmpty()) { "$e" }
            sb.expireToken()
            expectError<ContactNowException.Api>("expired") {
                Client(ClientConfig(token = "t-1", baseUrl = sb.url(), retries = 0u)).use { it.readPolicies() }
            }
            sb.pushFault(SandboxFault.ApiError())
            val f = expectError<ContactNowException.Api>("the default error") {
                Client(ClientConfig(token = "t-2", baseUrl = sb.url())).use { it.readPolicies() }
            }
            expect(f.detail == "Simulated failure") { "$f" }
            expect(sb.requests().last().remoteIp == "127.0.0.1") { "${sb.requests().last()}" }
        } finally {
            sb.stop()
        }
    }
    check("kit: bad options name their field as Kotlin writes it") {
        val a = expectError<ContactNowException.InvalidInput>("account 0") { Sandbox.start(accountId = 0uL) }
        expect(a.field == "accountId") { "$a" }
        val t = expectError<ContactNowException.InvalidInput>("empty token") { Sandbox.start(tokens = listOf("")) }
        expect(t.field == "tokens") { "$t" }
        val none = expectError<ContactNowException.InvalidInput>("no token") { Sandbox.start(tokens = listOf()) }
        expect(none.field == "tokens") { "$none" }
    }
    check("kit: client() takes any option: the kit's URL, its token unless credentials, 5 s per attempt") {
        val sb = Sandbox.start()
        try {
            sb.client().use { c -> expect(c.readPolicies().records.isEmpty()) { "not empty" } }
            val viaUser = ClientConfig(username = "demo", password = "demo-password", userAgent = "kit-test/1")
            sb.client(viaUser).use { c -> expect(c.createAssignments(listOf(Assignment(5uL, 6uL, 7u))).total == 1uL) { "create" } }
            expect(sb.requests().map { it.action } == listOf("read", "get", "create")) { "${sb.requests()}" }
            val bad = expectError<ContactNowException.InvalidInput>("batch 0") { sb.client(ClientConfig(batchSize = 0uL)) }
            expect(bad.field == "batchSize") { "$bad" }
            // A call's input error names the field as Kotlin writes it, as an option's does.
            sb.client().use { c ->
                val e = expectError<ContactNowException.InvalidInput>("agent 0") {
                    c.createAssignments(listOf(Assignment(1uL, 2uL, 3u), Assignment(0uL, 2uL, 3u)))
                }
                expect(e.field == "records[1].agentId") { "$e" }
                val p = expectError<ContactNowException.InvalidInput>("policy 0") { c.readPolicies(0uL) }
                expect(p.field == "policyId") { "$p" }
            }
        } finally {
            sb.stop()
        }
        expectError<ContactNowException.InvalidInput>("a stopped kit's client") { sb.client() }
    }
    check("kit: a stopped sandbox refuses every use, naming sandbox") {
        val sb = Sandbox.start()
        expect(!sb.stopped()) { "stopped at start" }
        sb.stop()
        sb.stop()
        expect(sb.stopped()) { "not stopped" }
        val uses = listOf<() -> Unit>(
            { sb.reset() }, { sb.requests() }, { sb.requestCount() }, { sb.clearRequests() },
            { sb.expireToken() }, { sb.revokeToken("x") }, { sb.pushFault(SandboxFault.Reset) },
        )
        for (use in uses) {
            val e = expectError<ContactNowException.InvalidInput>("a stopped sandbox") { use() }
            expect(e.field == "sandbox") { "$e" }
        }
    }
}

fun faultTests(sandbox: Sandbox) {
    sandbox.reset()
    val config = ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), allowInsecureHttp = true)
    Client(config).use { c ->
        check("fault: a 503 on a read is retried") {
            sandbox.pushFault(SandboxFault.Status(503u.toUShort(), null))
            c.readPolicies(null)
            expect(sandbox.requestCount() == 2uL) { "${sandbox.requestCount()} requests" }
        }
        check("fault: an invalid fault spec is an InvalidInput error, nothing queued") {
            val e = expectError<ContactNowException.InvalidInput>("status 42") {
                sandbox.pushFault(SandboxFault.Status(42u.toUShort(), null))
            }
            expect(e.field == "fault.status") { "$e" }
            val z = expectError<ContactNowException.InvalidInput>("times 0") { sandbox.pushFault(SandboxFault.Reset, times = 0u) }
            expect(z.field == "fault.times") { "$z" }
            val before = sandbox.requestCount()
            c.readPolicies(null)
            expect(sandbox.requestCount() == before + 1uL) { "a fault was queued" }
        }
        check("fault: an API error keeps its text") {
            sandbox.pushFault(SandboxFault.ApiError("Database busy"))
            val e = expectError<ContactNowException.Api>("api error") { c.readAssignments(null, null) }
            expect(e.detail == "Database busy" && !e.tokenRejected) { "$e" }
        }
        check("fault: a reset on a TOD create is not repeated, outcome unknown") {
            sandbox.reset()
            sandbox.pushFault(SandboxFault.Reset, method = "tod_policy", action = "create")
            val e = expectError<ContactNowException.Transport>("reset") { c.createPolicies(listOf(NewTodPolicy("X", DefaultAction.Hangup))) }
            expect(e.outcomeUnknown && sandbox.requestCount() == 1uL) { "$e after ${sandbox.requestCount()} requests" }
        }
        check("fault: a 502 on a TOD create is not repeated, outcome unknown") {
            sandbox.reset()
            sandbox.pushFault(SandboxFault.Status(502u.toUShort(), null), method = "tod_policy", action = "create")
            val e = expectError<ContactNowException.HttpStatus>("502") { c.createPolicies(listOf(NewTodPolicy("X", DefaultAction.Hangup))) }
            expect(e.status == 502.toUShort() && e.outcomeUnknown && sandbox.requestCount() == 1uL) { "$e after ${sandbox.requestCount()} requests" }
        }
        check("fault: a truncated body is a decode error, never success") {
            sandbox.pushFault(SandboxFault.Truncate, times = 3u)
            val e = expectError<ContactNowException>("truncate") { c.readAssignments(null, null) }
            expect(e is ContactNowException.Decode || e is ContactNowException.Transport) { "$e" }
        }
    }
    Client(config.copy(timeoutMs = 300uL, retries = 0u)).use { c ->
        check("fault: a slow answer is a timeout") {
            sandbox.pushFault(SandboxFault.Delay(2000uL))
            val e = expectError<ContactNowException>("delay") { c.readPolicies(null) }
            expect(e is ContactNowException.Timeout) { "$e" }
        }
    }
    check("fault: a revoked token is an Api error with tokenRejected") {
        sandbox.reset()
        Client(config).use { c ->
            sandbox.revokeToken(sandbox.token())
            val e = expectError<ContactNowException.Api>("revoked") { c.readPolicies(null) }
            expect(e.tokenRejected) { "$e" }
            sandbox.reset()
        }
    }
}
