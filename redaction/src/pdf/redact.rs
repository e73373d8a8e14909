//! True redaction: the codes of redacted glyphs are cut out of `Tj`/`TJ` strings and replaced by a
//! `TJ` number of the same advance (every other glyph stays exactly where it was); vector paths
//! inside redacted regions are dropped; image pixels under regions and under invisible (OCR) text
//! are overwritten; an opaque box with the reason code is drawn over each redacted area. A Form
//! XObject is copied before it is changed, so other pages using it keep their content.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use serde::Serialize;

use super::error::PdfError;
use super::geom::Rect;
use super::glyphs::{GlyphLoc, StreamKey};
use super::search::TermMatcher;
use super::{AnalysedPage, images, load, sanitize, verify};

/// Redact `start..end` (bytes) of page `page`'s extracted text.
#[derive(Debug, Clone)]
pub struct RangeRedaction {
    pub page: u32,
    pub start: usize,
    pub end: usize,
    pub code: String,
}

/// Redact everything inside a rectangle of a page (PDF points, y up): text, paths, image pixels.
#[derive(Debug, Clone)]
pub struct Region {
    pub page: u32,
    pub rect: Rect,
    pub code: String,
}

/// Redact every whole-word occurrence of a term (see [`super::search`]).
#[derive(Debug, Clone)]
pub struct TermRedaction {
    pub text: String,
    pub code: String,
}

/// Box colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    Black,
    PaleGrey,
    /// Any opaque colour, components 0..=1.
    Rgb(f32, f32, f32),
}

impl Fill {
    fn rgb(self) -> (f32, f32, f32) {
        match self {
            Fill::Black => (0.0, 0.0, 0.0),
            Fill::PaleGrey => (0.85, 0.85, 0.85),
            Fill::Rgb(r, g, b) => (r.clamp(0.0, 1.0), g.clamp(0.0, 1.0), b.clamp(0.0, 1.0)),
        }
    }
}

/// How redaction boxes look.
#[derive(Debug, Clone, Copy)]
pub struct BoxStyle {
    pub fill: Fill,
    /// Print the reason code inside each box (when it fits).
    pub label_codes: bool,
}

impl Default for BoxStyle {
    fn default() -> Self {
        BoxStyle {
            fill: Fill::Black,
            label_codes: true,
        }
    }
}

/// What to redact.
#[derive(Debug, Clone, Default)]
pub struct RedactionPlan {
    pub ranges: Vec<RangeRedaction>,
    pub regions: Vec<Region>,
    pub terms: Vec<TermRedaction>,
    pub box_style: BoxStyle,
}

/// One drawn box.
#[derive(Debug, Clone, Serialize)]
pub struct RedactionBox {
    pub page: u32,
    pub rect: Rect,
    pub code: String,
}

/// What was done.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RedactionReport {
    pub pages: u32,
    pub boxes: Vec<RedactionBox>,
    /// Glyphs removed from content streams.
    pub glyphs_removed: usize,
    /// Term occurrences found (and removed).
    pub term_occurrences: usize,
    pub paths_removed: usize,
    pub images_redacted: usize,
    /// The strings that were removed (terms and range texts), for the leak gate. Never log these.
    #[serde(skip)]
    pub removed: Vec<String>,
}

/// The redacted, sanitised, verified PDF.
#[derive(Debug, Clone)]
pub struct Redacted {
    pub pdf: Vec<u8>,
    pub report: RedactionReport,
}

/// A box to draw: where, its code, and the (baseline, size) of the text it covers.
type PlannedBox = (Rect, String, Option<(f64, f64)>);

/// Per page: what to remove and where to draw.
#[derive(Default)]
struct PagePlan {
    glyphs: BTreeSet<usize>,
    /// Boxes with their code and, for text, the baseline and size of the words they cover (the
    /// code is printed there, so text extraction reads it in line with the words around it).
    boxes: Vec<PlannedBox>,
    /// Rectangles whose image pixels must be overwritten.
    image_rects: Vec<Rect>,
    regions: Vec<Rect>,
}

/// Boxes around a run of glyphs: one per line (glyph boxes that overlap vertically merge).
fn line_boxes(rects: &[Rect]) -> Vec<Rect> {
    let mut out: Vec<Rect> = Vec::new();
    for r in rects {
        if r.width() <= 0.0 && r.height() <= 0.0 {
            continue;
        }
        match out.last_mut() {
            Some(last)
                if r.y0 < last.y1
                    && last.y0 < r.y1
                    && (r.x0 - last.x1).abs() < 3.0 * r.height().max(1.0) =>
            {
                *last = last.union(r)
            }
            _ => out.push(*r),
        }
    }
    out
}

