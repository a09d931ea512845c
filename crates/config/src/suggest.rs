//! "Did you mean …?" hints for misspelt keys, enum words and references.

/// Edit distance counting insertions, deletions, substitutions and swaps of
/// adjacent characters (optimal string alignment), case-insensitively.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for (i, row) in table.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in table.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[(i - 1) * width + j] + 1)
                .min(table[i * width + j - 1] + 1)
                .min(table[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[(i - 2) * width + j - 2] + 1);
            }
            table[i * width + j] = best;
        }
    }
    table[a.len() * width + b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = match word.chars().count() {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    candidates
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// `" (did you mean `x`?)"`, or nothing when no candidate is close.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map(|found| format!(" (did you mean `{found}`?)")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("tier", "tier"), 0);
        assert_eq!(distance("teir", "tier"), 1);
        assert_eq!(distance("Tier", "tier"), 0);
        assert_eq!(distance("criticalty", "criticality"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_close_words() {
        let keys = ["id", "name", "tier", "notify"];
        assert_eq!(closest("teir", keys), Some("tier"));
        assert_eq!(closest("nmae", keys), Some("name"));
        assert_eq!(closest("notfy", keys), Some("notify"));
        assert_eq!(closest("channels", keys), None);
        assert_eq!(closest("xy", keys), None);
        assert_eq!(hint("platnum", ["platinum", "gold"]), " (did you mean `platinum`?)");
        assert_eq!(hint("diamond", ["platinum", "gold"]), "");
    }
}
