//! The leak gate: re-read the written output, check that every page still parses and that no
//! removed string can be found, neither in the extracted text nor as a literal in any decompressed
//! stream or string of the file.

use lopdf::Object;
use rayon::prelude::*;

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
    // One search per object: its strings joined by line breaks (each stays a separate "line").
    let mut by_object: std::collections::BTreeMap<lopdf::ObjectId, String> =
        std::collections::BTreeMap::new();
    for (id, text) in raw {
        let joined = by_object.entry(id).or_default();
        joined.push_str(&text);
        joined.push('\u{1F}');
    }
    let hit = by_object.into_par_iter().find_map_any(|(id, text)| {
        let page = super::PageText {
            page: 0,
            text,
            chars: Vec::new(),
            page_box: super::Rect::new(0.0, 0.0, 0.0, 0.0),
            image_only: false,
        };
        matcher.find(&page).first().map(|m| (id, m.term))
    });
    if let Some((id, term)) = hit {
        return Err(PdfError::Leak {
            page: None,
            detail: format!(
                "removed string #{} is still in the file's raw data (object {} {})",
                term + 1,
                id.0,
                id.1
            ),
        });
    }
    Ok(())
}

/// Every string object (Latin-1 and UTF-16BE readings) and every non-image stream, as text.
fn raw_texts(doc: &lopdf::Document) -> Vec<(lopdf::ObjectId, String)> {
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
    for (id, obj) in &doc.objects {
        let mut found = Vec::new();
        strings(obj, &mut found);
        out.extend(found.into_iter().map(|t| (*id, t)));
        if let Object::Stream(s) = obj {
            let subtype = s.dict.get(b"Subtype").and_then(|n| n.as_name()).ok();
            let kind = s.dict.get(b"Type").and_then(|n| n.as_name()).ok();
            let skip = matches!(
                subtype,
                Some(b"Image" | b"Type1C" | b"CIDFontType0C" | b"OpenType")
            ) || matches!(kind, Some(b"ObjStm" | b"XRef"))
                || (s.dict.has(b"N") && !s.dict.has(b"Subtype"))
                || s.dict.has(b"Length1")
                || s.dict.has(b"Length2");
            if skip {
                continue;
            }
            if let Ok(data) = load::decompress(s) {
                // Content streams and other text-bearing streams: their string tokens.
                for bytes in string_tokens(&data) {
                    out.push((*id, bytes.iter().map(|&c| char::from(c)).collect()));
                    if bytes.len() >= 2 && bytes.len() % 2 == 0 {
                        let units: Vec<u16> = bytes
                            .chunks(2)
                            .map(|c| u16::from_be_bytes([c[0], c[1]]))
                            .collect();
                        out.push((*id, String::from_utf16_lossy(&units)));
                    }
                }
            }
        }
    }
    out
}

/// The literal `( )` and hex `< >` strings of a PDF token stream, decoded to bytes. Consecutive
/// strings (the pieces of a `TJ` array) are joined, so a term split by kerning is still seen.
fn string_tokens(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut joined: Vec<u8> = Vec::new();
    let mut i = 0;
    let mut in_array = false;
    while i < data.len() {
        match data[i] {
            b'[' => {
                in_array = true;
                i += 1;
            }
            b']' => {
                in_array = false;
                out.push(std::mem::take(&mut joined));
                i += 1;
            }
            b'(' => {
                let mut depth = 1;
                let mut buf = Vec::new();
                i += 1;
                while i < data.len() && depth > 0 {
                    let c = data[i];
                    match c {
                        b'\\' if i + 1 < data.len() => {
                            i += 1;
                            let e = data[i];
                            match e {
                                b'n' => buf.push(b'\n'),
                                b'r' => buf.push(b'\r'),
                                b't' => buf.push(b'\t'),
                                b'0'..=b'7' => {
                                    let mut v = u32::from(e - b'0');
                                    let mut k = 0;
                                    while k < 2
                                        && i + 1 < data.len()
                                        && (b'0'..=b'7').contains(&data[i + 1])
                                    {
                                        i += 1;
                                        v = v * 8 + u32::from(data[i] - b'0');
                                        k += 1;
                                    }
                                    buf.push(v as u8);
                                }
                                b'\r' | b'\n' => {}
                                other => buf.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            buf.push(c);
                        }
                        b')' => {
                            depth -= 1;
                            if depth > 0 {
                                buf.push(c);
                            }
                        }
                        _ => buf.push(c),
                    }
                    i += 1;
                }
                if in_array {
                    joined.extend_from_slice(&buf);
                } else {
                    out.push(buf);
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(data.len(), |p| i + p);
                let hex: Vec<u8> = data[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let bytes: Vec<u8> = hex
                    .chunks(2)
                    .map(|p| {
                        let h = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                        (h(p[0]) << 4) | p.get(1).map_or(0, |&c| h(c))
                    })
                    .collect();
                if in_array {
                    joined.extend_from_slice(&bytes);
                } else {
                    out.push(bytes);
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    if !joined.is_empty() {
        out.push(joined);
    }
    out
}
