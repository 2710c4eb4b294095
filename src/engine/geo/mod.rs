//! Shapes: boundaries files as other tools write them ([`boundary_file`]), boundaries and point in
//! polygon ([`geometry`]) through a grid of ring edges ([`point_index`]), TopoJSON decoding ([`topojson`]),
//! lon/lat to SVG paths ([`projection`]), map classes ([`classify`]) and polygon validity ([`validity`]).

pub mod boundary_file;
pub mod classify;
pub mod geometry;
pub mod point_index;
pub mod projection;
pub mod topojson;
pub mod validity;
