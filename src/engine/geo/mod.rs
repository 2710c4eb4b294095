//! Shapes: boundaries and point in polygon ([`geometry`]), TopoJSON decoding ([`topojson`]),
//! lon/lat to SVG paths ([`projection`]), and map classes ([`classify`]).

pub mod classify;
pub mod geometry;
pub mod projection;
pub mod topojson;
