//! How a column's type is decided and its cells kept: one cell as people write it ([`values`]),
//! a whole text column ([`infer`]), a column built as it is read ([`column_builder`], which gives
//! exactly what [`infer::infer_column`] gives), text as a dictionary (`text_dictionary`) and
//! whole numbers in the narrowest width that holds them ([`whole_numbers`]).

pub mod column_builder;
pub mod infer;
pub(crate) mod text_dictionary;
pub mod values;
pub mod whole_numbers;
