//! Placing each row of a file in an area: which columns can place rows ([`detect`]), names
//! normalised and compared ([`names`]), and every row placed or given a reason ([`matching`]).

pub mod coordinates;
pub mod detect;
pub mod matching;
pub mod names;
pub mod postcode;
pub mod projected;
