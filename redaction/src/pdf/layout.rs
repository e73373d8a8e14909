//! From positioned glyphs to page text: glyphs are taken in drawing order (which follows reading
//! order for the producers we see, column by column), a line break is inserted where the baseline
//! moves, and a space where the pen jumps forward further than a kerning adjustment would.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::geom::Rect;
use super::glyphs::Glyph;

/// A gap wider than this fraction of the font size between two glyphs is a word break.
/// (pdftotext uses 0.1; kerning inside words stays well below.)
const WORD_GAP: f64 = 0.12;
/// A baseline shift larger than this fraction of the font size starts a new line.
const LINE_SHIFT: f64 = 0.5;

/// One character of a page's text, with the box of the glyph that drew it.
#[derive(Debug, Clone, Serialize)]
pub struct CharBox {
    /// Byte range of the character in [`super::PageText::text`].
    pub start: u32,
    pub end: u32,
    /// The glyph's box in page space (PDF points, y up).
    pub bbox: Rect,
    /// Index of the glyph in the page's glyph list (internal, for redaction).
    #[serde(skip)]
    pub(crate) glyph: u32,
}

/// Text and character boxes of one page.
pub(crate) struct Laid {
    pub text: String,
    pub chars: Vec<CharBox>,
}

/// Normalises glyph text for output: compatibility forms (ligatures ﬁ → fi), no control chars.
fn clean(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_control() && *c != '\u{00AD}' && *c != '\u{FEFF}')
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

/// A character of the page text before it is written out: synthetic spaces and line breaks have
/// no glyph.
type Item = (char, Option<(u32, Rect)>);

fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Right-to-left runs drawn left to right (visual order, as Word and many others store them) are
/// turned into logical order, so that text reads and searches as written.
fn logical_order(items: &mut [Item]) {
    let mut i = 0;
    while i < items.len() {
        if !is_rtl(items[i].0) {
            i += 1;
            continue;
        }
        // Extend over RTL chars and the spaces/punctuation between them, within the line.
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < items.len() && items[j].0 != '\n' {
            if is_rtl(items[j].0) {
                end = j + 1;
            } else if items[j].0.is_alphanumeric() {
                break;
            }
            j += 1;
        }
        let first = items[start].1.map(|(_, r)| r.x0);
        let last = items[end - 1].1.map(|(_, r)| r.x0);
        if let (Some(a), Some(b)) = (first, last)
            && b > a
        {
            items[start..end].reverse();
        }
        i = end;
    }
}

pub(crate) fn lay_out(glyphs: &[Glyph]) -> Laid {
    let mut items: Vec<Item> = Vec::with_capacity(glyphs.len() + glyphs.len() / 4);
    let ends_blank = |items: &[Item]| items.last().is_none_or(|(c, _)| *c == ' ' || *c == '\n');
    let mut prev: Option<&Glyph> = None;
    for (gi, g) in glyphs.iter().enumerate() {
        let Some(raw) = g.text.as_deref() else {
            // Unknown glyphs still separate words, so that a term is never glued to them.
            if !ends_blank(&items) {
                items.push((' ', None));
            }
            prev = Some(g);
            continue;
        };
        let t = clean(raw);
        if t.is_empty() {
            continue;
        }
        if let Some(p) = prev
            && !items.is_empty()
            && items.last().is_some_and(|(c, _)| *c != '\n')
        {
            let size = p.size.max(g.size).max(1e-6);
            let (dx, dy) = (p.end.0 - p.origin.0, p.end.1 - p.origin.1);
            let len = (dx * dx + dy * dy).sqrt();
            // Writing direction of the previous glyph (upright left to right if it has no width).
            let (ux, uy) = if len > 1e-9 {
                (dx / len, dy / len)
            } else {
                (1.0, 0.0)
            };
            let (vx, vy) = (g.origin.0 - p.end.0, g.origin.1 - p.end.1);
            let along = vx * ux + vy * uy;
            let (wx, wy) = (g.origin.0 - p.origin.0, g.origin.1 - p.origin.1);
            let across = (wx * -uy + wy * ux).abs();
            if across > LINE_SHIFT * size || along < -2.0 * size {
                while items.last().is_some_and(|(c, _)| *c == ' ') {
                    items.pop();
                }
                items.push(('\n', None));
            } else if along > WORD_GAP * size && !ends_blank(&items) && !t.starts_with(' ') {
                items.push((' ', None));
            }
        }
        for c in t.chars() {
            if c == ' ' && ends_blank(&items) {
                continue;
            }
            items.push((c, Some((gi as u32, g.bbox))));
        }
        prev = Some(g);
    }
    while items.last().is_some_and(|(c, _)| *c == ' ' || *c == '\n') {
        items.pop();
    }
    if items.iter().any(|(c, _)| is_rtl(*c)) {
        logical_order(&mut items);
    }
    let mut text = String::with_capacity(items.len());
    let mut chars = Vec::with_capacity(items.len());
    for (c, g) in items {
        let start = text.len() as u32;
        text.push(c);
        if let Some((glyph, bbox)) = g {
            chars.push(CharBox {
                start,
                end: text.len() as u32,
                bbox,
                glyph,
            });
        }
    }
    Laid { text, chars }
}
