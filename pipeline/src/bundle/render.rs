//! Rendering laid-out pages to PDF with krilla: the disclosure (opaque boxes with their codes) and
//! the review copy (the same pages, each redaction outlined with its text visible).
//!
//! Text is set in DejaVu Sans, embedded as a subset with a ToUnicode map, so the disclosure can be
//! searched and copied. Redacted PDF documents are placed as whole pages (krilla's `pdf` feature
//! copies only what each page references, so nothing else of the source file comes along).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::pdf::{Pdf, PdfDocument};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use super::BundleError;
use super::layout::{Area, Fonts, LaidPage, Op, PAGE_H, PAGE_W, Style, label_size};

/// Which copy is being drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Copy {
    /// For the requester: redactions are opaque boxes of this grey level (0 black, 1 white).
    Disclosure { box_grey: u8 },
    /// For the SAR team: redactions outlined, text visible.
    Review,
}

/// A PDF document placed in the bundle: the bytes to draw (redacted for the disclosure, the
/// original for the review copy) and, for the review copy, where the redactions are.
pub struct PlacedDocument {
    pub pdf: PdfDocument,
    /// Per page (0-based): the redaction boxes in the source page's PDF space, with codes.
    pub boxes: Vec<Vec<([f64; 4], String)>>,
    /// Per page: the crop box origin and height in PDF space, to map the boxes.
    pub frames: Vec<(f32, f32, f32, f32)>,
}

/// A document's bytes and review boxes, opened ([`PlacedDocument`]) only while the volumes that
/// show it are rendered: a parsed document caches what it decodes, so holding every document
/// open for the whole bundle would hold all of that at once.
#[derive(Clone)]
pub struct DocumentSource {
    pub bytes: Arc<Vec<u8>>,
    pub boxes: Vec<Vec<([f64; 4], String)>>,
}

impl DocumentSource {
    pub fn open(&self) -> Result<PlacedDocument, String> {
        PlacedDocument::open(self.bytes.clone(), self.boxes.clone())
    }
}

impl PlacedDocument {
    pub fn open(bytes: Arc<Vec<u8>>, boxes: Vec<Vec<([f64; 4], String)>>) -> Result<Self, String> {
        let pdf = Pdf::new(bytes).map_err(|e| format!("{e:?}"))?;
        let frames = pdf
            .pages()
            .iter()
            .map(|p| {
                let c = p.intersected_crop_box();
                (c.x0 as f32, c.y0 as f32, c.x1 as f32, c.y1 as f32)
            })
            .collect();
        Ok(PlacedDocument {
            pdf: PdfDocument::new(Arc::new(pdf)),
            boxes,
            frames,
        })
    }

    fn page_size(&self, page: usize) -> Option<(f32, f32)> {
        self.frames
            .get(page)
            .map(|(x0, y0, x1, y1)| ((x1 - x0).max(1.0), (y1 - y0).max(1.0)))
    }
}

/// A bookmark: its title and where it points (0-based page within the volume, y from the top).
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// What one volume holds.
pub struct Volume<'a> {
    pub pages: &'a [LaidPage],
    /// Global number of the volume's first page (1-based) and the bundle's total.
    pub first_page: usize,
    pub total_pages: usize,
    pub reference: &'a str,
    pub title: String,
    pub bookmarks: Vec<Bookmark>,
}

fn grey_fill(level: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(level, level, level).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn colour_fill(r: u8, g: u8, b: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn rect_path(a: Area) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(a.x, a.y, a.w.max(0.1), a.h.max(0.1))?);
    pb.finish()
}

const REVIEW_RED: (u8, u8, u8) = (200, 0, 0);

/// Strokes a rectangle without filling it; false when the rectangle is degenerate.
fn outline(s: &mut Surface, area: Area, (r, g, b): (u8, u8, u8), width: f32) -> bool {
    let Some(path) = rect_path(area) else {
        return false;
    };
    s.set_fill(None);
    s.set_stroke(Some(Stroke {
        paint: rgb::Color::new(r, g, b).into(),
        width,
        ..Stroke::default()
    }));
    s.draw_path(&path);
    s.set_stroke(None);
    true
}

struct Faces {
    regular: Font,
    bold: Font,
}

