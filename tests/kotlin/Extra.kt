// Foreign HttpSender, async and redaction tests, with a tiny canned HTTP server.
package contactnow.tests

import contactnow.*
import contactnow.core.*
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.io.IOException
import java.net.HttpURLConnection
import java.net.ServerSocket
import java.net.URL
import kotlin.concurrent.thread

const val SECRET = "tok-SECRET-9f8e7d6c"

/** A one-thread HTTP server answering every request with `status` and `body(requestLine)` after `delayMs`. */
class CannedServer(val status: Int, val delayMs: Long, val body: (String) -> String) : AutoCloseable {
    private val socket = ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))
    val url = "http://127.0.0.1:${socket.localPort}"
    @Volatile var requests = 0

    init {
        thread(isDaemon = true) {
            while (!socket.isClosed) {
                val conn = try { socket.accept() } catch (e: IOException) { break }
                thread(isDaemon = true) {
                    conn.use { c ->
                        val input = c.getInputStream().bufferedReader(Charsets.ISO_8859_1)
                        val requestLine = input.readLine() ?: return@thread
                        var length = 0
                        while (true) {
                            val line = input.readLine() ?: break
                            if (line.isEmpty()) break
                            if (line.lowercase().startsWith("content-length:")) length = line.substring(15).trim().toInt()
                        }
                        repeat(length) { input.read() }
                        requests++
                        Thread.sleep(delayMs)
                        val payload = body(requestLine).toByteArray()
                        val head = "HTTP/1.1 $status X\r\nContent-Type: application/json\r\nContent-Length: ${payload.size}\r\nConnection: close\r\n\r\n"
                        c.getOutputStream().apply { write(head.toByteArray()); write(payload); flush() }
                    }
                }
            }
        }
    }

    override fun close() = socket.close()
}

/** A sender on java.net.HttpURLConnection: what an app with no HTTP library would write. */
class UrlConnectionSender : HttpSender {
    @Volatile var calls = 0

    override fun send(request: HttpRequest, timeoutMs: ULong): HttpResponse {
        calls++
        val conn = URL(request.url()).openConnection() as HttpURLConnection
        try {
            val limit = timeoutMs.coerceAtMost(Int.MAX_VALUE.toULong()).toInt()
            conn.connectTimeout = limit
            conn.readTimeout = limit
            conn.requestMethod = request.method().name
            for (h in request.headers()) conn.setRequestProperty(h.name, h.value)
            val body = request.body()
            if (request.method() == HttpMethod.POST) {
                conn.doOutput = true
                conn.outputStream.use { it.write(body) }
            }
            val status = conn.responseCode
            val stream = if (status >= 400) conn.errorStream else conn.inputStream
            val bytes = stream?.use { it.readBytes() } ?: ByteArray(0)
            return HttpResponse(status.toUShort(), conn.contentType, bytes, conn.getHeaderField("Retry-After"))
        } catch (e: java.net.SocketTimeoutException) {
            throw ContactNowException.Timeout("${e.message} for ${request.url()}", false)
        } catch (e: java.net.ConnectException) {
            // Nothing left: even a TOD policy create may be sent again.
            throw ContactNowException.Transport("${e.message} for ${request.url()}", false)
        } catch (e: IOException) {
            // Maybe after the request left: the client decides whether it is outcome unknown.
            throw ContactNowException.Transport("${e.message} for ${request.url()}", true)
        } finally {
            conn.disconnect()
        }
    }
}

/** A sender answering canned bytes, recording what it was given (and each send's time limit). */
class FakeSender(val answer: (HttpRequest) -> HttpResponse) : HttpSender {
    val seen = ArrayList<String>()
    val timeouts = ArrayList<ULong>()
    override fun send(request: HttpRequest, timeoutMs: ULong): HttpResponse {
        seen.add("${request.method()} ${request.url()}")
        timeouts.add(timeoutMs)
        return answer(request)
    }
}

fun json(status: Int, body: String) = HttpResponse(status.toUShort(), "application/json", body.toByteArray())

const val LISTING = """{"success":true,"total":"1","list":[{"agentid":"7","qid":"9","level":"100"}]}"""
const val READ_URL = "https://api-106.dxi.eu/database.php?token=T0KEN&method=priority&action=read&format=json&raw=1&agent=7"

