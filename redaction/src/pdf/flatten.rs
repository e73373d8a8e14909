//! Flattening annotation appearances into the page content (PDF 32000 §12.5.5), so that what a
//! viewer shows in annotations — above all filled-in form field values — is extracted, searched
//! and redacted like any other page text before sanitising drops `/Annots` and `/AcroForm`.
//!
//! Every visible annotation (not Hidden or NoView, not a Popup, Link or signature field) with a normal appearance
//! (`/AP /N`, the state named by `/AS` when `/N` is a dictionary of states) is added to the page's
//! XObject resources under a fresh name and drawn at the end of the page content with the matrix
//! that maps its transformed `/BBox` onto its `/Rect`. A form field widget that holds a value but
//! has no appearance to flatten fails closed: dropping it silently would lose the value, and
//! drawing it ourselves is not reliable.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::error::PdfError;
use super::geom::{IDENTITY, Matrix, Rect};
use super::load;

/// Annotation flags (PDF 32000 Table 165) that keep an annotation off the screen.
const FLAG_HIDDEN: i64 = 2;
const FLAG_NO_VIEW: i64 = 32;

/// Deepest `/Parent` chain followed when looking for a field's inherited value.
const MAX_FIELD_DEPTH: usize = 32;

/// Prefix of the XObject resource names given to flattened appearances.
const NAME_PREFIX: &str = "SarAnnot";

/// One appearance to draw: the appearance stream and the matrix placing it on the page.
struct Placement {
    form: ObjectId,
    matrix: Matrix,
}

/// Flattens the appearances of every page's visible annotations into its content. Pages without
/// anything to flatten are left untouched.
pub(crate) fn flatten_annotations(doc: &mut Document) -> Result<(), PdfError> {
    let form_resources = acroform_resources(doc);
    for (page_no, page_id) in load::pages(doc) {
        let placements = page_placements(doc, page_no, page_id)?;
        if placements.is_empty() {
            continue;
        }
        for p in &placements {
            prepare_form(doc, p.form, form_resources.as_ref());
        }
        draw_on_page(doc, page_no, page_id, &placements)?;
    }
    Ok(())
}

