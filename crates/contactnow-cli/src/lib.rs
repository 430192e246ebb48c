//! The `contactnow` command-line tool, as a library so its planning and batching can be
//! tested and benchmarked. The binary is `src/main.rs`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod apply;
pub mod apply_output;
pub mod cli;
pub mod csv_input;
pub mod generic;
pub mod output;
pub mod plan;
pub mod run;
pub mod token;