fun senderTests() {
    check("sender: canned read through a Kotlin sender, with the attempt's time limit") {
        val fake = FakeSender { json(200, LISTING) }
        Client.withSender(ClientConfig(token = "T0KEN", timeoutMs = 1234uL), fake).use { c ->
            val listing = c.readAssignments(7uL, null)
            expect(listing.records == listOf(Assignment(7uL, 9uL, 100u))) { "got $listing" }
            expect(fake.seen == listOf("GET $READ_URL")) { "sent ${fake.seen}" }
            expect(fake.timeouts.size == 1 && fake.timeouts[0] in 1uL..1234uL) { "timeouts ${fake.timeouts}" }
        }
    }
    check("sender: a 503 then a 200 on a read is retried through the sender (2 sends)") {
        var n = 0
        val fake = FakeSender { if (n++ == 0) json(503, "<html>busy</html>") else json(200, LISTING) }
        Client.withSender(ClientConfig(token = "T0KEN"), fake).use { c ->
            val listing = c.readAssignments(7uL, null)
            expect(listing.records == listOf(Assignment(7uL, 9uL, 100u))) { "got $listing" }
            expect(fake.seen == listOf("GET $READ_URL", "GET $READ_URL")) { "sent ${fake.seen}" }
        }
    }
    check("sender: username/password: token fetched through the sender, refreshed once on Expired token") {
        var grants = 0
        val fake = FakeSender { r ->
            val url = r.url()
            when {
                url.contains("/token.php?") -> json(200, """{"success":true,"token":"TOK-${++grants}","expire":4102444800}""")
                url.contains("token=TOK-1&") -> json(200, """{"success":false,"error":"Expired token","expire":-1}""")
                else -> json(200, LISTING)
            }
        }
        Client.withSender(ClientConfig(username = "api-user", password = SECRET), fake).use { c ->
            val listing = c.readAssignments(7uL, null)
            expect(listing.records == listOf(Assignment(7uL, 9uL, 100u))) { "got $listing" }
            val token = "GET https://api-106.dxi.eu/token.php?action=get&username=api-user&password=$SECRET"
            val read = { t: String -> "GET " + READ_URL.replace("token=T0KEN", "token=$t") }
            expect(fake.seen == listOf(token, read("TOK-1"), token, read("TOK-2"))) { "sent ${fake.seen}" }
            // The cached token is used by the next call.
            c.readAssignments(7uL, null)
            expect(fake.seen.size == 5 && fake.seen[4] == read("TOK-2")) { "sent ${fake.seen}" }
        }
    }
    check("sender: execute and a suspend call go through the sender too") {
        val fake = FakeSender { json(200, LISTING) }
        Client.withSender(ClientConfig(token = "T0KEN"), fake).use { c ->
            val out = c.execute(ApiCall.ReadAssignments(7uL, null))
            expect(out is ApiOutput.Assignments && out.listing.records.size == 1) { "got $out" }
            val listing = runBlocking { c.readAssignmentsAsync(7uL, null) }
            expect(listing.records.size == 1 && fake.seen.size == 2) { "got $listing, sent ${fake.seen}" }
        }
    }
    check("sender: partial batch is an Api error") {
        val fake = FakeSender { json(200, """{"success":true,"total":1,"bad":1}""") }
        Client.withSender(ClientConfig(token = "T0KEN", format = Format.JSON), fake).use { c ->
            try {
                c.createAssignments(listOf(Assignment(1uL, 2uL, 3u), Assignment(1uL, 3uL, 3u)))
                throw AssertionError("no error")
            } catch (e: ContactNowException.Api) {
                expect(e.partial && e.bad == 1uL && e.total == 1uL) { "$e" }
            }
        }
    }
    check("sender: invalid input never reaches the sender") {
        val fake = FakeSender { throw AssertionError("sent") }
        Client.withSender(ClientConfig(token = "T0KEN"), fake).use { c ->
            try {
                c.createPolicies(listOf(NewTodPolicy(" ", DefaultAction.Queue)))
                throw AssertionError("no error")
            } catch (e: ContactNowException.InvalidInput) {
                expect(e.field == "records[0].description") { e.field }
            }
            expect(fake.seen.isEmpty()) { "sent ${fake.seen}" }
        }
    }
    check("sender: a Kotlin exception becomes Transport, outcome unknown for a TOD create (not repeated), token scrubbed") {
        val fake = FakeSender { r -> throw IllegalStateException("socket closed while sending ${r.url()}") }
        Client.withSender(ClientConfig(token = SECRET), fake).use { c ->
            try {
                c.createPolicies(listOf(NewTodPolicy("Hours", DefaultAction.Jump(12uL))))
                throw AssertionError("no error")
            } catch (e: ContactNowException.Transport) {
                expect(e.outcomeUnknown) { "outcomeUnknown false: $e" }
                expect(!e.detail.contains(SECRET) && !e.toString().contains(SECRET) && !e.message.contains(SECRET)) { "token leaked: $e" }
                expect(e.detail.contains("socket closed")) { e.detail }
            }
            expect(fake.seen.size == 1) { "a TOD create was repeated: ${fake.seen.size} sends" }
            try {
                c.readPolicies(null)
                throw AssertionError("no error")
            } catch (e: ContactNowException.Transport) {
                expect(!e.outcomeUnknown) { "a read is safe to repeat: $e" }
            }
            expect(fake.seen.size == 4) { "a read gets 3 attempts: ${fake.seen.size - 1} sends" }
        }
    }
    check("sender: Transport(outcomeUnknown = false) means not sent: a TOD create is repeated") {
        var n = 0
        val fake = FakeSender { r ->
            if (n++ == 0) throw ContactNowException.Transport("connection refused: ${r.url()}", false)
            json(200, """{"success":true,"total":1,"bad":0,"key":2166}""")
        }
        Client.withSender(ClientConfig(token = SECRET), fake).use { c ->
            val result = c.createPolicies(listOf(NewTodPolicy("Hours", DefaultAction.Queue)))
            expect(result.key == 2166uL && fake.seen.size == 2) { "$result after ${fake.seen.size} sends" }
        }
    }
    check("sender: thrown ContactNowException.Timeout keeps its kind") {
        val fake = FakeSender { r -> throw ContactNowException.Timeout("read timed out: ${r.url()}", false) }
        Client.withSender(ClientConfig(token = SECRET), fake).use { c ->
            try {
                c.updateAssignments(listOf(Assignment(1uL, 2uL, 3u)))
                throw AssertionError("no error")
            } catch (e: ContactNowException.Timeout) {
                expect(!e.toString().contains(SECRET)) { "token leaked: $e" }
            }
        }
    }
    check("sender: HttpURLConnection against a canned server, 502 is HttpStatus after 3 attempts") {
        CannedServer(502, 0, { "<html>bad gateway</html>" }).use { server ->
            Client.withSender(ClientConfig(token = "T0KEN", baseUrl = server.url), UrlConnectionSender()).use { c ->
                try {
                    c.readPolicies(5uL)
                    throw AssertionError("no error")
                } catch (e: ContactNowException.HttpStatus) {
                    expect(e.status.toInt() == 502 && e.excerpt.contains("bad gateway")) { "$e" }
                }
                expect(server.requests == 3) { "${server.requests} requests" }
            }
        }
    }
}

