//! UK postcodes: read as people write them (any case, missing, doubled or fixed-width spaces,
//! trailing punctuation, at the end of an address), checked against the format, and looked up in
//! the postcode table a region publishes (`postcodes.parquet`: one row per postcode with its area
//! at every level, see [`PostcodeTable`]). A postcode is never corrected silently: one with a
//! letter for a digit (`B1 IAA`) is unknown, with the valid postcodes nearest to it as
//! suggestions.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::parquet::read_parquet;
use crate::engine::table::Table;

/// Why a postcode places no row (the match report's reasons `postcode_outside_region`,
/// `unlocated_postcode`, `unknown_postcode`, `not_a_postcode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostcodeMiss {
    /// A postcode of the table that lies outside the region.
    OutsideRegion,
    /// A postcode of the table with no grid reference.
    Unlocated,
    /// Of a postcode's format (or mistyped) but not in the table.
    Unknown,
    /// Not a postcode.
    NotAPostcode,
}

/// What a cell of a postcode column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A postcode of valid format, normalised to `OUTWARD INWARD` in capitals (`B1 1AA`).
    Postcode(String),
    /// Text of a postcode's length that is valid once letters and digits people confuse are
    /// swapped (`B1 IAA` → `B1 1AA`): a mistyped postcode, with that reading (never used to place).
    Mistyped(String),
    /// Not a postcode at all (`N/A`, `TBC`, `Overseas`, blank, a partial postcode).
    NotAPostcode,
}

/// Reads the postcode in `text`: the whole cell, or the end of an address (`1 Hill St, Birmingham
/// B1 1AA`).
///
/// ```
/// use equimap::engine::placement::postcode::{read_postcode, Reading};
/// assert_eq!(read_postcode(" b1  1ay."), Reading::Postcode("B1 1AY".into()));
/// assert_eq!(read_postcode("CV11DD"), Reading::Postcode("CV1 1DD".into()));
/// assert_eq!(read_postcode("10 Broad St, Birmingham, B1 2HF"), Reading::Postcode("B1 2HF".into()));
/// assert_eq!(read_postcode("B1 IAA"), Reading::Mistyped("B1 1AA".into()));
/// assert_eq!(read_postcode("N/A"), Reading::NotAPostcode);
/// assert_eq!(read_postcode("B1"), Reading::NotAPostcode);
/// ```
pub fn read_postcode(text: &str) -> Reading {
    let trimmed = text.trim().trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let whole: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if let Some(p) = normalize(&whole) {
        return Reading::Postcode(p);
    }
    // The end of an address: the last two words, or the last one (`B11AA`).
    let words: Vec<&str> = trimmed.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let n = words.len();
    let last_two = (n > 1).then(|| words[n - 2..].concat().to_ascii_uppercase());
    let tails = [last_two.clone(), (n > 1).then(|| words[n - 1].to_ascii_uppercase())];
    if let Some(p) = tails.iter().flatten().find_map(|t| normalize(t)) {
        return Reading::Postcode(p);
    }
    match [Some(whole), last_two].iter().flatten().find_map(|t| unconfuse(t).and_then(|w| normalize(&w))) {
        Some(p) => Reading::Mistyped(p),
        None => Reading::NotAPostcode,
    }
}

/// `OUTWARD INWARD` when `s` (capitals, no spaces) has the format of a UK postcode: an outward
/// code `A9`, `A99`, `AA9`, `AA99`, `A9A` or `AA9A`, then an inward code `9AA`.
fn normalize(s: &str) -> Option<String> {
    valid_compact(s.as_bytes()).then(|| format!("{} {}", &s[..s.len() - 3], &s[s.len() - 3..]))
}