fn text(s: &mut Surface, faces: &Faces, x: f32, y: f32, size: f32, style: Style, t: &str) {
    let (font, fill) = match style {
        Style::Regular => (&faces.regular, grey_fill(0)),
        Style::Bold => (&faces.bold, grey_fill(0)),
        Style::Quiet => (&faces.regular, grey_fill(90)),
    };
    s.set_fill(Some(fill));
    s.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        t,
        false,
        TextDirection::Auto,
    );
}

/// Draws a redaction box (disclosure) or outline (review copy).
fn redaction(
    s: &mut Surface,
    faces: &Faces,
    copy: Copy,
    area: Area,
    code: &str,
    label: bool,
    hidden: Option<(&str, f32)>,
) {
    // Boxes are laid out from the text's baseline (see `layout::line_ops`).
    let baseline = area.y + area.h * 0.76;
    let Some(path) = rect_path(area) else {
        return;
    };
    let size = hidden.map_or(area.h / 1.25, |(_, s)| s);
    let label_size = label_size(size);
    let label_w = Fonts::get().bold.width(code, label_size);
    match copy {
        Copy::Disclosure { box_grey } => {
            s.set_fill(Some(grey_fill(box_grey)));
            s.set_stroke(None);
            s.draw_path(&path);
            if label && area.w >= label_w + 2.0 {
                let ink = if box_grey < 128 { 255 } else { 40 };
                s.set_fill(Some(grey_fill(ink)));
                // On the text's own baseline, so text extraction reads the code in line with
                // the words around it, not as a line of its own.
                s.draw_text(
                    Point::from_xy(area.x + (area.w - label_w) / 2.0, baseline),
                    faces.bold.clone(),
                    label_size,
                    code,
                    false,
                    TextDirection::Auto,
                );
            }
        }
        Copy::Review => {
            s.set_fill(Some(colour_fill(255, 243, 176)));
            s.set_stroke(Some(Stroke {
                paint: rgb::Color::new(200, 0, 0).into(),
                width: 0.8,
                ..Stroke::default()
            }));
            s.draw_path(&path);
            s.set_stroke(None);
            if let Some((t, size)) = hidden {
                // The hidden text, squeezed into the box so both copies share one layout.
                // A long text is set smaller before it is squeezed much, to stay readable.
                let full = Fonts::get().regular.width(t, size).max(0.1);
                let fit = ((area.w - 2.0) / full).min(1.0);
                let size = (size * (fit / 0.6).min(1.0)).max(4.0);
                let w = Fonts::get().regular.width(t, size).max(0.1);
                let squeeze = ((area.w - 2.0) / w).min(1.0);
                s.push_transform(&Transform::from_row(
                    squeeze,
                    0.0,
                    0.0,
                    1.0,
                    area.x + 1.0,
                    baseline,
                ));
                text(s, faces, 0.0, 0.0, size, Style::Regular, t);
                s.pop();
            }
            if label {
                s.set_fill(Some(colour_fill(200, 0, 0)));
                s.draw_text(
                    Point::from_xy(area.x + area.w - label_w.min(area.w), area.y - 0.8),
                    faces.bold.clone(),
                    5.5,
                    code,
                    false,
                    TextDirection::Auto,
                );
            }
        }
    }
}

fn document_page(
    s: &mut Surface,
    faces: &Faces,
    copy: Copy,
    doc: &PlacedDocument,
    page: usize,
    area: Area,
) {
    let Some((w, h)) = doc.page_size(page) else {
        return;
    };
    let scale = (area.w / w).min(area.h / h).min(1.0);
    let (dw, dh) = (w * scale, h * scale);
    let x = area.x + (area.w - dw) / 2.0;
    let y = area.y;
    // A hairline frame shows where the document page begins and ends.
    outline(s, Area { x, y, w: dw, h: dh }, (170, 170, 170), 0.5);
    s.push_transform(&Transform::from_translate(x, y));
    if let Some(size) = Size::from_wh(dw, dh) {
        s.draw_pdf_page(&doc.pdf, size, page);
    }
    s.pop();
    if copy == Copy::Review {
        let (fx0, _, _, fy1) = doc.frames[page];
        for (b, code) in doc.boxes.get(page).into_iter().flatten() {
            let bx = x + (b[0] as f32 - fx0) * scale;
            let by = y + (fy1 - b[3] as f32) * scale;
            let area = Area {
                x: bx,
                y: by,
                w: (b[2] - b[0]) as f32 * scale,
                h: (b[3] - b[1]) as f32 * scale,
            };
            if outline(s, area, REVIEW_RED, 0.8) {
                s.set_fill(Some(colour_fill(200, 0, 0)));
                s.draw_text(
                    Point::from_xy(area.x, area.y - 0.8),
                    faces.bold.clone(),
                    5.5,
                    code,
                    false,
                    TextDirection::Auto,
                );
            }
        }
    }
}

