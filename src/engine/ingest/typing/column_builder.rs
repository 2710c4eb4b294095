//! One column of a delimited file as it is read: the cells as text and, while every value so far
//! fits a number or ISO-date type, the typed values too, so typing needs no second pass. The result
//! is exactly [`infer_column`]'s on the same cells (a property test below checks it); columns whose
//! typing needs every value first (booleans, slash dates) are typed by [`infer_column`] at the end.
//! A text column is kept as a dictionary (each distinct value once, a number per row) while at
//! most half its cells are distinct values. A numeric column keeps no text, only that of the
//! cells written otherwise than their value is written back (`41.900000`), unless most are.

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array, StringArray};
use arrow_buffer::{BooleanBufferBuilder, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};

use crate::engine::ingest::typing::infer::{infer_column, ColumnKind};
use crate::engine::ingest::typing::text_dictionary::{too_many, TextDictionary};
use crate::engine::ingest::typing::values::{
    format_date, iso_date, leading_zero_code, parse_bool, parse_date, parse_number, whole_value, SlashOrder,
};
use crate::engine::ingest::typing::whole_numbers::IntVec;

/// Cells of one column, appended row by row.
pub(crate) struct ColumnBuilder {
    /// The cells as text, back to back, ending at `offsets` (from row 0 once `lazy` is false):
    /// the first `used` bytes of `data`; the rest is room, kept filled so a short cell can be
    /// copied as one 16-byte block.
    data: Vec<u8>,
    used: usize,
    offsets: Vec<i32>,
    /// Whether the text is left out: while every cell is blank, written exactly as its typed
    /// value is written back (`123`, `41.8366`, `2021-05-01`) or one of the `odd` cells kept with
    /// their text, the text can be rebuilt if it is ever needed.
    lazy: bool,
    rows: usize,
    /// ReaderState the whole column is expected to have (see [`ColumnBuilder::reserve`]).
    expected_rows: usize,
    /// ReaderState of the blank cells (most columns have few).
    blanks: Vec<u32>,
    /// While the text is left out: the cells whose value is of the column's type but written
    /// otherwise than it is written back (`41.900000`, `1,000`), with their text.
    odd: OddCells,
    typed: Typed,
    decimal_comma: bool,
}

/// What the values seen so far allow.
#[derive(Default)]
enum Typed {
    /// No value yet (only blanks).
    Unseen,
    /// Every value is a whole number.
    Int(IntVec),
    /// Every value is a number, some not whole.
    Float(Vec<f64>),
    /// Every value is a `YYYY-MM-DD` date (days since 1970-01-01).
    Date(Vec<i32>),
    /// Some value fits no type: the column stays text.
    #[default]
    Text,
    /// Text from the first value on, as a dictionary: the value number of every row (0 for a
    /// blank; in 8 bits while there are at most 128 values) and the distinct values.
    Dict(IntVec, TextDictionary),
    /// Typed by [`infer_column`] on the whole column at the end.
    AtEnd,
}

impl ColumnBuilder {
    /// An empty column; numbers are read with decimal commas when `decimal_comma`.
    pub(crate) fn new(decimal_comma: bool) -> Self {
        ColumnBuilder {
            data: Vec::new(),
            used: 0,
            offsets: vec![0],
            lazy: true,
            rows: 0,
            expected_rows: 0,
            blanks: Vec::new(),
            odd: OddCells::default(),
            typed: Typed::Unseen,
            decimal_comma,
        }
    }

