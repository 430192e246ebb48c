//! `contactnow call METHOD ACTION`: the generic call, for the `database.php` methods the
//! typed commands do not cover. Records come from a CSV file (a header of field names) and
//! results print as table, JSON or CSV with the columns the server sent.

use std::{
    io::{self, Write},
    path::Path,
};

use contactnow::{Client, Error, GenericCall, GenericResult};
use serde_json::{json, Map, Value};

use crate::output::{print_cells, Output};

/// Builds the call from the command's arguments: `filters` as `name=value`, `records` read
/// from a CSV file.
pub fn call(
    method: String,
    action: String,
    filters: &[String],
    records: Option<&Path>,
    repeatable: bool,
) -> Result<GenericCall, Error> {
    let mut call = GenericCall::read(method, action);
    for (i, filter) in filters.iter().enumerate() {
        let Some((name, value)) = filter.split_once('=') else {
            return Err(Error::invalid(format!("--filter[{i}]"), "expected name=value"));
        };
        call = call.filter(name, value);
    }
    if let Some(path) = records {
        call.records = read_records(path)?;
        call.repeatable = repeatable;
    }
    Ok(call)
}

fn read_records(path: &Path) -> Result<Vec<Vec<(String, String)>>, Error> {
    let bad = |why: String| Error::invalid("--records", format!("{}: {why}", path.display()));
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(e.to_string()))?;
        records.push(headers.iter().zip(row.iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect());
    }
    if records.is_empty() {
        return Err(bad("no records".to_owned()));
    }
    Ok(records)
}

/// Runs `call` and prints what came back.
pub fn run(client: &Client, call: &GenericCall, out: &mut dyn Write, output: Output) -> Result<(), Error> {
    let result = client.execute(call)?;
    print(out, output, &result).map_err(|e| Error::invalid("output", e.to_string()))
}

/// Prints a generic result: the records (columns in the order the server first sent them),
/// or for a call without records, its counts.
pub fn print(out: &mut dyn Write, output: Output, result: &GenericResult) -> io::Result<()> {
    let mut headers: Vec<String> = Vec::new();
    for record in &result.records {
        for (name, _) in &record.0 {
            if !headers.contains(name) {
                headers.push(name.clone());
            }
        }
    }
    let cells: Vec<Vec<String>> = result
        .records
        .iter()
        .map(|r| headers.iter().map(|h| r.get(h).unwrap_or_default().to_owned()).collect())
        .collect();
    match output {
        Output::Json => {
            let records: Vec<Value> = result
                .records
                .iter()
                .map(|r| Value::Object(r.0.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<_, _>>()))
                .collect();
            let document = json!({
                "account_id": result.account_id, "total": result.total, "bad": result.bad,
                "key": result.key, "error": result.error, "records": records,
            });
            serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
            writeln!(out)
        }
        _ if headers.is_empty() && output == Output::Table => {
            let opt = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
            writeln!(out, "done: total {}, bad {}, key {}", opt(result.total), opt(result.bad), opt(result.key))
        }
        _ => print_cells(out, output, &headers, &cells),
    }
}
