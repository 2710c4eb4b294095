//! Area-name normalisation and fuzzy suggestions: the forgiving comparison of names people type
//! against the names a region publishes.

/// A name folded for matching: lower case; `&` read as `and`; apostrophes removed (`O'Hare` →
/// `ohare`); other punctuation read as spaces; `saint` and `st.` read as `st`; runs of spaces
/// collapsed; accents kept.
///
/// ```
/// use equimap::engine::placement::names::normalize;
/// assert_eq!(normalize("  O’Hare "), "ohare");
/// assert_eq!(normalize("Bronzeville/South Lakefront"), "bronzeville south lakefront");
/// assert_eq!(normalize("Stoke-on-Trent"), normalize("STOKE ON TRENT"));
/// assert_eq!(normalize("Saint Helens"), normalize("St. Helens"));
/// assert_eq!(normalize("Brighton & Hove"), "brighton and hove");
/// ```
pub fn normalize(name: &str) -> String {
    let mut spaced = String::with_capacity(name.len() + 8);
    for ch in name.chars() {
        match ch {
            '\'' | '’' | '‘' | '`' | '´' => {}
            '&' => spaced.push_str(" and "),
            // Lower-casing can add combining marks (`İ` → `i̇`): keep letters and digits only, so
            // normalising twice gives the same text.
            c if c.is_alphanumeric() => spaced.extend(c.to_lowercase().filter(|l| l.is_alphanumeric())),
            _ => spaced.push(' '),
        }
    }
    let words: Vec<&str> = spaced.split_whitespace().map(|w| if w == "saint" { "st" } else { w }).collect();
    words.join(" ")
}

/// Levenshtein edit distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Up to `k` candidates closest to `name` (already normalised), nearest first, among `(normalised,
/// payload)` pairs: those within an edit distance of a third of the longer name, or that contain
/// it or are contained in it as whole words.
pub fn closest<'a, T: Clone>(name: &str, candidates: impl Iterator<Item = (&'a str, T)>, k: usize) -> Vec<T> {
    let mut scored: Vec<(usize, &'a str, T)> = Vec::new();
    for (cand, payload) in candidates {
        let d = edit_distance(name, cand);
        let limit = name.chars().count().max(cand.chars().count()) / 3;
        let words = |a: &str, b: &str| !a.is_empty() && format!(" {b} ").contains(&format!(" {a} "));
        if d <= limit.max(1) || words(name, cand) || words(cand, name) {
            scored.push((d, cand, payload));
        }
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(k).map(|(_, _, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        assert_eq!(normalize("LAKE VIEW"), normalize("Lake View"));
        assert_eq!(normalize("Herefordshire, County of"), "herefordshire county of");
        assert_eq!(normalize("Somerset Council "), "somerset council");
        assert_eq!(normalize(""), "");
        // Found by the property test: lower-casing `İ` adds a combining dot.
        assert_eq!(normalize("İ"), "i");
        assert_eq!(normalize(&normalize("İstanbul")), normalize("İstanbul"));
    }

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        let c = [("montclare", 1), ("washington heights", 2), ("near north side", 3)];
        assert_eq!(closest("montclaire", c.iter().map(|(a, b)| (*a, *b)), 3), vec![1]);
        assert_eq!(closest("washington height", c.iter().map(|(a, b)| (*a, *b)), 3), vec![2]);
        assert!(closest("zzzz", c.iter().map(|(a, b)| (*a, *b)), 3).is_empty());
    }
}
