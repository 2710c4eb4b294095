//! An ingested file: one Arrow `RecordBatch` of typed columns plus, for every row, the line of the
//! file it came from (so every message can point at it).

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::line_numbers::Lines;
use crate::engine::ingest::typing::values::format_date;
use crate::engine::ingest::typing::whole_numbers::each_width;

/// A file's rows as typed Arrow columns (Utf8 or a Utf8 dictionary with Int8, Int16, Int32 or
/// Int64 keys, whole numbers in Int8, Int16, Int32 or Int64, Float64, Boolean or Date32).
#[derive(Debug, Clone)]
pub struct Table {
    /// The file's name as the user gave it (used in messages).
    pub file: String,
    /// The accepted rows, typed.
    pub batch: RecordBatch,
    /// For row `i` of `batch`, the 1-based line of the file where that row starts.
    pub lines: Lines,
}

/// A typed view of one column, for fast cell access in loops.
#[derive(Clone, Copy)]
pub enum Column<'a> {
    /// Text.
    Text(&'a arrow_array::StringArray),
    /// Text as a dictionary: the value numbers (null for a blank), and the values.
    Dict(Ints<'a>, &'a arrow_array::StringArray),
    /// Whole numbers (8, 16, 32 or 64 bits).
    Int(Ints<'a>),
    /// Decimal numbers.
    Float(&'a arrow_array::Float64Array),
    /// Yes/no flags.
    Bool(&'a arrow_array::BooleanArray),
    /// Dates as days since 1970-01-01.
    Date(&'a arrow_array::Date32Array),
}

/// A column of whole numbers (or a dictionary's keys), as the reader keeps it: in the narrowest
/// of 8, 16, 32 or 64 bits that holds every value.
#[derive(Clone, Copy, Debug)]
pub enum Ints<'a> {
    /// 8 bits.
    I8(&'a arrow_array::Int8Array),
    /// 16 bits.
    I16(&'a arrow_array::Int16Array),
    /// 32 bits.
    I32(&'a arrow_array::Int32Array),
    /// 64 bits.
    I64(&'a arrow_array::Int64Array),
}

impl<'a> Ints<'a> {
    /// Views an array of whole numbers of any of the four widths.
    pub fn of(array: &'a dyn Array) -> Option<Self> {
        Some(match array.data_type() {
            DataType::Int8 => Ints::I8(array.as_primitive::<Int8Type>()),
            DataType::Int16 => Ints::I16(array.as_primitive::<Int16Type>()),
            DataType::Int32 => Ints::I32(array.as_primitive::<Int32Type>()),
            DataType::Int64 => Ints::I64(array.as_primitive::<Int64Type>()),
            _ => return None,
        })
    }

    /// Value `i` (whatever it holds when null).
    #[inline]
    #[allow(clippy::useless_conversion)] // the 64-bit arm
    pub fn value(&self, i: usize) -> i64 {
        each_width!(Ints: self, a => i64::from(a.value(i)))
    }

    /// Whether row `i` has a value.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        each_width!(Ints: self, a => a.is_valid(i))
    }

    /// The array viewed.
    pub fn array(&self) -> &'a dyn Array {
        each_width!(Ints: *self, a => a)
    }

    /// `table[value]` for every row, `null` where a row has no value (`table` must have an entry
    /// for every value: a dictionary's per-value results, looked up by key).
    pub fn lookup<T: Copy>(&self, table: &[T], null: T) -> Vec<T> {
        each_width!(Ints: self, a => a.iter().map(|k| k.map_or(null, |k| table[k as usize])).collect())
    }
}

impl<'a> Column<'a> {
    /// Views an Arrow array of one of the five engine types.
    pub fn of(array: &'a ArrayRef) -> Option<Self> {
        Some(match array.data_type() {
            DataType::Utf8 => Column::Text(array.as_string::<i32>()),
            DataType::Dictionary(k, v) if **v == DataType::Utf8 => {
                macro_rules! dictionary {
                    ($t:ty) => {{
                        let d = array.as_dictionary::<$t>();
                        Column::Dict(Ints::of(d.keys())?, d.values().as_string::<i32>())
                    }};
                }
                match **k {
                    DataType::Int8 => dictionary!(Int8Type),
                    DataType::Int16 => dictionary!(Int16Type),
                    DataType::Int32 => dictionary!(Int32Type),
                    DataType::Int64 => dictionary!(Int64Type),
                    _ => return None,
                }
            }
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => Column::Int(Ints::of(array.as_ref())?),
            DataType::Float64 => Column::Float(array.as_primitive::<Float64Type>()),
            DataType::Boolean => Column::Bool(array.as_boolean()),
            DataType::Date32 => Column::Date(array.as_primitive::<Date32Type>()),
            _ => return None,
        })
    }

    /// The cell as borrowed text for a text column (`None` when null or not text).
    pub fn str(&self, i: usize) -> Option<&'a str> {
        match self {
            Column::Text(a) => a.is_valid(i).then(|| a.value(i)),
            Column::Dict(keys, v) => keys.is_valid(i).then(|| v.value(keys.value(i) as usize)),
            _ => None,
        }
    }

    /// For a dictionary column, its value numbers and `f` of each distinct value (`None` for a
    /// null value), so per-row work can be done once per value; `None` for any other column.
    pub fn per_value<T>(&self, f: impl FnMut(Option<&str>) -> T) -> Option<(Ints<'a>, Vec<T>)> {
        match self {
            Column::Dict(keys, values) => Some((*keys, values.iter().map(f).collect())),
            _ => None,
        }
    }

    /// Whether the column holds text.
    pub fn is_text(&self) -> bool {
        matches!(self, Column::Text(_) | Column::Dict(..))
    }

    fn array(&self) -> &dyn Array {
        match self {
            Column::Text(a) => *a,
            Column::Dict(keys, _) | Column::Int(keys) => keys.array(),
            Column::Float(a) => *a,
            Column::Bool(a) => *a,
            Column::Date(a) => *a,
        }
    }

    /// True when row `i` has no value.
    pub fn is_null(&self, i: usize) -> bool {
        self.array().is_null(i)
    }

    /// The cell as text, as it would be shown (dates as `YYYY-MM-DD`); `None` when null.
    pub fn text(&self, i: usize) -> Option<Cow<'a, str>> {
        if self.is_null(i) {
            return None;
        }
        Some(match self {
            Column::Text(_) | Column::Dict(..) => Cow::Borrowed(self.str(i)?),
            Column::Int(a) => Cow::Owned(a.value(i).to_string()),
            Column::Float(a) => Cow::Owned(a.value(i).to_string()),
            Column::Bool(a) => Cow::Borrowed(if a.value(i) { "true" } else { "false" }),
            Column::Date(a) => Cow::Owned(format_date(a.value(i))),
        })
    }

    /// The cell as a number (text is parsed as a number a person wrote); `None` when null or not a
    /// number.
    pub fn number(&self, i: usize) -> Option<f64> {
        if self.is_null(i) {
            return None;
        }
        match self {
            Column::Int(a) => Some(a.value(i) as f64),
            Column::Float(a) => Some(a.value(i)),
            Column::Bool(a) => Some(if a.value(i) { 1.0 } else { 0.0 }),
            Column::Text(_) | Column::Dict(..) => crate::engine::ingest::typing::values::parse_number(self.str(i)?, false),
            Column::Date(_) => None,
        }
    }

    /// The cell as a date (days since 1970-01-01); text is parsed as ISO or m/d/Y.
    pub fn date(&self, i: usize) -> Option<i32> {
        if self.is_null(i) {
            return None;
        }
        match self {
            Column::Date(a) => Some(a.value(i)),
            Column::Text(_) | Column::Dict(..) => crate::engine::ingest::typing::values::parse_date(
                self.str(i)?,
                crate::engine::ingest::typing::values::SlashOrder::MonthFirst,
            ),
            _ => None,
        }
    }
}

impl Table {
    /// Wraps a batch whose rows came from lines `lines`.
    pub fn new(file: impl Into<String>, batch: RecordBatch, lines: impl Into<Lines>) -> Self {
        Table { file: file.into(), batch, lines: lines.into() }
    }

    /// An empty table with no columns.
    pub fn empty(file: impl Into<String>) -> Self {
        let batch = RecordBatch::new_empty(Arc::new(Schema::empty()));
        Table::new(file, batch, vec![])
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Column names in file order.
    pub fn column_names(&self) -> Vec<String> {
        self.batch.schema().fields().iter().map(|f| f.name().clone()).collect()
    }

    /// Position of the column called `name` (exact first, then ignoring case and spaces).
    pub fn find(&self, name: &str) -> Option<usize> {
        let schema = self.batch.schema();
        find_name(schema.fields().iter().map(|f| f.name().as_str()), name)
    }

    /// The column called `name`, or a message listing the columns there are.
    pub fn column(&self, name: &str) -> Result<Column<'_>> {
        let idx = self.find(name).ok_or_else(|| EngineError::MissingColumn {
            file: self.file.clone(),
            column: name.to_string(),
            available: self.column_names().join(", "),
        })?;
        Ok(Column::of(self.batch.column(idx)).expect("engine tables hold only engine types"))
    }

    /// The Arrow type of column `name`, if present.
    pub fn data_type(&self, name: &str) -> Option<DataType> {
        self.find(name).map(|i| self.batch.schema().field(i).data_type().clone())
    }
}

/// Position of the column called `name` among `names`: exact first, then ignoring case and
/// spaces (see [`loose`]).
pub fn find_name<'a>(names: impl Iterator<Item = &'a str> + Clone, name: &str) -> Option<usize> {
    names.clone().position(|n| n == name).or_else(|| {
        let want = loose(name);
        names.clone().position(|n| loose(n) == want)
    })
}

/// A header name folded for forgiving comparison: lower case, letters and digits only.
pub fn loose(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