    /// Appends a trimmed UTF-8 cell; an empty one is null. `tail` holds the cell and whatever
    /// bytes follow it in the reader's buffer (a short cell is copied as one 16-byte block: a
    /// browser makes a call out of WebAssembly for every copy of variable length).
    #[inline]
    pub(crate) fn push(&mut self, cell: &[u8], tail: &[u8]) {
        let row = self.rows;
        self.rows += 1;
        if matches!(self.typed, Typed::Unseen) && !cell.is_empty() {
            // The first value decides which type to try (the value itself is taken below).
            self.typed = match first(cell, row, self.decimal_comma) {
                Typed::Text => Typed::Dict(IntVec::zeros(row), TextDictionary::default()),
                typed => typed,
            };
            if matches!(self.typed, Typed::AtEnd) {
                self.materialize(row);
            }
        }
        if cell.is_empty() {
            self.blanks.push(row as u32);
            match &mut self.typed {
                Typed::Int(v) => v.push(0),
                Typed::Float(v) => v.push(0.0),
                Typed::Date(v) => v.push(0),
                Typed::Dict(keys, _) => keys.push(0),
                _ => {}
            }
            self.push_text(cell, tail);
            return;
        }
        // The common cases: a text column, or a value written as it would be written back.
        match &mut self.typed {
            Typed::Dict(keys, dict) => {
                let (k, new) = dict.key(cell, tail);
                keys.push(i64::from(k));
                if new && too_many(dict.len(), keys.len()) {
                    self.undictionary();
                }
                return;
            }
            Typed::Text | Typed::AtEnd => {
                self.push_text(cell, tail);
                return;
            }
            Typed::Int(v) => {
                if let Some(x) = canonical_int(cell) {
                    v.push(x);
                    self.push_text(cell, tail);
                    return;
                }
            }
            Typed::Date(v) => {
                if let Some(d) = iso_date(cell) {
                    v.push(d);
                    self.push_text(cell, tail);
                    return;
                }
            }
            Typed::Float(v) if !self.decimal_comma => {
                if let Some(x) = canonical_decimal(cell) {
                    v.push(x);
                    self.push_text(cell, tail);
                    return;
                }
            }
            _ => {}
        }
        // A value of the column's type written otherwise keeps its own text only (most of a
        // column of coordinates may be written as they are written back, some with trailing zeros).
        if self.lazy {
            let same = match &mut self.typed {
                Typed::Int(v) => match int(cell, self.decimal_comma) {
                    Value::Int(x) => {
                        v.push(x);
                        true
                    }
                    _ => false,
                },
                Typed::Float(v) => match float(cell, self.decimal_comma) {
                    Some(x) => {
                        v.push(x);
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if same {
                self.odd.push(row as u32, cell);
                self.keep_text_if_mostly_odd();
                return;
            }
        }
        // Any other value keeps its text, and the column needs the text of the rows before.
        self.materialize(row);
        self.push_text(cell, tail);
        match &mut self.typed {
            Typed::Int(v) => match int(cell, self.decimal_comma) {
                Value::Int(x) => v.push(x),
                value => self.typed = widen(std::mem::take(v), value),
            },
            Typed::Float(v) => match float(cell, self.decimal_comma) {
                Some(x) => v.push(x),
                None => self.typed = Typed::Text,
            },
            Typed::Date(_) => self.typed = Typed::AtEnd,
            Typed::Unseen | Typed::Text | Typed::AtEnd | Typed::Dict(..) => unreachable!("taken above"),
        }
    }

    /// Appends the text of a cell, unless the text is left out.
    #[inline]
    fn push_text(&mut self, cell: &[u8], tail: &[u8]) {
        if self.lazy {
            return;
        }
        let n = cell.len();
        match tail.get(..16) {
            Some(block) if n <= 16 => {
                if self.data.len() < self.used + 16 {
                    self.grow(16);
                }
                let to: &mut [u8; 16] = (&mut self.data[self.used..self.used + 16]).try_into().expect("sixteen bytes");
                *to = block.try_into().expect("sixteen bytes");
                self.used += n;
            }
            _ => self.append(cell),
        }
        self.offsets.push(self.used as i32);
    }

    /// Appends `bytes` to the text (without ending a cell).
    fn append(&mut self, bytes: &[u8]) {
        if self.data.len() < self.used + bytes.len() {
            self.grow(bytes.len());
        }
        self.data[self.used..self.used + bytes.len()].copy_from_slice(bytes);
        self.used += bytes.len();
    }

    /// Makes room for at least `more` bytes of text (and a 16-byte block) past `used`.
    #[cold]
    fn grow(&mut self, more: usize) {
        let want = (self.used + more + 16).max(self.data.len() * 2);
        self.data.resize(want, 0);
    }

    /// Writes the left-out text of the first `rows` rows back from their typed values, and keeps
    /// the text from now on.
    fn materialize(&mut self, rows: usize) {
        if !self.lazy {
            return;
        }
        self.lazy = false;
        let mut text = Vec::new();
        let mut ends = Vec::with_capacity(rows);
        let mut blanks = self.blanks.iter().copied().peekable();
        let odd = std::mem::take(&mut self.odd);
        let mut odd = odd.iter().peekable();
        for row in 0..rows {
            if let Some((_, cell)) = odd.next_if(|(r, _)| *r == row as u32) {
                text.extend_from_slice(cell);
            } else if blanks.next_if_eq(&(row as u32)).is_none() {
                match &self.typed {
                    Typed::Int(v) => text.extend_from_slice(v.get(row).to_string().as_bytes()),
                    Typed::Float(v) => write_decimal(v[row], &mut text),
                    Typed::Date(v) => text.extend_from_slice(format_date(v[row]).as_bytes()),
                    _ => unreachable!("only numbers and ISO dates leave their text out"),
                }
            }
            ends.push(text.len());
        }
        let base = self.used;
        self.append(&text);
        self.offsets.extend(ends.iter().map(|&end| (base + end) as i32));
    }

    /// Keeps the text of every cell once more than three in four cells are odd (the text of
    /// every cell then takes less room than the odd cells' rows, ends and text), judged after
    /// [`ODD_JUDGED_AFTER`] rows.
    fn keep_text_if_mostly_odd(&mut self) {
        if self.rows >= ODD_JUDGED_AFTER && self.odd.len() * 4 > self.rows * 3 {
            self.materialize(self.rows);
        }
    }

    /// Turns a dictionary column into plain text (too many distinct values to gain by it).
    #[cold]
    fn undictionary(&mut self) {
        let Typed::Dict(keys, dict) = std::mem::take(&mut self.typed) else { return };
        self.lazy = false;
        let blanks = std::mem::take(&mut self.blanks);
        let mut next_blank = blanks.iter().copied().peekable();
        self.offsets.reserve(keys.capacity());
        for (row, k) in keys.iter().enumerate() {
            if next_blank.next_if_eq(&(row as u32)).is_none() {
                self.append(dict.value(k as u32));
            }
            self.offsets.push(self.used as i32);
        }
        self.blanks = blanks;
        self.typed = Typed::Text;
        self.reserve(self.expected_rows);
    }

    /// Makes room for `rows` cells in all, with as many bytes per cell as the ones so far.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.expected_rows = rows;
        let more = rows.saturating_sub(self.rows);
        if !self.lazy {
            let per_cell = self.used as f64 / self.rows.max(1) as f64;
            let room = self.used + (per_cell * more as f64 * 1.02) as usize + 16;
            if room > self.data.len() {
                self.data.resize(room, 0);
            }
            self.offsets.reserve_exact(more);
        }
        match &mut self.typed {
            Typed::Int(v) => v.reserve_exact(more),
            Typed::Float(v) => v.reserve_exact(more),
            Typed::Date(v) => v.reserve_exact(more),
            Typed::Dict(keys, _) => keys.reserve_exact(more),
            _ => {}
        }
    }

    /// The column as an Arrow array, with its type.
    pub(crate) fn finish(mut self) -> (ArrayRef, ColumnKind) {
        let rows = self.rows;
        let nulls = (!self.blanks.is_empty()).then(|| {
            let mut valid = BooleanBufferBuilder::new(rows);
            valid.append_n(rows, true);
            self.blanks.iter().for_each(|&r| valid.set_bit(r as usize, false));
            NullBuffer::new(valid.finish())
        });
        match self.typed {
            Typed::Int(v) => (v.into_array(nulls), ColumnKind::Integer),
            Typed::Float(v) => (Arc::new(Float64Array::new(ScalarBuffer::from(v), nulls)), ColumnKind::Decimal),
            Typed::Date(v) => (Arc::new(Date32Array::new(ScalarBuffer::from(v), nulls)), ColumnKind::Date),
            Typed::Dict(keys, dict) => (keys.into_keys(nulls, dict.into_values()), ColumnKind::Text),
            Typed::Unseen | Typed::Text | Typed::AtEnd => {
                self.materialize(rows);
                let nulls = nulls.unwrap_or_else(|| NullBuffer::new_valid(rows));
                let offsets = OffsetBuffer::new(ScalarBuffer::from(self.offsets));
                // Every cell was checked to be UTF-8 and trimmed of ASCII spaces only.
                self.data.truncate(self.used);
                let text = StringArray::try_new(offsets, Buffer::from_vec(self.data), Some(nulls)).expect("valid UTF-8 and offsets");
                match self.typed {
                    Typed::AtEnd => infer_column(&text, self.decimal_comma),
                    _ => (Arc::new(text), ColumnKind::Text),
                }
            }
        }
    }
}

/// ReaderState read before a column is judged to have mostly odd cells.
const ODD_JUDGED_AFTER: usize = 256;

/// Cells kept with their text among cells whose text is left out: their rows (ascending), and
/// their text back to back.
#[derive(Default)]
struct OddCells {
    rows: Vec<u32>,
    text: Vec<u8>,
    ends: Vec<u32>,
}

impl OddCells {
    fn push(&mut self, row: u32, cell: &[u8]) {
        self.rows.push(row);
        self.text.extend_from_slice(cell);
        self.ends.push(self.text.len() as u32);
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Each odd cell's row and text, in row order.
    fn iter(&self) -> impl Iterator<Item = (u32, &[u8])> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        self.rows.iter().zip(starts.zip(&self.ends)).map(|(&row, (start, &end))| (row, &self.text[start as usize..end as usize]))
    }
}

/// The cells of one column read by another reader (another worker), in a form that travels as
/// plain buffers, to be appended to the column read so far (`ColumnBuilder::append_part`).
/// Every variant gives back each cell's text exactly as read (trimmed), a blank cell as empty.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnPart {
    /// This many blank cells.
    Blank(usize),
    /// Whole numbers written as they are written back (`123`), 0 for a blank.
    Int(Vec<i64>, Vec<u32>),
    /// Numbers written as they are written back (`41.8366`), 0 for a blank.
    Float(Vec<f64>, Vec<u32>),
    /// `YYYY-MM-DD` dates as days since 1970-01-01, 0 for a blank.
    Date(Vec<i32>, Vec<u32>),
    /// Text as value numbers (`keys`, 0 for a blank) into distinct `values` back to back, value
    /// `k` ending at `ends[k]`.
    Dict {
        /// The value number of each cell.
        keys: Vec<i32>,
        /// The distinct values' bytes.
        values: Vec<u8>,
        /// Where each value ends in `values`.
        ends: Vec<i32>,
        /// ReaderState of the blank cells, ascending.
        blanks: Vec<u32>,
    },
    /// The cells' text back to back, cell `r` from `offsets[r]` to `offsets[r + 1]`.
    Text {
        /// The bytes.
        data: Vec<u8>,
        /// One more than the cells, from 0.
        offsets: Vec<i32>,
        /// ReaderState of the blank cells, ascending.
        blanks: Vec<u32>,
        /// When every cell is a number, the numbers as the reader read them (0 for a blank).
        numbers: Option<Numbers>,
    },
}

/// The numbers of a column of text cells that all read as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    /// Every cell a whole number.
    Int(Vec<i64>),
    /// Every cell a number.
    Float(Vec<f64>),
}