/// Redacts, sanitises, writes fresh and verifies. See the module docs.
pub fn redact(bytes: &[u8], plan: &RedactionPlan) -> Result<Redacted, PdfError> {
    let mut doc = load::open(bytes)?;
    let pages = super::analyse(&doc)?;
    let wants_text = !plan.terms.is_empty() || !plan.ranges.is_empty();
    for p in &pages {
        super::check_decodable(p)?;
        if wants_text && p.text.image_only {
            return Err(PdfError::review(
                Some(p.text.page),
                "the page is a scanned image without a text layer: terms cannot be found on it",
            ));
        }
    }
    let page_count = pages.len() as u32;
    let mut report = RedactionReport {
        pages: page_count,
        ..Default::default()
    };
    let mut plans: BTreeMap<u32, PagePlan> = BTreeMap::new();

    // Terms.
    let term_texts: Vec<&str> = plan.terms.iter().map(|t| t.text.as_str()).collect();
    let matcher = TermMatcher::new(&term_texts);
    for p in &pages {
        let matches = matcher.find(&p.text);
        report.term_occurrences += matches.len();
        for m in matches {
            add_text_range(&mut plans, p, m.start, m.end, &plan.terms[m.term].code);
        }
        // The same terms in the raw bytes of single-byte strings (a font may draw "brown" as
        // Greek letters): the literal must not survive in the file either.
        if let Some(raw) = raw_page(p) {
            for m in matcher.find(&raw) {
                add_text_range_in(
                    &mut plans,
                    p,
                    &raw.chars,
                    m.start,
                    m.end,
                    &plan.terms[m.term].code,
                );
            }
        }
    }
    // Ranges.
    for r in &plan.ranges {
        let Some(p) = pages.iter().find(|p| p.text.page == r.page) else {
            return Err(PdfError::InvalidPlan(format!(
                "range on page {} but the document has {page_count} pages",
                r.page
            )));
        };
        if r.start >= r.end
            || r.end > p.text.text.len()
            || !p.text.text.is_char_boundary(r.start)
            || !p.text.text.is_char_boundary(r.end)
        {
            return Err(PdfError::InvalidPlan(format!(
                "range {}..{} is not a character range of page {}'s text",
                r.start, r.end, r.page
            )));
        }
        report.removed.push(p.text.text[r.start..r.end].to_string());
        add_text_range(&mut plans, p, r.start, r.end, &r.code);
    }
    // Regions.
    for reg in &plan.regions {
        let Some(p) = pages.iter().find(|p| p.text.page == reg.page) else {
            return Err(PdfError::InvalidPlan(format!(
                "region on page {} but the document has {page_count} pages",
                reg.page
            )));
        };
        if !reg.rect.is_finite() || reg.rect.width() <= 0.0 || reg.rect.height() <= 0.0 {
            return Err(PdfError::InvalidPlan(format!(
                "empty region on page {}",
                reg.page
            )));
        }
        let pp = plans.entry(reg.page).or_default();
        for (gi, g) in p.content.glyphs.iter().enumerate() {
            if reg.rect.contains_centre(&g.bbox) {
                pp.glyphs.insert(gi);
            }
        }
        pp.boxes.push((reg.rect, reg.code.clone(), None));
        pp.image_rects.push(reg.rect);
        pp.regions.push(reg.rect);
    }
    report
        .removed
        .extend(plan.terms.iter().map(|t| t.text.clone()));

    // Apply, page by page.
    let label_font = plan.box_style.label_codes.then(|| {
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Font".to_vec()));
        d.set("Subtype", Object::Name(b"Type1".to_vec()));
        d.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        d.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        doc.add_object(Object::Dictionary(d))
    });
    let mut image_jobs: HashMap<ObjectId, Vec<(lopdf::content::Operation, Rect)>> = HashMap::new();
    let _ = &mut image_jobs;
    let mut image_rects: Vec<(ObjectId, super::geom::Matrix, Rect, u32)> = Vec::new();
    for p in &pages {
        let Some(pp) = plans.get(&p.text.page) else {
            continue;
        };
        apply_page(&mut doc, p, pp, plan.box_style, label_font, &mut report)?;
        for img in &p.content.images {
            for r in &pp.image_rects {
                if img.bbox.intersects(r) {
                    match img.object {
                        Some(id) => image_rects.push((id, img.matrix, *r, p.text.page)),
                        None => {
                            return Err(PdfError::review(
                                Some(p.text.page),
                                "an inline image lies under a redaction and cannot be redacted",
                            ));
                        }
                    }
                }
            }
        }
    }
    report.images_redacted = images::redact_images(&mut doc, bytes, &image_rects)?;

    sanitize::sanitize(&mut doc);
    let pdf = sanitize::write(&mut doc)?;
    verify::verify(
        &pdf,
        &term_texts.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    )?;
    Ok(Redacted { pdf, report })
}

