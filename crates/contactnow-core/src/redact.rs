//! Removing secrets from texts that leave the SDK (error messages, body excerpts), in every
//! form a server may echo them back in.
//!
//! A hostile or careless server may quote the request: the token and the password come
//! back raw, percent-encoded (upper- or lower-case hex, byte by byte, unreserved bytes
//! too), form-encoded (`+` for a space), HTML-escaped (`&amp;`, `&#38;`, `&#x26;`,
//! `&eacute;`), as JSON string escapes (`\"`, `\/`, `\u00e9`, `\ud83d\ude00`) or any mix of
//! these. Rather than listing forms, the matcher walks the text one *unit* at a time, a
//! unit being a raw byte or one escape, and compares what the unit decodes to with the
//! secret's bytes; every way of reading an escape is tried (a `%` may be a raw percent sign
//! or the start of `%26`), so a span is hidden whenever *some* reading of it is the secret.
//!
//! Rules (see [`scrub_secrets`] and [`excerpt`]):
//! - every non-empty secret is hidden, however short (a one-letter password hides every
//!   such letter: a mangled text is better than a leaked secret), in any text that may hold
//!   what a server sent;
//! - in the SDK's own texts (an input error's reason, see [`scrub_own`]), a secret shorter
//!   than eight bytes (`MIN_INFIX`) is hidden only where it stands alone, not inside a run of
//!   letters and digits: hiding every `e` of `must be a positive id` would mangle the text,
//!   and where the `***` fell would show the secret;
//! - a text cut short (ending in `…`) whose end reads as the first
//!   three (`MIN_CUT_PREFIX`) or more bytes of a secret has that end hidden too (an escape cut in
//!   its middle counts for nothing and is hidden with it), so at most two bytes of a secret
//!   can show at a cut;
//! - the values of `token=` and `password=` parameters are hidden wherever they appear.
//!
//! Not recognised: escapes nested in other escapes (`%2526`, `&amp;#38;`), numeric
//! character references with more than ten digits, HTML named references outside
//! Latin-1 and the usual Windows-1252 punctuation, and case changes of the secret.
//!
//! The work is linear in the text's length times the secret's length: every start position
//! is tried, and a start that does not decode to the secret's first byte costs one compare.

use std::{cmp::Reverse, collections::BinaryHeap, ops::Range};

use crate::secret::REDACTED;

/// Bytes from which [`scrub_own`] hides a secret inside words too.
const MIN_INFIX: usize = 8;

/// Decoded bytes of a secret that the end of a cut text must show to be hidden.
const MIN_CUT_PREFIX: usize = 3;

/// Text bytes one unit can take per byte it decodes to, at most (`&#x0000000041;`).
const MAX_UNIT: usize = 14;

/// Digits a numeric character reference may have (leading zeros included).
const MAX_REF_DIGITS: usize = 10;

/// Length of body excerpts in error texts, in characters (a final `***` may add two).
const EXCERPT_CHARS: usize = 120;

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&[u8]; 2] = [b"token=", b"password="];

/// Returns `text` with every plausible echo of every non-empty secret replaced by `***`.
///
/// Hidden: the secret raw, percent-encoded with upper- or lower-case hex per byte and any
/// subset of its bytes encoded (`%uXXXX` too), form-encoded (`+` for a space), as HTML
/// character references (named, decimal or hex), as JSON or C-style backslash escapes, and
/// any mix of these; overlapping or adjacent echoes become one `***`. Also hidden: the
/// values of `token=` / `password=` parameters (as in quoted URLs), and, when the text was
/// cut short (ends in `…`), an end that reads as the first three or more bytes of a secret.
/// A secret of any length is hidden, one byte long included.
///
/// ```
/// use contactnow_core::scrub_secrets;
/// assert_eq!(scrub_secrets("echo Ab%26c%3dD!", &["Ab&c=D"]), "echo ***!");
/// assert_eq!(scrub_secrets("a &#x41;&#98;+c b", &["Ab c"]), "a *** b");
/// assert_eq!(scrub_secrets("GET /x?token=abc&raw=1", &[]), "GET /x?token=***&raw=1");
/// assert_eq!(scrub_secrets("quote: tok-SE…", &["tok-SECRET"]), "quote: ***…");
/// ```
pub fn scrub_secrets(text: &str, secrets: &[&str]) -> String {
    scrub(text, secrets, 0)
}

/// [`scrub_secrets`] for a text the SDK wrote (an input error's reason, which may quote the
/// input): a secret shorter than eight bytes is hidden only where no letter or digit touches
/// it, so that the SDK's words stay whole and do not show where a short secret's letters are.
///
/// ```
/// use contactnow_core::scrub_own;
/// assert_eq!(scrub_own("must be a positive id, got 'e'", &["e"]), "must be a positive id, got '***'");
/// assert_eq!(scrub_own("got tok-SECRET-1", &["SECRET"]), "got tok-***-1");
/// assert_eq!(scrub_own("got xtok-SECRET-9x", &["tok-SECRET-9"]), "got x***x");
/// ```
pub fn scrub_own(text: &str, secrets: &[&str]) -> String {
    scrub(text, secrets, MIN_INFIX)
}