impl ColumnPart {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            ColumnPart::Blank(n) => *n,
            ColumnPart::Int(v, _) => v.len(),
            ColumnPart::Float(v, _) => v.len(),
            ColumnPart::Date(v, _) => v.len(),
            ColumnPart::Dict { keys, .. } => keys.len(),
            ColumnPart::Text { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// ReaderState of the blank cells, ascending.
    fn blanks(&self) -> &[u32] {
        match self {
            ColumnPart::Blank(_) => &[],
            ColumnPart::Int(_, b) | ColumnPart::Float(_, b) | ColumnPart::Date(_, b) => b,
            ColumnPart::Dict { blanks, .. } | ColumnPart::Text { blanks, .. } => blanks,
        }
    }

    /// Calls `f` with the text of every cell in order (empty for a blank).
    fn for_each_cell(&self, mut f: impl FnMut(&[u8])) {
        let mut blanks = self.blanks().iter().copied().peekable();
        let mut text = String::new();
        for row in 0..self.len() {
            if matches!(self, ColumnPart::Blank(_)) || blanks.next_if_eq(&(row as u32)).is_some() {
                f(b"");
                continue;
            }
            text.clear();
            match self {
                ColumnPart::Int(v, _) => text.push_str(&v[row].to_string()),
                ColumnPart::Float(v, _) => text.push_str(&v[row].to_string()),
                ColumnPart::Date(v, _) => text.push_str(&format_date(v[row])),
                ColumnPart::Dict { keys, values, ends, .. } => {
                    let k = keys[row] as usize;
                    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
                    f(&values[start..ends[k] as usize]);
                    continue;
                }
                ColumnPart::Text { data, offsets, .. } => {
                    f(&data[offsets[row] as usize..offsets[row + 1] as usize]);
                    continue;
                }
                ColumnPart::Blank(_) => unreachable!("handled above"),
            }
            f(text.as_bytes());
        }
    }
}

impl ColumnBuilder {
    /// The cells so far, to travel to another reader.
    pub(crate) fn into_part(mut self) -> ColumnPart {
        if !self.odd.is_empty() {
            // A part of numbers and dates gives back every cell's text from its values.
            self.materialize(self.rows);
        }
        let blanks = std::mem::take(&mut self.blanks);
        match std::mem::take(&mut self.typed) {
            Typed::Unseen => ColumnPart::Blank(self.rows),
            Typed::Int(v) if self.lazy => ColumnPart::Int(v.into_wide(), blanks),
            Typed::Float(v) if self.lazy => ColumnPart::Float(v, blanks),
            Typed::Date(v) if self.lazy => ColumnPart::Date(v, blanks),
            Typed::Dict(keys, dict) => {
                let (values, ends) = dict.into_parts();
                ColumnPart::Dict { keys: keys.iter().map(|k| k as i32).collect(), values, ends, blanks }
            }
            typed => {
                // Every other state keeps the text of every cell.
                let numbers = match typed {
                    Typed::Int(v) => Some(Numbers::Int(v.into_wide())),
                    Typed::Float(v) => Some(Numbers::Float(v)),
                    _ => None,
                };
                self.data.truncate(self.used);
                ColumnPart::Text { data: self.data, offsets: self.offsets, blanks, numbers }
            }
        }
    }

