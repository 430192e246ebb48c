// A measurement, not a test: N `readAssignmentsAsync` calls in flight at once against the
// in-process sandbox with a server-side delay on every request, as wall time (median of
// alternating rounds) and the process's threads (from /proc/self/task, Rust's included):
// at the start, after a warm-up round and the most seen while the calls are in flight.
//
// Usage: scripts/test-uniffi bench [calls] [delay_ms] [rounds]
package contactnow.bench

import contactnow.*
import contactnow.core.*
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import java.io.File
import kotlin.concurrent.thread

fun threads(): Int = File("/proc/self/task").list()?.size ?: -1

fun main(args: Array<String>) {
    val calls = args.getOrNull(0)?.toInt() ?: 64
    val delayMs = args.getOrNull(1)?.toULong() ?: 100uL
    val rounds = args.getOrNull(2)?.toInt() ?: 9
    val sandbox = Sandbox.start(seed = SandboxSeed.DEMO)
    val config = ClientConfig(token = sandbox.token(), baseUrl = sandbox.url(), allowInsecureHttp = true)
    val start = threads()
    Client(config).use { client ->
        // Warm up: the pool, the runtime, JNA's callbacks.
        runBlocking { (1..calls).map { async { client.readAssignmentsAsync(1234uL, null) } }.awaitAll() }
        val idle = threads()
        var peak = idle
        val wall = ArrayList<Double>()
        repeat(rounds) {
            sandbox.pushFault(SandboxFault.Delay(delayMs), times = calls.toUInt(), method = "priority", action = "read")
            val running = java.util.concurrent.atomic.AtomicBoolean(true)
            val sampler = thread { while (running.get()) { peak = maxOf(peak, threads()); Thread.sleep(2) } }
            val started = System.nanoTime()
            val listings = runBlocking {
                (1..calls).map { async { client.readAssignmentsAsync(1234uL, null) } }.awaitAll()
            }
            wall.add((System.nanoTime() - started) / 1e6)
            running.set(false)
            sampler.join()
            check(listings.all { it.records.size == 2 }) { "a wrong listing" }
        }
        wall.sort()
        println("calls=$calls delay_ms=$delayMs rounds=$rounds median_ms=%.1f min_ms=%.1f max_ms=%.1f threads_at_start=$start threads_after_warmup=$idle threads_peak=$peak"
            .format(wall[wall.size / 2], wall.first(), wall.last()))
    }
    sandbox.stop()
    sandbox.close()
}
