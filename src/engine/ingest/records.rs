//! Splitting delimited UTF-8 text into records and fields as it streams from any reader, with the
//! quoting rules of RFC 4180 as spreadsheet exports write them.
//!
//! Exact semantics (those of the `csv` crate's reader with `flexible(true)`, which this replaces
//! for speed; a property test below checks it against that reader on random text):
//! - a record ends at `\n`, `\r` or `\r\n`; line ends at the start of a record are skipped (blank
//!   lines are not records);
//! - a field starting with `"` is quoted: delimiters and line ends inside it are data, `""` is one
//!   `"`, and text after the closing quote is appended as written (`"ab"cd` reads `abcd`); a `"`
//!   inside an unquoted field is data;
//! - text ending inside a quoted field ends the record there ([`RecordSplitter::unclosed_quote`]);
//! - one UTF-8 byte-order mark at the very start is skipped;
//! - records may have any number of fields.
//!
//! Lines are counted as an editor shows them: `\n`, `\r` and `\r\n` each end one line, including
//! line ends inside quoted fields.

use std::io::{ErrorKind, Read};

/// Bytes asked of the source at a time (the buffer grows for a longer record).
const BUFFER_BYTES: usize = 1 << 20;

/// Classes of bytes for [`RecordSplitter::split_plain`]: 0 for data.
const DELIMITER: u8 = 1;
const NEWLINE: u8 = 2;
const OTHER: u8 = 3;

/// Splits `text` into records with `delimiter` and counts the records and their fields' bytes:
/// the record splitter alone (no typing, no checks), as `cargo bench` compares it with `csv-core`.
///
/// ```
/// assert_eq!(equimap::engine::ingest::split_count(b"a,b\n\"x,y\",z\n", b','), (2, 6));
/// ```
pub fn split_count(text: &[u8], delimiter: u8) -> (u64, u64) {
    let mut r = RecordSplitter::new(text, delimiter);
    let (mut records, mut bytes) = (0, 0);
    while r.next_record().unwrap_or(false) {
        records += 1;
        bytes += r.fields().map(|f| f.len() as u64).sum::<u64>();
    }
    (records, bytes)
}

/// Reads records one at a time from `source`; the current record's fields are borrowed from the
/// splitter until the next call of [`RecordSplitter::next_record`].
pub(crate) struct RecordSplitter<R> {
    source: R,
    delimiter: u8,
    /// Each byte's class: data (0), [`DELIMITER`], [`NEWLINE`] or [`OTHER`] (`"` and `\r`).
    special: [u8; 256],
    /// Bytes read from the source; `buf[start..end]` is not consumed yet.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Bytes consumed before `buf[0]`.
    before: u64,
    /// Whether the byte-order mark check was done.
    began: bool,
    /// Line at `buf[start]`, and whether the last consumed byte was a `\r` (so a `\n` right after
    /// it ends no further line).
    line: u64,
    prev_cr: bool,
    /// The current record.
    record: Record,
}

/// Where the current record's fields are.
#[derive(Default)]
struct Record {
    /// 1-based line of the record's first byte.
    line: u64,
    /// Bytes of text before the record's first byte.
    offset: u64,
    /// Field byte ranges (the first `fields`; the vector only grows): in `buf` from `at` when
    /// `quoted` is false, else in `scratch`.
    ranges: Vec<(u32, u32)>,
    fields: usize,
    at: usize,
    byte_len: usize,
    quoted: bool,
    scratch: Vec<u8>,
    unclosed: bool,
}

/// Bit `k` set when byte `k` of `c` is special (the delimiter, `\n`, `"` or `\r`): sixteen bytes
/// at once with `simd128` vector compares in the browser.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn special_mask(c: &[u8; 16], delimiter: u8) -> u32 {
    use core::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
    let v = u8x16(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]);
    let delimiter_or_newline = v128_or(u8x16_eq(v, u8x16_splat(delimiter)), u8x16_eq(v, u8x16_splat(b'\n')));
    let quote_or_return = v128_or(u8x16_eq(v, u8x16_splat(b'"')), u8x16_eq(v, u8x16_splat(b'\r')));
    u32::from(u8x16_bitmask(v128_or(delimiter_or_newline, quote_or_return)))
}

