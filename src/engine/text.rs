//! Character encodings of dropped files: UTF-8 (with or without BOM), UTF-16 LE/BE (by BOM), and
//! Windows-1252 for files that are not UTF-8.

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
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (s, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (Cow::Owned(s.into_owned().into_bytes()), Encoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (s, _, _) = encoding_rs::UTF_16BE.decode(bytes);
        return (Cow::Owned(s.into_owned().into_bytes()), Encoding::Utf16Be);
    }
    if std::str::from_utf8(bytes).is_ok() || has_multibyte_utf8(bytes) {
        return (Cow::Borrowed(bytes), Encoding::Utf8);
    }
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    (Cow::Owned(s.into_owned().into_bytes()), Encoding::Windows1252)
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
        // One bad byte in an otherwise UTF-8 file with accents stays UTF-8.
        assert_eq!(decode(b"\xC3\xA9\n\xFF").1, Encoding::Utf8);
    }
}
