//! Guessing the delimiter of a text table from its first records.

use crate::engine::ingest::records::RecordSplitter;

/// Picks the delimiter among `, \t ; |` that splits the first records into the most consistent,
/// widest rows.
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    sniff(text).0
}

/// [`sniff_delimiter`], with the number of fields of most of the first records it splits (0 when
/// no delimiter splits them into two or more).
pub(super) fn sniff(text: &[u8]) -> (u8, usize) {
    let sample_len = text.len().min(64 * 1024);
    let truncated = sample_len < text.len();
    let sample = &text[..sample_len];
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        // A buffer the sample's size, not the reader's default megabyte (four readers per file).
        let mut r = RecordSplitter::with_buffer(sample, d, sample.len() + 1);
        let mut counts: Vec<usize> = Vec::new();
        while counts.len() < 50 && r.next_record().unwrap_or(false) {
            counts.push(r.len());
        }
        if truncated && counts.len() > 1 {
            counts.pop();
        }
        if counts.is_empty() {
            continue;
        }
        let mut freq = std::collections::BTreeMap::new();
        for c in &counts {
            *freq.entry(*c).or_insert(0usize) += 1;
        }
        let (&width, &agree) = freq.iter().max_by_key(|(w, n)| (**n, **w)).expect("non-empty");
        if width < 2 {
            continue;
        }
        if (agree, width) > (best.1, best.2) {
            best = (d, agree, width);
        }
    }
    (best.0, best.2)
}

pub(super) fn delimiter_name(d: u8) -> &'static str {
    match d {
        b'\t' => "tab",
        b';' => "semicolon",
        b'|' => "pipe",
        _ => "comma",
    }
}
