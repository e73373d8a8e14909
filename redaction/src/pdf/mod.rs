//! PDF text extraction with glyph positions, true redaction, sanitising and verification.
//!
//! ```text
//! bytes ─load─▶ lopdf Document ─glyphs (interpreter + fonts)─▶ positioned glyphs ─layout─▶ PageText
//!                                    │                                              │
//!                                    └────── redact: cut glyph codes out of TJ/Tj ◀─ search (terms,
//!                                            draw boxes, redact image pixels           ranges, regions)
//!                                            sanitize, write fresh ─▶ verify (re-extract + raw scan)
//! ```
//!
//! Fail closed: whatever the engine cannot read with certainty (encrypted, unparsable content,
//! undecodable fonts, image-only pages where text was expected) is a
//! [`PdfError::NeedsReview`], never an output that may still hold the text.

mod cmap;
mod error;
mod flatten;
mod font_data;
mod fonts;
mod geom;
mod glyphs;
mod images;
mod layout;
mod load;
mod redact;
mod sanitize;
mod search;
mod verify;

use rayon::prelude::*;
use serde::Serialize;

pub use error::PdfError;
pub use geom::Rect;
pub use layout::CharBox;
pub use redact::{
    BoxStyle, Fill, RangeRedaction, Redacted, RedactionBox, RedactionPlan, RedactionReport, Region,
    TermRedaction, redact,
};
pub use search::{TermMatch, TermMatcher, find_terms};
pub use verify::verify;

/// Fraction of a page an image must cover for a text-less page to count as a scan.
const SCAN_COVERAGE: f64 = 0.3;

/// The extracted text of one page.
#[derive(Debug, Clone, Serialize)]
pub struct PageText {
    /// 1-based page number.
    pub page: u32,
    /// The page's text in reading order, lines separated by `\n`.
    pub text: String,
    /// Every character drawn by a glyph, with its box (synthetic spaces and line breaks have none).
    pub chars: Vec<CharBox>,
    /// The page's crop box in PDF points.
    pub page_box: Rect,
    /// The page has no text but an image covering much of it (a scan without an OCR layer).
    pub image_only: bool,
}

/// A page fully analysed: interpreter output plus laid-out text.
pub(crate) struct AnalysedPage {
    pub content: glyphs::PageContent,
    pub text: PageText,
}

pub(crate) fn analyse(doc: &lopdf::Document) -> Result<Vec<AnalysedPage>, PdfError> {
    let fonts = glyphs::FontCache::default();
    let pages: Vec<(u32, lopdf::ObjectId)> = load::pages(doc).into_iter().collect();
    pages
        .par_iter()
        .map(|&(page_no, page_id)| {
            let content = glyphs::interpret_page(doc, &fonts, page_no, page_id)?;
            let laid = layout::lay_out(&content.glyphs);
            let page_area = content.page_box.width() * content.page_box.height();
            let image_area = content
                .images
                .iter()
                .map(|i| {
                    let b = &i.bbox;
                    let c = &content.page_box;
                    let w = (b.x1.min(c.x1) - b.x0.max(c.x0)).max(0.0);
                    let h = (b.y1.min(c.y1) - b.y0.max(c.y0)).max(0.0);
                    w * h
                })
                .fold(0.0, f64::max);
            let image_only = laid.text.trim().is_empty()
                && content.glyphs.is_empty()
                && page_area > 0.0
                && image_area / page_area >= SCAN_COVERAGE;
            let text = PageText {
                page: page_no,
                text: laid.text,
                chars: laid.chars,
                page_box: content.page_box,
                image_only,
            };
            Ok(AnalysedPage { content, text })
        })
        .collect()
}

/// Unknown glyphs that may be part of a word: next to another unknown glyph or touching a known
/// letter. An isolated unknown glyph (a bullet, a box-drawing sign) cannot hide a name; a run of
/// them, or one inside a word, can.
pub(crate) fn undecodable_word_glyphs(glyphs: &[glyphs::Glyph]) -> usize {
    let touching = |a: &glyphs::Glyph, b: &glyphs::Glyph| {
        let size = a.size.max(b.size).max(1e-6);
        let (dx, dy) = (b.origin.0 - a.end.0, b.origin.1 - a.end.1);
        a.loc.stream == b.loc.stream && (dx * dx + dy * dy).sqrt() < 0.12 * size
    };
    let letter = |g: &glyphs::Glyph| {
        g.text
            .as_deref()
            .is_some_and(|t| t.chars().any(char::is_alphanumeric))
    };
    let mut n = 0;
    for (i, g) in glyphs.iter().enumerate() {
        if g.text.is_some() {
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| glyphs.get(j));
        let next = glyphs.get(i + 1);
        let risky = prev.is_some_and(|p| touching(p, g) && (p.text.is_none() || letter(p)))
            || next.is_some_and(|q| touching(g, q) && (q.text.is_none() || letter(q)));
        if risky {
            n += 1;
        }
    }
    n
}

/// Fails closed on a page whose text cannot all be decoded.
pub(crate) fn check_decodable(p: &AnalysedPage) -> Result<(), PdfError> {
    let total = p.content.glyphs.len();
    let unknown = p.content.unknown_glyphs;
    if unknown == 0 {
        return Ok(());
    }
    let in_words = undecodable_word_glyphs(&p.content.glyphs);
    if in_words > 0 || unknown * 10 > total {
        return Err(PdfError::review(
            Some(p.text.page),
            format!(
                "{unknown} of {total} glyphs have no usable encoding or ToUnicode map ({in_words} inside words)"
            ),
        ));
    }
    Ok(())
}

/// Fails closed on pages that cannot be read with certainty.
pub(crate) fn check_readable(pages: &[AnalysedPage]) -> Result<(), PdfError> {
    for p in pages {
        check_decodable(p)?;
    }
    if let Some(p) = pages.iter().find(|p| p.text.image_only) {
        return Err(PdfError::review(
            Some(p.text.page),
            "the page is a scanned image without a text layer; OCR it or review it by hand",
        ));
    }
    Ok(())
}

/// Extracts every page's text with character boxes.
///
/// Fails closed ([`PdfError::NeedsReview`]) on encrypted files without an empty password, content
/// that does not parse, pages whose fonts cannot be decoded and image-only pages.
pub fn extract_text(bytes: &[u8]) -> Result<Vec<PageText>, PdfError> {
    let doc = load::open(bytes)?;
    let pages = analyse(&doc)?;
    check_readable(&pages)?;
    Ok(pages.into_iter().map(|p| p.text).collect())
}

/// [`extract_text`] that lets image-only pages through (with [`PageText::image_only`] set and
/// no text), for a caller that will read them by OCR. Every other refusal stands.
pub fn extract_text_with_scans(bytes: &[u8]) -> Result<Vec<PageText>, PdfError> {
    let doc = load::open(bytes)?;
    let pages = analyse(&doc)?;
    for page in &pages {
        check_decodable(page)?;
    }
    Ok(pages.into_iter().map(|p| p.text).collect())
}