/// The page laid out from the raw code bytes of its single-byte glyphs, when that differs from
/// the decoded text.
fn raw_page(p: &AnalysedPage) -> Option<super::PageText> {
    let mut differs = false;
    let glyphs: Vec<super::glyphs::Glyph> = p
        .content
        .glyphs
        .iter()
        .map(|g| {
            let mut g = g.clone();
            let raw = raw_code(&p.content, &g).map(|b| char::from(b).to_string());
            if raw.is_some() && raw != g.text {
                differs = true;
            }
            g.text = raw;
            g
        })
        .collect();
    if !differs {
        return None;
    }
    let laid = super::layout::lay_out(&glyphs);
    Some(super::PageText {
        page: p.text.page,
        text: laid.text,
        chars: laid.chars,
        page_box: p.text.page_box,
        image_only: false,
    })
}

/// The code byte of a one-byte glyph.
fn raw_code(c: &super::glyphs::PageContent, g: &super::glyphs::Glyph) -> Option<u8> {
    if g.loc.len != 1 {
        return None;
    }
    let op = c
        .streams
        .get(g.loc.stream as usize)?
        .ops
        .get(g.loc.op as usize)?;
    let elem = match op.operator.as_str() {
        "TJ" => op
            .operands
            .first()?
            .as_array()
            .ok()?
            .get(g.loc.elem as usize)?,
        "\"" => op.operands.get(2)?,
        _ => op.operands.first()?,
    };
    match elem {
        Object::String(b, _) => b.get(g.loc.byte as usize).copied(),
        _ => None,
    }
}

fn add_text_range(
    plans: &mut BTreeMap<u32, PagePlan>,
    p: &AnalysedPage,
    start: usize,
    end: usize,
    code: &str,
) {
    add_text_range_in(plans, p, &p.text.chars, start, end, code);
}

fn add_text_range_in(
    plans: &mut BTreeMap<u32, PagePlan>,
    p: &AnalysedPage,
    chars: &[super::CharBox],
    start: usize,
    end: usize,
    code: &str,
) {
    let pp = plans.entry(p.text.page).or_default();
    let mut rects = Vec::new();
    let mut baselines = Vec::new();
    let mut invisible = Vec::new();
    let mut last_glyph = None;
    for c in chars {
        if (c.start as usize) < end && (c.end as usize) > start {
            let gi = c.glyph as usize;
            if last_glyph == Some(gi) {
                continue;
            }
            last_glyph = Some(gi);
            pp.glyphs.insert(gi);
            let g = &p.content.glyphs[gi];
            rects.push(g.bbox);
            baselines.push((g.bbox, g.origin.1, g.size));
            if g.invisible {
                invisible.push(g.bbox);
            }
        }
    }
    for r in line_boxes(&rects) {
        let centre = |b: &Rect| (b.y0 + b.y1) / 2.0;
        let text_line = baselines
            .iter()
            .find(|(b, _, _)| centre(b) >= r.y0 && centre(b) <= r.y1)
            .map(|&(_, y, size)| (y, size));
        pp.boxes.push((r, code.to_string(), text_line));
    }
    for r in line_boxes(&invisible) {
        pp.image_rects.push(r);
    }
}

/// Removed glyph codes of one operation: elem → set of (byte, len).
type OpCuts = BTreeMap<u32, Vec<(u32, u8, f64)>>;

