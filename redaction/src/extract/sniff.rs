//! What a file really is: magic bytes first, the extension second.
//!
//! Exports carry files whose extension lies (a scan saved as `.pdf` that is a PNG, a PDF saved
//! as `.txt`). Binary formats announce themselves in their first bytes, so those win; text
//! formats (TXT, EML, HTML) have no magic and are taken from the extension. A file whose
//! extension promises a binary format it does not start with is damaged.

use std::io::Cursor;

use super::{ExtractError, Limits};

/// The formats the extractor tells apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileType {
    Text,
    Html,
    Docx,
    Eml,
    Pdf,
    /// An image (a scan): `png`, `jpeg`, `tiff`, `gif`, `bmp`.
    Image(&'static str),
    /// Anything else, with a short description (`xlsx`, `legacy Office (OLE)`, `.rtf`).
    Unsupported(String),
}

/// What the magic bytes say, when they say anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Pdf,
    Image(&'static str),
    Zip,
    Ole,
    Rtf,
}

fn magic(bytes: &[u8], ext: &str) -> Option<Magic> {
    let starts = |prefix: &[u8]| bytes.starts_with(prefix);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some(Magic::Image("png"))
    } else if starts(b"\xff\xd8\xff") {
        Some(Magic::Image("jpeg"))
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some(Magic::Image("tiff"))
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(Magic::Image("gif"))
    } else if starts(b"BM") && bytes.len() > 14 && bytes.get(6..10) == Some(&[0, 0, 0, 0]) {
        Some(Magic::Image("bmp"))
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Some(Magic::Zip)
    } else if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        Some(Magic::Ole)
    } else if starts(b"{\\rtf") {
        Some(Magic::Rtf)
    } else if bytes.starts_with(b"%PDF-") || (ext == "pdf" && has_pdf_header_near_start(bytes)) {
        Some(Magic::Pdf)
    } else {
        None
    }
}

/// PDF readers accept junk before the header within the first kilobyte; so do we, but only for
/// a `.pdf` (a text file or email that merely quotes "%PDF-" near its start is not a PDF).
fn has_pdf_header_near_start(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|window| window == b"%PDF-")
}

fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Decides the file's type, or says why it cannot be read.
pub(super) fn identify(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<FileType, ExtractError> {
    let ext = extension(file_name);
    match magic(bytes, &ext) {
        Some(Magic::Pdf) => return Ok(FileType::Pdf),
        Some(Magic::Image(kind)) => return Ok(FileType::Image(kind)),
        Some(Magic::Zip) => return identify_zip(file_name, bytes, limits),
        Some(Magic::Ole) => {
            return Ok(FileType::Unsupported(
                "legacy Office or Outlook file (OLE2: .doc/.xls/.msg)".into(),
            ));
        }
        Some(Magic::Rtf) => return Ok(FileType::Unsupported("rtf".into())),
        None => {}
    }
    let promised_binary = |what: &str| {
        Err(ExtractError::corrupt(
            file_name,
            format!("the .{ext} file does not start like a {what} file (truncated or damaged)"),
        ))
    };
    match ext.as_str() {
        "txt" | "text" | "log" | "csv" | "md" => Ok(FileType::Text),
        "htm" | "html" | "xhtml" => Ok(FileType::Html),
        "eml" | "mht" | "mhtml" => Ok(FileType::Eml),
        "pdf" => promised_binary("PDF"),
        "docx" | "docm" | "dotx" => promised_binary("DOCX (zip)"),
        "xlsx" | "xlsm" | "pptx" | "odt" | "ods" => promised_binary("zip-based office"),
        "png" | "jpg" | "jpeg" | "tif" | "tiff" | "gif" | "bmp" => promised_binary("image"),
        "" => Ok(FileType::Unsupported("no file extension".into())),
        other => Ok(FileType::Unsupported(format!(".{other}"))),
    }
}

/// A zip is a DOCX when it holds a Word main document; other Office zips are unsupported.
fn identify_zip(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<FileType, ExtractError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|err| ExtractError::corrupt(file_name, format!("damaged zip archive: {err}")))?;
    if archive.len() > limits.max_zip_entries {
        return Err(ExtractError::corrupt(
            file_name,
            format!(
                "zip archive lists {} entries, more than the {} allowed (possible zip bomb)",
                archive.len(),
                limits.max_zip_entries
            ),
        ));
    }
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok().map(|name| name.into_owned()))
        .collect();
    let has = |prefix: &str| names.iter().any(|name| name.starts_with(prefix));
    if has("word/") {
        Ok(FileType::Docx)
    } else if has("xl/") {
        Ok(FileType::Unsupported("xlsx spreadsheet".into()))
    } else if has("ppt/") {
        Ok(FileType::Unsupported("pptx presentation".into()))
    } else if names.iter().any(|name| name == "mimetype") {
        Ok(FileType::Unsupported("OpenDocument file".into()))
    } else {
        Ok(FileType::Unsupported("zip archive".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, bytes: &[u8]) -> Result<FileType, ExtractError> {
        identify(name, bytes, &Limits::default())
    }

    #[test]
    fn magic_bytes_beat_the_extension() {
        assert_eq!(kind("a.txt", b"%PDF-1.7\n...").ok(), Some(FileType::Pdf));
        assert_eq!(kind("a.pdf", b"junk\n%PDF-1.7\n").ok(), Some(FileType::Pdf));
        assert_eq!(kind("a.txt", b"see %PDF-1.7").ok(), Some(FileType::Text));
        assert_eq!(
            kind("scan.pdf", b"\x89PNG\r\n\x1a\n....").ok(),
            Some(FileType::Image("png"))
        );
    }

    #[test]
    fn a_binary_extension_without_its_magic_is_corrupt() {
        assert!(matches!(
            kind("a.pdf", b"garbage"),
            Err(ExtractError::Corrupt { .. })
        ));
        assert!(matches!(
            kind("a.docx", b"garbage"),
            Err(ExtractError::Corrupt { .. })
        ));
    }

    #[test]
    fn extensions_are_read_case_insensitively_from_the_last_component() {
        assert_eq!(extension("dir.v2/Letter.TXT"), "txt");
        assert_eq!(extension("dir.v2/README"), "");
        assert_eq!(extension(".hidden"), "");
    }
}
