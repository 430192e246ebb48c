//! Encoding write payloads as a `<dxi>` document with one element per record.

/// Encodes records as `<dxi><tag><field>value</field>...</tag>...</dxi>`, escaped.
pub(crate) fn encode(tag: &str, records: impl Iterator<Item = Vec<(&'static str, String)>>) -> Vec<u8> {
    let mut out = String::with_capacity(128);
    out.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    out.push_str("<dxi>");
    for fields in records {
        out.push('<');
        out.push_str(tag);
        out.push('>');
        for (name, value) in fields {
            out.push('<');
            out.push_str(name);
            out.push('>');
            escape_into(&mut out, &value);
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
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

    #[test]
    fn escapes_markup_and_whitespace_controls() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"c'\n\té");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;é");
    }
}
