//! "Did you mean …?": the known name a mistyped one is close to.

/// The first of `known` that `word` is a likely misspelling of: within two edits (insert,
/// delete, replace, or a swap of neighbours) and not equal; `None` for words under three
/// characters, which are near too much.
///
/// ```
/// use contactnow_core::similar::nearest;
/// assert_eq!(nearest("voicemial", ["queue", "voicemail"]), Some("voicemail"));
/// assert_eq!(nearest("transfer", ["queue", "voicemail"]), None);
/// ```
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.chars().count() < 3 {
        return None;
    }
    known.into_iter().find(|k| *k != word && edits(word, k) <= 2)
}

/// Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`.
pub fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
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
    }

    #[test]
    fn nearest_skips_equal_far_and_short_words() {
        assert_eq!(nearest("queue", ["queue"]), None);
        assert_eq!(nearest("qa", ["queue", "q"]), None);
        assert_eq!(nearest("proxi", ["token", "proxy"]), Some("proxy"));
    }
}