/// Renders one volume.
pub fn render(
    volume: &Volume<'_>,
    copy: Copy,
    documents: &HashMap<usize, PlacedDocument>,
) -> Result<Vec<u8>, BundleError> {
    let faces = Faces {
        regular: Font::new(Fonts::data(Style::Regular).into(), 0)
            .ok_or_else(|| BundleError::Render("the bundle font does not load".into()))?,
        bold: Font::new(Fonts::data(Style::Bold).into(), 0)
            .ok_or_else(|| BundleError::Render("the bundle font does not load".into()))?,
    };
    let mut document = Document::new_with(SerializeSettings::default());
    for (i, laid) in volume.pages.iter().enumerate() {
        let number = volume.first_page + i;
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .expect("A4 is a valid page size")
            .with_page_label(PageLabel::new(
                Some(NumberingStyle::Arabic),
                None,
                NonZeroU32::new(number as u32),
            ));
        let mut page = document.start_page_with(settings);
        let mut s = page.surface();
        for op in &laid.ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    style,
                    text: t,
                } => text(&mut s, &faces, *x, *y, *size, *style, t),
                Op::Redaction {
                    area,
                    size,
                    code,
                    hidden,
                    label,
                } => redaction(
                    &mut s,
                    &faces,
                    copy,
                    *area,
                    code,
                    *label,
                    (copy == Copy::Review).then_some((hidden.as_str(), *size)),
                ),
                Op::Rule { x, y, w } => {
                    if let Some(path) = rect_path(Area {
                        x: *x,
                        y: *y,
                        w: *w,
                        h: 0.5,
                    }) {
                        s.set_fill(Some(grey_fill(160)));
                        s.draw_path(&path);
                    }
                }
                Op::Band { area } => {
                    if let Some(path) = rect_path(*area) {
                        s.set_fill(Some(grey_fill(238)));
                        s.draw_path(&path);
                    }
                }
                Op::Document { doc, page, area } => {
                    if let Some(d) = documents.get(doc) {
                        document_page(&mut s, &faces, copy, d, *page, *area);
                    }
                }
            }
        }
        let footer = footer(volume.reference, number, volume.total_pages);
        let w = Fonts::get().regular.width(&footer, 8.5);
        text(
            &mut s,
            &faces,
            (PAGE_W - w) / 2.0,
            PAGE_H - 30.0,
            8.5,
            Style::Quiet,
            &footer,
        );
        if copy == Copy::Review {
            text(
                &mut s,
                &faces,
                40.0,
                24.0,
                8.0,
                Style::Bold,
                "REVIEW COPY: redacted text is visible. For the SAR team only; never send this file.",
            );
        }
        s.finish();
        page.finish();
    }
    let mut outline = Outline::new();
    for b in &volume.bookmarks {
        outline.push_child(OutlineNode::new(
            b.title.clone(),
            XyzDestination::new(b.page, Point::from_xy(0.0, b.y.max(0.0))),
        ));
    }
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new()
            .title(volume.title.clone())
            .language("en-GB".into())
            .creator("sar".into())
            .document_id(format!("{}:{:?}", volume.title, copy)),
    );
    document
        .finish()
        .map_err(|e| BundleError::Render(format!("{e:?}")))
}

/// The line at the foot of every page: `SAR-2026-0042 · page 17 of 1,234`.
pub fn footer(reference: &str, number: usize, total: usize) -> String {
    format!(
        "{reference} · page {} of {}",
        group_thousands(number),
        group_thousands(total)
    )
}

/// 1234 → "1,234".
pub fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(7), "7");
        assert_eq!(group_thousands(1234), "1,234");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
