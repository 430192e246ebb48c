//! `uniffi-bindgen`, pinned to this workspace's uniffi version: generates the Kotlin and
//! Swift sources from the built `contactnow_uniffi` library.
//!
//! ```text
//! cargo run -p contactnow-uniffi --bin uniffi-bindgen -- generate \
//!     --library target/debug/libcontactnow_uniffi.so --language kotlin --out-dir out/
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
