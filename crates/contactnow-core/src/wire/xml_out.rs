//! Encoding write payloads as a `<dxi>` document, in the layouts the documents show.

/// How records sit in the `<dxi>` document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Every record in its own `<tag>` element, as the priority create example shows.
    Wrapped,
    /// A lone record's fields directly under `<dxi>`, as the priority update and both TOD
    /// examples show. The documents show no multi-record form for these, so several records
    /// are wrapped as in `Wrapped` (assumed, and what the sandbox accepts).
    BareWhenSingle,
}

/// Encodes records as `<dxi><tag><field>value</field>...</tag>...</dxi>` (or, for one record in
/// the `BareWhenSingle` layout, `<dxi><field>value</field>...</dxi>`), escaped.
pub(crate) fn encode<K: AsRef<str>>(
    tag: &str,
    layout: Layout,
    records: impl ExactSizeIterator<Item = Vec<(K, String)>>,
) -> Vec<u8> {
    let wrap = layout == Layout::Wrapped || records.len() != 1;
    let mut out = String::with_capacity(128);
    out.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    out.push_str("<dxi>");
    for fields in records {
        if wrap {
            out.push('<');
            out.push_str(tag);
            out.push('>');
        }
        for (name, value) in fields {
            let name = name.as_ref();
            out.push('<');
            out.push_str(name);
            out.push('>');
            escape_into(&mut out, &value);
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        if wrap {
            out.push_str("</");
            out.push_str(tag);
            out.push('>');
        }
    }
    out.push_str("</dxi>");
    out.into_bytes()
}

/// Escapes markup characters, and tab, newline and carriage return as character references
/// so that XML's whitespace normalisation keeps them.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: u32) -> Vec<(&'static str, String)> {
        vec![("a", n.to_string())]
    }

    #[test]
    fn lays_out_one_or_many_records() {
        let text = |layout, n: u32| String::from_utf8(encode("t", layout, (0..n).map(record))).unwrap();
        let head = r#"<?xml version="1.0" encoding="utf-8"?>"#;
        assert_eq!(text(Layout::Wrapped, 1), format!("{head}<dxi><t><a>0</a></t></dxi>"));
        assert_eq!(text(Layout::BareWhenSingle, 1), format!("{head}<dxi><a>0</a></dxi>"));
        assert_eq!(text(Layout::BareWhenSingle, 2), format!("{head}<dxi><t><a>0</a></t><t><a>1</a></t></dxi>"));
    }

    #[test]
    fn escapes_markup_and_whitespace_controls() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"c'\n\té");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;é");
    }
}