/// Whether `b` (capitals, no spaces) has the format of a UK postcode (see [`normalize`]).
fn valid_compact(b: &[u8]) -> bool {
    if !(5..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (out, inw) = b.split_at(b.len() - 3);
    let inward_ok = inw[0].is_ascii_digit() && inw[1].is_ascii_uppercase() && inw[2].is_ascii_uppercase();
    let letters = out.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = &out[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && !rest.is_empty()
        && rest[0].is_ascii_digit()
        && rest.len() <= 2
        && rest.get(1).is_none_or(|c| c.is_ascii_alphanumeric());
    inward_ok && outward_ok
}

/// The lookup key of a postcode written plainly — letters, digits and spaces only, any case: its
/// capitals without spaces, packed in a `u64` — when it has a postcode's format. Text with
/// anything else (punctuation, an address) is read by [`read_postcode`]; both agree.
fn plain_key(text: &str) -> Option<u64> {
    let mut buf = [0u8; 8];
    let mut n = 0;
    for &b in text.as_bytes() {
        match b {
            b' ' | b'\t' => {}
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' if n < 7 => {
                buf[n] = b.to_ascii_uppercase();
                n += 1;
            }
            _ => return None,
        }
    }
    valid_compact(&buf[..n]).then(|| u64::from_be_bytes(buf))
}

/// The key of a normalised postcode (`B1 1AA`).
fn key_of(postcode: &str) -> u64 {
    plain_key(postcode).expect("a normalised postcode has a postcode's format")
}

/// `s` with the letters and digits people confuse swapped where the format wants the other kind
/// (the digit of the inward code, its two letters, the outward code's first letter), when that
/// changes anything.
fn unconfuse(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if !(5..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let digit = |c: u8| match c {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        b'S' => b'5',
        b'Z' => b'2',
        c => c,
    };
    let letter = |c: u8| match c {
        b'0' => b'O',
        b'1' => b'I',
        b'5' => b'S',
        b'2' => b'Z',
        c => c,
    };
    let n = b.len();
    let mut fixed = b.to_vec();
    fixed[0] = letter(fixed[0]);
    fixed[n - 3] = digit(fixed[n - 3]);
    fixed[n - 2] = letter(fixed[n - 2]);
    fixed[n - 1] = letter(fixed[n - 1]);
    (fixed != b).then(|| String::from_utf8(fixed).expect("ASCII"))
}

/// The postcode area of a normalised postcode: its leading letters (`B`, `CV`).
pub fn postcode_area(p: &str) -> &str {
    let n = p.bytes().take_while(u8::is_ascii_uppercase).count();
    &p[..n]
}

/// Where a postcode of the table is at one level: an area's index, or why it has none.
const OUTSIDE: u32 = u32::MAX;
/// The postcode has no grid reference.
const UNLOCATED: u32 = u32::MAX - 1;

/// A region's postcode table as published (`postcodes.parquet`): every postcode of the postcode
/// areas around the region (sorted, normalised `B1 1AA`), whether it has a grid reference
/// (`located`), and for each level of the region a column named by the level's id holding the
/// code of the area the postcode lies in (null when it lies outside the region or is unlocated).
#[derive(Debug)]
pub struct PostcodeTable {
    /// The file it was read from.
    pub file: String,
    /// Normalised postcodes, sorted.
    postcodes: Vec<String>,
    /// Each postcode's key ([`plain_key`]) and its index in `postcodes`, sorted by key.
    by_key: Vec<(u64, u32)>,
    located: Vec<bool>,
    /// Level id → each postcode's area code (index into the level's distinct codes).
    levels: HashMap<String, (Vec<String>, Vec<u32>)>,
    /// The postcode areas the table covers (`B`, `CV`, …): a valid postcode of another area is
    /// outside the region.
    covered: BTreeSet<String>,
}

impl PostcodeTable {
    /// Reads the table from the bytes of `postcodes.parquet`.
    pub fn from_parquet(file: &str, bytes: Vec<u8>) -> Result<Self> {
        let ing = read_parquet(file, bytes)?;
        Self::from_table(file, &ing.table)
    }

    fn from_table(file: &str, t: &Table) -> Result<Self> {
        let bad = |reason: String| EngineError::RegionData { file: file.into(), reason };
        let pc = t.column("postcode").map_err(|e| bad(e.to_string()))?;
        let loc = t.column("located").map_err(|e| bad(e.to_string()))?;
        let mut order: Vec<(String, usize)> = (0..t.num_rows()).filter_map(|i| Some((pc.text(i)?.into_owned(), i))).collect();
        order.sort_unstable();
        let located: Vec<bool> = order.iter().map(|&(_, i)| loc.text(i).is_some_and(|v| v == "true" || v == "1")).collect();
        let mut levels = HashMap::new();
        for f in t.batch.schema().fields() {
            if matches!(f.name().as_str(), "postcode" | "located") {
                continue;
            }
            let c = t.column(f.name()).map_err(|e| bad(e.to_string()))?;
            let (mut codes, mut index): (Vec<String>, HashMap<String, u32>) = Default::default();
            let of_row: Vec<u32> = order
                .iter()
                .map(|&(_, i)| match c.text(i) {
                    None => OUTSIDE,
                    Some(code) => *index.entry(code.to_string()).or_insert_with(|| {
                        codes.push(code.to_string());
                        codes.len() as u32 - 1
                    }),
                })
                .collect();
            levels.insert(f.name().clone(), (codes, of_row));
        }
        let covered = order.iter().map(|(p, _)| postcode_area(p).to_string()).collect();
        let postcodes: Vec<String> = order.into_iter().map(|(p, _)| p).collect();
        let mut by_key: Vec<(u64, u32)> = Vec::with_capacity(postcodes.len());
        for (i, p) in postcodes.iter().enumerate() {
            let Reading::Postcode(n) = read_postcode(p) else { return Err(bad(format!("\"{p}\" is not a postcode"))) };
            by_key.push((key_of(&n), i as u32));
        }
        by_key.sort_unstable();
        Ok(PostcodeTable { file: file.into(), postcodes, by_key, located, levels, covered })
    }

    /// Number of postcodes.
    pub fn len(&self) -> usize {
        self.postcodes.len()
    }

    /// True when the table has no postcodes.
    pub fn is_empty(&self) -> bool {
        self.postcodes.is_empty()
    }

    /// The table's postcodes placed at one level: `index_of` gives the level's area index of a code.
    pub fn at_level(self: &Arc<Self>, level: &str, index_of: impl Fn(&str) -> Option<usize>) -> Option<PostcodePlaces> {
        let (codes, of_row) = self.levels.get(level)?;
        let area_of_code: Vec<u32> = codes.iter().map(|c| index_of(c).map_or(OUTSIDE, |i| i as u32)).collect();
        let area = of_row
            .iter()
            .zip(&self.located)
            .map(|(&c, &located)| match (located, c) {
                (false, _) => UNLOCATED,
                (true, OUTSIDE) => OUTSIDE,
                (true, c) => area_of_code[c as usize],
            })
            .collect();
        Some(PostcodePlaces { table: self.clone(), area })
    }
}

/// A [`PostcodeTable`] placed at one level of a region: every postcode's area index.
#[derive(Debug, Clone)]
pub struct PostcodePlaces {
    /// The table.
    pub table: Arc<PostcodeTable>,
    area: Vec<u32>,
}

/// Postcodes suggested for an unknown one.
const SUGGESTIONS: usize = 3;

impl PostcodePlaces {
    /// The area (index) of the postcode in `text`, or why it has none: `not_a_postcode` (not of a
    /// postcode's format: blank, `N/A`, `TBC`), `unknown_postcode` (of the format, or mistyped,
    /// but not in the table: terminated long ago, mistyped, or of a postcode area the table does
    /// not cover), `unlocated_postcode` (in the table without a grid reference),
    /// `postcode_outside_region` (a postcode of the table that lies outside the region).
    pub fn place(&self, text: &str) -> std::result::Result<u32, PostcodeMiss> {
        // Most cells are plain postcodes: read without allocating.
        let key = match plain_key(text) {
            Some(k) => k,
            None => match read_postcode(text) {
                Reading::Postcode(p) => key_of(&p),
                Reading::Mistyped(_) => return Err(PostcodeMiss::Unknown),
                Reading::NotAPostcode => return Err(PostcodeMiss::NotAPostcode),
            },
        };
        match self.table.by_key.binary_search_by_key(&key, |e| e.0) {
            Ok(k) => match self.area[self.table.by_key[k].1 as usize] {
                UNLOCATED => Err(PostcodeMiss::Unlocated),
                OUTSIDE => Err(PostcodeMiss::OutsideRegion),
                a => Ok(a),
            },
            // A postcode area the table does not cover may still reach into the region (Burton
            // upon Trent is DE14 in the West Midlands): unknown, never outside.
            Err(_) => Err(PostcodeMiss::Unknown),
        }
    }

    /// The postcode area of the postcode in `text` when the table does not cover it (`DE` for
    /// `DE14 1AA` in a table of the West Midlands' ten areas).
    pub fn uncovered_area(&self, text: &str) -> Option<String> {
        let Reading::Postcode(p) = read_postcode(text) else { return None };
        let area = postcode_area(&p);
        (!self.table.covered.contains(area)).then(|| area.to_string())
    }

    /// Up to three postcodes of the table nearest to the unknown one in `text`: its mistyped
    /// reading first when that is a postcode, then the closest of the same sector (`B1 1`), else of
    /// the same outward code (`B1`).
    pub fn nearest(&self, text: &str) -> Vec<String> {
        let p = match read_postcode(text) {
            Reading::Postcode(p) | Reading::Mistyped(p) => p,
            Reading::NotAPostcode => return vec![],
        };
        let mut out = Vec::new();
        if self.table.postcodes.binary_search(&p).is_ok() {
            out.push(p.clone());
        }
        let (outward, inward) = p.split_once(' ').expect("normalised postcodes have a space");
        for prefix in [format!("{outward} {}", &inward[..1]), format!("{outward} ")] {
            let from = self.table.postcodes.partition_point(|x| x.as_str() < prefix.as_str());
            let same = self.table.postcodes[from..].iter().take_while(|x| x.starts_with(&prefix));
            for near in crate::engine::placement::names::closest(&p, same.map(|s| (s.as_str(), s.clone())), SUGGESTIONS) {
                if !out.contains(&near) && out.len() < SUGGESTIONS {
                    out.push(near);
                }
            }
            if !out.is_empty() {
                break;
            }
        }
        out
    }

    /// The area (index) of a postcode of the table, when it has one.
    pub fn area_of(&self, postcode: &str) -> Option<usize> {
        let i = self.table.postcodes.binary_search_by(|x| x.as_str().cmp(postcode)).ok()?;
        (self.area[i] < UNLOCATED).then_some(self.area[i] as usize)
    }
}

/// Rows sampled when looking for a postcode column.
const SAMPLE_ROWS: usize = 5000;

/// The column holding postcodes, if any: the text column where most sampled non-blank values read
/// as postcodes (a header saying postcode breaks ties), found by the values alone so that a page
/// can tell, before fetching the region's postcode table, that the file needs it.
pub fn postcode_column(table: &Table) -> Option<String> {
    let schema = table.batch.schema();
    let mut best: Option<(f64, String)> = None;
    for (i, f) in schema.fields().iter().enumerate() {
        if !matches!(f.data_type(), arrow_schema::DataType::Utf8 | arrow_schema::DataType::Dictionary(..)) {
            continue;
        }
        let Some(c) = crate::engine::table::Column::of(table.batch.column(i)) else { continue };
        let (mut seen, mut hits) = (0usize, 0usize);
        for r in 0..table.num_rows().min(SAMPLE_ROWS) {
            let Some(v) = c.text(r).filter(|v| !v.trim().is_empty()) else { continue };
            seen += 1;
            hits += usize::from(matches!(read_postcode(&v), Reading::Postcode(_)));
        }
        let hint =
            crate::engine::table::loose(f.name()).contains("postcode") || crate::engine::table::loose(f.name()).contains("postalcode");
        let share = if seen == 0 { 0.0 } else { hits as f64 / seen as f64 } + if hint { 0.01 } else { 0.0 };
        if share >= 0.5 && best.as_ref().is_none_or(|(s, _)| share > *s) {
            best = Some((share, f.name().clone()));
        }
    }
    best.map(|(_, n)| n)
}
