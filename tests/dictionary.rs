//! Text columns with few distinct values are read as Arrow dictionaries; every figure of an
//! analysis must be the same as on the same columns kept as plain text.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use equimap::engine::table::{Column, Table};
use equimap::engine::view::{Filter, Supply};
use equimap::engine::{analyze, read_csv, View};

/// The same table with every dictionary column written out as plain text.
fn plain(table: &Table) -> Table {
    let schema = table.batch.schema();
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (f, a) in schema.fields().iter().zip(table.batch.columns()) {
        if matches!(f.data_type(), DataType::Dictionary(..)) {
            let c = Column::of(a).unwrap();
            arrays.push(Arc::new((0..a.len()).map(|i| c.text(i).map(|t| t.into_owned())).collect::<StringArray>()));
            fields.push(Field::new(f.name(), DataType::Utf8, true));
        } else {
            arrays.push(a.clone());
            fields.push(f.as_ref().clone());
        }
    }
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap();
    Table::new(table.file.clone(), batch, table.lines.clone())
}

#[test]
fn an_analysis_on_dictionary_columns_equals_one_on_plain_text() {
    let path = common::shared().join("chicago/programs/mcmf_programs_2024.csv");
    let mut ing = read_csv("mcmf_programs_2024.csv", &std::fs::read(&path).unwrap()).unwrap();
    let schema = ing.table.batch.schema();
    let dictionaries: Vec<&str> =
        schema.fields().iter().filter(|f| matches!(f.data_type(), DataType::Dictionary(..))).map(|f| f.name().as_str()).collect();
    assert!(dictionaries.len() >= 3, "few-valued text columns are dictionaries: {dictionaries:?}");
    let areas = common::chicago();
    let meeting = ["meeting_type", "Meeting Type"].into_iter().find(|c| ing.table.find(c).is_some()).expect("a meeting type column");
    let view = View {
        filters: vec![Filter::Equals { column: meeting.into(), values: vec!["face_to_face".into()] }],
        supply: Supply::Programs,
        ..Default::default()
    };
    let on_dictionaries = serde_json::to_value(analyze(&areas, &ing, &view).unwrap()).unwrap();
    ing.table = plain(&ing.table);
    assert!(ing.table.batch.schema().fields().iter().all(|f| !matches!(f.data_type(), DataType::Dictionary(..))));
    let on_text = serde_json::to_value(analyze(&areas, &ing, &view).unwrap()).unwrap();
    assert_eq!(on_dictionaries, on_text);
    assert!(on_text["rows"]["matched"].as_u64().unwrap() > 1000);
}
