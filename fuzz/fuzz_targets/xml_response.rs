#![no_main]
//! Fuzzes the XML response parsers: no input may panic.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::parse_all(contactnow_core::Format::Xml, data));
