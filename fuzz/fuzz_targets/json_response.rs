#![no_main]
//! Fuzzes the JSON response parsers: no input may panic.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::parse_all(contactnow_core::Format::Json, data));
