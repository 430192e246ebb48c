// Suspend calls on the Rust async transport, against the in-process sandbox: many in flight
// at once, all correct; cancelling a coroutine (job.cancel(), withTimeout) in a retry pause
// sends nothing more; a TOD create cancelled in flight ends `Cancelled` with outcomeUnknown;
// a Cancellation does the same from outside; blocking and suspend calls share one token cache.
// No assertion on time: waits are for events, with generous limits.
package contactnow.tests

import contactnow.*
import contactnow.core.*
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicInteger

/** Suspends (without blocking the thread) until `cond` holds; fails after `limitMs`. */
suspend fun awaitUntil(what: String, limitMs: Long = 20_000, cond: () -> Boolean) {
    val until = System.nanoTime() + limitMs * 1_000_000
    while (!cond()) {
        if (System.nanoTime() > until) throw AssertionError("gave up waiting for $what")
        delay(10)
    }
}

/** Counts the calls started and not yet ended, and the most at once. */
class InFlight : EventListener {
    private val now = AtomicInteger()
    val most = AtomicInteger()
    override fun onEvent(event: CallEvent) {
        when (event.name) {
            "call.start" -> most.accumulateAndGet(now.incrementAndGet(), ::maxOf)
            "call.end" -> now.decrementAndGet()
        }
    }
}

fun Recorder.ends() = events.toList().filter { it.name == "call.end" }

/**
 * A client of a freshly reset sandbox whose events go to a Recorder; `body` runs a call that
 * `fault` holds and stops it. Then the call ended `Cancelled` (with `outcomeUnknown` as given),
 * and no request follows the one sent, even once a pause before a repeat would have ended.
 */
fun cancelledCall(sandbox: Sandbox, config: ClientConfig, fault: () -> Unit, outcomeUnknown: Boolean,
                  body: (Client, Recorder) -> Unit) {
    sandbox.reset()
    Client(config).use { c ->
        val recorder = Recorder()
        c.setEventListener(recorder)
        fault()
        body(c, recorder)
        val ends = recorder.ends()
        expect(ends.size == 1 && ends[0].result == "Cancelled" && ends[0].outcomeUnknown == outcomeUnknown) { "$ends" }
        Thread.sleep(3000)
        expect(sandbox.requestCount() == 1uL) { "${sandbox.requestCount()} requests, expected 1" }
    }
}

fun asyncSandboxTests(sandbox: Sandbox) {
    val config = ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), allowInsecureHttp = true)
    // A 503 with Retry-After 2 on the next policy read: the call then waits 2 s before repeating.
    val retryPause = { sandbox.pushFault(SandboxFault.Status(503u.toUShort(), 2uL), method = "tod_policy", action = "read") }
    val slowCreate = { sandbox.pushFault(SandboxFault.Delay(1500uL), method = "tod_policy", action = "create") }
    check("async: 64 suspend calls in flight at once on one thread, each with its own answer") {
        sandbox.reset()
        Client(config).use { c ->
            val ids = (1uL..64uL).toList()
            c.createAssignments(ids.map { Assignment(it, 1007uL, it.toUInt()) })
            val inFlight = InFlight()
            c.setEventListener(inFlight)
            sandbox.pushFault(SandboxFault.Delay(300uL), times = 64u, method = "priority", action = "read")
            // runBlocking has one thread: the calls overlap only if none blocks it.
            val listings = runBlocking { ids.map { id -> async { id to c.readAssignmentsAsync(id, null) } }.awaitAll() }
            for ((id, listing) in listings) {
                expect(listing.records == listOf(Assignment(id, 1007uL, id.toUInt()))) { "agent $id: $listing" }
            }
            expect(inFlight.most.get() == 64) { "at most ${inFlight.most.get()} calls in flight at once" }
            expect(sandbox.requestCount() == 65uL) { "${sandbox.requestCount()} requests" }
        }
    }
    check("async: job.cancel() in a retry pause ends the call; nothing more is sent") {
        cancelledCall(sandbox, config, retryPause, outcomeUnknown = false) { c, recorder ->
            runBlocking {
                val job = launch { c.readPoliciesAsync(null) }
                awaitUntil("the retry event") { recorder.events.any { it.name == "call.retry" } }
                job.cancel()
                job.join()
                expect(job.isCancelled) { "the job was not cancelled" }
            }
        }
    }
    check("async: withTimeout in a retry pause ends the call; nothing more is sent") {
        cancelledCall(sandbox, config, retryPause, outcomeUnknown = false) { c, _ ->
            val timedOut = try {
                runBlocking { withTimeout(800) { c.readPoliciesAsync(null) } }
                false
            } catch (e: TimeoutCancellationException) {
                true
            }
            expect(timedOut) { "no timeout" }
        }
    }
    check("async: a TOD create cancelled in flight ends Cancelled with outcomeUnknown") {
        cancelledCall(sandbox, config, slowCreate, outcomeUnknown = true) { c, recorder ->
            runBlocking {
                val job = launch { c.createPoliciesAsync(listOf(NewTodPolicy("Cancelled", DefaultAction.Hangup))) }
                awaitUntil("the create at the sandbox") { sandbox.requestCount() == 1uL }
                job.cancel()
                job.join()
            }
            expect(recorder.events.none { it.name == "call.attempt" }) { "an attempt ended: ${recorder.events}" }
        }
    }
    check("async: a Cancellation ends the call with ContactNowException.Cancelled") {
        sandbox.reset()
        Client(config).use { c ->
            slowCreate()
            val cancellation = Cancellation()
            val e = runBlocking {
                val call = async {
                    runCatching { c.createPoliciesAsync(listOf(NewTodPolicy("X", DefaultAction.Hangup)), cancellation) }
                }
                awaitUntil("the create at the sandbox") { sandbox.requestCount() == 1uL }
                cancellation.cancel()
                call.await().exceptionOrNull()
            }
            expect(e is ContactNowException.Cancelled && e.outcomeUnknown) { "$e" }
            expect(cancellation.isCancelled()) { "not cancelled" }
            // Already cancelled: the next call sends nothing.
            val again = runBlocking { runCatching { c.readPoliciesAsync(null, cancellation) }.exceptionOrNull() }
            expect(again is ContactNowException.Cancelled && !again.outcomeUnknown) { "$again" }
            expect(sandbox.requestCount() == 1uL) { "${sandbox.requestCount()} requests" }
        }
    }
    check("async: blocking and suspend calls share one session (one token fetch)") {
        sandbox.reset()
        Client(ClientConfig(username = "demo", password = "demo-password", baseUrl = sandbox.url(), allowInsecureHttp = true)).use { c ->
            c.readPolicies(null)
            runBlocking { c.readPoliciesAsync(null) }
            c.readAssignments(null, null)
            expect(sandbox.requestCount() == 4uL) { "${sandbox.requestCount()} requests: a token fetched twice?" }
        }
    }
}
