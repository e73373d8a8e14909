//! Typesetting: text with redactions flowed into A4 pages as drawing operations.
//!
//! Layout is separate from rendering so that the disclosure and the review copy share one
//! pagination (the review copy shows the same pages, with the redacted text visible), and so that
//! page numbers are known before the index is drawn. A redaction takes the room of the words it
//! hides (at least enough for its code), so both copies break lines identically.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 56.0;
pub const TOP: f32 = 60.0;
/// Text stops here; the page number sits below.
pub const BOTTOM: f32 = PAGE_H - 64.0;
pub const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Height of the "(continued)" line at the top of a continuation page.
const CONTINUATION_H: f32 = 19.0;
/// Paragraphs of at most this many lines never break across pages.
const KEEP_TOGETHER_LINES: usize = 8;
/// The reason code inside a redaction box is set at the size of the text around it, on its
/// baseline: text extraction (and a screen reader) then reads it as a word in the line, and a
/// sentence with a box in it stays one sentence.
pub fn label_size(text_size: f32) -> f32 {
    text_size * 0.9
}

static REGULAR: &[u8] = include_bytes!("../../../config/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../config/fonts/DejaVuSans-Bold.ttf");

/// Advance widths of one font, in em.
pub struct Metrics {
    widths: HashMap<char, f32>,
    missing: f32,
}

impl Metrics {
    fn of(data: &[u8]) -> Metrics {
        let mut widths = HashMap::new();
        let mut missing = 0.6;
        if let Ok(font) = FontRef::new(data) {
            let upem = f32::from(font.head().map(|h| h.units_per_em()).unwrap_or(1000)).max(1.0);
            let gm = font.glyph_metrics(Size::unscaled(), LocationRef::default());
            for (cp, gid) in font.charmap().mappings() {
                if let (Some(c), Some(w)) = (char::from_u32(cp), gm.advance_width(gid)) {
                    widths.insert(c, w / upem);
                }
            }
            missing = widths.get(&'?').copied().unwrap_or(0.6);
        }
        Metrics { widths, missing }
    }

    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.widths.get(&c).copied().unwrap_or(self.missing))
            .sum::<f32>()
            * size
    }
}

use skrifa::raw::TableProvider;

/// The bundle's two typefaces (DejaVu Sans, shipped under `config/fonts/` with its licence).
pub struct Fonts {
    pub regular: Metrics,
    pub bold: Metrics,
}

impl Fonts {
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| Fonts {
            regular: Metrics::of(REGULAR),
            bold: Metrics::of(BOLD),
        })
    }

    pub fn data(style: Style) -> Arc<Vec<u8>> {
        static REGULAR_DATA: OnceLock<Arc<Vec<u8>>> = OnceLock::new();
        static BOLD_DATA: OnceLock<Arc<Vec<u8>>> = OnceLock::new();
        match style {
            Style::Bold => BOLD_DATA.get_or_init(|| Arc::new(BOLD.to_vec())).clone(),
            _ => REGULAR_DATA
                .get_or_init(|| Arc::new(REGULAR.to_vec()))
                .clone(),
        }
    }

    pub fn metrics(&self, style: Style) -> &Metrics {
        match style {
            Style::Bold => &self.bold,
            _ => &self.regular,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Regular,
    Bold,
    /// Regular, in grey: headers' secondary lines, notes.
    Quiet,
}

/// A rectangle in page space (points, origin top left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text at a baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
    },
    /// A redaction: an opaque box in the disclosure, an outline around the visible text in the
    /// review copy. `hidden` is only ever drawn in the review copy.
    Redaction {
        area: Area,
        size: f32,
        code: String,
        hidden: String,
        label: bool,
    },
    /// A thin horizontal line.
    Rule { x: f32, y: f32, w: f32 },
    /// A pale background band (record headers).
    Band { area: Area },
    /// A page of a (redacted) PDF document, scaled into `area`. `doc` indexes the bundle's
    /// documents; `review_boxes` are the redaction boxes in the source page's own space.
    Document { doc: usize, page: usize, area: Area },
}