/// Bit `k` set when byte `k` of `c` is special (the delimiter, `\n`, `"` or `\r`): eight bytes
/// per 64-bit word (SWAR).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn special_mask(c: &[u8; 16], delimiter: u8) -> u32 {
    let (lo, hi) = c.split_at(8);
    let lo = word_mask(u64::from_le_bytes(lo.try_into().expect("eight bytes")), delimiter);
    let hi = word_mask(u64::from_le_bytes(hi.try_into().expect("eight bytes")), delimiter);
    lo | hi << 8
}

/// Bit `k` set when byte `k` of the little-endian word `w` is special.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn word_mask(w: u64, delimiter: u8) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let m = zeros(w ^ (ONES * u64::from(delimiter)))
        | zeros(w ^ (ONES * u64::from(b'\n')))
        | zeros(w ^ (ONES * u64::from(b'"')))
        | zeros(w ^ (ONES * u64::from(b'\r')));
    // Gather the eight flags (bit 7 of each byte) into the low eight bits, in byte order.
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// `0x80` in each byte of `x` that is zero, `0` in the others (exact: no carries between bytes).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn zeros(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

impl Record {
    /// Ends the next field at byte range `start..end`.
    #[inline(always)]
    fn put(&mut self, start: usize, end: usize) {
        let range = (start as u32, end as u32);
        match self.ranges.get_mut(self.fields) {
            Some(slot) => *slot = range,
            None => self.ranges.push(range),
        }
        self.fields += 1;
    }
}

/// What scanning a quoted record found.
enum Quoted {
    /// The record ends at this many bytes (its line end included), spanning `lines` line ends.
    Done { used: usize, lines: u64, ends_cr: bool, unclosed: bool },
    /// The text ends before the record does: read more and scan again.
    NeedMore,
}

impl<R: Read> RecordSplitter<R> {
    /// A splitter of `source`, fields separated by `delimiter`.
    pub(crate) fn new(source: R, delimiter: u8) -> Self {
        Self::with_buffer(source, delimiter, BUFFER_BYTES)
    }

    /// [`Self::new`] reading `buffer` bytes at a time (a short text needs no more than its length
    /// and one; tests use tiny buffers to cross every boundary).
    pub(crate) fn with_buffer(source: R, delimiter: u8, buffer: usize) -> Self {
        let mut special = [0; 256];
        special[usize::from(b'"')] = OTHER;
        special[usize::from(b'\r')] = OTHER;
        special[usize::from(b'\n')] = NEWLINE;
        special[usize::from(delimiter)] = DELIMITER;
        RecordSplitter {
            source,
            delimiter,
            special,
            buf: vec![0; buffer.max(1)],
            start: 0,
            end: 0,
            eof: false,
            before: 0,
            began: false,
            line: 1,
            prev_cr: false,
            record: Record::default(),
        }
    }

    /// The same splitter for text that starts in the middle of a file: a byte-order mark at its
    /// start is data, not skipped.
    pub(crate) fn without_bom(mut self) -> Self {
        self.began = true;
        self
    }