fn apply_page(
    doc: &mut Document,
    p: &AnalysedPage,
    pp: &PagePlan,
    style: BoxStyle,
    label_font: Option<ObjectId>,
    report: &mut RedactionReport,
) -> Result<(), PdfError> {
    let page_no = p.text.page;
    // Cuts per stream key (a form drawn twice on a page shares one key).
    let mut cuts: HashMap<StreamKey, BTreeMap<u32, OpCuts>> = HashMap::new();
    for &gi in &pp.glyphs {
        let g = &p.content.glyphs[gi];
        let GlyphLoc {
            stream,
            op,
            elem,
            byte,
            len,
        } = g.loc;
        let key = p.content.streams[stream as usize].key.clone();
        cuts.entry(key)
            .or_default()
            .entry(op)
            .or_default()
            .entry(elem)
            .or_default()
            .push((byte, len, g.tj_adjust));
        report.glyphs_removed += 1;
    }
    // Paths inside regions.
    let mut dropped_ops: HashMap<StreamKey, BTreeSet<u32>> = HashMap::new();
    for path in &p.content.paths {
        if pp.regions.iter().any(|r| r.contains(&path.bbox)) {
            let key = p.content.streams[path.stream as usize].key.clone();
            let set = dropped_ops.entry(key).or_default();
            for op in path.ops.clone() {
                let name = p.content.streams[path.stream as usize]
                    .ops
                    .get(op as usize)
                    .map(|o| o.operator.as_str());
                // Keep clipping operators out of the removal: only construction and painting.
                if matches!(
                    name,
                    Some(
                        "m" | "l"
                            | "c"
                            | "v"
                            | "y"
                            | "re"
                            | "h"
                            | "S"
                            | "s"
                            | "f"
                            | "F"
                            | "f*"
                            | "B"
                            | "B*"
                            | "b"
                            | "b*"
                    )
                ) {
                    set.insert(op);
                }
            }
            report.paths_removed += 1;
        }
    }

    // New content for every changed stream.
    let mut new_ops: HashMap<StreamKey, Vec<Operation>> = HashMap::new();
    let mut keys: BTreeSet<Vec<ObjectId>> = BTreeSet::new();
    for s in &p.content.streams {
        if new_ops.contains_key(&s.key) {
            continue;
        }
        let c = cuts.get(&s.key);
        let d = dropped_ops.get(&s.key);
        if c.is_none() && d.is_none() && s.key != StreamKey::Page {
            continue;
        }
        let ops = rewrite_ops(&s.ops, c, d, page_no)?;
        if let StreamKey::Form(path) = &s.key {
            keys.insert(path.clone());
        }
        new_ops.insert(s.key.clone(), ops);
    }

    // Copy changed forms (and their ancestors) deepest first.
    let mut all_paths: BTreeSet<Vec<ObjectId>> = BTreeSet::new();
    for k in &keys {
        for n in 1..=k.len() {
            all_paths.insert(k[..n].to_vec());
        }
    }
    let mut ordered: Vec<Vec<ObjectId>> = all_paths.into_iter().collect();
    ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut copies: HashMap<Vec<ObjectId>, ObjectId> = HashMap::new();
    for path in &ordered {
        let Some(&id) = path.last() else { continue };
        let Ok(Object::Stream(orig)) = doc.get_object(id) else {
            return Err(PdfError::review(
                Some(page_no),
                "a Form XObject vanished while redacting",
            ));
        };
        let mut stream = orig.clone();
        if let Some(ops) = new_ops.get(&StreamKey::Form(path.clone())) {
            let data = encode(ops, page_no)?;
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_plain_content(data);
        }
        let children: Vec<(ObjectId, ObjectId)> = copies
            .iter()
            .filter(|(k, _)| k.len() == path.len() + 1 && k.starts_with(path))
            .filter_map(|(k, v)| Some((*k.last()?, *v)))
            .collect();
        if !children.is_empty() {
            let res = own_resources(doc, stream.dict.get(b"Resources").ok());
            stream.dict.set(
                "Resources",
                Object::Dictionary(replace_xobjects(doc, res, &children)),
            );
        }
        let new_id = doc.add_object(Object::Stream(stream));
        copies.insert(path.clone(), new_id);
    }

    // The page itself.
    let top: Vec<(ObjectId, ObjectId)> = copies
        .iter()
        .filter(|(k, _)| k.len() == 1)
        .map(|(k, v)| (k[0], *v))
        .collect();
    let inherited = load::inherited(doc, p.content.page_id, b"Resources").cloned();
    let mut res = own_resources(doc, inherited.as_ref());
    if !top.is_empty() {
        res = replace_xobjects(doc, res, &top);
    }
    let mut font_name = None;
    if let Some(fid) = label_font {
        let mut fonts = match res.get(b"Font").ok().map(|o| doc.dereference(o)) {
            Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
            _ => Dictionary::new(),
        };
        let mut n = 0;
        let name = loop {
            let candidate = format!("SarLabel{n}");
            if !fonts.has(candidate.as_bytes()) {
                break candidate;
            }
            n += 1;
        };
        fonts.set(name.as_bytes().to_vec(), Object::Reference(fid));
        res.set("Font", Object::Dictionary(fonts));
        font_name = Some(name);
    }
    let mut content = Vec::new();
    content.extend_from_slice(b"q\n");
    let page_ops = new_ops.get(&StreamKey::Page).cloned().unwrap_or_default();
    content.extend_from_slice(&encode(&page_ops, page_no)?);
    content.extend_from_slice(b"\nQ\n");
    let (r, g, b) = style.fill.rgb();
    let light = (r + g + b) / 3.0 > 0.5;
    for (rect, code, text_line) in &pp.boxes {
        let rect = Rect::new(rect.x0 - 0.5, rect.y0 - 0.5, rect.x1 + 0.5, rect.y1 + 0.5);
        content.extend_from_slice(
            format!(
                "q {r:.3} {g:.3} {b:.3} rg {:.2} {:.2} {:.2} {:.2} re f Q\n",
                rect.x0,
                rect.y0,
                rect.width(),
                rect.height()
            )
            .as_bytes(),
        );
        report.boxes.push(RedactionBox {
            page: page_no,
            rect,
            code: code.clone(),
        });
        if let Some(name) = &font_name {
            let label: String = code
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(12)
                .collect();
            // On the covered words' baseline at their size when that fits, else centred.
            let fitted = (rect.height() * 0.7).min(9.0);
            let (size, y) = match text_line {
                Some((baseline, size))
                    if *size >= 3.0
                        && *baseline > rect.y0
                        && *baseline < rect.y1
                        && size * 0.67 * label.len() as f64 + 2.0 <= rect.width() =>
                {
                    (*size, *baseline)
                }
                _ => (fitted, rect.y0 + (rect.height() - fitted * 0.7) / 2.0),
            };
            // Helvetica capitals are about 0.67 em wide.
            let width = size * 0.67 * label.len() as f64;
            if !label.is_empty() && size >= 3.0 && width + 2.0 <= rect.width() {
                // The code fills the box (repeated in a long box, slightly stretched): text
                // extraction then reads it as words in the line with ordinary gaps around them,
                // so the words either side stay in one line and one sentence; a lone code in a
                // wide box reads as a column break and scrambles the reading order.
                let space = size * 0.278;
                let copies = (((rect.width() - 2.0 + space) / (width + space)).floor() as usize)
                    .clamp(1, 40);
                let run = width * copies as f64 + space * (copies - 1) as f64;
                let stretch = (100.0 * (rect.width() - 2.0) / run).clamp(100.0, 150.0);
                let drawn = run * stretch / 100.0;
                let x = rect.x0 + (rect.width() - drawn) / 2.0;
                let label = vec![label.as_str(); copies].join(" ");
                let escaped = label
                    .replace('\\', "\\\\")
                    .replace('(', "\\(")
                    .replace(')', "\\)");
                let tone = if light { 0.0 } else { 1.0 };
                content.extend_from_slice(
                    format!(
                        "q {tone} g BT /{name} {size:.2} Tf {stretch:.1} Tz {x:.2} {y:.2} Td ({escaped}) Tj ET Q\n"
                    )
                    .as_bytes(),
                );
            }
        }
    }
    let mut stream = Stream::new(Dictionary::new(), content);
    let _ = stream.compress();
    let content_id = doc.add_object(Object::Stream(stream));
    let page = doc
        .get_dictionary_mut(p.content.page_id)
        .map_err(|_| PdfError::review(Some(page_no), "the page object is not a dictionary"))?;
    page.set("Contents", Object::Reference(content_id));
    page.set("Resources", Object::Dictionary(res));
    Ok(())
}

