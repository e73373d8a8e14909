//! The content-stream interpreter: graphics state, CTM, text state (`Tc Tw Tz TL Ts Tf Tr`), text
//! matrices, `TJ` kerning, `q`/`Q` and Form XObjects, producing positioned glyphs, image placements
//! and painted paths in page space.
//!
//! Every glyph records where it lives (which stream, which operation, which element of a `TJ`
//! array, which bytes), so that redaction can cut exactly those bytes out again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::error::PdfError;
use super::fonts::Font;
use super::geom::{self, IDENTITY, Matrix, Rect};
use super::load;

/// Deepest Form XObject nesting followed (cycles are cut earlier).
const MAX_FORM_DEPTH: usize = 12;

/// Where a stream of operations comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum StreamKey {
    /// The page's own content (all `/Contents` streams, concatenated).
    Page,
    /// A Form XObject, by the chain of form ids from the page down to it.
    Form(Vec<ObjectId>),
}

/// One decoded stream of a page.
#[derive(Debug)]
pub(crate) struct StreamOps {
    pub key: StreamKey,
    pub ops: Vec<Operation>,
}

/// Where a glyph's code sits in the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct GlyphLoc {
    pub stream: u32,
    pub op: u32,
    /// Index in the `TJ` array (0 for `Tj`, `'` and `"`).
    pub elem: u32,
    pub byte: u32,
    pub len: u8,
}

/// A glyph drawn on the page.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    /// Unicode text; `None` when the font gives no mapping.
    pub text: Option<String>,
    pub bbox: Rect,
    /// Pen position before and after the glyph, page space.
    pub origin: (f64, f64),
    pub end: (f64, f64),
    /// Font size in page space (the em height), for spacing decisions.
    pub size: f64,
    pub loc: GlyphLoc,
    /// The `TJ` number that moves the pen exactly as far as this glyph did.
    pub tj_adjust: f64,
    /// Render mode 3 or 7 (e.g. the OCR layer of a scan).
    pub invisible: bool,
}

/// An image drawn on the page (XObject or inline).
#[derive(Debug, Clone)]
pub(crate) struct ImagePlacement {
    pub bbox: Rect,
    /// Unit square → page space.
    pub matrix: Matrix,
    /// The image XObject (None for inline images).
    pub object: Option<ObjectId>,
}

/// A painted path: operations `ops` (construction through painting) in stream `stream`.
#[derive(Debug, Clone)]
pub(crate) struct PaintedPath {
    pub stream: u32,
    pub ops: std::ops::Range<u32>,
    pub bbox: Rect,
}

/// Everything the interpreter learnt about one page.
#[derive(Debug)]
pub(crate) struct PageContent {
    pub page_no: u32,
    pub page_id: ObjectId,
    pub page_box: Rect,
    pub streams: Vec<StreamOps>,
    pub glyphs: Vec<Glyph>,
    pub images: Vec<ImagePlacement>,
    pub paths: Vec<PaintedPath>,
    /// Glyphs whose text is unknown.
    pub unknown_glyphs: usize,
}

/// Fonts shared between pages (and threads), by object id.
#[derive(Default)]
pub(crate) struct FontCache {
    fonts: Mutex<HashMap<ObjectId, Arc<Font>>>,
}

impl FontCache {
    fn get(&self, doc: &Document, font: &Object) -> Option<Arc<Font>> {
        match font {
            Object::Reference(id) => {
                if let Ok(cache) = self.fonts.lock()
                    && let Some(f) = cache.get(id)
                {
                    return Some(f.clone());
                }
                let dict = doc.get_dictionary(*id).ok()?;
                let loaded = Arc::new(Font::load(doc, dict));
                if let Ok(mut cache) = self.fonts.lock() {
                    cache.insert(*id, loaded.clone());
                }
                Some(loaded)
            }
            Object::Dictionary(d) => Some(Arc::new(Font::load(doc, d))),
            _ => None,
        }
    }
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
    font: Option<Arc<Font>>,
    size: f64,
    render: i64,
}