    /// Moves to the next record; `false` at the end of the text. Errors are the source's; after
    /// `WouldBlock` (a source of pushed bytes that has none left for now) the call can be made
    /// again once there are more, and goes on where it stopped.
    ///
    /// Out of line for the browser's sake (see `ReaderState::take` in rows.rs): called once per
    /// record, it is optimised early. Do not inline it into the read loop (ARCHITECTURE.md, "Speed
    /// in the browser"; `index.html` tells wasm-opt the same).
    #[inline(never)]
    pub(crate) fn next_record(&mut self) -> std::io::Result<bool> {
        if !self.began {
            while self.end < 3 && !self.eof {
                self.fill()?;
            }
            self.began = true;
            if self.buf[..self.end].starts_with(b"\xEF\xBB\xBF") {
                self.start = 3;
            }
        }
        loop {
            self.skip_line_ends();
            if self.start == self.end {
                if self.fill()? {
                    continue;
                }
                return Ok(false);
            }
            let offset = self.before + self.start as u64;
            if self.split_plain() || self.split_quoted() {
                self.record.offset = offset;
                return Ok(true);
            }
            // The record runs past the bytes read so far.
            if !self.fill()? {
                // Unreachable: at the end of the text both splitters end the record.
                return Ok(false);
            }
        }
    }

    /// Skips `\r` and `\n` bytes at the start of a record, counting lines.
    fn skip_line_ends(&mut self) {
        while self.start < self.end {
            match self.buf[self.start] {
                b'\r' => {
                    self.line += 1;
                    self.prev_cr = true;
                }
                b'\n' => {
                    self.line += u64::from(!self.prev_cr);
                    self.prev_cr = false;
                }
                _ => return,
            }
            self.start += 1;
        }
    }

    /// The common case: a record on one line without quotes or `\r`. Splits it in place and
    /// returns `true`, or `false` to leave it to [`Self::split_quoted`] (also when the line's end
    /// is not read yet).
    #[inline]
    fn split_plain(&mut self) -> bool {
        let data = &self.buf[self.start..self.end];
        let rec = &mut self.record;
        rec.fields = 0;
        let mut field = 0;
        let mut i = 0;
        let mut line_end = None;
        // Sixteen bytes at a time: a mask of the special bytes among them, then each special byte.
        'words: while i + 16 <= data.len() {
            let mut mask = special_mask(data[i..i + 16].try_into().expect("sixteen bytes"), self.delimiter);
            while mask != 0 {
                let at = i + mask.trailing_zeros() as usize;
                match self.special[data[at] as usize] {
                    DELIMITER => {
                        rec.put(field, at);
                        field = at + 1;
                    }
                    NEWLINE => {
                        line_end = Some(at);
                        break 'words;
                    }
                    _ => return false,
                }
                mask &= mask - 1;
            }
            i += 16;
        }
        if line_end.is_none() {
            while i < data.len() {
                match self.special[data[i] as usize] {
                    0 => {}
                    DELIMITER => {
                        rec.put(field, i);
                        field = i + 1;
                    }
                    NEWLINE => {
                        line_end = Some(i);
                        break;
                    }
                    _ => return false,
                }
                i += 1;
            }
        }
        let mut i = match line_end {
            Some(at) => at,
            None if self.eof => data.len(),
            None => return false,
        };
        rec.put(field, i);
        rec.line = self.line;
        rec.at = self.start;
        rec.byte_len = i;
        rec.quoted = false;
        rec.unclosed = false;
        if i < data.len() {
            // The `\n`.
            self.line += 1;
            i += 1;
        }
        self.prev_cr = false;
        self.start += i;
        true
    }

    /// A record with quotes or `\r`: unescapes its fields into the scratch buffer. `false` when the
    /// record runs past the bytes read so far.
    fn split_quoted(&mut self) -> bool {
        let data = &self.buf[self.start..self.end];
        match scan_quoted(data, self.delimiter, self.eof, &mut self.record) {
            Quoted::NeedMore => false,
            Quoted::Done { used, lines, ends_cr, unclosed } => {
                self.record.line = self.line;
                self.record.quoted = true;
                self.record.unclosed = unclosed;
                self.line += lines;
                self.prev_cr = ends_cr;
                self.start += used;
                true
            }
        }
    }

    /// Reads more text into the buffer, keeping what is not consumed; `false` at the end.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.before += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let had = self.end;
        while self.end < self.buf.len() {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // Pushed bytes run out: go on with those read, if any.
                Err(e) if e.kind() == ErrorKind::WouldBlock && self.end > had => break,
                Err(e) => return Err(e),
            }
        }
        Ok(self.end > had || self.eof)
    }

    /// The source, to push more bytes into it.
    pub(crate) fn source_mut(&mut self) -> &mut R {
        &mut self.source
    }

    /// Bytes of text consumed so far (the current record included).
    pub(crate) fn position(&self) -> u64 {
        self.before + self.start as u64
    }

    /// Bytes of text before the current record's first byte (line ends before it are skipped).
    pub(crate) fn offset(&self) -> u64 {
        self.record.offset
    }

    /// 1-based line where the current record starts.
    pub(crate) fn line(&self) -> u64 {
        self.record.line
    }

    /// Number of fields in the current record.
    pub(crate) fn len(&self) -> usize {
        self.record.fields
    }

    /// The current record's fields.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let bytes = self.bytes();
        self.record.ranges[..self.record.fields].iter().map(move |&(a, b)| &bytes[a as usize..b as usize])
    }

    /// The current record's fields, each with the bytes from its start to the end of the buffer
    /// that holds it (more than the field: room to copy a short field as a fixed-size block).
    pub(crate) fn fields_with_tails(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let r = &self.record;
        let store: &[u8] = if r.quoted { &r.scratch } else { &self.buf[r.at..self.end] };
        r.ranges[..r.fields].iter().map(move |&(a, b)| (&store[a as usize..b as usize], &store[a as usize..]))
    }

    /// Every byte of the current record's fields (with delimiters between them when unquoted).
    pub(crate) fn bytes(&self) -> &[u8] {
        let r = &self.record;
        if r.quoted {
            &r.scratch
        } else {
            &self.buf[r.at..r.at + r.byte_len]
        }
    }

    /// Whether the text ended inside a quoted field of the current record (an opening quote never
    /// closed: the record swallowed the rest of the text).
    pub(crate) fn unclosed_quote(&self) -> bool {
        self.record.unclosed
    }
}

