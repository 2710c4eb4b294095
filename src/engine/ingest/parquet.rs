//! Parquet in and out: files users drop (any of the snappy, gzip, zstd, lz4 and brotli codecs) and
//! the tables Equimap exports. Columns are brought to the engine's five types.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::engine::error::{EngineError, Result};
use crate::engine::ingest::ingested::{ColumnInfo, IngestReport, Ingested};
use crate::engine::ingest::line_numbers::Lines;
use crate::engine::ingest::typing::infer::ColumnKind;
use crate::engine::table::Table;

/// The 4-byte magic at both ends of every Parquet file.
const MAGIC: &[u8] = b"PAR1";

/// The reader's error in words; a codec this build leaves out is named, with what to do.
fn reason(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    match text.split("Disabled feature at compile time: ").nth(1) {
        Some(codec) => {
            let codec = match codec.trim() {
                "snap" => "Snappy",
                "flate2" => "gzip",
                "zstd" => "Zstandard",
                "brotli" => "Brotli",
                "lz4" => "LZ4",
                other => other,
            };
            format!(
                "it is compressed with {codec}, which this build of Equimap leaves out to stay small (it reads Snappy, gzip and Zstandard); save it again with one of those, or use `equimap analyze`"
            )
        }
        None => text,
    }
}

/// Reads a Parquet file given as bytes into an engine table; every row counts as read (Parquet has
/// no malformed rows: a damaged file is refused whole, with the reason).
pub fn read_parquet(file: &str, bytes: Vec<u8>) -> Result<Ingested> {
    let fail = |reason: String| EngineError::Parquet { file: file.into(), reason };
    if bytes.len() < 12 || !bytes.starts_with(MAGIC) {
        let hint = if bytes.iter().take(1024).all(|b| b.is_ascii() && *b != 0) {
            " (it looks like text: is it a CSV file with a .parquet name?)"
        } else {
            ""
        };
        return Err(fail(format!("it does not start with the Parquet magic bytes PAR1{hint}")));
    }
    if !bytes.ends_with(MAGIC) {
        return Err(fail("it does not end with PAR1: the file is truncated (was the download or copy complete?)".into()));
    }
    let builder = ParquetRecordBatchReaderBuilder::try_new(Bytes::from(bytes)).map_err(|e| fail(reason(&e)))?;
    let reader = builder.with_batch_size(64 * 1024).build().map_err(|e| fail(reason(&e)))?;
    let mut parts: Vec<RecordBatch> = Vec::new();
    for batch in reader {
        parts.push(batch.map_err(|e| fail(reason(&e.to_string())))?);
    }
    let schema = match parts.first() {
        Some(b) => b.schema(),
        None => return Err(EngineError::EmptyInput { file: file.into(), what: "the Parquet file has no rows".into() }),
    };
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    let mut columns = Vec::new();
    for (c, field) in schema.fields().iter().enumerate() {
        let pieces: Vec<&ArrayRef> = parts.iter().map(|b| b.column(c)).collect();
        let (array, kind) = to_engine_type(&pieces)
            .ok_or_else(|| fail(format!("column \"{}\" has type {}, which Equimap does not read", field.name(), field.data_type())))?;
        fields.push(Field::new(field.name(), array.data_type().clone(), true).with_metadata(field.metadata().clone()));
        arrays.push(array);
        columns.push(ColumnInfo { name: field.name().clone(), kind });
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields).with_metadata(schema.metadata().clone())), arrays)
        .map_err(|e| fail(e.to_string()))?;
    let rows = batch.num_rows();
    Ok(Ingested {
        table: Table::new(file, batch, (1..=rows as u64).collect::<Lines>()),
        report: IngestReport {
            file: file.into(),
            encoding: "Parquet".into(),
            delimiter: "none".into(),
            decimal_comma: false,
            rows_in: rows,
            blank_rows: 0,
            rejected: vec![],
            short_rows: Default::default(),
            columns,
        },
    })
}

