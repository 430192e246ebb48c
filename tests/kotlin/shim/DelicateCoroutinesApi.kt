// Compiled only when the kotlinx-coroutines jar predates 1.5 (Debian ships 1.0.1): the code
// uniffi generates imports this marker annotation without using it.
package kotlinx.coroutines

annotation class DelicateCoroutinesApi