/// Scrubs `text`; secrets shorter than `alone_below` bytes only where they stand alone.
fn scrub(text: &str, secrets: &[&str], alone_below: usize) -> String {
    let (head, cut) = match text.strip_suffix('…') {
        Some(head) => (head, true),
        None => (text, false),
    };
    let mut regions = regions(head, secrets, alone_below);
    if cut {
        if let Some(start) = cut_tail(head, secrets) {
            regions.push(start..head.len());
            regions = merged(regions);
        }
    }
    if regions.is_empty() {
        return text.to_owned();
    }
    let mut out = apply(head, &regions);
    if cut {
        out.push('…');
    }
    out
}

/// The printable start of a response body, for error texts, with every secret hidden.
///
/// At most 120 characters (122 when it ends in `***`), followed by `…` when the body is
/// longer; invalid UTF-8 is replaced, tabs and line breaks become spaces and other control
/// characters `\u{fffd}`. The secrets are hidden (as by [`scrub_secrets`]) *before* the
/// body is cut, on enough of it that an echo running past the cut is seen whole; then an
/// end that reads as the start of a secret is hidden, and only then are control characters
/// replaced (so a secret holding a tab is still recognised).
///
/// ```
/// use contactnow_core::excerpt;
/// let body = format!("{}tok%2DSECRET\t{}", "x".repeat(100), "y".repeat(100));
/// let e = excerpt(body.as_bytes(), &["tok-SECRET"]);
/// assert_eq!(e, format!("{}*** {}…", "x".repeat(100), "y".repeat(16)));
/// ```
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let longest = secrets.iter().map(|s| s.len()).max().unwrap_or(0);
    // Bytes an echo may run past the cut: a whole echo, plus an escape cut in its middle.
    let reach = MAX_UNIT * (longest + 1);
    let mut window = EXCERPT_CHARS * 4 + reach;
    loop {
        let end = window.min(body.len());
        let complete = end == body.len();
        let text = decode_window(&body[..end], complete);
        let regions = regions(&text, secrets, 0);
        let (stop, more) = cut_point(&text, &regions);
        // Seen whole: an echo starting before the cut ends within the window.
        if !complete && (!more || text.len() - stop < reach) {
            window = window.saturating_mul(2);
            continue;
        }
        let kept: Vec<Range<usize>> =
            regions.iter().filter(|r| r.start < stop).map(|r| r.start..r.end.min(stop)).collect();
        let mut head = apply(&text[..stop], &kept);
        let cut = more || !complete;
        if cut {
            if let Some(start) = cut_tail(&head, secrets) {
                head.truncate(start);
                if !head.ends_with(REDACTED) {
                    head.push_str(REDACTED);
                }
            }
            head.push('…');
        }
        return printable(&head);
    }
}

