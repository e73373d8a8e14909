//! Opening a PDF: lopdf's loader (with xref repair), decryption with the empty user password, and
//! the page list. Anything that cannot be opened safely is "needs review".

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::error::PdfError;

/// Largest decompressed stream the engine accepts (decompression-bomb guard).
pub(crate) const MAX_STREAM_BYTES: usize = 128 * 1024 * 1024;

/// Loads and decrypts a document.
pub(crate) fn open(bytes: &[u8]) -> Result<Document, PdfError> {
    if bytes.len() < 8 || !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(PdfError::review(None, "not a PDF file (no %PDF- header)"));
    }
    let mut doc = Document::load_mem(bytes).map_err(|e| {
        PdfError::review(
            None,
            format!("the PDF cannot be parsed or repaired ({e}); repair it (e.g. with qpdf) or redact by hand"),
        )
    })?;
    if doc.is_encrypted() || doc.encryption_state.is_some() && doc.trailer.has(b"Encrypt") {
        // lopdf decrypts on load when the empty user password works; what is still encrypted
        // needs a password we do not have.
        if doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none() {
            return Err(PdfError::review(
                None,
                "the PDF is encrypted and does not open with an empty password",
            ));
        }
    }
    if doc.xref_recovery.is_some() {
        // The cross-reference data was wrong and had to be corrected or rebuilt: objects may be
        // missing or come from an older revision, so neither the text we see nor the output is
        // certain.
        return Err(PdfError::review(
            None,
            "the PDF is damaged (its cross-reference table had to be repaired); repair it (e.g. qpdf) and retry",
        ));
    }
    if doc.get_pages().is_empty() {
        return Err(PdfError::review(None, "the PDF has no readable pages"));
    }
    check_page_objects(&doc)?;
    // Before anything reads the text: what annotations show becomes page content.
    super::flatten::flatten_annotations(&mut doc)?;
    Ok(doc)
}

/// Every object a page draws with (content streams, fonts, XObjects) must have loaded; a dangling
/// reference means the file is damaged and text may be missing from what we see.
fn check_page_objects(doc: &Document) -> Result<(), PdfError> {
    let missing = |o: &Object| matches!(o, Object::Reference(id) if !doc.objects.contains_key(id));
    for (page_no, page) in pages(doc) {
        let damaged = || {
            PdfError::review(
                Some(page_no),
                "an object the page draws with is missing (damaged file)",
            )
        };
        let Ok(dict) = doc.get_dictionary(page) else {
            return Err(PdfError::review(
                Some(page_no),
                "the page object is not a dictionary",
            ));
        };
        match dict.get(b"Contents") {
            Ok(c) if missing(c) => return Err(damaged()),
            Ok(Object::Array(a)) if a.iter().any(missing) => return Err(damaged()),
            _ => {}
        }
        let Some(res) = page_resources(doc, page) else {
            continue;
        };
        for cat in [&b"Font"[..], b"XObject"] {
            let Ok(c) = res.get(cat) else { continue };
            if missing(c) {
                return Err(damaged());
            }
            if let Ok((_, Object::Dictionary(d))) = doc.dereference(c)
                && d.iter().any(|(_, v)| missing(v))
            {
                return Err(damaged());
            }
        }
    }
    Ok(())
}

/// Page number (1-based) → page object id.
pub(crate) fn pages(doc: &Document) -> BTreeMap<u32, ObjectId> {
    doc.get_pages()
}

/// Looks up an inheritable page attribute (`Resources`, `MediaBox`, `CropBox`, `Rotate`).
pub(crate) fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut dict = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(v) = dict.get(key) {
            return Some(doc.dereference(v).map(|(_, o)| o).unwrap_or(v));
        }
        let parent = dict.get(b"Parent").ok()?.as_reference().ok()?;
        dict = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// The resource dictionary of a page (inherited if need be).
pub(crate) fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    match inherited(doc, page, b"Resources")? {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// The page's crop box (or media box) in default user space.
pub(crate) fn page_box(doc: &Document, page: ObjectId) -> super::geom::Rect {
    let read = |key: &[u8]| -> Option<super::geom::Rect> {
        let Object::Array(a) = inherited(doc, page, key)? else {
            return None;
        };
        let v: Vec<f64> = a
            .iter()
            .filter_map(|o| match doc.dereference(o).map(|(_, o)| o).unwrap_or(o) {
                Object::Integer(i) => Some(*i as f64),
                Object::Real(r) => Some(f64::from(*r)),
                _ => None,
            })
            .collect();
        (v.len() == 4).then(|| super::geom::Rect::new(v[0], v[1], v[2], v[3]))
    };
    read(b"CropBox")
        .or_else(|| read(b"MediaBox"))
        .unwrap_or(super::geom::Rect::new(0.0, 0.0, 612.0, 792.0))
}

/// The decoded bytes of a page's content streams, concatenated. Errors mean "needs review".
pub(crate) fn page_content(
    doc: &Document,
    page_no: u32,
    page: ObjectId,
) -> Result<Vec<u8>, PdfError> {
    let dict = doc
        .get_dictionary(page)
        .map_err(|_| PdfError::review(Some(page_no), "the page object is not a dictionary"))?;
    let contents = match dict.get(b"Contents") {
        Ok(c) => c,
        Err(_) => return Ok(Vec::new()),
    };
    let mut refs: Vec<&Object> = Vec::new();
    match doc.dereference(contents).map(|(_, o)| o) {
        Ok(Object::Array(items)) => refs.extend(items.iter()),
        Ok(_) => refs.push(contents),
        Err(_) => {
            return Err(PdfError::review(
                Some(page_no),
                "the page's content is missing or damaged",
            ));
        }
    }
    let mut out = Vec::new();
    for r in refs {
        // A content stream that does not load (damaged file) may hold text: fail closed.
        let Ok((_, Object::Stream(s))) = doc.dereference(r) else {
            return Err(PdfError::review(
                Some(page_no),
                "a content stream of the page is missing or damaged",
            ));
        };
        // A stream whose length is unknown was cut or guessed by the loader (damaged file).
        let length_known = match s.dict.get(b"Length") {
            Ok(Object::Integer(n)) => *n == 0 || !s.content.is_empty(),
            Ok(Object::Reference(id)) => doc.objects.contains_key(id) && !s.content.is_empty(),
            _ => false,
        };
        if !length_known {
            return Err(PdfError::review(
                Some(page_no),
                "a content stream of the page has no usable length (damaged file)",
            ));
        }
        let data = decompress(s).map_err(|reason| PdfError::review(Some(page_no), reason))?;
        out.extend_from_slice(&data);
        out.push(b'\n');
    }
    Ok(out)
}

/// Decompressed stream data, bounded; unfiltered streams are returned as they are.
pub(crate) fn decompress(s: &lopdf::Stream) -> Result<Vec<u8>, String> {
    if s.dict.get(b"Filter").is_err() {
        return Ok(s.content.clone());
    }
    s.decompressed_content_with_limit(MAX_STREAM_BYTES)
        .map_err(|e| format!("a content stream cannot be decompressed ({e})"))
}
