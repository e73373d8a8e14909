//! The leak gate: re-read the written output, check that every page still parses and that no
//! removed string can be found, neither in the extracted text nor as a literal in any decompressed
//! stream or string of the file.

use lopdf::Object;

use super::error::PdfError;
use super::search::TermMatcher;
use super::{analyse, load};

/// Checks a redacted output. `removed` are the strings that must be gone (whole-word,
/// case-insensitive, whitespace-tolerant, as in redaction).
pub fn verify(output: &[u8], removed: &[String]) -> Result<(), PdfError> {
    let doc = load::open(output).map_err(|e| PdfError::Leak {
        page: None,
        detail: format!("the output does not open again ({e})"),
    })?;
    let pages = analyse(&doc).map_err(|e| PdfError::Leak {
        page: None,
        detail: format!("a page of the output does not parse ({e})"),
    })?;
    let terms: Vec<&str> = removed
        .iter()
        .map(String::as_str)
        .filter(|s| !s.trim().is_empty())
        .collect();
    if terms.is_empty() {
        return Ok(());
    }
    let matcher = TermMatcher::new(&terms);
    for p in &pages {
        if let Some(m) = matcher.find(&p.text).first() {
            return Err(PdfError::Leak {
                page: Some(p.text.page),
                detail: format!("removed string #{} is still in the page text", m.term + 1),
            });
        }
    }
    // Raw scan: literal strings anywhere (metadata, names, leftovers) and decompressed streams.
    let raw = raw_texts(&doc);
    for text in &raw {
        let page = super::PageText {
            page: 0,
            text: text.clone(),
            chars: Vec::new(),
            page_box: super::Rect::new(0.0, 0.0, 0.0, 0.0),
            image_only: false,
        };
        if let Some(m) = matcher.find(&page).first() {
            return Err(PdfError::Leak {
                page: None,
                detail: format!(
                    "removed string #{} is still in the file's raw data",
                    m.term + 1
                ),
            });
        }
    }
    Ok(())
}

/// Every string object (Latin-1 and UTF-16BE readings) and every non-image stream, as text.
fn raw_texts(doc: &lopdf::Document) -> Vec<String> {
    let mut out = Vec::new();
    fn strings(o: &Object, out: &mut Vec<String>) {
        match o {
            Object::String(b, _) => {
                if b.starts_with(&[0xFE, 0xFF]) {
                    let units: Vec<u16> = b[2..]
                        .chunks(2)
                        .filter(|c| c.len() == 2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    out.push(String::from_utf16_lossy(&units));
                } else {
                    out.push(b.iter().map(|&c| char::from(c)).collect());
                }
            }
            Object::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Object::Dictionary(d) => d.iter().for_each(|(_, x)| strings(x, out)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, x)| strings(x, out)),
            _ => {}
        }
    }
    for obj in doc.objects.values() {
        strings(obj, &mut out);
        if let Object::Stream(s) = obj {
            let skip = matches!(
                s.dict.get(b"Subtype").and_then(|n| n.as_name()),
                Ok(b"Image")
            ) || s.dict.has(b"Length1")
                || s.dict.has(b"Length2")
                || matches!(
                    s.dict.get(b"Subtype").and_then(|n| n.as_name()),
                    Ok(b"Type1C" | b"CIDFontType0C" | b"OpenType")
                );
            if skip {
                continue;
            }
            if let Ok(data) = load::decompress(s) {
                // Content streams: literal strings come out as Latin-1 text between the operators.
                out.push(data.iter().map(|&c| char::from(c)).collect());
            }
        }
    }
    out
}