/// Decodes a window of a body: invalid UTF-8 replaced, a character cut at the window's end
/// dropped (the rest of the body has it).
fn decode_window(bytes: &[u8], complete: bool) -> String {
    let mut bytes = bytes;
    if !complete {
        if let Err(e) = std::str::from_utf8(bytes) {
            if e.error_len().is_none() {
                bytes = &bytes[..e.valid_up_to()];
            }
        }
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Where an excerpt of `text` stops (a byte offset): after 120 characters, a region
/// counting as its three-character marker and never split. The flag tells whether text
/// remains after that point.
fn cut_point(text: &str, regions: &[Range<usize>]) -> (usize, bool) {
    let mut shown = 0;
    let mut i = 0;
    let mut next = regions.iter().peekable();
    while i < text.len() {
        if shown >= EXCERPT_CHARS {
            return (i, true);
        }
        if let Some(region) = next.next_if(|r| r.start == i) {
            shown += REDACTED.len();
            i = region.end;
            continue;
        }
        let width = text[i..].chars().next().map_or(1, char::len_utf8);
        shown += 1;
        i += width;
    }
    (text.len(), false)
}

/// Tabs and line breaks as spaces, other control characters as `\u{fffd}`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `text` with each region replaced by `***`. Regions are sorted, disjoint, on character
/// boundaries.
fn apply(text: &str, regions: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for region in regions {
        out.push_str(text.get(at..region.start).unwrap_or_default());
        out.push_str(REDACTED);
        at = region.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Every span of `text` to hide, sorted and merged: echoes of the secrets (of one shorter
/// than `alone_below` bytes, only those that stand alone) and values of secret parameters.
fn regions(text: &str, secrets: &[&str], alone_below: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut walker = Walker::default();
    for secret in secrets.iter().map(|s| s.as_bytes()).filter(|s| !s.is_empty()) {
        for start in 0..bytes.len() {
            if !could_start(bytes[start], secret[0]) {
                continue;
            }
            let mut longest = None;
            walker.walk(bytes, start, secret, |t, k| {
                if k == secret.len() {
                    longest = longest.max(Some(t));
                }
                false
            });
            if let Some(end) = longest {
                if secret.len() >= alone_below || stands_alone(bytes, &(start..end)) {
                    found.push(start..end);
                }
            }
        }
    }
    param_values(bytes, &mut found);
    for region in &mut found {
        // Matches end on character boundaries; this keeps slicing safe whatever happens.
        while !text.is_char_boundary(region.end) {
            region.end += 1;
        }
    }
    merged(found)
}

/// Whether `region` of `bytes` has no letter or digit right before or after it.
fn stands_alone(bytes: &[u8], region: &Range<usize>) -> bool {
    let word = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    let before = region.start.checked_sub(1).and_then(|i| bytes.get(i));
    !word(before) && !word(bytes.get(region.end))
}

/// The start of the end of `head` to hide because it reads as the start of a secret (at
/// least three decoded bytes, then possibly an escape cut in its middle).
fn cut_tail(head: &str, secrets: &[&str]) -> Option<usize> {
    let bytes = head.as_bytes();
    let mut walker = Walker::default();
    let mut earliest: Option<usize> = None;
    for secret in secrets.iter().map(|s| s.as_bytes()).filter(|s| s.len() >= MIN_CUT_PREFIX) {
        let from = bytes.len().saturating_sub(MAX_UNIT * (secret.len() + 1));
        for start in from..earliest.unwrap_or(bytes.len()) {
            if !head.is_char_boundary(start) || !could_start(bytes[start], secret[0]) {
                continue;
            }
            let reaches_end = walker.walk(bytes, start, secret, |t, k| {
                k >= MIN_CUT_PREFIX && (t == bytes.len() || partial_unit(&bytes[t..]))
            });
            if reaches_end {
                earliest = Some(start);
                break;
            }
        }
    }
    earliest
}

/// Whether `rest` may be an escape cut in its middle (`%4`, `&#x2`, `\u00`).
fn partial_unit(rest: &[u8]) -> bool {
    rest.len() <= 2 * MAX_UNIT
        && matches!(rest.first(), Some(b'%' | b'&' | b'\\'))
        && rest[1..].iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'#' | b'\\' | b'%'))
}

/// Whether a unit starting with `byte` may decode to bytes starting with `first`.
fn could_start(byte: u8, first: u8) -> bool {
    byte == first || matches!(byte, b'%' | b'&' | b'\\') || (byte == b'+' && first == b' ')
}

/// Adds the values of `token=` and `password=` parameters (names in any case, not the
/// tail of a longer word) up to the next `&`, `#`, quote, `<` or whitespace.
fn param_values(bytes: &[u8], found: &mut Vec<Range<usize>>) {
    for i in 0..bytes.len() {
        if !matches!(bytes[i], b't' | b'T' | b'p' | b'P') {
            continue;
        }
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
            continue;
        }
        let Some(name) = SECRET_PARAMS
            .iter()
            .find(|name| bytes.get(i..i + name.len()).is_some_and(|s| s.eq_ignore_ascii_case(name)))
        else {
            continue;
        };
        let start = i + name.len();
        let end = bytes[start..]
            .iter()
            .position(|&b| matches!(b, b'&' | b'#' | b'"' | b'\'' | b'<') || b.is_ascii_whitespace())
            .map_or(bytes.len(), |n| start + n);
        if end > start {
            found.push(start..end);
        }
    }
}

/// Sorts ranges and joins those that overlap or touch.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// What one unit of text decodes to: up to four bytes (one character).
#[derive(Clone, Copy)]
struct Decoded {
    bytes: [u8; 4],
    len: u8,
}

impl Decoded {
    fn byte(b: u8) -> Self {
        Self { bytes: [b, 0, 0, 0], len: 1 }
    }

    fn char(c: char) -> Self {
        let mut bytes = [0; 4];
        let len = c.encode_utf8(&mut bytes).len() as u8;
        Self { bytes, len }
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The ways the text at one position can be read: (end of the unit, what it decodes to).
struct Units {
    items: [(usize, Decoded); 2],
    len: usize,
}

impl Units {
    fn at(text: &[u8], t: usize) -> Self {
        let raw = (t + 1, Decoded::byte(text[t]));
        let escape = match text[t] {
            b'%' => percent(text, t),
            b'+' => Some((t + 1, Decoded::byte(b' '))),
            b'&' => reference(text, t),
            b'\\' => backslash(text, t),
            _ => None,
        };
        match escape {
            Some(escape) => Self { items: [raw, escape], len: 2 },
            None => Self { items: [raw, raw], len: 1 },
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(usize, Decoded)> {
        self.items[..self.len].iter()
    }
}

/// Searches the ways of reading `text` from `start` as a prefix of `secret`.
///
/// States are (text position, secret bytes matched); `visit` sees each reachable state
/// once and returns true to stop the search (then `walk` returns true). States with the
/// whole secret matched are not followed further. A single reading is followed without
/// allocation; ambiguous ones go through a heap ordered by text position, which makes each
/// state visited once (every unit moves forward, so all copies of a state are queued before
/// the first is taken).
#[derive(Default)]
struct Walker {
    heap: BinaryHeap<Reverse<(usize, usize)>>,
}

impl Walker {
    fn walk(&mut self, text: &[u8], start: usize, secret: &[u8], mut visit: impl FnMut(usize, usize) -> bool) -> bool {
        let step = |t: usize, k: usize, next: &mut [(usize, usize); 2]| -> usize {
            if k == secret.len() || t == text.len() {
                return 0;
            }
            let mut n = 0;
            for (end, decoded) in Units::at(text, t).iter() {
                let d = decoded.as_slice();
                if secret[k..].starts_with(d) {
                    next[n] = (*end, k + d.len());
                    n += 1;
                }
            }
            n
        };
        let mut next = [(0, 0); 2];
        let (mut t, mut k) = (start, 0);
        loop {
            if visit(t, k) {
                return true;
            }
            // A byte that starts no escape reads only as itself.
            if let (Some(&b), Some(&want)) = (text.get(t), secret.get(k)) {
                if !matches!(b, b'%' | b'+' | b'&' | b'\\') {
                    if b != want {
                        return false;
                    }
                    (t, k) = (t + 1, k + 1);
                    continue;
                }
            }
            match step(t, k, &mut next) {
                0 => return false,
                1 => (t, k) = next[0],
                n => {
                    self.heap.clear();
                    self.heap.extend(next[..n].iter().map(|&s| Reverse(s)));
                    break;
                }
            }
        }
        let mut last = None;
        while let Some(Reverse(state)) = self.heap.pop() {
            if last == Some(state) {
                continue;
            }
            last = Some(state);
            if visit(state.0, state.1) {
                return true;
            }
            let n = step(state.0, state.1, &mut next);
            self.heap.extend(next[..n].iter().map(|&s| Reverse(s)));
        }
        false
    }
}

/// The value of a hex digit.
fn hex(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// Four hex digits at `at`.
fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = text.get(at..at + 4)?;
    digits.iter().try_fold(0, |v, &b| Some(v * 16 + hex(b)?))
}

/// A UTF-16 code unit at `at` (four hex digits after `intro`, e.g. `\u`), joined with a
/// following low surrogate when it is a high one: the character and the end of the unit.
fn utf16(text: &[u8], at: usize, intro: &[u8]) -> Option<(usize, Decoded)> {
    let unit = hex4(text, at)?;
    let end = at + 4;
    match unit {
        0xD800..=0xDBFF => {
            let low_at = end + intro.len();
            if !text.get(end..low_at)?.eq_ignore_ascii_case(intro) {
                return None;
            }
            let low = hex4(text, low_at)?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return None;
            }
            let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
            Some((low_at + 4, Decoded::char(c)))
        }
        _ => Some((end, Decoded::char(char::from_u32(unit)?))),
    }
}

/// `%XX` (either case) or `%uXXXX` at `t`.
fn percent(text: &[u8], t: usize) -> Option<(usize, Decoded)> {
    match *text.get(t + 1)? {
        b'u' | b'U' => utf16(text, t + 2, b"%u"),
        high => {
            let value = hex(high)? * 16 + hex(*text.get(t + 2)?)?;
            Some((t + 3, Decoded::byte(value as u8)))
        }
    }
}

/// A backslash escape at `t`: `\uXXXX` (surrogate pairs joined), `\xHH`, `\n`, `\r`,
/// `\t`, `\b`, `\f`, `\v`, `\0`, or a backslash before punctuation or a space.
fn backslash(text: &[u8], t: usize) -> Option<(usize, Decoded)> {
    let byte = |b| Some((t + 2, Decoded::byte(b)));
    match *text.get(t + 1)? {
        b'u' => utf16(text, t + 2, b"\\u"),
        b'x' => {
            let value = hex(*text.get(t + 2)?)? * 16 + hex(*text.get(t + 3)?)?;
            Some((t + 4, Decoded::byte(value as u8)))
        }
        b'n' => byte(b'\n'),
        b'r' => byte(b'\r'),
        b't' => byte(b'\t'),
        b'b' => byte(0x08),
        b'f' => byte(0x0C),
        b'v' => byte(0x0B),
        b'0' => byte(0),
        p if p.is_ascii_punctuation() || p == b' ' => byte(p),
        _ => None,
    }
}

/// An HTML character reference at `t`: `&#NN;`, `&#xHH;` or a named one.
fn reference(text: &[u8], t: usize) -> Option<(usize, Decoded)> {
    let rest = text.get(t + 1..)?;
    if rest.first() == Some(&b'#') {
        let (radix, from) = if matches!(rest.get(1), Some(b'x' | b'X')) { (16, 2) } else { (10, 1) };
        let digits = rest[from..].iter().take(MAX_REF_DIGITS).take_while(|b| char::from(**b).is_digit(radix)).count();
        if digits == 0 || rest.get(from + digits) != Some(&b';') {
            return None;
        }
        let value = rest[from..from + digits]
            .iter()
            .try_fold(0u32, |v, &b| v.checked_mul(radix)?.checked_add(char::from(b).to_digit(radix)?))?;
        let c = char::from_u32(value)?;
        return Some((t + 1 + from + digits + 1, Decoded::char(c)));
    }
    let len = rest.iter().take(9).position(|&b| b == b';')?;
    let c = named(rest.get(..len)?)?;
    Some((t + 1 + len + 1, Decoded::char(c)))
}

/// HTML names of U+00A0 to U+00FF, in order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy",
    "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm",
    "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
    "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

/// Other HTML names PHP's `htmlentities` writes (ASCII and Windows-1252 punctuation).
const OTHER_NAMES: [(&str, char); 32] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("OElig", '\u{152}'),
    ("oelig", '\u{153}'),
    ("Scaron", '\u{160}'),
    ("scaron", '\u{161}'),
    ("Yuml", '\u{178}'),
    ("fnof", '\u{192}'),
    ("circ", '\u{2C6}'),
    ("tilde", '\u{2DC}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("lsquo", '\u{2018}'),
    ("rsquo", '\u{2019}'),
    ("sbquo", '\u{201A}'),
    ("ldquo", '\u{201C}'),
    ("rdquo", '\u{201D}'),
    ("bdquo", '\u{201E}'),
    ("dagger", '\u{2020}'),
    ("Dagger", '\u{2021}'),
    ("bull", '\u{2022}'),
    ("hellip", '\u{2026}'),
    ("permil", '\u{2030}'),
    ("lsaquo", '\u{2039}'),
    ("rsaquo", '\u{203A}'),
    ("euro", '\u{20AC}'),
];

/// The character an HTML name stands for (names are case-sensitive).
fn named(name: &[u8]) -> Option<char> {
    if let Some(i) = LATIN1.iter().position(|n| n.as_bytes() == name) {
        return char::from_u32(0xA0 + i as u32);
    }
    OTHER_NAMES.iter().find(|(n, _)| n.as_bytes() == name).map(|&(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub1(text: &str, secret: &str) -> String {
        scrub_secrets(text, &[secret])
    }

    #[test]
    fn review_examples_percent_forms() {
        // Lower-case hex of a secret with upper-case letters; hex case mixed per byte.
        for echo in ["Ab%26c%3dD", "Ab%26c%3DD", "%41b%26c%3dD", "%41%62%26%63%3D%44", "A%62&c%3d%44", "Ab%26c=D"] {
            assert_eq!(scrub1(&format!("x {echo} y"), "Ab&c=D"), "x *** y", "{echo}");
        }
        // Form encoding, `%uXXXX`, hex digits of mixed case within one escape.
        assert_eq!(scrub1("q=ab+cd%26e&z", "ab cd&e"), "q=***&z");
        assert_eq!(scrub1("[%u00e9t%C3%a9]", "été"), "[***]");
        assert_eq!(scrub1("[%c3%A9]", "é"), "[***]");
        // A `%` that only looks like an escape is still a raw percent sign.
        assert_eq!(scrub1("x%41y", "%41"), "x***y");
        assert_eq!(scrub1("x%41y", "A"), "x***y");
        assert_eq!(scrub1("%2525", "%25"), "***");
    }

    #[test]
    fn review_examples_html_and_json() {
        let secret = "a&b\"c<d>'é";
        for echo in [
            "a&amp;b&quot;c&lt;d&gt;&apos;&eacute;",
            "a&#38;b&#34;c&#60;d&#62;&#39;&#233;",
            "a&#x26;b&#X22;c&#x3C;d&#x3e;&#x0027;&#xE9;",
            r#"a&b\"c\u003cd\u003E\'\u00e9"#,
            r#"a\u0026b\"c<d>'é"#,
        ] {
            assert_eq!(scrub1(&format!("<p>{echo}</p>"), secret), "<p>***</p>", "{echo}");
        }
        assert_eq!(scrub1(r#"{"e":"x\\y\/z\t\u00DF\ud83d\ude00"}"#, "x\\y/z\tß😀"), r#"{"e":"***"}"#);
        assert_eq!(scrub1(r"echo \x41\x62c", "Abc"), "echo ***");
        assert_eq!(scrub1("&szlig;&#23383;&#x1f600;", "ß字😀"), "***");
    }

    #[test]
    fn ported_cases_of_the_client_cleaner() {
        let text = "GET http://h/database.php?token=abc%2Fd&method=x failed; echo abc/d, abc%2fd password=p w";
        assert_eq!(
            scrub_secrets(text, &["abc/d"]),
            "GET http://h/database.php?token=***&method=x failed; echo ***, *** password=*** w"
        );
        assert_eq!(scrub_secrets("mytoken=1 é", &[]), "mytoken=1 é");
        assert_eq!(scrub_secrets("no secrets", &["", "zzz"]), "no secrets");
        assert_eq!(scrub_secrets("echo (token tok-SE…", &["tok-SECRET"]), "echo (token ***…");
        assert_eq!(scrub_secrets("echo to…", &["tok-SECRET"]), "echo to…");
        assert_eq!(scrub_secrets("Password=x&TOKEN=y", &[]), "Password=***&TOKEN=***");
        assert_eq!(crate::scrub("a tok b tok", "tok"), "a *** b ***");
    }

    #[test]
    fn cut_prefixes_in_every_form_are_hidden() {
        let secret = "tok-SECRET";
        for text in [
            "see tok-SE…",
            "see tok%2DSE…",
            "see tok%2dS%45…",
            "see %74%6F%6B…",
            "see tok&#45;S…",
            "see tok\\u002dS…",
            "see tok%2…",
            "see tok&#4…",
            "see tok\\u00…",
            "see tok-SECRET%2…",
        ] {
            assert_eq!(scrub1(text, secret), "see ***…", "{text}");
        }
        // Two bytes may show; a text that is not cut keeps its end.
        assert_eq!(scrub1("see to%6…", secret), "see to%6…");
        assert_eq!(scrub1("see tok-SE", secret), "see tok-SE");
    }

    #[test]
    fn short_secrets_are_hidden_everywhere() {
        assert_eq!(scrub1("a bad day", "a"), "*** b***d d***y");
        assert_eq!(scrub1("pw=%78x", "x"), "pw=***");
        assert_eq!(scrub1("xyz…", "xy"), "***z…");
    }

    #[test]
    fn own_texts_keep_their_words() {
        assert_eq!(scrub_own("must be a positive id", &["e"]), "must be a positive id");
        assert_eq!(scrub_own("must be greater than zero", &["t"]), "must be greater than zero");
        // Standing alone, quoted or as a parameter value, even one byte is hidden.
        assert_eq!(scrub_own("got 'e' (e)", &["e"]), "got '***' (***)");
        assert_eq!(scrub_own("got 1234, not 12345", &["1234"]), "got ***, not 12345");
        assert_eq!(scrub_own("see ?password=ab", &["zz"]), "see ?password=***");
        // From eight bytes, inside words too, as in any other text.
        assert_eq!(scrub_own("xs3cretPWx", &["s3cretPW"]), "x***x");
        assert_eq!(scrub_secrets("must be a positive id", &["e"]), "must b*** a positiv*** id");
    }

    #[test]
    fn overlapping_and_adjacent_echoes_merge() {
        assert_eq!(scrub1("abcabcab!", "abcab"), "***!");
        assert_eq!(scrub_secrets("s3cretPW_99", &["s3cret", "PW_99"]), "***");
        assert_eq!(scrub_secrets("x-PW_99-s3cret%50W_99", &["s3cret", "PW_99"]), "x-***-***");
    }

    #[test]
    fn excerpt_is_short_and_printable() {
        let body = format!("<html>\n{}\u{1}", "x".repeat(500));
        let e = excerpt(body.as_bytes(), &[]);
        assert!(e.starts_with("<html> x") && e.ends_with('…'));
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"\xff\x01", &[]), "\u{fffd}\u{fffd}");
        assert_eq!(excerpt(b"", &["s"]), "");
        assert_eq!(excerpt("字".repeat(121).as_bytes(), &[]), format!("{}…", "字".repeat(120)));
        assert_eq!(excerpt("字".repeat(120).as_bytes(), &[]), "字".repeat(120));
    }

    #[test]
    fn excerpt_scrubs_before_replacing_controls() {
        let secret = "pa\tss\r\nword";
        assert_eq!(excerpt(format!("bad {secret}!").as_bytes(), &[secret]), "bad ***!");
        // Control characters of the body are still replaced after scrubbing.
        assert_eq!(excerpt(b"a\tb\x07c", &["zzz"]), "a b\u{fffd}c");
    }

    #[test]
    fn excerpt_sees_an_echo_straddling_the_cut_whole() {
        let secret = "tok-SECRET-4242/+=";
        for before in 100..125 {
            let lower = crate::percent_encode(secret).replace("%2F", "%2f").replace("%2B", "%2b").replace("%3D", "%3d");
            for echo in [secret.to_owned(), percent_all(secret), lower.clone()] {
                let body = format!("{}{echo} and more text after the echo", "x".repeat(before));
                let e = excerpt(body.as_bytes(), &[secret]);
                assert!(!e.contains("tok") && !e.contains("%74%6F%6B"), "{before}: {e}");
                assert!(e.starts_with(&"x".repeat(before.min(EXCERPT_CHARS))), "{e}");
                if before < EXCERPT_CHARS {
                    assert!(e.contains(REDACTED), "{before}: {e}");
                }
            }
        }
        // Many echoes in front move the cut far into the body: the window grows.
        let body = format!("{}tail", percent_all(secret).repeat(300));
        assert_eq!(excerpt(body.as_bytes(), &[secret]), "***tail");
        let body = format!("{} {}", format!("{} ", percent_all(secret)).repeat(60), "y".repeat(200));
        let e = excerpt(body.as_bytes(), &[secret]);
        assert!(e.ends_with('…') && !e.contains("%74"), "{e}");
    }

    fn percent_all(s: &str) -> String {
        s.bytes().map(|b| format!("%{b:02X}")).collect()
    }

    /// A megabyte of text full of near misses and escapes, without the secret: scrubbed in
    /// time linear in its length (about 0.1 s unoptimised; not asserted).
    #[test]
    fn a_megabyte_without_secrets_is_scrubbed_quickly() {
        let piece = "tok-SECRE%54X &amp;&#x26;\\u0026 %25%2 +tok%2DSECRE tok-SECRET-4 aaaa password ";
        let text = piece.repeat(1_000_000 / piece.len() + 1);
        let secrets = ["tok-SECRET-4242", "pw-SECRET-99&x"];
        assert_eq!(scrub_secrets(&text, &secrets), text);
        let out = excerpt(text.as_bytes(), &secrets);
        assert!(out.starts_with("tok-SECRE%54X") && out.ends_with('…'));
        // The matcher's worst case: every start matches all but the secret's last byte
        // (linear too, times the secret's length: about 0.7 s unoptimised).
        let long = format!("{}b", "a".repeat(39));
        let text = "a".repeat(1_000_000);
        assert_eq!(scrub_secrets(&text, &[&long]), text);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        /// Fragments of at least this many decoded bytes of a secret must never show.
        const N: usize = MIN_CUT_PREFIX;

        const EXTRA: [char; 9] = [' ', '\t', '\r', '\n', 'é', 'ß', '字', '😀', '\u{7f}'];

        /// Characters of secrets and surrounding text: printable ASCII (but `*`, the marker's
        /// own character), whitespace and controls, non-ASCII of 2, 3 and 4 bytes.
        fn alphabet() -> Vec<char> {
            (' '..='~').filter(|&c| c != '*').chain(EXTRA).collect()
        }

        /// One echo: context around it, and its units (text, decoded bytes).
        struct Echo {
            before: &'static str,
            units: Vec<(String, usize)>,
            after: &'static str,
        }

        impl Echo {
            fn text(&self) -> String {
                let units: String = self.units.iter().map(|(u, _)| u.as_str()).collect();
                format!("{}{units}{}", self.before, self.after)
            }
        }

        /// Random choices, cycled.
        struct Dice<'a>(&'a [u8], usize);

        impl Dice<'_> {
            fn roll(&mut self, sides: u8) -> u8 {
                let v = self.0[self.1 % self.0.len()];
                self.1 += 1;
                v % sides
            }

            fn hex(&mut self, b: u8) -> String {
                let digits: String = format!("{b:02X}")
                    .chars()
                    .map(|c| if self.roll(2) == 0 { c } else { c.to_ascii_lowercase() })
                    .collect();
                format!("%{digits}")
            }
        }

        fn unreserved(c: char) -> bool {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
        }

        fn per_byte(c: char, f: &mut dyn FnMut(u8) -> String) -> Vec<(String, usize)> {
            c.to_string().bytes().map(|b| (f(b), 1)).collect()
        }

        fn utf16_escape(c: char, prefix: &str, dice: &mut Dice) -> String {
            let mut buf = [0u16; 2];
            c.encode_utf16(&mut buf)
                .iter()
                .map(|u| {
                    let hex = format!("{u:04X}");
                    let hex = if dice.roll(2) == 0 { hex } else { hex.to_lowercase() };
                    format!("{prefix}{hex}")
                })
                .collect()
        }

        const ENCODERS: usize = 9;

        /// Encodes `secret` as a server might echo it.
        fn encode(secret: &str, encoder: usize, dice: &mut Dice) -> Echo {
            let plain = |units| Echo { before: "", units, after: "" };
            let chars = secret.chars();
            match encoder {
                0 => plain(chars.map(|c| (c.to_string(), c.len_utf8())).collect()),
                1 | 2 => plain(
                    chars
                        .flat_map(|c| {
                            if unreserved(c) {
                                vec![(c.to_string(), 1)]
                            } else if encoder == 1 {
                                per_byte(c, &mut |b| format!("%{b:02X}"))
                            } else {
                                per_byte(c, &mut |b| format!("%{b:02x}"))
                            }
                        })
                        .collect(),
                ),
                // Any subset of characters encoded, hex case chosen per digit.
                3 => plain(
                    chars
                        .flat_map(|c| {
                            if dice.roll(2) == 0 {
                                vec![(c.to_string(), c.len_utf8())]
                            } else {
                                per_byte(c, &mut |b| dice.hex(b))
                            }
                        })
                        .collect(),
                ),
                4 => plain(chars.flat_map(|c| per_byte(c, &mut |b| format!("%{b:02X}"))).collect()),
                // Form encoding.
                5 => plain(
                    chars
                        .flat_map(|c| match c {
                            ' ' => vec![("+".to_owned(), 1)],
                            c if unreserved(c) => vec![(c.to_string(), 1)],
                            c => per_byte(c, &mut |b| format!("%{b:02X}")),
                        })
                        .collect(),
                ),
                // HTML character references, of every kind, mixed with raw characters.
                6 => plain(
                    chars
                        .map(|c| {
                            let named = match c {
                                '&' => Some("amp"),
                                '<' => Some("lt"),
                                '>' => Some("gt"),
                                '"' => Some("quot"),
                                '\'' => Some("apos"),
                                'é' => Some("eacute"),
                                'ß' => Some("szlig"),
                                _ => None,
                            };
                            let zeros = "0".repeat(usize::from(dice.roll(3)));
                            let text = match dice.roll(4) {
                                0 if named.is_none() => c.to_string(),
                                1 if named.is_some() => format!("&{};", named.unwrap_or_default()),
                                2 => format!("&#{zeros}{};", c as u32),
                                _ => {
                                    let x = if dice.roll(2) == 0 { "x" } else { "X" };
                                    let hex = format!("{:X}", c as u32);
                                    let hex = if dice.roll(2) == 0 { hex } else { hex.to_lowercase() };
                                    format!("&#{x}{zeros}{hex};")
                                }
                            };
                            (text, c.len_utf8())
                        })
                        .collect(),
                ),
                // JSON string escapes (and `\/`, `\'`), mixed with raw characters.
                7 => plain(
                    chars
                        .map(|c| {
                            let text = match (c, dice.roll(3)) {
                                ('"', _) => "\\\"".to_owned(),
                                ('\\', _) => "\\\\".to_owned(),
                                ('\t', 0) => "\\t".to_owned(),
                                ('\n', 0) => "\\n".to_owned(),
                                ('\r', 0) => "\\r".to_owned(),
                                ('/' | '\'', 0) => format!("\\{c}"),
                                (c, 0 | 1) if c.is_control() => utf16_escape(c, "\\u", dice),
                                (c, 1) => utf16_escape(c, "\\u", dice),
                                (c, _) if c.is_control() => utf16_escape(c, "\\u", dice),
                                (c, _) => c.to_string(),
                            };
                            (text, c.len_utf8())
                        })
                        .collect(),
                ),
                // In a quoted URL's query.
                _ => Echo {
                    before: if dice.roll(2) == 0 { "\"https://h/database.php?token=" } else { "'/token.php?password=" },
                    units: chars
                        .flat_map(|c| {
                            if unreserved(c) {
                                vec![(c.to_string(), 1)]
                            } else {
                                per_byte(c, &mut |b| format!("%{b:02X}"))
                            }
                        })
                        .collect(),
                    after: "&raw=1\"",
                },
            }
        }

        /// The first run of consecutive units with at least `N` decoded bytes (the whole
        /// echo included) that `out` shows, after `shown` (how the output presents text).
        fn leak(out: &str, echo: &Echo, shown: impl Fn(&str) -> String) -> Option<String> {
            for i in 0..echo.units.len() {
                let mut run = String::new();
                let mut bytes = 0;
                for (unit, n) in &echo.units[i..] {
                    run.push_str(unit);
                    bytes += n;
                    if bytes >= N && out.contains(&shown(&run)) {
                        return Some(run);
                    }
                }
            }
            None
        }

        fn secret() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(alphabet()), 1..20).prop_map(|v| v.into_iter().collect())
        }

        /// Surrounding text: random, but without the secret's own characters, so that a
        /// fragment found in the output can only come from the echo.
        fn around(secret: &str, picks: &[char]) -> String {
            picks.iter().filter(|c| !secret.contains(**c)).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn no_echo_or_fragment_survives(
                secret in secret(),
                encoder in 0..ENCODERS,
                dice in prop::collection::vec(any::<u8>(), 1..64),
                before in prop::collection::vec(prop::sample::select(alphabet()), 0..170),
                after in prop::collection::vec(prop::sample::select(alphabet()), 0..60),
                cut in any::<prop::sample::Index>(),
            ) {
                let mut dice = Dice(&dice, 0);
                let echo = encode(&secret, encoder, &mut dice);
                let (before, after) = (around(&secret, &before), around(&secret, &after));
                let body = format!("{before}{}{after}", echo.text());
                let same = |s: &str| s.to_owned();

                // Whole, anywhere in the text.
                let out = scrub_secrets(&body, &[&secret]);
                prop_assert!(out.contains(REDACTED), "{out:?}");
                prop_assert_eq!(leak(&out, &echo, same), None, "scrubbed {:?} into {:?}", body, out);

                // Through an excerpt, cut wherever `before` puts the echo.
                let ex = excerpt(body.as_bytes(), &[&secret]);
                prop_assert_eq!(leak(&ex, &echo, printable), None, "excerpt of {:?}: {:?}", body, ex);

                // Cut anywhere by someone else, then scrubbed.
                let chars: Vec<char> = body.chars().collect();
                let at = cut.index(chars.len() + 1);
                let text: String = chars[..at].iter().chain(['…'].iter()).collect();
                let out = scrub_secrets(&text, &[&secret]);
                prop_assert_eq!(leak(&out, &echo, same), None, "scrubbed cut {:?} into {:?}", text, out);
            }

            #[test]
            fn texts_without_secrets_are_kept(
                text in prop::collection::vec(prop::sample::select(alphabet()), 0..200),
            ) {
                let text: String = text.into_iter().filter(|c| !matches!(c, 'q' | 'Q' | '%' | '&' | '\\')).collect();
                let text = text.replace("token=", "").replace("password=", "");
                prop_assert_eq!(scrub_secrets(&text, &["q"]), text);
            }
        }
    }
}
