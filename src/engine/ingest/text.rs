//! Character encodings of dropped files: UTF-8 (with or without BOM), UTF-16 LE/BE (by BOM), and
//! Windows-1252 for files that are not UTF-8. Decoded here (a few lines) rather than with a
//! general encoding library, whose tables for every encoding would weigh on the web bundle.

use std::borrow::Cow;

/// The encoding a file was read with, as told to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 starting with the bytes EF BB BF.
    Utf8Bom,
    /// UTF-16 little-endian, starting with FF FE.
    Utf16Le,
    /// UTF-16 big-endian, starting with FE FF.
    Utf16Be,
    /// Windows-1252 (what Excel writes on Western-European Windows), chosen when the bytes are not
    /// UTF-8 and no non-ASCII UTF-8 sequence appears anywhere.
    Windows1252,
}

impl Encoding {
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decides the encoding of `bytes` and returns the content as UTF-8 bytes (borrowed when it already
/// is UTF-8). A mostly-UTF-8 file with a few invalid sequences stays UTF-8: the rows holding them are
/// rejected later, one by one, rather than re-reading the whole file in another encoding.
pub fn decode(bytes: &[u8]) -> (Cow<'_, [u8]>, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (Cow::Borrowed(rest), Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (Cow::Owned(utf16(rest, u16::from_le_bytes).into_bytes()), Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (Cow::Owned(utf16(rest, u16::from_be_bytes).into_bytes()), Encoding::Utf16Be);
    }
    if std::str::from_utf8(bytes).is_ok() || has_multibyte_utf8(bytes) {
        return (Cow::Borrowed(bytes), Encoding::Utf8);
    }
    (Cow::Owned(windows_1252(bytes).into_bytes()), Encoding::Windows1252)
}

/// UTF-16 code units (after the byte-order mark) to text; unpaired surrogates and a lone last
/// byte become U+FFFD, as the WHATWG decoder does.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut s: String = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    if bytes.len() % 2 == 1 {
        s.push(char::REPLACEMENT_CHARACTER);
    }
    s
}

/// Windows-1252 per the WHATWG index: Latin-1 except 0x80–0x9F, which hold €, curly quotes,
/// dashes and a few letters (five unassigned bytes map to the C1 controls of the same value).
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or(char::REPLACEMENT_CHARACTER),
            _ => char::from(b),
        })
        .collect()
}

/// True when `bytes` contains at least one well-formed multi-byte UTF-8 sequence.
fn has_multibyte_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => return s.bytes().any(|b| b >= 0x80),
            Err(e) => {
                let good = &rest[..e.valid_up_to()];
                if good.iter().any(|&b| b >= 0x80) {
                    return true;
                }
                let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                rest = &rest[e.valid_up_to() + skip..];
                if rest.is_empty() {
                    return false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        assert_eq!(decode(b"a,b\n").1, Encoding::Utf8);
        assert_eq!(decode(b"\xEF\xBB\xBFa\n").1, Encoding::Utf8Bom);
        let (s, e) = decode(&[0xFF, 0xFE, b'a', 0, b',', 0, 0xE9, 0]);
        assert_eq!((std::str::from_utf8(&s).unwrap(), e), ("a,é", Encoding::Utf16Le));
        let (s, e) = decode(&[0xFE, 0xFF, 0, b'a', 0, 0xA3]);
        assert_eq!((std::str::from_utf8(&s).unwrap(), e), ("a£", Encoding::Utf16Be));
        let (s, e) = decode(b"caf\xE9 \xA3");
        assert_eq!((std::str::from_utf8(&s).unwrap(), e), ("café £", Encoding::Windows1252));
        // Every byte of Windows-1252 and odd UTF-16 input, against encoding_rs (the browsers'
        // decoder, a test-only dependency).
        let all: Vec<u8> = (1..=255u8).collect();
        assert_eq!(windows_1252(&all), encoding_rs::WINDOWS_1252.decode_without_bom_handling(&all).0);
        let odd = [0x3D, 0xD8, b'a', 0, 0x00, 0xDC, b'z'];
        assert_eq!(utf16(&odd, u16::from_le_bytes), encoding_rs::UTF_16LE.decode_without_bom_handling(&odd).0);
        assert_eq!(utf16(&odd, u16::from_be_bytes), encoding_rs::UTF_16BE.decode_without_bom_handling(&odd).0);
        // One bad byte in an otherwise UTF-8 file with accents stays UTF-8.
        assert_eq!(decode(b"\xC3\xA9\n\xFF").1, Encoding::Utf8);
    }
}