    /// Appends the text of cells read elsewhere (`offsets` from 0, `blanks` counted from `base`).
    fn append_text(&mut self, data: &[u8], offsets: &[i32], blanks: &[u32], base: u32) {
        let at = self.used as i32;
        self.append(data);
        self.offsets.extend(offsets[1..].iter().map(|&o| o + at));
        self.blanks.extend(blanks.iter().map(|&b| b + base));
    }

    /// Appends cells read by another reader, with the result of pushing each of them in turn
    /// (the same values; a text column may end as a dictionary where pushing would have written
    /// it out as plain text, or the other way round).
    pub(crate) fn append_part(&mut self, part: ColumnPart) {
        let base = self.rows as u32;
        let n = part.len();
        let same_numbers = matches!(
            (&self.typed, &part),
            (Typed::Int(_), ColumnPart::Text { numbers: Some(Numbers::Int(_)), .. })
                | (Typed::Float(_), ColumnPart::Text { numbers: Some(Numbers::Float(_)), .. })
        );
        if same_numbers {
            // Numbers not all written as they are written back: pushing them would keep the
            // text (of the rows before too) and read the same numbers.
            let ColumnPart::Text { data, offsets, blanks, numbers } = part else { unreachable!("matched above") };
            if self.lazy {
                // Only their odd cells keep their text here too.
                let int = matches!(self.typed, Typed::Int(_));
                match (&mut self.typed, numbers) {
                    (Typed::Int(v), Some(Numbers::Int(x))) => v.extend_from_slice(&x),
                    (Typed::Float(v), Some(Numbers::Float(x))) => v.extend_from_slice(&x),
                    _ => unreachable!("matched above"),
                }
                let mut next_blank = blanks.iter().copied().peekable();
                for row in 0..n {
                    if next_blank.next_if_eq(&(row as u32)).is_some() {
                        continue;
                    }
                    let cell = &data[offsets[row] as usize..offsets[row + 1] as usize];
                    let canonical = if int { canonical_int(cell).is_some() } else { canonical_decimal(cell).is_some() };
                    if !canonical {
                        self.odd.push(base + row as u32, cell);
                    }
                }
                self.blanks.extend(blanks.iter().map(|&b| b + base));
                self.rows += n;
                self.keep_text_if_mostly_odd();
                return;
            }
            self.materialize(self.rows);
            match (&mut self.typed, numbers) {
                (Typed::Int(v), Some(Numbers::Int(x))) => v.extend_from_slice(&x),
                (Typed::Float(v), Some(Numbers::Float(x))) => v.extend_from_slice(&x),
                _ => unreachable!("matched above"),
            }
            self.append_text(&data, &offsets, &blanks, base);
            self.rows += n;
            return;
        }
        match (&mut self.typed, part) {
            (Typed::Int(v), ColumnPart::Int(values, blanks)) if self.lazy => {
                v.extend_from_slice(&values);
                self.blanks.extend(blanks.iter().map(|&b| b + base));
            }
            (Typed::Float(v), ColumnPart::Float(values, blanks)) if self.lazy => {
                v.extend_from_slice(&values);
                self.blanks.extend(blanks.iter().map(|&b| b + base));
            }
            (Typed::Float(v), ColumnPart::Float(values, blanks)) => {
                // Our text is kept: theirs is written back from the numbers (each cell was written
                // as the number is written back).
                v.extend_from_slice(&values);
                let mut text = Vec::with_capacity(values.len() * 10);
                let mut ends = Vec::with_capacity(values.len() + 1);
                ends.push(0);
                let mut next_blank = blanks.iter().copied().peekable();
                for (row, &x) in values.iter().enumerate() {
                    if next_blank.next_if_eq(&(row as u32)).is_none() {
                        write_decimal(x, &mut text);
                    }
                    ends.push(text.len() as i32);
                }
                self.append_text(&text, &ends, &blanks, base);
            }
            (Typed::Date(v), ColumnPart::Date(values, blanks)) if self.lazy => {
                v.extend_from_slice(&values);
                self.blanks.extend(blanks.iter().map(|&b| b + base));
            }
            (Typed::Dict(keys, dict), ColumnPart::Dict { keys: theirs, values, ends, blanks }) => {
                let mut ours = Vec::with_capacity(ends.len());
                let mut start = 0;
                for &end in &ends {
                    let text = &values[start..end as usize];
                    ours.push(i64::from(dict.key(text, text).0));
                    start = end as usize;
                }
                keys.extend(theirs.iter().map(|&k| ours[k as usize]));
                for &b in &blanks {
                    keys.set_zero((base + b) as usize);
                }
                self.blanks.extend(blanks.iter().map(|&b| b + base));
                self.rows += n;
                if too_many(dict.len(), keys.len()) {
                    self.undictionary();
                }
                return;
            }
            (Typed::Text | Typed::AtEnd, ColumnPart::Text { data, offsets, blanks, .. }) if !self.lazy => {
                self.append_text(&data, &offsets, &blanks, base);
            }
            (_, part) => {
                // Any other pair: each cell as the reader would have taken it.
                part.for_each_cell(|cell| self.push(cell, cell));
                return;
            }
        }
        self.rows += n;
    }
}

/// The state a column starts in when its first value is `cell`, after `blanks` blank cells (the
/// typed values of those blanks are there; `cell`'s is not).
fn first(cell: &[u8], blanks: usize, decimal_comma: bool) -> Typed {
    let text = as_text(cell);
    if parse_number(text, decimal_comma).is_some() {
        return match int(cell, decimal_comma) {
            Value::Int(_) => Typed::Int(IntVec::zeros(blanks)),
            Value::Float(_) => Typed::Float(vec![0.0; blanks]),
            Value::Not => Typed::Text,
        };
    }
    if parse_bool(text).is_some() {
        return Typed::AtEnd;
    }
    if iso_date(cell).is_some() {
        return Typed::Date(vec![0; blanks]);
    }
    if parse_date(text, SlashOrder::MonthFirst).is_some() || parse_date(text, SlashOrder::DayFirst).is_some() {
        return Typed::AtEnd;
    }
    Typed::Text
}

/// Writes `x` as Rust writes it back (`x.to_string()`), quickly for a number of at most 15
/// significant digits: the fewest decimals `d` with `round(|x| × 10^d) ÷ 10^d = |x|` (one exact
/// division, as the reader reads such a cell), the closest digits at that length.
fn write_decimal(x: f64, out: &mut Vec<u8>) {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let a = x.abs();
    if a.is_finite() {
        for (d, &p) in POW10.iter().enumerate() {
            let m = (a * p).round();
            if m >= 1e15 {
                break;
            }
            if m / p == a {
                if x.is_sign_negative() {
                    out.push(b'-');
                }
                // The digits of m (at most 15), then the point d digits from the right.
                let mut buf = [b'0'; 32];
                let mut at = buf.len();
                let mut n = m as u64;
                loop {
                    at -= 1;
                    buf[at] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
                // Leading zeros so that there is a digit before the point.
                at = at.min(buf.len() - d - 1);
                let digits = &buf[at..];
                let (int, frac) = digits.split_at(digits.len() - d);
                out.extend_from_slice(int);
                if d > 0 {
                    out.push(b'.');
                    out.extend_from_slice(frac);
                }
                return;
            }
        }
    }
    out.extend_from_slice(x.to_string().as_bytes());
}

/// A whole number written as Rust writes it back: digits without a leading zero, below 10^15.
#[inline(always)]
fn canonical_int(cell: &[u8]) -> Option<i64> {
    if cell.is_empty() || cell.len() > 15 || (cell.len() > 1 && cell[0] == b'0') {
        return None;
    }
    cell.iter().try_fold(0i64, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0')))
}

/// The state of a column of whole numbers `ints` after a value that is not one.
fn widen(ints: IntVec, value: Value) -> Typed {
    match value {
        Value::Float(x) => {
            let mut f: Vec<f64> = Vec::with_capacity(ints.capacity());
            f.extend(ints.iter().map(|i| i as f64));
            f.push(x);
            Typed::Float(f)
        }
        _ => Typed::Text,
    }
}

/// A value of a column typed whole numbers so far.
#[inline]
fn int(cell: &[u8], decimal_comma: bool) -> Value {
    if let Some(x) = canonical_int(cell) {
        return Value::Int(x);
    }
    if leading_zero_code(cell) {
        // A code with leading zeros: the column stays text as written.
        return Value::Not;
    }
    let text = as_text(cell);
    match parse_number(text, decimal_comma) {
        Some(x) => whole_value(x, text).map_or(Value::Float(x), Value::Int),
        None => Value::Not,
    }
}

/// A value of a column typed numbers so far.
#[inline]
fn float(cell: &[u8], decimal_comma: bool) -> Option<f64> {
    if leading_zero_code(cell) {
        return None;
    }
    if !decimal_comma {
        if let Some(x) = plain_decimal(cell) {
            return Some(x);
        }
    }
    parse_number(as_text(cell), decimal_comma)
}

/// `-?D+(.D*)?` with at most 15 digits in all, read exactly as `str::parse::<f64>` reads it: the
/// digits make an integer below 2^53 and one division by an exact power of ten rounds correctly.
fn plain_decimal(cell: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (negative, body) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    let mut mantissa = 0u64;
    let mut digits = 0usize;
    let mut scale: Option<usize> = None;
    for &b in body {
        if b.is_ascii_digit() {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            digits += 1;
            if let Some(s) = &mut scale {
                *s += 1;
            }
        } else if b == b'.' && scale.is_none() && digits > 0 {
            scale = Some(0);
        } else {
            return None;
        }
    }
    if digits == 0 || digits > 15 {
        return None;
    }
    let Some(scale) = scale else {
        // Without a point, as `parse_number` reads it: a whole number (`-0` is 0, not -0).
        let v = mantissa as i64;
        return Some((if negative { -v } else { v }) as f64);
    };
    let x = mantissa as f64 / POW10[scale];
    Some(if negative { -x } else { x })
}

/// A decimal written exactly as Rust writes the number back (`{}`: the shortest text that reads
/// back to the same number): `-?D+(.D+)?` with at most 15 digits, no leading zero before other
/// digits and no trailing zero after the point. With at most 15 significant digits no shorter text
/// reads back to the same `f64`, so the shortest is the cell itself.
#[inline(always)]
fn canonical_decimal(cell: &[u8]) -> Option<f64> {
    let body = cell.strip_prefix(b"-").unwrap_or(cell);
    let int_len = body.iter().position(|&b| b == b'.').unwrap_or(body.len());
    let leading_zero = int_len > 1 && body[0] == b'0';
    let bad_fraction = int_len < body.len() && (int_len + 1 == body.len() || body[body.len() - 1] == b'0');
    if leading_zero || bad_fraction {
        return None;
    }
    // `-0` reads as 0, written back `0`.
    plain_decimal(cell).filter(|&x| !(x == 0.0 && cell[0] == b'-'))
}

/// A cell as text (the reader checked every cell is UTF-8; anything else reads as blank).
fn as_text(cell: &[u8]) -> &str {
    std::str::from_utf8(cell).unwrap_or_default()
}

/// One value read for a numeric column.
enum Value {
    Int(i64),
    Float(f64),
    Not,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_back_as_rust_writes_them() {
        // Numbers of up to 15 significant digits at every scale, and some beyond.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (x % 17) as u32;
            let m = (x >> 8) % 10u64.pow(digits.min(18));
            let d = ((x >> 40) % 17) as i32;
            let v = m as f64 / 10f64.powi(d) * if round % 3 == 0 { -1.0 } else { 1.0 };
            let mut out = Vec::new();
            write_decimal(v, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string(), "{m} / 10^{d}");
        }
        for v in [0.0, -0.0, 1e15, 123456789012345.6, 0.1 + 0.2, f64::MAX, 1e-7, 5e-324] {
            let mut out = Vec::new();
            write_decimal(v, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    /// The builder's column equals `infer_column` on the same cells.
    fn same_as_infer(cells: &[&str]) {
        let mut b = ColumnBuilder::new(false);
        // Half the cells come with room after them (copied as 16-byte blocks), half without.
        for (i, c) in cells.iter().enumerate() {
            let padded = format!("{c}|padding-past-the-cell");
            b.push(c.as_bytes(), if i % 2 == 0 { padded.as_bytes() } else { c.as_bytes() });
        }
        let (array, kind) = b.finish();
        let text: StringArray = cells.iter().map(|s| (!s.is_empty()).then_some(*s)).collect();
        let (want, want_kind) = infer_column(&text, false);
        assert_eq!(kind, want_kind, "{cells:?}");
        assert_eq!(&plain(&array), &want, "{cells:?}");
    }

    /// A dictionary column as the plain text column it stands for.
    fn plain(array: &ArrayRef) -> ArrayRef {
        match crate::engine::table::Column::of(array) {
            Some(c @ crate::engine::table::Column::Dict(..)) => Arc::new((0..array.len()).map(|i| c.str(i)).collect::<StringArray>()),
            _ => array.clone(),
        }
    }

    /// The column's cells as text (as a column turned text gives them back).
    fn texts(array: &ArrayRef) -> Vec<Option<String>> {
        use arrow_array::cast::AsArray;
        plain(array).as_string::<i32>().iter().map(|c| c.map(str::to_string)).collect()
    }

    #[test]
    fn a_few_numbers_written_otherwise_keep_only_their_own_text() {
        // Coordinates, one in four with a trailing zero, and a thousands separator.
        let mut b = ColumnBuilder::new(false);
        let cells = ["41.926876", "41.900000", "", "-87.754696", "1,000", "41.8", "41.81", "41.82"];
        for c in cells {
            b.push(c.as_bytes(), c.as_bytes());
        }
        assert!(b.lazy && b.data.is_empty(), "the text of the other cells is left out");
        assert_eq!(b.odd.len(), 2);
        // Another reader's part with odd cells of its own joins without keeping every text.
        let mut theirs = ColumnBuilder::new(false);
        for c in ["2.50", "", "3"] {
            theirs.push(c.as_bytes(), c.as_bytes());
        }
        b.append_part(theirs.into_part());
        assert!(b.lazy && b.data.is_empty());
        assert_eq!(b.odd.len(), 3);
        let (numbers, kind) = clone_of(&b).finish();
        assert_eq!(kind, ColumnKind::Decimal);
        use arrow_array::cast::AsArray;
        let got: Vec<Option<f64>> = numbers.as_primitive::<arrow_array::types::Float64Type>().iter().collect();
        let want = [
            Some(41.926876),
            Some(41.9),
            None,
            Some(-87.754696),
            Some(1000.0),
            Some(41.8),
            Some(41.81),
            Some(41.82),
            Some(2.5),
            None,
            Some(3.0),
        ];
        assert_eq!(got, want);
        // A word turns the column to text: every cell comes back exactly as read.
        b.push(b"unknown", b"unknown");
        let (array, kind) = b.finish();
        assert_eq!(kind, ColumnKind::Text);
        let want: Vec<Option<String>> =
            cells.iter().chain(&["2.50", "", "3", "unknown"]).map(|c| (!c.is_empty()).then(|| c.to_string())).collect();
        assert_eq!(texts(&array), want);
    }

    #[test]
    fn a_column_of_mostly_odd_numbers_keeps_every_text() {
        let mut b = ColumnBuilder::new(false);
        let cells: Vec<String> = (0..300).map(|i| if i % 5 == 0 { format!("{i}.5") } else { format!("{i}.50") }).collect();
        for c in &cells[..255] {
            b.push(c.as_bytes(), c.as_bytes());
        }
        assert!(b.lazy, "not judged before {ODD_JUDGED_AFTER} rows");
        for c in &cells[255..] {
            b.push(c.as_bytes(), c.as_bytes());
        }
        assert!(!b.lazy && b.odd.is_empty(), "four in five odd: the text of every cell is kept");
        b.push(b"n/a", b"n/a");
        let (array, _) = b.finish();
        let want: Vec<Option<String>> = cells.iter().map(|c| Some(c.clone())).chain([Some("n/a".to_string())]).collect();
        assert_eq!(texts(&array), want);
    }

    /// A copy of a lazy numeric column (the builder is not `Clone`: it is never copied outside tests).
    fn clone_of(b: &ColumnBuilder) -> ColumnBuilder {
        let mut c = ColumnBuilder::new(b.decimal_comma);
        c.rows = b.rows;
        c.blanks = b.blanks.clone();
        c.typed = match &b.typed {
            Typed::Float(v) => Typed::Float(v.clone()),
            Typed::Int(v) => Typed::Int(v.clone()),
            _ => unreachable!("a lazy numeric column"),
        };
        c
    }

    #[test]
    fn keeps_a_text_column_of_few_values_as_a_dictionary() {
        let cells: Vec<String> = (0..5000).map(|i| if i % 7 == 0 { String::new() } else { format!("kind {}", i % 40) }).collect();
        let mut b = ColumnBuilder::new(false);
        cells.iter().for_each(|c| b.push(c.as_bytes(), c.as_bytes()));
        let (array, kind) = b.finish();
        assert_eq!(kind, ColumnKind::Text);
        // Keys of 8 bits: 40 values.
        let d = array.as_any().downcast_ref::<arrow_array::DictionaryArray<arrow_array::types::Int8Type>>().expect("a dictionary");
        // Each of the 40 values once (every one of them also falls on rows that are not blank).
        assert_eq!(d.values().len(), 40);
        let want: StringArray = cells.iter().map(|s| (!s.is_empty()).then_some(s.as_str())).collect();
        assert_eq!(&plain(&array), &(Arc::new(want) as ArrayRef));
    }

    #[test]
    fn turns_a_text_column_of_many_values_into_plain_text() {
        let cells: Vec<String> = (0..70_000).map(|i| if i == 3 { String::new() } else { format!("name {}", i / 2) }).collect();
        let mut b = ColumnBuilder::new(false);
        cells.iter().for_each(|c| b.push(c.as_bytes(), c.as_bytes()));
        let (array, _) = b.finish();
        assert!(array.as_any().downcast_ref::<StringArray>().is_some(), "plain text");
        let want: StringArray = cells.iter().map(|s| (!s.is_empty()).then_some(s.as_str())).collect();
        assert_eq!(&array, &(Arc::new(want) as ArrayRef));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Columns mixing every kind of value type exactly as `infer_column` types them.
        #[test]
        fn types_random_columns_as_infer_column_does(
            cells in proptest::collection::vec(proptest::sample::select(vec![
                "", "", "0", "7", "-3", "12", "007", "-05", "4,568", "1.5", "-0.25", "5.", ".5", "6.4%", "$1,234", "(500)",
                "0.1", "41.836669", "-0", "-0.0", "100.50", "00.5", "123456789012.345",
                "1e3", "123456789012345678", "2021-05-01", "2021-02-30", "5/13/2021", "13/5/2021", "1.5.2021",
                "yes", "NO", "true", "x", "N/A",
            ]), 0..12),
        ) {
            same_as_infer(&cells);
        }
    }

    #[test]
    fn types_as_infer_column_does() {
        for cells in [
            &["1", "", "4,568"][..],
            &["", "1", "2.5", ""],
            &["3", "007"],
            &["007", "3"],
            &["1", "x"],
            &["-05", "1"],
            &["$1,234", "6.4%"],
            &["2021-05-01", "", "2021-02-30"],
            &["2021-05-01", "5/13/2021"],
            &["13/5/2021", "2021-05-01"],
            &["yes", "no"],
            &["", ""],
            &["12345678901234567", "1"],
            &["1e3", "2"],
            &["41.836669", "-87.540026", "", "5.", "-0.0", "0.1", "123456789012.345", "1234567890123456.5"],
            &["0.30000000000000004", "9007199254740993", "1e-7"],
        ] {
            same_as_infer(cells);
        }
    }
}
