//! Shapes: boundaries and point in polygon ([`geometry`]), TopoJSON decoding ([`topojson`]),
//! lon/lat to SVG paths ([`projection`]), map classes ([`classify`]) and polygon validity ([`validity`]).

pub mod classify;
pub mod geometry;
pub mod projection;
pub mod topojson;
pub mod validity;
