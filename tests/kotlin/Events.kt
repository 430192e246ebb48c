// Call events through an EventListener implemented in Kotlin: a 503 then success gives
// start, attempt, retry, attempt, end in order, with their fields, and no event holds the
// token (raw or percent-encoded).
package contactnow.tests

import contactnow.*
import contactnow.core.*
import java.net.URLEncoder

/** Keeps every event it is given. */
class Recorder : EventListener {
    val events = java.util.Collections.synchronizedList(ArrayList<CallEvent>())
    override fun onEvent(event: CallEvent) {
        events.add(event)
    }
}

fun eventTests(sandbox: Sandbox) {
    sandbox.reset()
    val config = ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), allowInsecureHttp = true)
    Client(config).use { c ->
        check("events: a 503 then success, in order, without the token") {
            val recorder = Recorder()
            c.setEventListener(recorder)
            sandbox.pushFault(SandboxFault.Status(503u.toUShort(), 0uL))
            c.readPolicies(null)
            c.setEventListener(null)
            val events = recorder.events.toList()
            val names = events.map { it.name }
            expect(names == listOf("call.start", "call.attempt", "call.retry", "call.attempt", "call.end")) { "$names" }
            expect(events[0].operation == "tod_policy.read" && events[0].level == "debug") { "${events[0]}" }
            expect(events[1].status == 503uL && events[1].attempt == 1uL && events[1].method == "GET") { "${events[1]}" }
            expect(events[1].url!!.contains("token=***&method=tod_policy")) { "${events[1].url}" }
            expect(events[2].reason == "HTTP 503" && events[2].level == "warn" && events[2].pauseMs != null) { "${events[2]}" }
            expect(events[4].result == "ok" && events[4].attempts == 2uL && events[4].outcomeUnknown == false) { "${events[4]}" }
            val text = events.joinToString("\n")
            val token = sandbox.token()
            for (form in listOf(token, URLEncoder.encode(token, "UTF-8"))) {
                expect(!text.contains(form)) { "the token in $text" }
            }
            c.readPolicies(null)
            expect(recorder.events.size == 5) { "events after the listener was removed" }
        }
    }
    check("events: credentials and a refresh never show the password; requests are data") {
        val password = "pw-KT-SECRET &9/+"
        val sb = Sandbox.start(seed = SandboxSeed.DEMO, users = listOf(SandboxUser("ops", password)))
        try {
            val config = ClientConfig(username = "ops", password = password, baseUrl = sb.url(), allowInsecureHttp = true)
            Client(config).use { c ->
                val recorder = Recorder()
                c.setEventListener(recorder)
                sb.pushFault(SandboxFault.ApiError("Expired token"), method = "priority")
                c.readAssignments(1234uL, null)
                val names = recorder.events.map { it.name }
                expect(names.contains("call.refresh")) { "$names" }
                val purposes = recorder.events.filter { it.name == "call.attempt" }.map { it.purpose }
                expect(purposes == listOf("token", "call", "token", "call")) { "$purposes" }
                val text = recorder.events.joinToString("\n")
                for (form in listOf(password, URLEncoder.encode(password, "UTF-8"), password.replace(" ", "%20"))) {
                    expect(!text.contains(form)) { "the password in $text" }
                }
            }
            val reads = sb.requests().filter { it.apiMethod == "priority" }
            expect(reads.size == 2 && reads[0].action == "read" && reads[0].fault == "api_error") { "$reads" }
            expect(reads[0].params["agent"] == "1234" && reads[0].params["token"] == "***") { "${reads[0].params}" }
        } finally {
            sb.stop()
            sb.close()
        }
    }
}
