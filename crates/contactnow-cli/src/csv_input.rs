//! Reading desired assignments from CSV, with every bad row reported by line number.

use std::{collections::HashMap, fmt, io::Read};

use contactnow::Assignment;

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the file.
    pub line: u64,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

const AGENT: [&str; 3] = ["agent_id", "agentid", "agent"];
const QUEUE: [&str; 3] = ["queue_id", "qid", "queue"];
const LEVEL: [&str; 1] = ["level"];

/// Reads `agent_id,queue_id,level` rows (header required; `agentid`/`qid` also accepted).
/// Returns every problem found, not just the first, so a file is fixed in one pass.
pub fn read_assignments(mut input: impl Read) -> Result<Vec<Assignment>, Vec<RowError>> {
    let header_error = |reason: String| vec![RowError { line: 1, reason }];
    let mut text = Vec::new();
    input.read_to_end(&mut text).map_err(|e| header_error(format!("cannot read the file: {e}")))?;
    let mut lines = LineIndex::new(&text);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_slice());
    let headers = reader.headers().map_err(|e| header_error(format!("cannot read the header: {e}")))?.clone();
    if headers.is_empty() {
        return Err(header_error(
            "the file is empty: its first line must be the header agent_id,queue_id,level".into(),
        ));
    }
    let column = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let (Some(agent), Some(queue), Some(level)) = (column(&AGENT), column(&QUEUE), column(&LEVEL)) else {
        return Err(header_error(format!(
            "the header must name the columns agent_id (or agentid, agent), queue_id (or qid, queue) and \
             level; found {}",
            headers.iter().map(shown).collect::<Vec<_>>().join(", ")
        )));
    };

    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<(u64, u64), u64> = HashMap::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                errors.push(RowError { line, reason: format!("unreadable row: {e}") });
                continue;
            }
        };
        let line = row.position().map_or(0, |p| lines.line_at(p.byte()));
        if row.iter().all(str::is_empty) {
            continue;
        }
        // A stray comma shifts the values: refuse the row rather than read the wrong columns.
        if row.iter().skip(headers.len()).any(|f| !f.is_empty()) {
            let reason =
                format!("{} fields, but the header names {}: is there a stray comma?", row.len(), headers.len());
            errors.push(RowError { line, reason });
            continue;
        }
        let field = |i: usize, name: &str| -> Result<u64, String> {
            let text = row.get(i).unwrap_or_default();
            if text.is_empty() {
                return Err(format!("{name} is missing"));
            }
            text.parse::<u64>().map_err(|_| format!("{name} {} is not a whole non-negative number", shown(text)))
        };
        let parsed = (|| {
            let agent_id = field(agent, "agent_id")?;
            let queue_id = field(queue, "queue_id")?;
            let level = field(level, "level")?;
            if agent_id == 0 || queue_id == 0 {
                return Err("agent_id and queue_id must be positive".to_owned());
            }
            let level = u32::try_from(level).map_err(|_| format!("level {level} is too large"))?;
            Ok(Assignment::new(agent_id, queue_id, level))
        })();
        match parsed {
            Ok(a) => match seen.insert((a.agent_id, a.queue_id), line) {
                Some(first) => errors.push(RowError {
                    line,
                    reason: format!("agent {} / queue {} is already listed on line {first}", a.agent_id, a.queue_id),
                }),
                None => records.push(a),
            },
            Err(reason) => errors.push(RowError { line, reason }),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// Line numbers of records from the csv crate's record positions, which never decrease. Those
/// positions (and the crate's own line numbers) point before any blank lines that precede the
/// record, and into the `\r\n` that ends the previous one, so skip line ends first.
struct LineIndex<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self { text, offset: 0, line: 1 }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line end.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut end = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len()).max(self.offset);
        while matches!(self.text.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        self.line += self.text[self.offset..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = end;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_either_header_spelling() {
        let rows = read_assignments("agentid,qid,level\n1,2,3\n\n4, 5 ,6\n".as_bytes()).unwrap();
        assert_eq!(rows, vec![Assignment::new(1, 2, 3), Assignment::new(4, 5, 6)]);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let csv = "agent_id,queue_id,level\n1,2,3\nx,2,3\n1,2,4\n0,1,1\n5,6\n7,8,99999999999\n";
        let errors = read_assignments(csv.as_bytes()).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{errors:?}");
        assert!(errors[1].reason.contains("line 2"));
        assert!(errors[3].reason.contains("level is missing"));
    }

    #[test]
    fn counts_lines_of_crlf_files_and_quoted_newlines() {
        let csv = "agent_id,queue_id,level\r\n1,2,3\r\n\r\n1,2,x\r\n\"4\n\",5,6\r\n7,8,y\n";
        let errors = read_assignments(csv.as_bytes()).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 7], "{errors:?}");
        let lf = read_assignments("agent_id,queue_id,level\n1,2,3\n\n\n1,2,x\n".as_bytes()).unwrap_err();
        assert_eq!(lf[0].line, 5, "blank lines count: {lf:?}");
    }

    #[test]
    fn rejects_a_header_without_the_columns() {
        let errors = read_assignments("a,b,c\n1,2,3\n".as_bytes()).unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].reason.ends_with("found \"a\", \"b\", \"c\""), "{errors:?}");
        assert!(errors[0].reason.contains("qid"), "the accepted spellings: {errors:?}");
        let empty = read_assignments("".as_bytes()).unwrap_err();
        assert!(empty[0].reason.starts_with("the file is empty"), "{empty:?}");
    }

    #[test]
    fn rejects_rows_with_more_values_than_the_header() {
        let csv = "agent_id,queue_id,level\n1234,10,07,5\n1,2,3,\n";
        let errors = read_assignments(csv.as_bytes()).unwrap_err();
        assert_eq!(errors.len(), 1, "an empty extra field is a trailing comma: {errors:?}");
        assert_eq!(errors[0].line, 2);
        assert_eq!(errors[0].reason, "4 fields, but the header names 3: is there a stray comma?");
        let named = read_assignments("agent_id,queue_id,level,name\n1,2,3,Ann\n".as_bytes()).unwrap();
        assert_eq!(named, vec![Assignment::new(1, 2, 3)], "a column the header names is ignored");
    }
}

/// A value quoted in an error: at most 40 characters, with the length of what was cut (a
/// 50 MB field must not be echoed whole).
fn shown(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes in all)", &text[..cut], text.len()),
    }
}

#[cfg(test)]
mod shown_tests {
    use super::shown;

    #[test]
    fn long_values_are_cut() {
        assert_eq!(shown("12x"), "\"12x\"");
        let long = "9".repeat(50_000_000);
        let text = shown(&long);
        assert!(text.len() < 80 && text.ends_with("(50000000 bytes in all)"), "{text}");
    }
}