fun asyncTests() {
    check("async: suspend call does not block the caller's thread") {
        val body = """{"success":true,"total":"1","list":[{"uid":"5","description":"Office","default":"jump:1007"}]}"""
        CannedServer(200, 400, { body }).use { server ->
            Client(ClientConfig(token = "T0KEN", baseUrl = server.url, allowInsecureHttp = true)).use { client ->
                runBlocking {
                    // runBlocking has one thread: the ticker only runs if the call suspends.
                    var ticks = 0
                    var done = false
                    val ticker = launch { while (!done) { delay(10); ticks++ } }
                    val call = async { client.readPoliciesAsync(null) }
                    val calls = (1..4).map { async { client.readPoliciesAsync(5uL) } }
                    val listing = call.await()
                    calls.forEach { it.await() }
                    done = true
                    ticker.join()
                    expect(listing.records == listOf(TodPolicy(5uL, "Office", DefaultAction.Jump(1007uL)))) { "$listing" }
                    expect(ticks >= 10) { "the caller's thread was blocked: only $ticks ticks in a 400 ms call" }
                }
            }
        }
    }
    check("async: errors arrive as ContactNowException") {
        CannedServer(200, 0, { """{"success":false,"error":"Invalid token"}""" }).use { server ->
            Client(ClientConfig(token = "T0KEN", baseUrl = server.url, allowInsecureHttp = true)).use { client ->
                runBlocking {
                    try {
                        client.createAssignmentsAsync(listOf(Assignment(1uL, 2uL, 3u)))
                        throw AssertionError("no error")
                    } catch (e: ContactNowException.Api) {
                        expect(e.tokenRejected && e.detail == "Invalid token") { "$e" }
                    }
                }
            }
        }
    }
}

fun assertNoSecret(what: String, vararg texts: String?) {
    for (t in texts) expect(t == null || !t.contains(SECRET)) { "$what leaks the token: $t" }
}