/// Concatenates the pieces of one column into one array of an engine type.
fn to_engine_type(pieces: &[&ArrayRef]) -> Option<(ArrayRef, ColumnKind)> {
    let dt = pieces.first()?.data_type().clone();
    let len: usize = pieces.iter().map(|p| p.len()).sum();
    macro_rules! ints {
        ($t:ty) => {{
            let mut out: Vec<Option<i64>> = Vec::with_capacity(len);
            for p in pieces {
                out.extend(p.as_primitive::<$t>().iter().map(|v| v.map(|x| x as i64)));
            }
            (crate::engine::ingest::typing::whole_numbers::narrowest(Int64Array::from(out)), ColumnKind::Integer)
        }};
    }
    macro_rules! floats {
        ($t:ty) => {{
            let mut out: Vec<Option<f64>> = Vec::with_capacity(len);
            for p in pieces {
                out.extend(p.as_primitive::<$t>().iter().map(|v| v.map(|x| x as f64)));
            }
            (Arc::new(Float64Array::from(out)) as ArrayRef, ColumnKind::Decimal)
        }};
    }
    let days_of = |p: &ArrayRef, i: usize| -> Option<i32> {
        if p.is_null(i) {
            return None;
        }
        let per_day: i64 = match p.data_type() {
            DataType::Date64 => 86_400_000,
            DataType::Timestamp(TimeUnit::Second, _) => 86_400,
            DataType::Timestamp(TimeUnit::Millisecond, _) => 86_400_000,
            DataType::Timestamp(TimeUnit::Microsecond, _) => 86_400_000_000,
            DataType::Timestamp(TimeUnit::Nanosecond, _) => 86_400_000_000_000,
            _ => return None,
        };
        let v = match p.data_type() {
            DataType::Date64 => p.as_primitive::<Date64Type>().value(i),
            DataType::Timestamp(TimeUnit::Second, _) => p.as_primitive::<TimestampSecondType>().value(i),
            DataType::Timestamp(TimeUnit::Millisecond, _) => p.as_primitive::<TimestampMillisecondType>().value(i),
            DataType::Timestamp(TimeUnit::Microsecond, _) => p.as_primitive::<TimestampMicrosecondType>().value(i),
            _ => p.as_primitive::<TimestampNanosecondType>().value(i),
        };
        Some(v.div_euclid(per_day) as i32)
    };
    Some(match dt {
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        DataType::Float32 => floats!(Float32Type),
        DataType::Float64 => floats!(Float64Type),
        DataType::Boolean => {
            let mut out: Vec<Option<bool>> = Vec::with_capacity(len);
            for p in pieces {
                out.extend(p.as_boolean().iter());
            }
            (Arc::new(BooleanArray::from(out)) as ArrayRef, ColumnKind::Boolean)
        }
        DataType::Date32 => {
            let mut out: Vec<Option<i32>> = Vec::with_capacity(len);
            for p in pieces {
                out.extend(p.as_primitive::<Date32Type>().iter());
            }
            (Arc::new(Date32Array::from(out)) as ArrayRef, ColumnKind::Date)
        }
        DataType::Date64 | DataType::Timestamp(_, _) => {
            let mut out: Vec<Option<i32>> = Vec::with_capacity(len);
            for p in pieces {
                out.extend((0..p.len()).map(|i| days_of(p, i)));
            }
            (Arc::new(Date32Array::from(out)) as ArrayRef, ColumnKind::Date)
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => {
            let mut out: Vec<Option<String>> = Vec::with_capacity(len);
            for p in pieces {
                out.extend(strings(p)?);
            }
            (crate::engine::ingest::typing::text_dictionary::text_array(out.iter().map(Option::as_deref)), ColumnKind::Text)
        }
        _ => return None,
    })
}

fn strings(p: &ArrayRef) -> Option<Vec<Option<String>>> {
    Some(match p.data_type() {
        DataType::Utf8 => p.as_string::<i32>().iter().map(|v| v.map(str::to_string)).collect(),
        DataType::LargeUtf8 => p.as_string::<i64>().iter().map(|v| v.map(str::to_string)).collect(),
        DataType::Utf8View => p.as_string_view().iter().map(|v| v.map(str::to_string)).collect(),
        DataType::Dictionary(k, v) if **v == DataType::Utf8 => {
            let values: Vec<Option<String>>;
            let keys: Vec<Option<usize>> = match **k {
                DataType::Int8 => {
                    let d = p.as_dictionary::<Int8Type>();
                    values = strings(d.values())?;
                    d.keys().iter().map(|x| x.map(|x| x as usize)).collect()
                }
                DataType::Int16 => {
                    let d = p.as_dictionary::<Int16Type>();
                    values = strings(d.values())?;
                    d.keys().iter().map(|x| x.map(|x| x as usize)).collect()
                }
                DataType::Int32 => {
                    let d = p.as_dictionary::<Int32Type>();
                    values = strings(d.values())?;
                    d.keys().iter().map(|x| x.map(|x| x as usize)).collect()
                }
                DataType::Int64 => {
                    let d = p.as_dictionary::<Int64Type>();
                    values = strings(d.values())?;
                    d.keys().iter().map(|x| x.map(|x| x as usize)).collect()
                }
                _ => return None,
            };
            keys.into_iter().map(|k| k.and_then(|k| values.get(k).cloned().flatten())).collect()
        }
        _ => return None,
    })
}

/// Writes a batch as a Parquet file (zstd level 3, deterministic bytes for the same batch).
pub fn write_parquet(batch: &RecordBatch) -> Result<Vec<u8>> {
    write_parquet_as(batch, Compression::ZSTD(ZstdLevel::try_new(3).expect("valid level")))
}

/// `batch` as Parquet bytes compressed with `compression` (the table download uses none: it is
/// small, and the on-demand module that writes it in the page carries no codec).
pub fn write_parquet_as(batch: &RecordBatch, compression: Compression) -> Result<Vec<u8>> {
    let props = WriterProperties::builder().set_compression(compression).set_created_by("equimap".into()).build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props))?;
    w.write(batch)?;
    w.close()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_codec_left_out_is_named_with_what_to_do() {
        // The parquet crate's message when a codec's feature is off (as in the web build).
        let e = parquet::errors::ParquetError::General("Disabled feature at compile time: brotli".into());
        let r = reason(&e);
        assert!(r.starts_with("it is compressed with Brotli, which this build of Equimap leaves out"), "{r}");
        assert_eq!(reason(&"Parquet error: EOF"), "Parquet error: EOF");
    }
}
