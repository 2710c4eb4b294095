//! Checks made before a file is read: its size, and that it is text (workbooks, images and
//! archives are refused by their first bytes, named).

use crate::engine::error::{EngineError, Result};

/// The largest file the engine will read at once. Bigger files are refused with a message instead
/// of exhausting the browser tab's memory (a 32-bit wasm page has 4 GiB in all).
pub const MAX_INPUT_BYTES: usize = 1_000_000_000;

/// Refuses inputs over [`MAX_INPUT_BYTES`] before reading them.
pub fn check_size(file: &str, size: u64) -> Result<()> {
    if size > MAX_INPUT_BYTES as u64 {
        return Err(EngineError::TooLarge {
            file: file.into(),
            reason: format!(
                "the file is {:.1} GB; Equimap reads files up to {:.1} GB in the browser. Split it, or use `equimap analyze` natively",
                size as f64 / 1e9,
                MAX_INPUT_BYTES as f64 / 1e9
            ),
        });
    }
    Ok(())
}

/// Refuses binary files (workbooks, images, archives) and boundaries of formats read nowhere
/// ([`refuse_boundaries`]) by their name and first bytes.
pub fn check_text(file: &str, head: &[u8]) -> Result<()> {
    refuse_boundaries(file, head)?;
    match binary_kind(head) {
        Some(kind) => Err(EngineError::EmptyInput {
            file: file.into(),
            what: format!("this is {kind}, not a text table; export it as CSV (or Parquet) and drop that"),
        }),
        None => Ok(()),
    }
}

/// Refuses boundaries of a format read nowhere (a shapefile, zipped or not, KML, …: see
/// [`foreign_format`](crate::engine::geo::boundary_file::foreign_format)) given as a table of
/// rows, saying how to use them as one's own areas.
pub fn refuse_boundaries(file: &str, head: &[u8]) -> Result<()> {
    match crate::engine::geo::boundary_file::foreign_format(file, head) {
        Some(kind) => Err(EngineError::EmptyInput {
            file: file.into(),
            what: if kind == "a zipped shapefile" {
                format!("this is {kind}: boundaries, not a table of rows. To use them as your own areas, choose the .zip under \"Use your own areas\"")
            } else {
                format!(
                    "this is {kind}: boundaries, not a table of rows. To use them as your own areas, drop them under \"Use your own areas\" as GeoJSON. {}",
                    crate::engine::geo::boundary_file::CONVERT
                )
            },
        }),
        None => Ok(()),
    }
}

/// First bytes of a ZIP archive (`.xlsx`, `.xlsm`, `.xlsb`, `.ods` are ZIP archives).
const ZIP: &[u8] = b"PK\x03\x04";
/// First bytes of an OLE compound file (an old `.xls`).
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Names of spreadsheet files.
const WORKBOOK_EXTENSIONS: &[&str] = &[".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"];

/// Whether a file is read as a spreadsheet: its name ends in a spreadsheet extension, or its first
/// bytes (`head`, empty when not read yet) are a ZIP archive's or an old `.xls` file's.
pub fn is_workbook(file: &str, head: &[u8]) -> bool {
    let name = file.to_lowercase();
    WORKBOOK_EXTENSIONS.iter().any(|e| name.ends_with(e)) || head.starts_with(ZIP) || head.starts_with(OLE)
}

/// Recognises common binary formats by their first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (ZIP, "a ZIP archive (an Excel .xlsx or .ods workbook?)"),
        (OLE, "an old Excel .xls workbook"),
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a gzip-compressed file (decompress it first)"),
        (b"PAR1", "a Parquet file named like a text file (rename it .parquet)"),
    ];
    SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)).map(|(_, k)| *k)
}
