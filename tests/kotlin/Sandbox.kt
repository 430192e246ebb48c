// The client against the in-process sandbox (filled in once the sandbox crate lands).
package contactnow.tests

fun sandboxTests() {}