struct Interp<'a> {
    doc: &'a Document,
    fonts: &'a FontCache,
    out: PageContent,
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn nums(ops: &[Object]) -> Vec<f64> {
    ops.iter().map(|o| num(o).unwrap_or(0.0)).collect()
}

/// Decodes a content stream strictly: trailing garbage is an error, never silently dropped.
pub(crate) fn decode_ops(data: &[u8], page_no: u32) -> Result<Vec<Operation>, PdfError> {
    Content::decode_strict(data)
        .map(|c| c.operations)
        .or_else(|e| {
            // Some producers end streams with stray whitespace or NULs; accept only those.
            let trimmed: &[u8] = {
                let end = data
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace() && *b != 0)
                    .map_or(0, |p| p + 1);
                &data[..end]
            };
            if trimmed.len() < data.len() {
                Content::decode_strict(trimmed).map(|c| c.operations)
            } else {
                Err(e)
            }
        })
        .map_err(|e| {
            PdfError::review(
                Some(page_no),
                format!("a content stream does not parse cleanly ({e})"),
            )
        })
}

/// Interprets one page.
pub(crate) fn interpret_page(
    doc: &Document,
    fonts: &FontCache,
    page_no: u32,
    page_id: ObjectId,
) -> Result<PageContent, PdfError> {
    let data = load::page_content(doc, page_no, page_id)?;
    let ops = decode_ops(&data, page_no)?;
    let mut interp = Interp {
        doc,
        fonts,
        out: PageContent {
            page_no,
            page_id,
            page_box: load::page_box(doc, page_id),
            streams: Vec::new(),
            glyphs: Vec::new(),
            images: Vec::new(),
            paths: Vec::new(),
            unknown_glyphs: 0,
        },
    };
    let resources = load::page_resources(doc, page_id);
    let state = GState {
        ctm: IDENTITY,
        char_spacing: 0.0,
        word_spacing: 0.0,
        h_scale: 1.0,
        leading: 0.0,
        rise: 0.0,
        font: None,
        size: 0.0,
        render: 0,
    };
    interp.run(StreamKey::Page, ops, resources, state, &[])?;
    Ok(interp.out)
}

fn resource<'a>(
    doc: &'a Document,
    res: Option<&'a Dictionary>,
    cat: &[u8],
    name: &[u8],
) -> Option<&'a Object> {
    let cat = res?.get(cat).ok()?;
    let cat = doc.dereference(cat).ok()?.1.as_dict().ok()?;
    cat.get(name).ok()
}