/// Scans one record that may hold quoted fields, from its first byte, writing the unescaped
/// fields to `rec.scratch` and their ranges to `rec.ranges`.
fn scan_quoted(data: &[u8], delimiter: u8, eof: bool, rec: &mut Record) -> Quoted {
    rec.fields = 0;
    rec.scratch.clear();
    let n = data.len();
    let mut lines = 0u64;
    let mut i = 0;
    let mut field = 0;
    loop {
        if i < n && data[i] == b'"' {
            // A quoted field: everything up to the closing quote is data, `""` is one quote.
            i += 1;
            loop {
                let run = data[i..].iter().position(|&b| b == b'"').map_or(n, |k| i + k);
                rec.scratch.extend_from_slice(&data[i..run]);
                lines += line_ends(&data[i..run]);
                if run == n {
                    if !eof {
                        return Quoted::NeedMore;
                    }
                    rec.put(field, rec.scratch.len());
                    return Quoted::Done { used: n, lines, ends_cr: data.last() == Some(&b'\r'), unclosed: true };
                }
                i = run + 1;
                if i < n && data[i] == b'"' {
                    rec.scratch.push(b'"');
                    i += 1;
                } else if i == n && !eof {
                    return Quoted::NeedMore;
                } else {
                    break;
                }
            }
        }
        // Unquoted text (also after a closing quote): up to a delimiter or line end; quotes are data.
        let stop = data[i..].iter().position(|&b| b == delimiter || b == b'\n' || b == b'\r').map_or(n, |k| i + k);
        rec.scratch.extend_from_slice(&data[i..stop]);
        i = stop;
        if i == n && !eof {
            return Quoted::NeedMore;
        }
        rec.put(field, rec.scratch.len());
        field = rec.scratch.len();
        if i == n {
            return Quoted::Done { used: n, lines, ends_cr: false, unclosed: false };
        }
        if data[i] != delimiter {
            return Quoted::Done { used: i + 1, lines: lines + 1, ends_cr: data[i] == b'\r', unclosed: false };
        }
        i += 1;
    }
}

