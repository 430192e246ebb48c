//! Kotlin and Swift bindings (uniffi) for contactnow: work in progress.
#![forbid(unsafe_code)]
