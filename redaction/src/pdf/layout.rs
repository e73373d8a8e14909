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

pub(crate) fn lay_out(glyphs: &[Glyph]) -> Laid {
    let mut text = String::new();
    let mut chars = Vec::with_capacity(glyphs.len());
    let mut prev: Option<&Glyph> = None;
    for (gi, g) in glyphs.iter().enumerate() {
        let Some(raw) = g.text.as_deref() else {
            // Unknown glyphs still separate words, so that a term is never glued to them.
            if !text.ends_with([' ', '\n']) && !text.is_empty() {
                text.push(' ');
            }
            prev = Some(g);
            continue;
        };
        let t = clean(raw);
        if t.is_empty() {
            continue;
        }
        if let Some(p) = prev {
            let size = p.size.max(g.size).max(1e-6);
            let (dx, dy) = (p.end.0 - p.origin.0, p.end.1 - p.origin.1);
            let len = (dx * dx + dy * dy).sqrt();
            // Writing direction of the previous glyph; for zero-width glyphs assume left to right
            // in the glyph's own orientation (upright).
            let (ux, uy) = if len > 1e-9 {
                (dx / len, dy / len)
            } else {
                (1.0, 0.0)
            };
            let (vx, vy) = (g.origin.0 - p.end.0, g.origin.1 - p.end.1);
            let along = vx * ux + vy * uy;
            let (wx, wy) = (g.origin.0 - p.origin.0, g.origin.1 - p.origin.1);
            let across = (wx * -uy + wy * ux).abs();
            if !text.is_empty() && !text.ends_with('\n') {
                if across > LINE_SHIFT * size || along < -2.0 * size {
                    while text.ends_with(' ') {
                        text.pop();
                    }
                    text.push('\n');
                } else if along > WORD_GAP * size && !text.ends_with(' ') && !t.starts_with(' ') {
                    text.push(' ');
                }
            }
        }
        for c in t.chars() {
            if c == ' ' && (text.is_empty() || text.ends_with([' ', '\n'])) {
                continue;
            }
            let start = text.len() as u32;
            text.push(c);
            chars.push(CharBox {
                start,
                end: text.len() as u32,
                bbox: g.bbox,
                glyph: gi as u32,
            });
        }
        prev = Some(g);
    }
    while text.ends_with([' ', '\n']) {
        text.pop();
    }
    chars.retain(|c| (c.end as usize) <= text.len());
    Laid { text, chars }
}