/// Line ends in `bytes`: each `\r`, and each `\n` not right after a `\r`.
fn line_ends(bytes: &[u8]) -> u64 {
    let mut lines = 0;
    let mut prev_cr = false;
    for &b in bytes {
        lines += u64::from(b == b'\r' || (b == b'\n' && !prev_cr));
        prev_cr = b == b'\r';
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as (line, fields, unclosed).
    fn split(text: &[u8]) -> Vec<(u64, Vec<String>, bool)> {
        let mut s = RecordSplitter::new(text, b',');
        let mut out = Vec::new();
        while s.next_record().unwrap() {
            out.push((s.line(), s.fields().map(|f| String::from_utf8_lossy(f).into_owned()).collect(), s.unclosed_quote()));
        }
        out
    }

    fn rec(line: u64, fields: &[&str]) -> (u64, Vec<String>, bool) {
        (line, fields.iter().map(|f| f.to_string()).collect(), false)
    }

    #[test]
    fn plain_and_quoted_records_with_their_lines() {
        assert_eq!(split(b"a,b\n1,2\n"), vec![rec(1, &["a", "b"]), rec(2, &["1", "2"])]);
        assert_eq!(split(b"a,b\r\n\r\n1,2"), vec![rec(1, &["a", "b"]), rec(3, &["1", "2"])]);
        assert_eq!(split(b"a\rb\r\rc"), vec![rec(1, &["a"]), rec(2, &["b"]), rec(4, &["c"])]);
        assert_eq!(split(b"\"x,\"\"y\"\"\nz\",w\nq,\n"), vec![rec(1, &["x,\"y\"\nz", "w"]), rec(3, &["q", ""])]);
        assert_eq!(split(b"\"ab\"cd,e\"f\n"), vec![rec(1, &["abcd", "e\"f"])]);
        assert_eq!(split(b"\xEF\xBB\xBFh\n"), vec![rec(1, &["h"])]);
        assert_eq!(split(b"a,\"open\nstill"), vec![(1, vec!["a".into(), "open\nstill".into()], true)]);
        assert_eq!(split(b"\n\n"), vec![]);
    }

    /// Every record's fields as the `csv` crate reads them (`flexible`, no headers).
    #[cfg(not(target_arch = "wasm32"))]
    fn csv_crate(text: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text);
        r.byte_records().map(|rec| rec.expect("byte records never fail").iter().map(<[u8]>::to_vec).collect()).collect()
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Random text of quotes, delimiters and line ends splits as the `csv` crate splits it,
        /// whatever the buffer size.
        #[test]
        fn splits_as_the_csv_crate(
            text in proptest::collection::vec(proptest::sample::select(b"ab,;\"\"\r\n \xC3\xA9".to_vec()), 0..80),
            bom in proptest::bool::weighted(0.1),
            buffer in 1usize..40,
            semicolon in proptest::bool::ANY,
        ) {
            let text = if bom { [b"\xEF\xBB\xBF".as_slice(), &text].concat() } else { text };
            let delimiter = if semicolon { b';' } else { b',' };
            let mut s = RecordSplitter::with_buffer(&text[..], delimiter, buffer);
            let mut got = Vec::new();
            while s.next_record().unwrap() {
                got.push(s.fields().map(<[u8]>::to_vec).collect::<Vec<_>>());
            }
            proptest::prop_assert_eq!(got, csv_crate(&text, delimiter));
        }
    }

    #[test]
    fn records_longer_than_the_buffer() {
        let long = "x".repeat(BUFFER_BYTES * 2 + 7);
        let text = format!("a,{long}\n\"{long}\",b\n");
        let got = split(text.as_bytes());
        assert_eq!(got, vec![rec(1, &["a", &long]), rec(2, &[&long, "b"])]);
    }
}
