//! Plain text files: UTF-8 (with or without a BOM), UTF-16 (with a BOM, or recognisably without
//! one), else Windows-1252 (what older Windows case systems write), with CRLF and lone CR line
//! ends turned into LF.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{ExtractError, Extracted, PartKind, TextPart};

/// Reads a text file into one Body part.
pub fn extract(file_name: &str, bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut extracted = single_body(decode(file_name, bytes)?);
    if detect_encoding(bytes) == Encoding::Windows1252 {
        extracted
            .notes
            .push("text is not UTF-8; read as Windows-1252".to_owned());
    }
    Ok(extracted)
}

/// One Body part holding `text`.
pub(super) fn single_body(text: String) -> Extracted {
    Extracted {
        parts: vec![TextPart {
            kind: PartKind::Body,
            page: None,
            text,
        }],
        ..Extracted::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8Bom,
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

fn detect_encoding(bytes: &[u8]) -> Encoding {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        Encoding::Utf8Bom
    } else if bytes.starts_with(b"\xff\xfe") {
        Encoding::Utf16Le
    } else if bytes.starts_with(b"\xfe\xff") {
        Encoding::Utf16Be
    } else if let Some(utf16) = utf16_without_bom(bytes) {
        utf16
    } else if std::str::from_utf8(bytes).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Windows1252
    }
}

/// UTF-16 written without a BOM: mostly-ASCII text then has a NUL in nearly every high byte
/// and almost none in the low bytes.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_nuls = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let mostly = |count: usize| count * 10 >= pairs * 9;
    let rarely = |count: usize| count * 10 <= pairs;
    if mostly(odd_nuls) && rarely(even_nuls) {
        Some(Encoding::Utf16Le)
    } else if mostly(even_nuls) && rarely(odd_nuls) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Decodes text bytes to a `String` with LF line ends. Bytes that hold NULs without a UTF-16
/// BOM are not text: the file is reported as damaged rather than read as noise.
pub fn decode(file_name: &str, bytes: &[u8]) -> Result<String, ExtractError> {
    let encoding = detect_encoding(bytes);
    let text = match encoding {
        Encoding::Utf8Bom => String::from_utf8_lossy(&bytes[3..]).into_owned(),
        Encoding::Utf16Le => UTF_16LE.decode_with_bom_removal(bytes).0.into_owned(),
        Encoding::Utf16Be => UTF_16BE.decode_with_bom_removal(bytes).0.into_owned(),
        Encoding::Utf8 | Encoding::Windows1252 => {
            if bytes.contains(&0) {
                return Err(ExtractError::corrupt(
                    file_name,
                    "the text file holds binary data (NUL bytes) and no UTF-16 byte-order mark",
                ));
            }
            if encoding == Encoding::Utf8 {
                String::from_utf8_lossy(bytes).into_owned()
            } else {
                WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned()
            }
        }
    };
    Ok(normalise_line_ends(&text))
}

/// CRLF and lone CR become LF.
pub fn normalise_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> String {
        extract("x.txt", bytes).expect("readable").parts[0]
            .text
            .clone()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(text_of("Zoë\r\nSmith".as_bytes()), "Zoë\nSmith");
        assert_eq!(text_of(b"\xef\xbb\xbfZo\xc3\xab"), "Zoë");
    }

    #[test]
    fn cp1252_with_crlf_is_decoded_and_noted() {
        // "Renée’s visit £5" in Windows-1252, CRLF line ends.
        let extracted = extract("x.txt", b"Ren\xe9e\x92s visit\r\n\xa35").expect("readable");
        assert_eq!(extracted.parts[0].text, "Renée’s visit\n£5");
        assert_eq!(extracted.notes.len(), 1);
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xff, 0xfe];
        le.extend("Amy\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(text_of(&le), "Amy\n");
        let mut be = vec![0xfe, 0xff];
        be.extend("Amy".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text_of(&be), "Amy");
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "Amy Reid\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(text_of(&le), "Amy Reid\n");
        let be: Vec<u8> = "Amy Reid"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(text_of(&be), "Amy Reid");
    }

    #[test]
    fn nul_bytes_without_bom_are_corrupt() {
        assert!(matches!(
            extract("x.txt", b"ab\0cd"),
            Err(ExtractError::Corrupt { .. })
        ));
    }
}
