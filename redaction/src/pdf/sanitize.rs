//! Sanitising and writing: drop everything that can carry text outside the page content (document
//! Info and XMP metadata, annotations and forms (their appearances were flattened into the page
//! on load, see [`super::flatten`]), embedded files, JavaScript and actions, optional-content
//! configuration, outlines, the structure tree with its ActualText/Alt, thumbnails, page-piece data,
//! signatures, encryption), then write the file fresh, so no earlier revision survives.

use lopdf::{Document, Object, SaveOptions};

use super::error::PdfError;

/// Catalog entries that are removed.
const CATALOG_DROP: &[&[u8]] = &[
    b"Metadata",
    b"AcroForm",
    b"Names",
    b"OpenAction",
    b"AA",
    b"Outlines",
    b"OCProperties",
    b"StructTreeRoot",
    b"MarkInfo",
    b"PieceInfo",
    b"Perms",
    b"Threads",
    b"SpiderInfo",
    b"Dests",
    b"URI",
    b"Legal",
    b"Collection",
    b"DSS",
    b"AF",
    b"OutputIntents",
];

/// Page entries that are removed.
const PAGE_DROP: &[&[u8]] = &[
    b"Annots",
    b"AA",
    b"Thumb",
    b"PieceInfo",
    b"B",
    b"Metadata",
    b"StructParents",
    b"AF",
    b"Trans",
    b"ID",
];

pub(crate) fn sanitize(doc: &mut Document) {
    doc.trailer.remove(b"Info");
    doc.trailer.remove(b"Encrypt");
    doc.trailer.remove(b"ID");
    doc.encryption_state = None;
    if let Ok(root) = doc.trailer.get(b"Root").and_then(|r| r.as_reference())
        && let Ok(catalog) = doc.get_dictionary_mut(root)
    {
        for k in CATALOG_DROP {
            catalog.remove(k);
        }
    }
    let page_ids: Vec<_> = doc.get_pages().into_values().collect();
    for id in page_ids {
        if let Ok(page) = doc.get_dictionary_mut(id) {
            for k in PAGE_DROP {
                page.remove(k);
            }
        }
    }
    // Metadata and piece info on any object (XObjects, fonts), and optional-content membership
    // (hidden layers are shown: their text was searched and redacted like any other).
    for obj in doc.objects.values_mut() {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        dict.remove(b"Metadata");
        dict.remove(b"PieceInfo");
        dict.remove(b"OC");
        dict.remove(b"StructParent");
        // pdfTeX's record of an included PDF (file name, its Info dictionary).
        let ptex: Vec<Vec<u8>> = dict
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| k.starts_with(b"PTEX."))
            .collect();
        for k in ptex {
            dict.remove(&k);
        }
    }
    doc.prune_objects();
    doc.delete_zero_length_streams();
    doc.prune_objects();
}

/// Writes the document fresh with compressed object streams.
pub(crate) fn write(doc: &mut Document) -> Result<Vec<u8>, PdfError> {
    doc.compress();
    let mut out = Vec::new();
    let options = SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .build();
    doc.save_with_options(&mut out, options)
        .map_err(|e| PdfError::review(None, format!("the redacted PDF cannot be written ({e})")))?;
    Ok(out)
}