/// One laid-out page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LaidPage {
    pub ops: Vec<Op>,
}

/// A piece of inline text: plain, or redacted with its code.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Redacted { text: String, code: String },
}

#[derive(Debug, Clone)]
enum AtomKind {
    Word,
    Space,
    Break,
}

#[derive(Debug, Clone)]
struct Atom {
    kind: AtomKind,
    text: String,
    width: f32,
    /// Index of the redaction this atom belongs to.
    redaction: Option<usize>,
}

/// Splits inline pieces into words, spaces and hard line breaks.
fn atoms(inlines: &[Inline], size: f32, style: Style) -> (Vec<Atom>, Vec<String>) {
    let fonts = Fonts::get();
    let m = fonts.metrics(style);
    let space = m.width(" ", size);
    let mut out: Vec<Atom> = Vec::new();
    let mut codes = Vec::new();
    for inline in inlines {
        let (text, redaction) = match inline {
            Inline::Text(t) => (t.as_str(), None),
            Inline::Redacted { text, code } => {
                codes.push(code.clone());
                (text.as_str(), Some(codes.len() - 1))
            }
        };
        if let Some(r) = redaction {
            // A redaction is one box the size of its code, whatever it hides: the box does not
            // tell the length of a name, and the words around it keep their normal spacing, so
            // text extraction reads the line (and the sentence) in one piece.
            let hidden: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !hidden.is_empty() {
                out.push(Atom {
                    kind: AtomKind::Word,
                    width: fonts.bold.width(&codes[r], label_size(size)) + 6.0,
                    text: hidden,
                    redaction,
                });
            }
            continue;
        }
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut Vec<Atom>| {
            if word.is_empty() {
                return;
            }
            out.push(Atom {
                kind: AtomKind::Word,
                width: m.width(word, size),
                text: std::mem::take(word),
                redaction: None,
            });
        };
        for c in text.chars() {
            if c == '\n' {
                flush(&mut word, &mut out);
                out.push(Atom {
                    kind: AtomKind::Break,
                    text: String::new(),
                    width: 0.0,
                    redaction: None,
                });
            } else if c.is_whitespace() {
                flush(&mut word, &mut out);
                if !matches!(out.last(), Some(a) if matches!(a.kind, AtomKind::Space)) {
                    out.push(Atom {
                        kind: AtomKind::Space,
                        text: " ".into(),
                        width: space,
                        redaction: None,
                    });
                }
            } else if c.is_control() {
                continue;
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
    }
    (out, codes)
}

/// Splits a word wider than a line into pieces that fit.
fn split_word(atom: &Atom, max: f32, size: f32, style: Style) -> Vec<Atom> {
    let m = Fonts::get().metrics(style);
    let mut pieces = Vec::new();
    let mut cur = String::new();
    for c in atom.text.chars() {
        let mut next = cur.clone();
        next.push(c);
        if !cur.is_empty() && m.width(&next, size) > max {
            pieces.push(std::mem::take(&mut cur));
            cur.push(c);
        } else {
            cur = next;
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    pieces
        .into_iter()
        .map(|t| Atom {
            width: m.width(&t, size),
            text: t,
            kind: AtomKind::Word,
            redaction: atom.redaction,
        })
        .collect()
}

struct Placed {
    x: f32,
    atom: Atom,
}

/// Greedy line breaking of atoms into lines of placed atoms (x relative to the line start).
fn break_lines(atoms: Vec<Atom>, width: f32, size: f32, style: Style) -> Vec<Vec<Placed>> {
    let mut lines: Vec<Vec<Placed>> = Vec::new();
    let mut line: Vec<Placed> = Vec::new();
    let mut x = 0.0f32;
    let mut pending_space: Option<Atom> = None;
    let mut queue: std::collections::VecDeque<Atom> = atoms.into();
    while let Some(atom) = queue.pop_front() {
        match atom.kind {
            AtomKind::Break => {
                lines.push(std::mem::take(&mut line));
                x = 0.0;
                pending_space = None;
            }
            AtomKind::Space => {
                if !line.is_empty() {
                    pending_space = Some(atom);
                }
            }
            AtomKind::Word => {
                if atom.width > width && atom.redaction.is_none() {
                    for piece in split_word(&atom, width, size, style).into_iter().rev() {
                        queue.push_front(piece);
                    }
                    continue;
                }
                let space_w = pending_space.as_ref().map_or(0.0, |s| s.width);
                if !line.is_empty() && x + space_w + atom.width > width {
                    lines.push(std::mem::take(&mut line));
                    x = 0.0;
                    pending_space = None;
                }
                if let Some(space) = pending_space.take() {
                    line.push(Placed { x, atom: space });
                    x += space_w;
                }
                line.push(Placed { x, atom });
                x += line.last().map_or(0.0, |p| p.atom.width);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Drawing operations for one line of placed atoms at baseline `y`.
fn line_ops(
    line: &[Placed],
    x0: f32,
    y: f32,
    size: f32,
    style: Style,
    codes: &[String],
    ops: &mut Vec<Op>,
) {
    let mut i = 0;
    while i < line.len() {
        let group = line[i].atom.redaction;
        let mut j = i;
        while j < line.len() && line[j].atom.redaction == group {
            j += 1;
        }
        let mut run = &line[i..j];
        // Spaces at either end of a run belong to nobody's box.
        while let Some(first) = run.first()
            && matches!(first.atom.kind, AtomKind::Space)
        {
            run = &run[1..];
        }
        while let Some(last) = run.last()
            && matches!(last.atom.kind, AtomKind::Space)
        {
            run = &run[..run.len() - 1];
        }
        if let (Some(first), Some(last)) = (run.first(), run.last()) {
            let text: String = run.iter().map(|p| p.atom.text.as_str()).collect();
            match group {
                None => ops.push(Op::Text {
                    x: x0 + first.x,
                    y,
                    size,
                    style,
                    text,
                }),
                Some(r) => {
                    // A redaction is one atom, so this is its only box: it carries the code.
                    let label = true;
                    ops.push(Op::Redaction {
                        area: Area {
                            x: x0 + first.x - 1.0,
                            y: y - size * 0.95,
                            w: last.x + last.atom.width - first.x + 2.0,
                            h: size * 1.25,
                        },
                        size,
                        code: codes[r].clone(),
                        hidden: text,
                        label,
                    })
                }
            }
        }
        i = j;
    }
}

/// True when a line ends a sentence (a good place for a page break).
fn ends_sentence(line: &[Placed]) -> bool {
    line.iter()
        .rev()
        .find(|p| matches!(p.atom.kind, AtomKind::Word))
        .is_some_and(|p| {
            p.atom
                .text
                .trim_end_matches(['"', '\'', ')', '\u{201D}', '\u{2019}'])
                .ends_with(['.', '!', '?', ':', ';'])
        })
}

/// Where a paragraph starting at height `y` breaks onto new pages: the indices of the lines that
/// start a new page (0: the paragraph itself starts on a new page). A break falls after the last
/// line that ends a sentence or, failing that, inside the last line where a sentence ends (the
/// line is split there), so that a sentence is rarely cut by a page footer.
fn page_breaks(lines: &mut Vec<Vec<Placed>>, y: f32, leading: f32, movable: bool) -> Vec<usize> {
    let mut breaks = Vec::new();
    let per_page = (((BOTTOM - TOP - CONTINUATION_H) / leading) as usize).max(1);
    let mut room = ((BOTTOM - y).max(0.0) / leading) as usize;
    let mut start = 0;
    let mut fresh_page = y <= TOP + CONTINUATION_H + leading;
    while lines.len() - start > room {
        let sentence_end = (start + 1..=start + room)
            .rev()
            .find(|&k| ends_sentence(&lines[k - 1]));
        let inside = || {
            (start..start + room)
                .rev()
                .find_map(|j| sentence_end_inside(&lines[j]).map(|a| (j, a)))
        };
        let cut = match sentence_end {
            Some(k) => k,
            None => match inside() {
                Some((j, at)) => {
                    let tail = split_line(&mut lines[j], at);
                    lines.insert(j + 1, tail);
                    j + 1
                }
                // No sentence ends in the room left: start the paragraph on a new page rather
                // than cut its first sentence (unless the page is new, or a heading is above).
                None if start == 0 && !fresh_page && movable => 0,
                None => start + room,
            },
        };
        breaks.push(cut);
        start = cut;
        room = per_page;
        fresh_page = true;
    }
    breaks
}

/// The index of the first atom after the last sentence end inside a line (not at its end).
fn sentence_end_inside(line: &[Placed]) -> Option<usize> {
    let words: Vec<usize> = (0..line.len())
        .filter(|&i| matches!(line[i].atom.kind, AtomKind::Word))
        .collect();
    words
        .windows(2)
        .rev()
        .find(|w| ends_sentence(&line[w[0]..=w[0]]))
        .map(|w| w[1])
}

/// Splits a line before atom `at`; the tail starts at x = 0.
fn split_line(line: &mut Vec<Placed>, at: usize) -> Vec<Placed> {
    let mut tail = line.split_off(at);
    while line
        .last()
        .is_some_and(|p| matches!(p.atom.kind, AtomKind::Space))
    {
        line.pop();
    }
    let x0 = tail.first().map_or(0.0, |p| p.x);
    for p in &mut tail {
        p.x -= x0;
    }
    tail
}

/// Flows content into pages.
pub struct Flow {
    pub pages: Vec<LaidPage>,
    y: f32,
    /// A line drawn at the top of every continuation page (e.g. "Case note, 3 May 2019 (continued)").
    continuation: Option<String>,
    /// A heading was just drawn: the next paragraph must start under it, not on the next page.
    after_heading: bool,
}

impl Default for Flow {
    fn default() -> Self {
        Flow::new()
    }
}

impl Flow {
    pub fn new() -> Flow {
        Flow {
            pages: Vec::new(),
            y: BOTTOM + 1.0,
            continuation: None,
            after_heading: false,
        }
    }

    /// 0-based index of the current page and the current height on it.
    pub fn position(&mut self) -> (usize, f32) {
        if self.pages.is_empty() {
            self.new_page();
        }
        (self.pages.len() - 1, self.y)
    }

    pub fn set_continuation(&mut self, text: Option<String>) {
        self.continuation = text;
    }

    pub fn new_page(&mut self) {
        self.pages.push(LaidPage::default());
        self.y = TOP;
        if let Some(text) = self.continuation.clone() {
            self.y += CONTINUATION_H - 10.0;
            self.push(Op::Text {
                x: MARGIN_X,
                y: self.y,
                size: 8.0,
                style: Style::Quiet,
                text,
            });
            self.y += 10.0;
        }
    }

    /// Keeps the next paragraph on this page, under what was just drawn (a record's header);
    /// call after making room with [`Flow::ensure`].
    pub fn keep_with_next(&mut self) {
        self.after_heading = true;
    }

    /// Starts a new page unless the current one is still empty.
    pub fn page_break(&mut self) {
        let empty = self.pages.last().is_none_or(|p| p.ops.is_empty());
        if !empty || self.pages.is_empty() {
            self.new_page();
        }
    }

    pub fn ensure(&mut self, h: f32) {
        if self.pages.is_empty() || self.y + h > BOTTOM {
            self.new_page();
        }
    }

    pub fn push(&mut self, op: Op) {
        if self.pages.is_empty() {
            self.new_page();
        }
        if let Some(p) = self.pages.last_mut() {
            p.ops.push(op);
        }
    }

    pub fn gap(&mut self, h: f32) {
        if self.y + h <= BOTTOM {
            self.y += h;
        }
    }

    pub fn heading(&mut self, text: &str, size: f32) {
        self.ensure(size * 3.0);
        self.y += size * 0.6;
        self.paragraph(&[Inline::Text(text.to_string())], size, Style::Bold, 0.0);
        self.y += size * 0.3;
    }

    /// A paragraph of inline pieces at `indent` from the left margin.
    pub fn paragraph(&mut self, inlines: &[Inline], size: f32, style: Style, indent: f32) {
        let leading = size * 1.38;
        let (atoms, codes) = atoms(inlines, size, style);
        let mut lines = break_lines(atoms, TEXT_W - indent, size, style);
        // A short paragraph is kept on one page, so a sentence is not cut by a page break.
        if lines.len() <= KEEP_TOGETHER_LINES
            && self.y + leading * lines.len() as f32 > BOTTOM
            && (lines.len() as f32) * leading < BOTTOM - TOP - 40.0
        {
            self.new_page();
        }
        if self.pages.is_empty() {
            self.new_page();
        }
        let movable = !std::mem::take(&mut self.after_heading);
        let mut breaks = page_breaks(&mut lines, self.y, leading, movable)
            .into_iter()
            .peekable();
        for (i, line) in lines.into_iter().enumerate() {
            if breaks.next_if_eq(&i).is_some() {
                self.new_page();
            }
            self.ensure(leading);
            self.y += leading;
            let baseline = self.y - leading * 0.25;
            let mut ops = Vec::new();
            line_ops(
                &line,
                MARGIN_X + indent,
                baseline,
                size,
                style,
                &codes,
                &mut ops,
            );
            for op in ops {
                self.push(op);
            }
        }
    }

    /// Plain text paragraphs separated by a small gap.
    pub fn text(&mut self, text: &str, size: f32) {
        self.paragraph(&[Inline::Text(text.to_string())], size, Style::Regular, 0.0);
        self.gap(size * 0.5);
    }

    pub fn rule(&mut self) {
        self.ensure(8.0);
        self.y += 4.0;
        self.push(Op::Rule {
            x: MARGIN_X,
            y: self.y,
            w: TEXT_W,
        });
        self.y += 4.0;
    }

    /// A band behind the next `h` points (drawn first so text sits on it).
    pub fn band(&mut self, h: f32) {
        self.ensure(h);
        self.push(Op::Band {
            area: Area {
                x: MARGIN_X - 6.0,
                y: self.y + 2.0,
                w: TEXT_W + 12.0,
                h,
            },
        });
    }

    /// A whole page for one page of a PDF document, below a header of `header` lines.
    pub fn document_page(&mut self, doc: usize, page: usize, header: &[Inline]) {
        self.continuation = None;
        self.new_page();
        self.band(16.0);
        self.paragraph(header, 8.0, Style::Quiet, 0.0);
        self.y += 10.0;
        let area = Area {
            x: MARGIN_X - 20.0,
            y: self.y,
            w: TEXT_W + 40.0,
            h: BOTTOM + 20.0 - self.y,
        };
        self.push(Op::Document { doc, page, area });
        self.y = BOTTOM + 1.0;
    }
}

/// One line of inline pieces clipped to `max_w` with an ellipsis (index and chronology rows).
pub fn clipped_line(
    inlines: &[Inline],
    x: f32,
    y: f32,
    max_w: f32,
    size: f32,
    style: Style,
) -> Vec<Op> {
    let (atoms, codes) = atoms(inlines, size, style);
    let m = Fonts::get().metrics(style);
    let ellipsis = m.width("…", size);
    let mut placed = Vec::new();
    let mut cx = 0.0;
    let mut clipped = false;
    for atom in atoms {
        let atom = match atom.kind {
            AtomKind::Break => Atom {
                kind: AtomKind::Space,
                text: " ".into(),
                width: m.width(" ", size),
                redaction: atom.redaction,
            },
            _ => atom,
        };
        if cx + atom.width > max_w - ellipsis {
            clipped = true;
            break;
        }
        let w = atom.width;
        placed.push(Placed { x: cx, atom });
        cx += w;
    }
    let mut ops = Vec::new();
    line_ops(&placed, x, y, size, style, &codes, &mut ops);
    if clipped {
        ops.push(Op::Text {
            x: x + cx,
            y,
            size,
            style,
            text: "…".into(),
        });
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(ops: &[Op]) -> Vec<String> {
        ops.iter()
            .filter_map(|o| match o {
                Op::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn metrics_come_from_the_shipped_font() {
        let f = Fonts::get();
        let w = f.regular.width("Hello", 10.0);
        assert!(w > 20.0 && w < 40.0, "{w}");
        assert!(f.bold.width("Hello", 10.0) > w);
    }

    #[test]
    fn a_redaction_becomes_a_box_and_its_text_never_a_text_op() {
        let mut flow = Flow::new();
        flow.paragraph(
            &[
                Inline::Text("Visit with ".into()),
                Inline::Redacted {
                    text: "Karen Reid".into(),
                    code: "TP".into(),
                },
                Inline::Text("'s dog.".into()),
            ],
            10.0,
            Style::Regular,
            0.0,
        );
        let ops = &flow.pages[0].ops;
        assert_eq!(texts(ops), ["Visit with", "'s dog."]);
        let boxes: Vec<_> = ops
            .iter()
            .filter_map(|o| match o {
                Op::Redaction {
                    hidden,
                    code,
                    label,
                    ..
                } => Some((hidden.clone(), code.clone(), *label)),
                _ => None,
            })
            .collect();
        assert_eq!(boxes, [("Karen Reid".into(), "TP".into(), true)]);
    }

    #[test]
    fn long_text_wraps_and_flows_onto_new_pages() {
        let mut flow = Flow::new();
        let words = "word ".repeat(4000);
        flow.paragraph(&[Inline::Text(words)], 10.0, Style::Regular, 0.0);
        assert!(flow.pages.len() > 1);
        for page in &flow.pages {
            for op in &page.ops {
                if let Op::Text {
                    x, y, text, size, ..
                } = op
                {
                    assert!(*y <= BOTTOM && *y >= TOP, "{y}");
                    let w = Fonts::get().regular.width(text, *size);
                    assert!(x + w <= MARGIN_X + TEXT_W + 0.01);
                }
            }
        }
    }

    #[test]
    fn a_long_redaction_is_one_box_the_size_of_its_code() {
        let mut flow = Flow::new();
        let long = "name ".repeat(40);
        flow.paragraph(
            &[Inline::Redacted {
                text: long,
                code: "SH".into(),
            }],
            10.0,
            Style::Regular,
            0.0,
        );
        let labels: Vec<bool> = flow.pages[0]
            .ops
            .iter()
            .filter_map(|o| match o {
                Op::Redaction { label, .. } => Some(*label),
                _ => None,
            })
            .collect();
        assert_eq!(labels, [true]);
        assert!(texts(&flow.pages[0].ops).is_empty());
    }

    #[test]
    fn a_long_paragraph_breaks_pages_after_a_sentence() {
        let mut flow = Flow::new();
        let sentence = "This sentence is about a visit to the family home in the spring. ";
        flow.paragraph(
            &[Inline::Text(sentence.repeat(200))],
            10.0,
            Style::Regular,
            0.0,
        );
        assert!(flow.pages.len() > 2);
        for page in &flow.pages[..flow.pages.len() - 1] {
            let last = texts(&page.ops).pop().unwrap();
            assert!(last.ends_with('.'), "page ends mid-sentence: {last:?}");
        }
    }

    #[test]
    fn clipped_lines_end_in_an_ellipsis() {
        let ops = clipped_line(
            &[Inline::Text("a very long title ".repeat(20))],
            0.0,
            10.0,
            100.0,
            9.0,
            Style::Regular,
        );
        assert_eq!(texts(&ops).last().map(String::as_str), Some("…"));
    }
}
