//! Parsing a 100k-record read response, JSON and XML, against plain `serde_json` derive.
//!
//! Criterion measures each parser; then a summary measured in the same run prints MB/s,
//! the ratios (core JSON / serde derive baseline, core XML / core JSON) and the peak memory
//! allocated while parsing, as a multiple of the body size.

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use contactnow_core::{Format, HttpResponse, Operation, ReadAssignments};
use criterion::{Criterion, Throughput};
use peak_alloc::PeakAlloc;
use serde::Deserialize;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const RECORDS: usize = 100_000;

/// The baseline: the same response read with plain derive into equivalent structs.
#[derive(Deserialize)]
struct BaselineEnvelope {
    #[allow(dead_code)]
    success: bool,
    #[allow(dead_code)]
    total: u64,
    #[allow(dead_code)]
    list: Vec<BaselineRecord>,
}

/// The same typed fields as the core's `Assignment`, read from the wire's numeric strings
/// (borrowed, so the baseline allocates no string per field).
#[derive(Deserialize)]
#[allow(dead_code)]
struct BaselineRecord {
    #[serde(deserialize_with = "number_in_string")]
    agentid: u64,
    #[serde(deserialize_with = "number_in_string")]
    qid: u64,
    #[serde(deserialize_with = "number_in_string")]
    level: u32,
}

/// A number sent as a JSON string, e.g. `"1007"`.
fn number_in_string<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text: &str = Deserialize::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn records() -> impl Iterator<Item = (u64, u64, u64)> {
    (0..RECORDS as u64).map(|i| (100_000 + i % 5_000, 1_000 + i / 5_000, i % 101))
}

fn json_body() -> Vec<u8> {
    let mut body = format!(r#"{{"success":true,"total":{RECORDS},"list":["#);
    for (i, (a, q, l)) in records().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"agentid":"{a}","qid":"{q}","level":"{l}"}}"#));
    }
    body.push_str("]}");
    body.into_bytes()
}

fn xml_body() -> Vec<u8> {
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>1</success><total>{RECORDS}</total><list>"
    );
    for (a, q, l) in records() {
        body.push_str(&format!("<priority><agentid>{a}</agentid><qid>{q}</qid><level>{l}</level></priority>"));
    }
    body.push_str("</list></result>");
    body.into_bytes()
}

fn core_parse(format: Format, response: &HttpResponse) -> usize {
    let listing = ReadAssignments::default().parse_response(format, response).expect("parses");
    assert_eq!(listing.records.len(), RECORDS);
    listing.records.len()
}

fn baseline_parse(body: &[u8]) -> usize {
    let envelope: BaselineEnvelope = serde_json::from_slice(body).expect("parses");
    envelope.list.len()
}

fn bench(c: &mut Criterion, json: &HttpResponse, xml: &HttpResponse) {
    let mut group = c.benchmark_group("read_100k");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(json.body.len() as u64));
    group.bench_function("serde_derive_baseline", |b| b.iter(|| baseline_parse(black_box(&json.body))));
    group.bench_function("core_json", |b| b.iter(|| core_parse(Format::Json, black_box(json))));
    group.throughput(Throughput::Bytes(xml.body.len() as u64));
    group.bench_function("core_xml", |b| b.iter(|| core_parse(Format::Xml, black_box(xml))));
    group.finish();
}

/// Median wall times of each of `fs` over `runs` rounds; the calls alternate within each
/// round, so a change in the machine's load affects them all alike.
fn medians<const N: usize>(runs: usize, fs: [&dyn Fn() -> usize; N]) -> [Duration; N] {
    let mut times = vec![Vec::with_capacity(runs); N];
    for _ in 0..runs {
        for (f, t) in fs.iter().zip(times.iter_mut()) {
            let start = Instant::now();
            black_box(f());
            t.push(start.elapsed());
        }
    }
    std::array::from_fn(|i| {
        times[i].sort();
        times[i][runs / 2]
    })
}

/// Peak bytes allocated by `f`, beyond what was live before it.
fn peak(f: impl FnOnce() -> usize) -> usize {
    let before = PEAK.current_usage();
    PEAK.reset_peak_usage();
    black_box(f());
    PEAK.peak_usage().saturating_sub(before)
}

fn summary(json: &HttpResponse, xml: &HttpResponse) {
    let mb = |bytes: usize, t: Duration| bytes as f64 / 1e6 / t.as_secs_f64();
    let runs = 31;
    let [baseline, core_json, core_xml] = medians(
        runs,
        [&|| baseline_parse(&json.body), &|| core_parse(Format::Json, json), &|| core_parse(Format::Xml, xml)],
    );
    let (jb, xb) = (json.body.len(), xml.body.len());
    println!("\n== summary: {RECORDS} records, median of {runs} alternating runs, same process ==");
    println!("body sizes: json {:.1} MB, xml {:.1} MB", jb as f64 / 1e6, xb as f64 / 1e6);
    println!("serde derive baseline: {:>8.1} MB/s  {:>7.2} ms", mb(jb, baseline), baseline.as_secs_f64() * 1e3);
    println!("core json:             {:>8.1} MB/s  {:>7.2} ms", mb(jb, core_json), core_json.as_secs_f64() * 1e3);
    println!("core xml:              {:>8.1} MB/s  {:>7.2} ms", mb(xb, core_xml), core_xml.as_secs_f64() * 1e3);
    let json_ratio = baseline.as_secs_f64() / core_json.as_secs_f64();
    let xml_mb_ratio = mb(xb, core_xml) / mb(jb, core_json);
    let xml_rec_ratio = core_json.as_secs_f64() / core_xml.as_secs_f64();
    println!("ratio core json / baseline: {json_ratio:.2}x (same body; goal >= 0.8x)");
    println!("ratio core xml / core json: {xml_mb_ratio:.2}x in MB/s (goal >= 0.5x), {xml_rec_ratio:.2}x in records/s");
    let pj = peak(|| core_parse(Format::Json, json));
    let px = peak(|| core_parse(Format::Xml, xml));
    println!(
        "peak memory while parsing: json {:.2}x body, xml {:.2}x body (goal <= 3x)",
        pj as f64 / jb as f64,
        px as f64 / xb as f64
    );
}

fn main() {
    let json = HttpResponse::new(200, Some("application/json"), json_body());
    let xml = HttpResponse::new(200, Some("text/xml"), xml_body());
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &json, &xml);
    c.final_summary();
    summary(&json, &xml);
}
