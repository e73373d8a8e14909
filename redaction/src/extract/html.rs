//! HTML (an email's HTML body) to plain text.
//!
//! Not a browser: tags are dropped, block elements become line breaks and table cells tabs (so
//! two names in neighbouring cells or paragraphs never run together), `script`/`style`
//! contents and comments are skipped, entities are decoded and runs of whitespace collapse to one
//! space as HTML renders them (except inside `pre`).

/// Converts an HTML document or fragment to text.
pub fn to_text(html: &str) -> String {
    let mut out = Output::default();
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    let mut pre_depth = 0usize;
    while !rest.is_empty() {
        if let Some(close) = skip_until {
            match find_ascii_case_insensitive(rest, close) {
                Some(at) => {
                    rest = &rest[at..];
                    skip_until = None;
                }
                None => break,
            }
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let Some(tag) = parse_tag(rest) else {
                // A lone '<' is text.
                out.push_text("<", pre_depth > 0);
                rest = &rest[1..];
                continue;
            };
            rest = &rest[tag.len..];
            match (tag.name.as_str(), tag.closing) {
                ("script", false) if !tag.self_closing => skip_until = Some("</script"),
                ("style", false) if !tag.self_closing => skip_until = Some("</style"),
                ("pre", false) => {
                    pre_depth += 1;
                    out.line_break();
                }
                ("pre", true) => {
                    pre_depth = pre_depth.saturating_sub(1);
                    out.line_break();
                }
                ("td" | "th", true) => out.cell_break(),
                ("br", _) => out.hard_break(),
                (name, _) if is_block(name) => out.line_break(),
                _ => {}
            }
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let decoded = decode_entities(&rest[..end]);
        out.push_text(&decoded, pre_depth > 0);
        rest = &rest[end..];
    }
    out.finish()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "hr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "address"
            | "title"
            | "body"
            | "html"
            | "head"
            | "form"
            | "fieldset"
            | "figure"
            | "figcaption"
            | "main"
    )
}

/// Text being assembled, with HTML whitespace collapsing.
#[derive(Default)]
struct Output {
    text: String,
    /// A collapsed space is owed before the next visible text.
    pending_space: bool,
}

impl Output {
    fn push_text(&mut self, text: &str, preformatted: bool) {
        if preformatted {
            self.text.push_str(text);
            self.pending_space = false;
            return;
        }
        for ch in text.chars() {
            if ch.is_whitespace() && ch != '\u{a0}' {
                self.pending_space = true;
            } else {
                if self.pending_space && !self.text.is_empty() && !self.text.ends_with(['\n', '\t'])
                {
                    self.text.push(' ');
                }
                self.pending_space = false;
                self.text.push(if ch == '\u{a0}' { ' ' } else { ch });
            }
        }
    }

    fn trim_trailing_spaces(&mut self) {
        let kept = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(kept);
        self.pending_space = false;
    }

    /// A block boundary: a new line, unless one was just started.
    fn line_break(&mut self) {
        self.trim_trailing_spaces();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// `<br>`: always a new line.
    fn hard_break(&mut self) {
        self.trim_trailing_spaces();
        self.text.push('\n');
    }

    fn cell_break(&mut self) {
        self.trim_trailing_spaces();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\t');
        }
    }

    fn finish(self) -> String {
        self.text.trim().to_owned()
    }
}

/// A tag's lower-cased name and whether it closes; `len` is its length in bytes.
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    len: usize,
}

/// Parses `<name ...>` at the start of `input` (which begins with `<`); quoted attribute values
/// may hold `>`. `None` when this `<` does not open a tag.
fn parse_tag(input: &str) -> Option<Tag> {
    let body = &input[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let first = body.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '!' || first == '?') {
        return None;
    }
    let mut quote: Option<char> = None;
    for (at, ch) in body.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '>') => {
                let inner = &body[..at];
                let name: String = inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let consumed = input.len() - body.len() + at + 1;
                return Some(Tag {
                    name,
                    closing,
                    self_closing: inner.ends_with('/'),
                    len: consumed,
                });
            }
            _ => {}
        }
    }
    // Unterminated tag: swallow the rest rather than emit markup as text.
    Some(Tag {
        name: String::new(),
        closing,
        self_closing: false,
        len: input.len(),
    })
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// Decodes named (the common ones) and numeric character references; unknown ones stay as
/// written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| entity(&rest[1..end]).map(|ch| (ch, end)));
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "pound" => '£',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "middot" => '·',
        "bull" => '•',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "auml" => 'ä',
        "euml" => 'ë',
        "iuml" => 'ï',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_cells_tabs() {
        let html = "<html><head><title>T</title><style>p{x:1}</style></head><body>\
            <p>Dear <b>Ms</b>\n  Reid,</p><div>Visit&nbsp;on &#49;2 May &amp; after</div>\
            <table><tr><td>Amy</td><td>Ben</td></tr></table>line<br>next<!-- <p>hidden</p> -->\
            <script>var a = '<p>';</script></body></html>";
        assert_eq!(
            to_text(html),
            "T\nDear Ms Reid,\nVisit on 12 May & after\nAmy\tBen\nline\nnext"
        );
    }

    #[test]
    fn stray_angle_brackets_and_unknown_entities_survive() {
        assert_eq!(to_text("a < b &foo; c"), "a < b &foo; c");
        assert_eq!(to_text("<p title=\"a>b\">x</p>"), "x");
    }
}
