//! Printing records and results as a table, JSON or CSV.

use std::io::{self, Write};

use clap::ValueEnum;
use contactnow::{Assignment, TodPolicy, WriteResult};
use serde::Serialize;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Output {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON for programs.
    Json,
    /// CSV for spreadsheets (and `priority apply`).
    Csv,
}

/// A record that can be printed as a table row.
pub trait Row: Serialize {
    /// Column titles.
    const HEADERS: &'static [&'static str];
    /// The row's cells, in column order.
    fn cells(&self) -> Vec<String>;
}

impl Row for Assignment {
    const HEADERS: &'static [&'static str] = &["agent_id", "queue_id", "level"];
    fn cells(&self) -> Vec<String> {
        vec![self.agent_id.to_string(), self.queue_id.to_string(), self.level.to_string()]
    }
}

impl Row for TodPolicy {
    const HEADERS: &'static [&'static str] = &["uid", "description", "default"];
    fn cells(&self) -> Vec<String> {
        vec![self.uid.to_string(), self.description.clone(), self.default.to_string()]
    }
}

impl Row for WriteResult {
    const HEADERS: &'static [&'static str] = &["total", "bad", "key", "account_id"];
    fn cells(&self) -> Vec<String> {
        let opt = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
        vec![self.total.to_string(), self.bad.to_string(), opt(self.key), opt(self.account_id)]
    }
}

/// Prints `rows` to `out` in the chosen form.
pub fn print_rows<R: Row>(out: &mut dyn Write, output: Output, rows: &[R]) -> io::Result<()> {
    match output {
        Output::Json => {
            serde_json::to_writer_pretty(&mut *out, rows).map_err(io::Error::other)?;
            writeln!(out)
        }
        _ => {
            let headers: Vec<String> = R::HEADERS.iter().map(|h| (*h).to_owned()).collect();
            let cells: Vec<Vec<String>> = rows.iter().map(Row::cells).collect();
            print_cells(out, output, &headers, &cells)
        }
    }
}

/// Prints rows of `cells` under `headers` as CSV or an aligned table (not JSON).
pub fn print_cells(out: &mut dyn Write, output: Output, headers: &[String], cells: &[Vec<String>]) -> io::Result<()> {
    if output == Output::Csv {
        let mut writer = csv::Writer::from_writer(&mut *out);
        writer.write_record(headers).map_err(io::Error::other)?;
        for row in cells {
            writer.write_record(row).map_err(io::Error::other)?;
        }
        return writer.flush();
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, row: &[String]| -> io::Result<()> {
        let padded: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        writeln!(out, "{}", padded.join("  ").trim_end())
    };
    line(out, &headers.iter().map(|h| h.to_uppercase()).collect::<Vec<_>>())?;
    for row in cells {
        line(out, row)?;
    }
    Ok(())
}

/// Prints one write result.
pub fn print_write(out: &mut dyn Write, output: Output, what: &str, result: &WriteResult) -> io::Result<()> {
    match output {
        Output::Table => {
            let key = result.key.filter(|k| *k != 0).map(|k| format!(", key {k}")).unwrap_or_default();
            writeln!(out, "{what}: {} affected, {} failed{key}", result.total, result.bad)
        }
        _ => print_rows(out, output, std::slice::from_ref(result)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contactnow::DefaultAction;

    fn render<R: Row>(output: Output, rows: &[R]) -> String {
        let mut buf = Vec::new();
        print_rows(&mut buf, output, rows).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn table_json_and_csv() {
        let rows = [Assignment::new(1234, 1007, 0), Assignment::new(1, 2, 100)];
        assert_eq!(
            render(Output::Table, &rows),
            "AGENT_ID  QUEUE_ID  LEVEL\n1234      1007      0\n1         2         100\n"
        );
        assert_eq!(render(Output::Csv, &rows), "agent_id,queue_id,level\n1234,1007,0\n1,2,100\n");
        let json: serde_json::Value = serde_json::from_str(&render(Output::Json, &rows)).unwrap();
        assert_eq!(json[0]["agent_id"], 1234);
        let policy = TodPolicy { uid: 7, description: "a, \"b\"".into(), default: DefaultAction::Jump(9) };
        assert_eq!(render(Output::Csv, &[policy]), "uid,description,default\n7,\"a, \"\"b\"\"\",jump:9\n");
    }
}