fun redactionTests() {
    check("an unreadable 2xx after a TOD create: Decode, outcome unknown, not repeated") {
        CannedServer(200, 0, { _ -> "<html>proxy page</html>" }).use { server ->
            Client(ClientConfig(token = SECRET, baseUrl = server.url, allowInsecureHttp = true)).use { client ->
                try {
                    client.createPolicies(listOf(NewTodPolicy("X", DefaultAction.Queue)))
                    throw AssertionError("no error")
                } catch (e: ContactNowException.Decode) {
                    expect(e.outcomeUnknown && server.requests == 1) { "$e after ${server.requests} requests" }
                }
            }
        }
    }
    check("redaction: an HTTP status whose body echoes the URL") {
        CannedServer(500, 0, { line -> "<html>error at $line</html>" }).use { server ->
            Client(ClientConfig(token = SECRET, baseUrl = server.url, allowInsecureHttp = true, retries = 0u)).use { client ->
                try {
                    client.readAssignments(null, null)
                    throw AssertionError("no error")
                } catch (e: ContactNowException.HttpStatus) {
                    expect(e.status.toInt() == 500 && e.excerpt.contains("token=")) { "no echo: $e" }
                    assertNoSecret("HttpStatus", e.excerpt, e.message, e.toString(), e.stackTraceToString())
                }
            }
        }
    }
    check("redaction: a transport error (nothing listening)") {
        val port = ServerSocket(0).use { it.localPort }
        Client(ClientConfig(token = SECRET, baseUrl = "http://127.0.0.1:$port", allowInsecureHttp = true, retries = 0u, timeoutMs = 2000uL)).use { client ->
            try {
                client.updatePolicies(listOf(TodPolicyUpdate(5uL, description = "x")))
                throw AssertionError("no error")
            } catch (e: ContactNowException) {
                expect(e is ContactNowException.Transport || e is ContactNowException.Timeout) { "kind: $e" }
                assertNoSecret("Transport", e.message, e.toString())
            }
        }
    }
    check("redaction: an API error text quoting the token") {
        CannedServer(200, 0, { """{"success":false,"error":"Unknown token $SECRET"}""" }).use { server ->
            Client(ClientConfig(token = SECRET, baseUrl = server.url, allowInsecureHttp = true)).use { client ->
                try {
                    client.readPolicies(null)
                    throw AssertionError("no error")
                } catch (e: ContactNowException.Api) {
                    expect(e.tokenRejected) { "$e" }
                    assertNoSecret("Api", e.detail, e.message, e.toString())
                }
            }
        }
    }
    check("redaction: config, request and invalid settings") {
        val config = ClientConfig(token = SECRET, password = SECRET)
        assertNoSecret("ClientConfig.toString", config.toString())
        assertNoSecret("ClientConfig.toString (credentials)", ClientConfig(username = "api-user", password = SECRET).toString())
        buildRequest(ApiCall.ReadPolicies(null), SECRET, Format.XML).use { r ->
            expect(r.url().contains(SECRET)) { "the URL itself must carry the token" }
            assertNoSecret("HttpRequest", r.toString(), r.redactedUrl())
        }
        try {
            Client(ClientConfig(token = SECRET, baseUrl = "http://example.com/?token=$SECRET"))
            throw AssertionError("no error")
        } catch (e: ContactNowException.InvalidInput) {
            assertNoSecret("InvalidInput", e.reason, e.message, e.toString())
        }
    }
    check("sans-IO: the generic call builds and parses as Client.call") {
        val call = ApiCall.Generic("queues", "read", listOf(GenericField("qid", "1007")), emptyList(), false)
        buildRequest(call, "T0KEN").use { r ->
            expect(r.url().endsWith("method=queues&action=read&format=json&raw=1&qid=1007")) { r.redactedUrl() }
        }
        val body = """{"success":true,"total":1,"list":[{"qid":"1007","name":"Sales"}]}""".toByteArray()
        val out = parseResponse(call, response = HttpResponse(200u, "application/json", body, null))
        expect(out is ApiOutput.Generic && out.result.records == listOf(mapOf("qid" to "1007", "name" to "Sales"))) { "$out" }
    }
    check("sans-IO: token and format may be left out where they are not needed") {
        buildRequest(ApiCall.GetToken("ops", "pw-SECRET")).use { r ->
            expect(r.redactedUrl().contains("action=get") && !r.redactedUrl().contains("SECRET")) { r.redactedUrl() }
        }
        val e = expectError<ContactNowException.InvalidInput>("no token") { buildRequest(ApiCall.ReadPolicies(null)) }
        expect(e.field == "token") { "$e" }
    }
    check("errors: plain http to a remote host is refused") {
        try {
            Client(ClientConfig(token = "T0KEN", baseUrl = "http://example.com"))
            throw AssertionError("no error")
        } catch (e: ContactNowException.InvalidInput) {
            expect(e.field == "baseUrl") { "$e" }
        }
        val read = ApiCall.ReadPolicies(null)
        val e = expectError<ContactNowException.InvalidInput>("sans-IO") { buildRequest(read, "T0KEN", baseUrl = "http://example.com") }
        expect(e.field == "baseUrl" && e.reason.contains("`allowInsecureHttp`")) { "$e" }
        buildRequest(read, "T0KEN", baseUrl = "http://example.com", allowInsecureHttp = true).use { r ->
            expect(r.url().startsWith("http://example.com/database.php?")) { r.redactedUrl() }
        }
    }
}
