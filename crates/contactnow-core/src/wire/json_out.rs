//! Encoding write payloads as the documented JSON array of flat objects.

/// Encodes records, each a list of `(field, value)` pairs, as `[{"f":"v",...},...]`.
pub(crate) fn encode<'a, K: AsRef<str>>(records: impl Iterator<Item = Vec<(K, String)>> + 'a) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.push(b'[');
    for (i, fields) in records.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'{');
        for (j, (name, value)) in fields.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            push_string(&mut out, name.as_ref());
            out.push(b':');
            push_string(&mut out, value);
        }
        out.push(b'}');
    }
    out.push(b']');
    out
}

fn push_string(out: &mut Vec<u8>, value: &str) {
    // Writing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}
