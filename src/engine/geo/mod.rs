//! Shapes: boundaries files as other tools write them ([`boundary_file`]), boundaries and point in
//! polygon ([`geometry`]) through a grid of ring edges ([`point_index`]), TopoJSON decoding ([`topojson`]),
//! lon/lat to SVG paths ([`projection`]), map classes ([`classify`]), polygon validity ([`validity`]),
//! the coordinate system a boundaries file names and the conversion to lon/lat ([`crs`]), and
//! zipped shapefiles (`shapefile`, with the `shapefiles` feature).

pub mod boundary_file;
pub mod classify;
pub mod crs;
pub mod geometry;
pub mod point_index;
pub mod projection;
#[cfg(feature = "shapefiles")]
pub mod shapefile;
pub mod topojson;
pub mod validity;