/// A resource dictionary owned by the caller (indirect ones are copied).
fn own_resources(doc: &Document, res: Option<&Object>) -> Dictionary {
    match res.map(|o| doc.dereference(o)) {
        Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
        _ => Dictionary::new(),
    }
}

/// Points XObject entries at copies.
fn replace_xobjects(
    doc: &Document,
    mut res: Dictionary,
    map: &[(ObjectId, ObjectId)],
) -> Dictionary {
    let mut xobjects = match res.get(b"XObject").ok().map(|o| doc.dereference(o)) {
        Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
        _ => return res,
    };
    for (_, v) in xobjects.iter_mut() {
        if let Object::Reference(id) = v
            && let Some((_, new)) = map.iter().find(|(old, _)| old == id)
        {
            *v = Object::Reference(*new);
        }
    }
    res.set("XObject", Object::Dictionary(xobjects));
    res
}

fn encode(ops: &[Operation], page_no: u32) -> Result<Vec<u8>, PdfError> {
    Content {
        operations: ops.to_vec(),
    }
    .encode()
    .map_err(|e| {
        PdfError::review(
            Some(page_no),
            format!("the rewritten content cannot be encoded ({e})"),
        )
    })
}

/// Applies cuts to the operations of one stream.
fn rewrite_ops(
    ops: &[Operation],
    cuts: Option<&BTreeMap<u32, OpCuts>>,
    dropped: Option<&BTreeSet<u32>>,
    page_no: u32,
) -> Result<Vec<Operation>, PdfError> {
    let mut out = Vec::with_capacity(ops.len() + 8);
    for (i, op) in ops.iter().enumerate() {
        let i = i as u32;
        if dropped.is_some_and(|d| d.contains(&i)) {
            continue;
        }
        let Some(op_cuts) = cuts.and_then(|c| c.get(&i)) else {
            out.push(op.clone());
            continue;
        };
        // Normalise ' and " to their parts, then rebuild as TJ.
        let elems: Vec<Object> = match op.operator.as_str() {
            "TJ" => match op.operands.first() {
                Some(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            },
            "Tj" => op.operands.first().cloned().into_iter().collect(),
            "'" => {
                out.push(Operation::new("T*", vec![]));
                op.operands.first().cloned().into_iter().collect()
            }
            "\"" => {
                let mut it = op.operands.iter().cloned();
                let (aw, ac) = (it.next(), it.next());
                if let (Some(aw), Some(ac)) = (aw, ac) {
                    out.push(Operation::new("Tw", vec![aw]));
                    out.push(Operation::new("Tc", vec![ac]));
                }
                out.push(Operation::new("T*", vec![]));
                it.next().into_iter().collect()
            }
            _ => {
                return Err(PdfError::review(
                    Some(page_no),
                    "internal: a glyph points at an operation that shows no text",
                ));
            }
        };
        let mut new_elems: Vec<Object> = Vec::with_capacity(elems.len() + 4);
        for (e, item) in elems.into_iter().enumerate() {
            let Some(removed) = op_cuts.get(&(e as u32)) else {
                new_elems.push(item);
                continue;
            };
            let Object::String(bytes, format) = item else {
                new_elems.push(item);
                continue;
            };
            let mut kept: Vec<u8> = Vec::new();
            let mut pos = 0usize;
            let mut sorted = removed.clone();
            sorted.sort_by_key(|r| r.0);
            let flush = |kept: &mut Vec<u8>, new_elems: &mut Vec<Object>, format: StringFormat| {
                if !kept.is_empty() {
                    new_elems.push(Object::String(std::mem::take(kept), format));
                }
            };
            for (byte, len, adjust) in sorted {
                let (b, l) = (byte as usize, len as usize);
                if b < pos || b + l > bytes.len() {
                    continue;
                }
                kept.extend_from_slice(&bytes[pos..b]);
                flush(&mut kept, &mut new_elems, format);
                push_number(&mut new_elems, adjust);
                pos = b + l;
            }
            kept.extend_from_slice(&bytes[pos..]);
            flush(&mut kept, &mut new_elems, format);
        }
        out.push(Operation::new("TJ", vec![Object::Array(new_elems)]));
    }
    Ok(out)
}

/// Appends a TJ displacement, merging with a preceding number.
fn push_number(elems: &mut Vec<Object>, n: f64) {
    if let Some(last) = elems.last_mut() {
        let prev = match last {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(f64::from(*r)),
            _ => None,
        };
        if let Some(prev) = prev {
            *last = Object::Real((prev + n) as f32);
            return;
        }
    }
    elems.push(Object::Real(n as f32));
}