/// The appearances to draw on one page, in the order of `/Annots` (their painting order).
fn page_placements(
    doc: &Document,
    page_no: u32,
    page_id: ObjectId,
) -> Result<Vec<Placement>, PdfError> {
    let Ok(page) = doc.get_dictionary(page_id) else {
        return Ok(Vec::new());
    };
    let annots = match page.get(b"Annots").map(|a| doc.dereference(a)) {
        Ok(Ok((_, Object::Array(a)))) => a.clone(),
        _ => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for (index, entry) in annots.iter().enumerate() {
        let Ok((_, Object::Dictionary(annot))) = doc.dereference(entry) else {
            continue;
        };
        let subtype = annot
            .get(b"Subtype")
            .and_then(|s| s.as_name())
            .unwrap_or(b"");
        if matches!(subtype, b"Popup" | b"Link") {
            continue;
        }
        let flags = annot.get(b"F").and_then(|f| f.as_i64()).unwrap_or(0);
        if flags & (FLAG_HIDDEN | FLAG_NO_VIEW) != 0 {
            continue;
        }
        // Signatures are dropped, not flattened: the redacted document is no longer what was
        // signed, so showing the signature would misrepresent it.
        if subtype == b"Widget" && field_type(doc, annot) == Some(b"Sig".as_slice()) {
            continue;
        }
        // A zero-area annotation shows nothing; its value goes with the AcroForm, as a hidden one's.
        let shown_area = annot
            .get(b"Rect")
            .ok()
            .and_then(|r| rect_of(doc, r))
            .is_some_and(|r| r.width() > 0.0 && r.height() > 0.0);
        if !shown_area {
            continue;
        }
        match placement(doc, annot) {
            Some(p) => out.push(p),
            None if subtype == b"Widget" && field_has_value(doc, annot) => {
                return Err(PdfError::review(
                    Some(page_no),
                    format!(
                        "the form value of annotation {} cannot be flattened into the page (the field \
                         has no usable appearance); flatten the form (e.g. print to PDF) and retry",
                        index + 1
                    ),
                ));
            }
            None => {}
        }
    }
    Ok(out)
}

/// Where and what to draw for one annotation, if it has a usable normal appearance.
fn placement(doc: &Document, annot: &Dictionary) -> Option<Placement> {
    let form = normal_appearance(doc, annot)?;
    let Ok(Object::Stream(stream)) = doc.get_object(form) else {
        return None;
    };
    let bbox = rect_of(doc, stream.dict.get(b"BBox").ok()?)?;
    let own_matrix = match stream.dict.get(b"Matrix").map(|m| doc.dereference(m)) {
        Ok(Ok((_, Object::Array(m)))) => matrix_of(m)?,
        _ => IDENTITY,
    };
    let target = rect_of(doc, annot.get(b"Rect").ok()?)?;
    let shown = bbox.transformed(&own_matrix);
    let matrix = fit(&shown, &target)?;
    Some(Placement { form, matrix })
}

/// The normal appearance stream: `/AP /N` itself, or its state named by `/AS`.
fn normal_appearance(doc: &Document, annot: &Dictionary) -> Option<ObjectId> {
    let ap = match doc.dereference(annot.get(b"AP").ok()?) {
        Ok((_, Object::Dictionary(d))) => d,
        _ => return None,
    };
    let normal = ap.get(b"N").ok()?;
    let id = normal.as_reference().ok();
    match doc.dereference(normal).ok()? {
        (_, Object::Stream(_)) => id,
        (_, Object::Dictionary(states)) => {
            let state = annot.get(b"AS").and_then(|s| s.as_name()).ok()?;
            let chosen = states.get(state).ok()?;
            match doc.dereference(chosen).ok()? {
                (_, Object::Stream(_)) => chosen.as_reference().ok(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The matrix mapping `from` onto `to` by scaling and translation (§12.5.5 "Algorithm: Appearance
/// streams", step 3). None for a degenerate box (nothing would be visible).
fn fit(from: &Rect, to: &Rect) -> Option<Matrix> {
    let (fw, fh) = (from.width(), from.height());
    if !(fw > 1e-9 && fh > 1e-9 && from.is_finite() && to.is_finite()) {
        return None;
    }
    let sx = to.width() / fw;
    let sy = to.height() / fh;
    Some([sx, 0.0, 0.0, sy, to.x0 - sx * from.x0, to.y0 - sy * from.y0])
}

/// The widget's field type (`/FT`, inherited from its ancestors).
fn field_type<'a>(doc: &'a Document, widget: &'a Dictionary) -> Option<&'a [u8]> {
    let mut dict = widget;
    for _ in 0..MAX_FIELD_DEPTH {
        if let Ok(ft) = dict.get(b"FT") {
            return doc.dereference(ft).ok()?.1.as_name().ok();
        }
        dict = doc
            .dereference(dict.get(b"Parent").ok()?)
            .ok()?
            .1
            .as_dict()
            .ok()?;
    }
    None
}

/// True when the widget's field (the widget or an ancestor) holds a non-empty value.
fn field_has_value(doc: &Document, widget: &Dictionary) -> bool {
    let mut dict = widget;
    for _ in 0..MAX_FIELD_DEPTH {
        if let Ok(v) = dict.get(b"V") {
            return match doc.dereference(v).map(|(_, o)| o) {
                Ok(Object::String(s, _)) => has_visible_text(s),
                Ok(Object::Name(n)) => !n.is_empty() && n.as_slice() != b"Off",
                Ok(Object::Array(a)) => !a.is_empty(),
                // A signature value is a dictionary: signatures are dropped, not flattened.
                _ => false,
            };
        }
        let Some(parent) = dict
            .get(b"Parent")
            .ok()
            .and_then(|p| doc.dereference(p).ok())
            .and_then(|(_, o)| o.as_dict().ok())
        else {
            return false;
        };
        dict = parent;
    }
    false
}

/// True when a text string (UTF-16BE with a byte-order mark, or single-byte) holds anything but
/// white space; a bare byte-order mark is an empty value.
fn has_visible_text(s: &[u8]) -> bool {
    match s.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => char::decode_utf16(
            utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)])),
        )
        .any(|c| c.map_or(true, |c| !c.is_whitespace() && c != '\0')),
        None => s.iter().any(|b| !b.is_ascii_whitespace() && *b != 0),
    }
}

/// The AcroForm's default resources, used by appearance streams that name fonts without carrying
/// their own resources.
fn acroform_resources(doc: &Document) -> Option<Dictionary> {
    let catalog = doc.catalog().ok()?;
    let form = doc
        .dereference(catalog.get(b"AcroForm").ok()?)
        .ok()?
        .1
        .as_dict()
        .ok()?;
    let dr = doc
        .dereference(form.get(b"DR").ok()?)
        .ok()?
        .1
        .as_dict()
        .ok()?;
    Some(dr.clone())
}

/// Makes the appearance stream a proper Form XObject (many omit `/Subtype`) with resources.
fn prepare_form(doc: &mut Document, form: ObjectId, fallback_resources: Option<&Dictionary>) {
    let Ok(Object::Stream(stream)) = doc.get_object_mut(form) else {
        return;
    };
    stream.dict.set("Type", Object::Name(b"XObject".to_vec()));
    stream.dict.set("Subtype", Object::Name(b"Form".to_vec()));
    if !stream.dict.has(b"Resources")
        && let Some(dr) = fallback_resources
    {
        stream.dict.set("Resources", Object::Dictionary(dr.clone()));
    }
}

/// Wraps the page's content in `q … Q` (so it cannot leave the graphics state changed) and draws
/// the appearances after it, in default user space.
fn draw_on_page(
    doc: &mut Document,
    page_no: u32,
    page_id: ObjectId,
    placements: &[Placement],
) -> Result<(), PdfError> {
    let inherited = load::inherited(doc, page_id, b"Resources").cloned();
    let mut resources = match inherited.as_ref().map(|o| doc.dereference(o)) {
        Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
        _ => Dictionary::new(),
    };
    let mut xobjects = match resources.get(b"XObject").ok().map(|o| doc.dereference(o)) {
        Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
        _ => Dictionary::new(),
    };
    let mut content = b"q\n".to_vec();
    content.extend_from_slice(&load::page_content(doc, page_no, page_id)?);
    content.extend_from_slice(b"\nQ\n");
    let mut n = 0usize;
    for p in placements {
        let name = loop {
            let candidate = format!("{NAME_PREFIX}{n}");
            n += 1;
            if !xobjects.has(candidate.as_bytes()) {
                break candidate;
            }
        };
        xobjects.set(name.as_bytes().to_vec(), Object::Reference(p.form));
        let [a, b, c, d, e, f] = p.matrix;
        content
            .extend_from_slice(format!("q {a} {b} {c} {d} {e} {f} cm /{name} Do Q\n").as_bytes());
    }
    resources.set("XObject", Object::Dictionary(xobjects));
    let content_id = doc.add_object(Object::Stream(Stream::new(Dictionary::new(), content)));
    let page = doc
        .get_dictionary_mut(page_id)
        .map_err(|_| PdfError::review(Some(page_no), "the page object is not a dictionary"))?;
    page.set("Contents", Object::Reference(content_id));
    page.set("Resources", Object::Dictionary(resources));
    Ok(())
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn numbers(doc: &Document, a: &[Object]) -> Option<Vec<f64>> {
    a.iter()
        .map(|o| number(doc.dereference(o).map(|(_, o)| o).unwrap_or(o)))
        .collect()
}

fn rect_of(doc: &Document, o: &Object) -> Option<Rect> {
    let Ok((_, Object::Array(a))) = doc.dereference(o) else {
        return None;
    };
    match numbers(doc, a)?.as_slice() {
        [x0, y0, x1, y1] => Some(Rect::new(*x0, *y0, *x1, *y1)),
        _ => None,
    }
}

fn matrix_of(a: &[Object]) -> Option<Matrix> {
    let v: Vec<f64> = a.iter().map(number).collect::<Option<_>>()?;
    <[f64; 6]>::try_from(v)
        .ok()
        .filter(|m| m.iter().all(|x| x.is_finite()))
}
