//! "Did you mean …?": the known name a mistyped one is close to.

/// Longest word compared, in characters: longer ones are no typo of a short name, and the
/// work stays small whatever the input.
const LONGEST: usize = 64;

/// The known name `word` is nearest to, if it is a likely misspelling of one: at most one
/// edit (insert, delete, replace, or a swap of neighbours) from a name of up to five
/// characters, two from a longer one. Not a misspelling: a word under three characters, the
/// name itself, or a word holding the name whole (`requeue`, `queued`, `voicemail2` may be
/// words of their own). Ties go to the first of `known`.
///
/// ```
/// use contactnow_core::similar::nearest;
/// assert_eq!(nearest("voicemial", ["queue", "voicemail"]), Some("voicemail"));
/// assert_eq!(nearest("requeue", ["queue", "voicemail"]), None);
/// assert_eq!(nearest("transfer", ["queue", "voicemail"]), None);
/// ```
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    if !(3..=LONGEST).contains(&length) {
        return None;
    }
    let allowed = |name: &str| if name.chars().count() <= 5 { 1 } else { 2 };
    let candidates = known.into_iter().filter(|name| !word.contains(name));
    let scored = candidates.map(|name| (edits(word, name), name)).filter(|(n, name)| *n <= allowed(name));
    // `min_by_key` keeps the first of equals.
    scored.min_by_key(|(n, _)| *n).map(|(_, name)| name)
}

/// Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`; three rows
/// of `b`'s length, so the memory is small even for a long `a`.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            row[j] = best;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_counts_swaps_as_one() {
        assert_eq!(edits("voicemial", "voicemail"), 1);
        assert_eq!(edits("queue", "queue"), 0);
        assert_eq!(edits("hang", "hangup"), 2);
        assert_eq!(edits("transfer", "queue"), 7);
        assert_eq!(edits("tiemoutMs", "timeoutMs"), 1);
        assert_eq!(edits("", "abc"), 3);
        assert_eq!(edits("abc", ""), 3);
        assert_eq!(edits("ca", "abc"), 3);
        assert_eq!(edits("écoute", "ecoute"), 1, "characters, not bytes");
    }

    #[test]
    fn nearest_skips_equal_far_short_long_and_containing_words() {
        assert_eq!(nearest("queue", ["queue"]), None);
        assert_eq!(nearest("qa", ["queue", "q"]), None);
        assert_eq!(nearest("proxi", ["token", "proxy"]), Some("proxy"));
        assert_eq!(nearest("dump", ["jump"]), Some("jump"), "one edit from a short name");
        assert_eq!(nearest("hup", ["hangup", "jump"]), None);
        assert_eq!(nearest("quue", ["queue"]), Some("queue"));
        assert_eq!(nearest("qeeu", ["queue"]), None, "two edits from a five-letter name");
        for word in ["requeue", "enqueue", "queued", "voicemail2"] {
            assert_eq!(nearest(word, ["queue", "voicemail"]), None, "{word}");
        }
        assert_eq!(nearest(&"x".repeat(10_000), ["queue"]), None);
    }

    #[test]
    fn nearest_is_the_nearest_not_the_first() {
        assert_eq!(nearest("timeout_m", ["timeoutMs", "timeout_ms"]), Some("timeout_ms"));
        assert_eq!(nearest("timeoutM", ["timeoutMs", "timeout_ms"]), Some("timeoutMs"));
        assert_eq!(nearest("abce", ["abcd", "abcf"]), Some("abcd"), "ties go to the first");
    }
}