impl Interp<'_> {
    fn run(
        &mut self,
        key: StreamKey,
        ops: Vec<Operation>,
        res: Option<&Dictionary>,
        start: GState,
        form_path: &[ObjectId],
    ) -> Result<(), PdfError> {
        let page_no = self.out.page_no;
        let stream = self.out.streams.len() as u32;
        self.out.streams.push(StreamOps {
            key,
            ops: Vec::new(),
        });
        let mut gs = start;
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path_start: Option<u32> = None;
        let mut path_points: Vec<(f64, f64)> = Vec::new();
        let doc = self.doc;

        for (idx, op) in ops.iter().enumerate() {
            let idx = idx as u32;
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    let v = nums(o);
                    if v.len() == 6 {
                        gs.ctm = geom::mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tc" => gs.char_spacing = o.first().and_then(num).unwrap_or(0.0),
                "Tw" => gs.word_spacing = o.first().and_then(num).unwrap_or(0.0),
                "Tz" => gs.h_scale = o.first().and_then(num).unwrap_or(100.0) / 100.0,
                "TL" => gs.leading = o.first().and_then(num).unwrap_or(0.0),
                "Ts" => gs.rise = o.first().and_then(num).unwrap_or(0.0),
                "Tr" => gs.render = o.first().and_then(num).unwrap_or(0.0) as i64,
                "Tf" => {
                    gs.size = o.get(1).and_then(num).unwrap_or(0.0);
                    gs.font = o
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .and_then(|n| resource(doc, res, b"Font", n))
                        .and_then(|f| self.fonts.get(doc, f));
                }
                "Td" | "TD" => {
                    let v = nums(o);
                    if v.len() == 2 {
                        if op.operator == "TD" {
                            gs.leading = -v[1];
                        }
                        tlm = geom::mul(&[1.0, 0.0, 0.0, 1.0, v[0], v[1]], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    let v = nums(o);
                    if v.len() == 6 {
                        tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                        tm = tlm;
                    }
                }
                "T*" => {
                    tlm = geom::mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator == "\"" {
                        let v = nums(o);
                        if v.len() >= 2 {
                            gs.word_spacing = v[0];
                            gs.char_spacing = v[1];
                        }
                    }
                    if op.operator != "Tj" && op.operator != "TJ" {
                        tlm = geom::mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                        tm = tlm;
                    }
                    let elems: Vec<&Object> = match op.operator.as_str() {
                        "TJ" => match o.first() {
                            Some(Object::Array(a)) => a.iter().collect(),
                            _ => Vec::new(),
                        },
                        "\"" => o.get(2).into_iter().collect(),
                        _ => o.first().into_iter().collect(),
                    };
                    for (e, item) in elems.into_iter().enumerate() {
                        match item {
                            Object::String(bytes, _) => {
                                self.show(
                                    &gs,
                                    &mut tm,
                                    bytes,
                                    GlyphLoc {
                                        stream,
                                        op: idx,
                                        elem: e as u32,
                                        byte: 0,
                                        len: 0,
                                    },
                                )?;
                            }
                            other => {
                                if let Some(n) = num(other) {
                                    let tx = -n / 1000.0 * gs.size * gs.h_scale;
                                    tm = geom::mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    let Some(name) = o.first().and_then(|n| n.as_name().ok()) else {
                        continue;
                    };
                    let Some(Object::Reference(id)) = resource(doc, res, b"XObject", name) else {
                        continue;
                    };
                    let id = *id;
                    let Ok(Object::Stream(xs)) = doc.get_object(id) else {
                        continue;
                    };
                    match xs.dict.get(b"Subtype").and_then(|s| s.as_name()) {
                        Ok(b"Image") => self.out.images.push(ImagePlacement {
                            bbox: Rect::new(0.0, 0.0, 1.0, 1.0).transformed(&gs.ctm),
                            matrix: gs.ctm,
                            object: Some(id),
                        }),
                        Ok(b"Form") => {
                            if form_path.contains(&id) || form_path.len() >= MAX_FORM_DEPTH {
                                return Err(PdfError::review(
                                    Some(page_no),
                                    "Form XObjects nest in a loop or too deeply",
                                ));
                            }
                            let data = load::decompress(xs)
                                .map_err(|r| PdfError::review(Some(page_no), r))?;
                            let form_ops = decode_ops(&data, page_no)?;
                            let mut inner = gs.clone();
                            if let Ok(Object::Array(m)) = xs.dict.get(b"Matrix") {
                                let v = nums(m);
                                if v.len() == 6 {
                                    inner.ctm = geom::mul(
                                        &[v[0], v[1], v[2], v[3], v[4], v[5]],
                                        &inner.ctm,
                                    );
                                }
                            }
                            let form_res = match xs.dict.get(b"Resources") {
                                Ok(r) => match doc.dereference(r) {
                                    Ok((_, Object::Dictionary(d))) => Some(d),
                                    _ => res,
                                },
                                Err(_) => res,
                            };
                            let mut path = form_path.to_vec();
                            path.push(id);
                            self.run(
                                StreamKey::Form(path.clone()),
                                form_ops,
                                form_res,
                                inner,
                                &path,
                            )?;
                        }
                        _ => {}
                    }
                }
                "BI" => self.out.images.push(ImagePlacement {
                    bbox: Rect::new(0.0, 0.0, 1.0, 1.0).transformed(&gs.ctm),
                    matrix: gs.ctm,
                    object: None,
                }),
                "m" | "l" => {
                    let v = nums(o);
                    if v.len() >= 2 {
                        path_start.get_or_insert(idx);
                        path_points.push(geom::apply(&gs.ctm, v[0], v[1]));
                    }
                }
                "c" | "v" | "y" => {
                    let v = nums(o);
                    path_start.get_or_insert(idx);
                    for p in v.chunks(2).filter(|p| p.len() == 2) {
                        path_points.push(geom::apply(&gs.ctm, p[0], p[1]));
                    }
                }
                "re" => {
                    let v = nums(o);
                    if v.len() == 4 {
                        path_start.get_or_insert(idx);
                        let r = Rect::new(v[0], v[1], v[0] + v[2], v[1] + v[3]);
                        let t = r.transformed(&gs.ctm);
                        path_points.push((t.x0, t.y0));
                        path_points.push((t.x1, t.y1));
                    }
                }
                "h" | "W" | "W*" => {}
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    if let Some(start) = path_start.take()
                        && op.operator != "n"
                        && !path_points.is_empty()
                    {
                        self.out.paths.push(PaintedPath {
                            stream,
                            ops: start..idx + 1,
                            bbox: Rect::around(&path_points),
                        });
                    }
                    path_points.clear();
                }
                _ => {}
            }
        }
        self.out.streams[stream as usize].ops = ops;
        Ok(())
    }

    fn show(
        &mut self,
        gs: &GState,
        tm: &mut Matrix,
        bytes: &[u8],
        loc: GlyphLoc,
    ) -> Result<(), PdfError> {
        let Some(font) = gs.font.clone() else {
            if bytes.is_empty() {
                return Ok(());
            }
            return Err(PdfError::review(
                Some(self.out.page_no),
                "text is shown without a usable font",
            ));
        };
        let size = gs.size;
        let th = gs.h_scale;
        let mut byte = 0u32;
        for code in font.decode(bytes) {
            let trm = geom::mul(
                &[size * th, 0.0, 0.0, size, 0.0, gs.rise],
                &geom::mul(tm, &gs.ctm),
            );
            let w0 = code.width;
            let (asc, desc) = (
                font.ascent * font.vertical_scale,
                font.descent * font.vertical_scale,
            );
            let bbox = Rect::around(&[
                geom::apply(&trm, 0.0, desc),
                geom::apply(&trm, w0, desc),
                geom::apply(&trm, 0.0, asc),
                geom::apply(&trm, w0, asc),
            ]);
            let spacing = gs.char_spacing
                + if code.word_space {
                    gs.word_spacing
                } else {
                    0.0
                };
            let tx = (w0 * size + spacing) * th;
            let origin = geom::apply(&trm, 0.0, 0.0);
            let next = geom::mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
            let end_m = geom::mul(
                &[size * th, 0.0, 0.0, size, 0.0, gs.rise],
                &geom::mul(&next, &gs.ctm),
            );
            let end = geom::apply(&end_m, 0.0, 0.0);
            // Em height in page space: the length of the transformed unit y vector.
            let em = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            if code.text.is_none() {
                self.out.unknown_glyphs += 1;
            }
            let tj_adjust = if size.abs() > 1e-9 && th.abs() > 1e-9 {
                -(tx / th) * 1000.0 / size
            } else {
                0.0
            };
            self.out.glyphs.push(Glyph {
                text: code.text,
                bbox: if bbox.is_finite() {
                    bbox
                } else {
                    Rect::new(0.0, 0.0, 0.0, 0.0)
                },
                origin,
                end,
                size: if em.is_finite() { em } else { 0.0 },
                loc: GlyphLoc {
                    byte,
                    len: code.len,
                    ..loc
                },
                tj_adjust,
                invisible: gs.render == 3 || gs.render == 7,
            });
            byte += u32::from(code.len);
            *tm = next;
        }
        Ok(())
    }
}
