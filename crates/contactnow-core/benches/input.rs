//! Reading 100k assignments from a language's plain data (`contactnow_core::input`, what
//! every binding does with a batch) against a plain `serde` derive into the same fields.
//!
//! The input is a `serde_json::Value`, as a binding makes it, with camelCase keys (the
//! spellings that are not the field's own name, the costlier case) or snake_case ones. The
//! baseline accepts the same spellings (`alias`) and refuses unknown keys, as the reader
//! does. Rounds alternate between the two; the medians and their ratio are printed.

use std::{hint::black_box, time::Instant};

use contactnow_core::input::Reader;
use serde::Deserialize;
use serde_json::{json, Value};

const RECORDS: u64 = 100_000;
const ROUNDS: usize = 15;

/// The baseline: the reader's rules that a derive can express.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Baseline {
    #[serde(alias = "agentId", alias = "agentid")]
    agent_id: u64,
    #[serde(alias = "queueId", alias = "qid")]
    queue_id: u64,
    level: u32,
}

fn batch(camel: bool) -> Value {
    let records = (0..RECORDS).map(|i| {
        if camel {
            json!({"agentId": 100_000 + i, "queueId": 1_000 + i / 5_000, "level": i % 101})
        } else {
            json!({"agent_id": 100_000 + i, "queue_id": 1_000 + i / 5_000, "level": i % 101})
        }
    });
    Value::Array(records.collect())
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    for camel in [true, false] {
        let value = batch(camel);
        let (mut reader, mut baseline) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let start = Instant::now();
            let read = Reader::ANY.assignments(black_box(&value)).map(|r| r.len());
            reader.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let derived = Vec::<Baseline>::deserialize(black_box(&value)).map(|r| r.len());
            baseline.push(start.elapsed().as_secs_f64());
            assert_eq!(read.ok(), derived.ok(), "both read every record");
        }
        let (r, b) = (median(reader), median(baseline));
        let keys = if camel { "camelCase" } else { "snake_case" };
        println!(
            "{keys} keys: reader {:.1} ms ({:.1} M records/s), serde derive {:.1} ms: {:.2}x the derive's time",
            r * 1e3,
            RECORDS as f64 / r / 1e6,
            b * 1e3,
            r / b
        );
    }
}
