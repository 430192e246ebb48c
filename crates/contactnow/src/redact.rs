//! Removing secrets from texts that leave the client (ureq's errors, echoed bodies).

use contactnow_core::{percent_encode, scrub, REDACTED};

/// Removes each secret (raw and percent-encoded) from `text`, and the values of any
/// `token=` / `password=` query parameters in URLs it quotes.
pub(crate) fn clean(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let encoded = percent_encode(secret);
        for form in [secret.to_string(), encoded.clone(), encoded.to_ascii_lowercase()] {
            out = scrub(&out, &form);
            out = cut_tail(out, &form);
        }
    }
    redact_params(&out)
}

/// An excerpt cut short (ending in `…`) may end with the start of a secret: hide it.
fn cut_tail(text: String, secret: &str) -> String {
    let Some(head) = text.strip_suffix('…') else { return text };
    let longest = (3..secret.len().min(head.len()) + 1)
        .rev()
        .filter(|&n| secret.is_char_boundary(n))
        .find(|&n| head.ends_with(&secret[..n]));
    match longest {
        Some(n) => format!("{}{REDACTED}…", &head[..head.len() - n]),
        None => text,
    }
}

/// Replaces the values of `token=` and `password=` wherever they appear in `text`.
fn redact_params(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("token=") && !lower.contains("password=") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let rest = &lower[i..];
        let key_len = if rest.starts_with("token=") && boundary(bytes, i) {
            Some(6)
        } else if rest.starts_with("password=") && boundary(bytes, i) {
            Some(9)
        } else {
            None
        };
        if let Some(len) = key_len {
            out.push_str(&text[i..i + len]);
            i += len;
            let end = text[i..]
                .find(|c: char| c == '&' || c == '#' || c == '"' || c == '\'' || c == '<' || c.is_whitespace())
                .map_or(text.len(), |n| i + n);
            if end > i {
                out.push_str(REDACTED);
            }
            i = end;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

/// Whether the parameter name starting at `i` is not the tail of a longer word.
fn boundary(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_raw_encoded_and_params() {
        let text = "GET http://h/database.php?token=abc%2Fd&method=x failed; echo abc/d, abc%2fd password=p w";
        let out = clean(text, &["abc/d"]);
        assert_eq!(out, "GET http://h/database.php?token=***&method=x failed; echo ***, *** password=*** w");
        assert_eq!(clean("mytoken=1 é", &[]), "mytoken=1 é");
        assert_eq!(clean("no secrets", &["", "zzz"]), "no secrets");
        assert_eq!(clean("echo (token tok-SE…", &["tok-SECRET"]), "echo (token ***…");
        assert_eq!(clean("echo to…", &["tok-SECRET"]), "echo to…");
    }
}
