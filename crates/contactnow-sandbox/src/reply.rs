//! Encoding `database.php` answers in the documents' JSON and XML layouts.

use crate::store::{Outcome, Policy};

/// The answer format (`format=json|xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xml => "text/xml; charset=ISO-8859-1",
        }
    }
}

/// A scalar in an answer.
enum Item {
    Bool(bool),
    Num(u64),
    Int(i64),
    Str(String),
}

/// A read's records: each a list of (field, value) in wire order.
type Rows = Vec<Vec<(&'static str, String)>>;

/// Builds an answer from ordered fields, then encodes it in either format.
pub(crate) struct Answer {
    fields: Vec<(&'static str, Item)>,
    list: Option<(&'static str, Rows)>,
}

impl Answer {
    fn new(success: bool) -> Self {
        Self { fields: vec![("success", Item::Bool(success))], list: None }
    }

    /// `{"success":false,"error":..}`, with `"expire":-1` for an expired token.
    pub(crate) fn error(text: impl Into<String>, expired: bool) -> Self {
        let mut a = Answer::new(false);
        a.fields.push(("error", Item::Str(text.into())));
        if expired {
            a.fields.push(("expire", Item::Int(-1)));
        }
        a
    }

    /// A write's answer. success is false only when every record of the batch failed.
    pub(crate) fn write(account_id: u64, outcome: &Outcome) -> Self {
        let success = outcome.succeeded();
        let mut a = Answer::new(success);
        a.fields.push(("account_id", Item::Str(account_id.to_string())));
        a.fields.push(("total", Item::Num(outcome.total)));
        a.fields.push(("bad", Item::Num(outcome.bad)));
        if let Some(key) = outcome.key {
            a.fields.push(("key", Item::Num(key)));
        }
        if !outcome.errors.is_empty() {
            let mut text = outcome.errors.join("; ");
            if success {
                text = format!("{} of the records failed: {text}", outcome.bad);
            }
            a.fields.push(("error", Item::Str(text)));
        }
        a
    }

    pub(crate) fn assignments(rows: &[(u64, u64, u32)]) -> Self {
        let mut a = Answer::new(true);
        a.fields.push(("total", Item::Num(rows.len() as u64)));
        let list = rows
            .iter()
            .map(|(agent, qid, level)| {
                vec![("agentid", agent.to_string()), ("qid", qid.to_string()), ("level", level.to_string())]
            })
            .collect();
        a.list = Some(("priority", list));
        a
    }

    pub(crate) fn policies(rows: &[(u64, Policy)]) -> Self {
        let mut a = Answer::new(true);
        a.fields.push(("total", Item::Num(rows.len() as u64)));
        let list = rows
            .iter()
            .map(|(uid, p)| {
                vec![("uid", uid.to_string()), ("description", p.description.clone()), ("default", p.default.clone())]
            })
            .collect();
        a.list = Some(("tod_policy", list));
        a
    }

    pub(crate) fn encode(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Json => self.json().into_bytes(),
            Format::Xml => self.xml().into_bytes(),
        }
    }

    fn json(&self) -> String {
        let mut out = String::from("{");
        for (i, (name, item)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_str(&mut out, name);
            out.push(':');
            match item {
                Item::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Item::Num(n) => out.push_str(&n.to_string()),
                Item::Int(n) => out.push_str(&n.to_string()),
                Item::Str(s) => json_str(&mut out, s),
            }
        }
        if let Some((_, records)) = &self.list {
            out.push_str(",\"list\":[");
            for (i, record) in records.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('{');
                for (j, (name, value)) in record.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    json_str(&mut out, name);
                    out.push(':');
                    json_str(&mut out, value);
                }
                out.push('}');
            }
            out.push(']');
        }
        out.push('}');
        out
    }

    fn xml(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result>");
        for (name, item) in &self.fields {
            let value = match item {
                Item::Bool(b) => u8::from(*b).to_string(),
                Item::Num(n) => n.to_string(),
                Item::Int(n) => n.to_string(),
                Item::Str(s) => s.clone(),
            };
            xml_field(&mut out, name, &value);
        }
        if let Some((tag, records)) = &self.list {
            out.push_str("<list>");
            for record in records {
                out.push('<');
                out.push_str(tag);
                out.push('>');
                for (name, value) in record {
                    xml_field(&mut out, name, value);
                }
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            out.push_str("</list>");
        }
        out.push_str("</result>\n");
        out
    }
}

/// A JSON string as PHP's `json_encode` writes it by default: non-ASCII as `\uXXXX`, `/` as `\/`.
pub(crate) fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn xml_field(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    xml_escape(out, value);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes markup, and everything outside printable ASCII as a numeric character reference,
/// so that the text is exact whatever the declared ISO-8859-1 encoding.
pub(crate) fn xml_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(total: u64, bad: u64, unchanged: u64, key: Option<u64>) -> Outcome {
        Outcome { total, bad, unchanged, key, errors: (0..bad).map(|i| format!("record {}: x", i + 1)).collect() }
    }

    #[test]
    fn write_answers_match_the_documents() {
        let a = Answer::write(10278, &outcome(1, 0, 0, Some(550423)));
        assert_eq!(
            String::from_utf8(a.encode(Format::Json)).unwrap(),
            r#"{"success":true,"account_id":"10278","total":1,"bad":0,"key":550423}"#
        );
        assert_eq!(
            String::from_utf8(a.encode(Format::Xml)).unwrap(),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<result><success>1</success><account_id>10278</account_id><total>1</total><bad>0</bad><key>550423</key></result>\n"
        );
        let a = Answer::write(10278, &outcome(1, 0, 0, None));
        assert_eq!(
            String::from_utf8(a.encode(Format::Json)).unwrap(),
            r#"{"success":true,"account_id":"10278","total":1,"bad":0}"#
        );
        let a = Answer::write(10278, &outcome(0, 2, 0, Some(0)));
        assert!(String::from_utf8(a.encode(Format::Json)).unwrap().starts_with(
            r#"{"success":false,"account_id":"10278","total":0,"bad":2,"key":0,"error":"record 1: x; record 2: x"}"#
        ));
        let a = Answer::write(10278, &outcome(0, 1, 1, Some(0)));
        assert!(String::from_utf8(a.encode(Format::Json)).unwrap().starts_with(r#"{"success":true"#));
    }

    #[test]
    fn reads_and_escapes() {
        let rows = vec![(5, Policy { description: "Caf\u{e9} & <24/7> \u{260E}".into(), default: "hangup".into() })];
        let a = Answer::policies(&rows);
        assert_eq!(
            String::from_utf8(a.encode(Format::Json)).unwrap(),
            r#"{"success":true,"total":1,"list":[{"uid":"5","description":"Caf\u00e9 & <24\/7> \u260e","default":"hangup"}]}"#
        );
        assert!(String::from_utf8(a.encode(Format::Xml))
            .unwrap()
            .contains("<list><tod_policy><uid>5</uid><description>Caf&#xE9; &amp; &lt;24/7&gt; &#x260E;</description><default>hangup</default></tod_policy></list>"));
        let a = Answer::error("Expired token", true);
        assert_eq!(
            String::from_utf8(a.encode(Format::Json)).unwrap(),
            r#"{"success":false,"error":"Expired token","expire":-1}"#
        );
    }
}
