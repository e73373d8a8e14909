//! Fonts: how the bytes of a shown string split into codes, what Unicode each code means and how
//! far it advances.
//!
//! Unicode comes from `/ToUnicode` first (PDF 32000 §9.10.2), then from the simple font's encoding
//! (base encoding + `/Differences`, glyph names through the Adobe Glyph List), then from predefined
//! UCS-2 CMaps of CID fonts. Widths come from `/Widths` (simple), `/W` + `/DW` (CID) or the standard
//! 14 fonts' metrics. A code whose text stays unknown is reported as such, so that the page can be
//! failed closed instead of being searched through garbage.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::{self, CMap};
use super::font_data;

/// The decoded form of one character code in a shown string.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    /// Byte length of the code in the string (1..=4).
    pub len: u8,
    /// Unicode text of the glyph; `None` when no mapping is known.
    pub text: Option<String>,
    /// Horizontal advance in text space for a font size of 1 (before Tc/Tw/Tz).
    pub width: f64,
    /// Single-byte code 32: word spacing (`Tw`) applies to it.
    pub word_space: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CodeSplit {
    OneByte,
    TwoByte,
}

/// A font ready for decoding shown strings.
#[derive(Debug)]
pub(crate) struct Font {
    split: CodeSplit,
    /// Codespace ranges from an embedded encoding CMap (Type0 only), overriding `split`.
    codespace: Vec<cmap::CodeRange>,
    to_unicode: Option<CMap>,
    /// Simple fonts: Unicode per code from the encoding.
    simple_text: Vec<Option<String>>,
    /// Simple fonts: width per code (text space per unit size).
    simple_widths: Vec<f64>,
    /// Type0: code → CID through an embedded CMap (`None` = Identity).
    cid_map: Option<CMap>,
    /// Type0: the CMap's codes are UCS-2/UTF-16 values.
    ucs2: bool,
    /// Type0: a non-embedded TrueType CID font addressed by glyph id in the standard Macintosh
    /// glyph order (ids 3..=97 are ASCII 32..=126).
    mac_glyph_order: bool,
    cid_widths: HashMap<u32, f64>,
    cid_default_width: f64,
    /// Ascent/descent in text space per unit size, for glyph boxes.
    pub ascent: f64,
    pub descent: f64,
    /// Type3: FontMatrix vertical scale relative to the usual 1/1000 (boxes).
    pub vertical_scale: f64,
}

fn num(obj: &Object) -> Option<f64> {
    match obj {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn dict_get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match dict_get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn get_name<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match dict_get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn stream_bytes(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<Vec<u8>> {
    match dict_get(doc, dict, key)? {
        Object::Stream(s) => s
            .decompressed_content()
            .ok()
            .or_else(|| Some(s.content.clone())),
        _ => None,
    }
}

/// Unicode for a glyph name: AGL, `uniXXXX`, `uXXXX`, suffixes (`a.sc`) and ligatures (`f_i`).
pub(crate) fn glyph_name_to_unicode(name: &str) -> Option<String> {
    if let Ok(i) = font_data::AGL.binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes())) {
        return Some(font_data::AGL[i].1.to_string());
    }
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base != name {
        return glyph_name_to_unicode(base);
    }
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(glyph_name_to_unicode).collect();
        return parts;
    }
    let hex_chars = |s: &str| -> Option<String> {
        let v = u32::from_str_radix(s, 16).ok()?;
        char::from_u32(v).map(String::from)
    };
    if let Some(rest) = base.strip_prefix("uni")
        && rest.len() >= 4
        && rest.len() % 4 == 0
        && rest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return rest
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).ok().and_then(hex_chars))
            .collect();
    }
    if let Some(rest) = base.strip_prefix('u')
        && (4..=6).contains(&rest.len())
        && rest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return hex_chars(rest);
    }
    None
}

fn base_encoding(name: &[u8]) -> Option<&'static [&'static str; 256]> {
    Some(match name {
        b"WinAnsiEncoding" => &font_data::WIN_ANSI,
        b"MacRomanEncoding" => &font_data::MAC_ROMAN,
        b"MacExpertEncoding" => &font_data::MAC_EXPERT,
        b"StandardEncoding" => &font_data::STANDARD,
        b"PDFDocEncoding" => &font_data::PDF_DOC,
        _ => return None,
    })
}

/// Maps a `/BaseFont` name to one of the standard 14 (strips subset tags and common aliases).
fn standard_14(base_font: &str) -> Option<&'static [(&'static str, u16)]> {
    let name = match base_font.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 => rest,
        _ => base_font,
    };
    let lower = name.to_ascii_lowercase().replace([' ', ','], "-");
    let bold = lower.contains("bold");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let family = if lower.starts_with("helvetica") || lower.starts_with("arial") {
        "Helvetica"
    } else if lower.starts_with("times") {
        "Times"
    } else if lower.starts_with("courier") {
        "Courier"
    } else if lower.starts_with("symbol") {
        return lookup_14("Symbol");
    } else if lower.starts_with("zapfdingbats") {
        return lookup_14("ZapfDingbats");
    } else {
        return None;
    };
    let full = match (family, bold, italic) {
        ("Times", false, false) => "Times-Roman".to_string(),
        ("Times", true, false) => "Times-Bold".to_string(),
        ("Times", false, true) => "Times-Italic".to_string(),
        ("Times", true, true) => "Times-BoldItalic".to_string(),
        (f, false, false) => f.to_string(),
        (f, true, false) => format!("{f}-Bold"),
        (f, false, true) => format!("{f}-Oblique"),
        (f, true, true) => format!("{f}-BoldOblique"),
    };
    lookup_14(&full)
}

fn lookup_14(name: &str) -> Option<&'static [(&'static str, u16)]> {
    font_data::STANDARD_14
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, w)| *w)
}

fn metric_width(metrics: &[(&str, u16)], glyph: &str) -> Option<f64> {
    metrics
        .binary_search_by(|(n, _)| n.as_bytes().cmp(glyph.as_bytes()))
        .ok()
        .map(|i| f64::from(metrics[i].1) / 1000.0)
}

/// The built-in encoding of an embedded Type1 font program (`dup <code> /<name> put`).
fn type1_builtin_encoding(program: &[u8]) -> Option<Vec<Option<String>>> {
    let clear_end = find(program, b"eexec").unwrap_or(program.len());
    let clear = &program[..clear_end];
    if find(clear, b"/Encoding StandardEncoding").is_some() {
        return None;
    }
    let text = String::from_utf8_lossy(clear);
    let mut names: Vec<Option<String>> = vec![None; 256];
    let mut found = false;
    let mut words = text.split_ascii_whitespace().peekable();
    while let Some(w) = words.next() {
        if w != "dup" {
            continue;
        }
        let (Some(code), Some(name)) = (words.next(), words.next()) else {
            break;
        };
        if let (Ok(code), Some(name)) = (code.parse::<usize>(), name.strip_prefix('/'))
            && code < 256
        {
            names[code] = Some(name.to_string());
            found = true;
        }
    }
    found.then_some(names)
}

/// The number in a glyph name made of one or two letters and digits (`a65`, `g12`).
fn numeric_name(name: &str) -> Option<usize> {
    let digits = name.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = name.len() - digits.len();
    ((1..=2).contains(&prefix)
        && (1..=3).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit()))
    .then(|| digits.parse().ok())
    .flatten()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Font {
    /// Builds a font from its dictionary. Never fails: what cannot be read becomes "unknown".
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"Type1");
        let to_unicode = stream_bytes(doc, dict, b"ToUnicode").map(|b| cmap::parse(&b));
        let mut font = Font {
            split: CodeSplit::OneByte,
            codespace: Vec::new(),
            to_unicode,
            simple_text: Vec::new(),
            simple_widths: Vec::new(),
            cid_map: None,
            ucs2: false,
            mac_glyph_order: false,
            cid_widths: HashMap::new(),
            cid_default_width: 1.0,
            ascent: 0.75,
            descent: -0.25,
            vertical_scale: 1.0,
        };
        if subtype == b"Type0" {
            font.load_type0(doc, dict);
        } else {
            font.load_simple(doc, dict, subtype);
        }
        font
    }

    fn set_metrics(&mut self, doc: &Document, descriptor: Option<&Dictionary>) {
        if let Some(fd) = descriptor {
            let ascent = dict_get(doc, fd, b"Ascent").and_then(num);
            let descent = dict_get(doc, fd, b"Descent").and_then(num);
            if let (Some(a), Some(d)) = (ascent, descent)
                && a > 0.0
                && a <= 2000.0
                && (-1000.0..=0.0).contains(&d)
            {
                self.ascent = a / 1000.0;
                self.descent = d / 1000.0;
            }
        }
    }

    fn load_type0(&mut self, doc: &Document, dict: &Dictionary) {
        self.split = CodeSplit::TwoByte;
        match dict_get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => {
                let n = String::from_utf8_lossy(n);
                self.ucs2 = n.contains("UCS2") || n.contains("UTF16");
            }
            Some(Object::Stream(s)) => {
                let data = s
                    .decompressed_content()
                    .unwrap_or_else(|_| s.content.clone());
                let parsed = cmap::parse(&data);
                self.codespace = parsed.codespace.clone();
                self.cid_map = Some(parsed);
            }
            _ => {}
        }
        if let Some(tu) = &self.to_unicode
            && self.codespace.is_empty()
            && tu.codespace.iter().any(|r| r.len == 1)
        {
            self.codespace = tu.codespace.clone();
        }
        let descendant = match dict_get(doc, dict, b"DescendantFonts") {
            Some(Object::Array(a)) => a.first().map(|o| deref(doc, o)),
            _ => None,
        };
        let Some(Object::Dictionary(cid_font)) = descendant else {
            return;
        };
        let descriptor = get_dict(doc, cid_font, b"FontDescriptor");
        self.set_metrics(doc, descriptor);
        let embedded = descriptor
            .is_some_and(|fd| fd.has(b"FontFile2") || fd.has(b"FontFile3") || fd.has(b"FontFile"));
        self.mac_glyph_order = self.to_unicode.is_none()
            && !embedded
            && self.cid_map.is_none()
            && !self.ucs2
            && get_name(doc, cid_font, b"Subtype") == Some(b"CIDFontType2");
        if let Some(dw) = dict_get(doc, cid_font, b"DW").and_then(num) {
            self.cid_default_width = dw / 1000.0;
        }
        if let Some(Object::Array(w)) = dict_get(doc, cid_font, b"W") {
            let items: Vec<&Object> = w.iter().map(|o| deref(doc, o)).collect();
            let mut i = 0;
            while i + 1 < items.len() {
                let Some(first) = num(items[i]) else {
                    i += 1;
                    continue;
                };
                let first = first.max(0.0) as u32;
                match items[i + 1] {
                    Object::Array(ws) => {
                        for (k, w) in ws.iter().enumerate() {
                            if let Some(w) = num(deref(doc, w)) {
                                self.cid_widths.insert(first + k as u32, w / 1000.0);
                            }
                        }
                        i += 2;
                    }
                    other => {
                        let (Some(last), Some(w)) =
                            (num(other), items.get(i + 2).and_then(|o| num(o)))
                        else {
                            i += 2;
                            continue;
                        };
                        let last = (last.max(0.0) as u32).min(first.saturating_add(0xFFFF));
                        for cid in first..=last {
                            self.cid_widths.insert(cid, w / 1000.0);
                        }
                        i += 3;
                    }
                }
            }
        }
    }

    fn load_simple(&mut self, doc: &Document, dict: &Dictionary, subtype: &[u8]) {
        let base_font = get_name(doc, dict, b"BaseFont")
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let descriptor = get_dict(doc, dict, b"FontDescriptor");
        self.set_metrics(doc, descriptor);
        let metrics = if subtype == b"Type3" {
            None
        } else {
            standard_14(&base_font)
        };
        let flags = descriptor
            .and_then(|fd| dict_get(doc, fd, b"Flags"))
            .and_then(num)
            .unwrap_or(0.0) as i64;
        let symbolic = flags & 4 != 0;
        let lower_base = base_font.to_ascii_lowercase();

        // Glyph names per code: base encoding, then the font's own encoding, then Differences.
        let mut names: Vec<Option<String>> = vec![None; 256];
        let fill = |names: &mut Vec<Option<String>>, table: &[&str; 256]| {
            for (slot, n) in names.iter_mut().zip(table.iter()) {
                *slot = (!n.is_empty()).then(|| n.to_string());
            }
        };
        let builtin = descriptor
            .and_then(|fd| stream_bytes(doc, fd, b"FontFile"))
            .and_then(|p| type1_builtin_encoding(&p));
        let default_table: &[&str; 256] = if lower_base.contains("symbol") {
            &font_data::SYMBOL
        } else if lower_base.contains("dingbats") {
            &font_data::ZAPF_DINGBATS
        } else if subtype == b"TrueType" && !symbolic {
            &font_data::WIN_ANSI
        } else {
            &font_data::STANDARD
        };
        // TeX's Computer Modern text fonts (OT1): codes 0-15 are Greek capitals and ligatures.
        let tex_base = base_font
            .split_once('+')
            .map_or(base_font.as_str(), |(_, b)| b)
            .to_ascii_lowercase();
        let ot1 = ["cmr", "cmbx", "cmti", "cmsl", "cmss", "cmtt", "cmcsc"]
            .iter()
            .any(|p| tex_base.starts_with(p));
        let encoding = dict_get(doc, dict, b"Encoding");
        let set_default = |names: &mut Vec<Option<String>>| match &builtin {
            Some(b) => names.clone_from(b),
            None => fill(names, default_table),
        };
        match encoding {
            Some(Object::Name(n)) => match base_encoding(n) {
                Some(t) => fill(&mut names, t),
                None => set_default(&mut names),
            },
            Some(Object::Dictionary(enc)) => {
                match get_name(doc, enc, b"BaseEncoding").and_then(base_encoding) {
                    Some(t) => fill(&mut names, t),
                    None => set_default(&mut names),
                }
                if let Some(Object::Array(diffs)) = dict_get(doc, enc, b"Differences") {
                    let mut code = 0usize;
                    for item in diffs {
                        match deref(doc, item) {
                            Object::Integer(i) => code = (*i).clamp(0, 255) as usize,
                            Object::Name(n) => {
                                if code < 256 {
                                    names[code] = Some(String::from_utf8_lossy(n).into_owned());
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => set_default(&mut names),
        }
        // Fonts of symbols only (not the many text subsets that merely carry the Symbolic flag).
        if ot1 {
            const OT1: [&str; 16] = [
                "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
                "Omega", "ff", "fi", "fl", "ffi", "ffl",
            ];
            for (slot, name) in names.iter_mut().zip(OT1) {
                if slot.is_none() {
                    *slot = Some(name.to_string());
                }
            }
        }
        let symbolic_font = [
            "symbol",
            "dingbat",
            "wingding",
            "webding",
            "cmsy",
            "cmex",
            "msam",
            "msbm",
            "cmmi",
            "line10",
            "xyatip",
            "xybtip",
            "europeanpi",
        ]
        .iter()
        .any(|k| lower_base.contains(k));
        // A standard 14 font drawn by the viewer: unnamed codes draw nothing legible.
        let not_embedded_14 = metrics.is_some()
            && !descriptor.is_some_and(|fd| {
                fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3")
            });
        self.simple_text = names
            .iter()
            .enumerate()
            .map(|(code, n)| {
                let win_ansi = || {
                    let w = font_data::WIN_ANSI[code];
                    (!w.is_empty()).then(|| glyph_name_to_unicode(w)).flatten()
                };
                let Some(n) = n.as_deref() else {
                    // No glyph name: TrueType fonts address glyphs by code (pdftotext reads the code
                    // through the font's cmap); for others the code is unused.
                    let placeholder = (symbolic_font || not_embedded_14)
                        .then(|| char::from_u32(0xE000 + code as u32).map(String::from))
                        .flatten();
                    return (subtype == b"TrueType" && code >= 32)
                        .then(win_ansi)
                        .flatten()
                        .or(placeholder);
                };
                if n == ".notdef" {
                    return None;
                }
                glyph_name_to_unicode(n)
                    .or_else(|| {
                        // pdfTeX-style names that spell the code itself (`/a65` at code 65).
                        numeric_name(n)
                            .filter(|v| *v == code)
                            .and_then(|_| win_ansi())
                    })
                    .or_else(|| {
                        (subtype == b"TrueType" && code >= 32)
                            .then(win_ansi)
                            .flatten()
                    })
                    .or_else(|| {
                        // Symbol and dingbat glyphs: a placeholder that is not a letter, so words
                        // are never glued to it and pages stay readable.
                        symbolic_font
                            .then(|| char::from_u32(0xE000 + code as u32).map(String::from))
                            .flatten()
                    })
            })
            .collect();

        // Widths.
        let mut font_matrix_x = 0.001;
        if subtype == b"Type3" {
            if let Some(Object::Array(m)) = dict_get(doc, dict, b"FontMatrix") {
                let m: Vec<f64> = m.iter().filter_map(|o| num(deref(doc, o))).collect();
                if m.len() == 6 {
                    font_matrix_x = m[0];
                    self.vertical_scale = (m[3] / 0.001).abs().max(1e-6);
                    if m[0] == 0.0 {
                        font_matrix_x = 0.001;
                    }
                }
            }
            self.ascent = 0.8;
            self.descent = -0.2;
        }
        let missing = descriptor
            .and_then(|fd| dict_get(doc, fd, b"MissingWidth"))
            .and_then(num)
            .unwrap_or(0.0)
            * font_matrix_x;
        let mut widths = vec![f64::NAN; 256];
        if let Some(Object::Array(ws)) = dict_get(doc, dict, b"Widths") {
            let first = dict_get(doc, dict, b"FirstChar")
                .and_then(num)
                .unwrap_or(0.0)
                .max(0.0) as usize;
            for (k, w) in ws.iter().enumerate() {
                if let (Some(slot), Some(w)) = (widths.get_mut(first + k), num(deref(doc, w))) {
                    *slot = w * font_matrix_x;
                }
            }
        }
        for (code, slot) in widths.iter_mut().enumerate() {
            if slot.is_nan() {
                let from_metrics = metrics.and_then(|m| metric_width(m, names[code].as_deref()?));
                *slot = from_metrics.unwrap_or(if metrics.is_some() || missing > 0.0 {
                    missing
                } else {
                    0.5
                });
            }
        }
        self.simple_widths = widths;
    }

    fn code_len(&self, bytes: &[u8]) -> usize {
        if !self.codespace.is_empty() {
            for len in 1..=4usize {
                if len > bytes.len() {
                    break;
                }
                let code = bytes[..len]
                    .iter()
                    .fold(0u32, |a, b| (a << 8) | u32::from(*b));
                if self
                    .codespace
                    .iter()
                    .any(|r| usize::from(r.len) == len && (r.lo..=r.hi).contains(&code))
                {
                    return len;
                }
            }
            let shortest = self.codespace.iter().map(|r| usize::from(r.len)).min();
            return shortest.unwrap_or(1).clamp(1, bytes.len());
        }
        match self.split {
            CodeSplit::OneByte => 1,
            CodeSplit::TwoByte => bytes.len().min(2),
        }
    }

    /// Splits a shown string into codes.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Code> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let len = self.code_len(&bytes[i..]).max(1);
            let code = bytes[i..i + len]
                .iter()
                .fold(0u32, |a, b| (a << 8) | u32::from(*b));
            out.push(self.decode_code(len as u8, code));
            i += len;
        }
        out
    }

    fn decode_code(&self, len: u8, code: u32) -> Code {
        let mapped = self
            .to_unicode
            .as_ref()
            .and_then(|tu| tu.lookup(len, code))
            .map(str::to_string);
        if self.simple_widths.is_empty() {
            // Type0 / CID-keyed.
            let cid = match &self.cid_map {
                Some(m) => m.cid(len, code).unwrap_or(code),
                None => code,
            };
            let text = mapped
                .or_else(|| {
                    self.ucs2
                        .then(|| char::from_u32(code).map(String::from))
                        .flatten()
                })
                .or_else(|| {
                    if !self.mac_glyph_order {
                        return None;
                    }
                    match cid {
                        3..=97 => char::from_u32(cid + 29).map(String::from),
                        // The Macintosh order continues with Mac Roman's upper half.
                        98..=225 => {
                            glyph_name_to_unicode(font_data::MAC_ROMAN[(cid - 98 + 128) as usize])
                        }
                        _ => None,
                    }
                });
            let width = self
                .cid_widths
                .get(&cid)
                .copied()
                .unwrap_or(self.cid_default_width);
            Code {
                len,
                text,
                width,
                word_space: len == 1 && code == 32,
            }
        } else {
            let idx = code as usize;
            let text = mapped.or_else(|| self.simple_text.get(idx).cloned().flatten());
            Code {
                len,
                text,
                width: self.simple_widths.get(idx).copied().unwrap_or(0.0),
                word_space: len == 1 && code == 32,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_resolve() {
        assert_eq!(glyph_name_to_unicode("A").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_unicode("eacute").as_deref(), Some("é"));
        assert_eq!(glyph_name_to_unicode("uni0041").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_unicode("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_to_unicode("g123"), None);
    }

    #[test]
    fn standard_14_aliases() {
        assert!(standard_14("Helvetica").is_some());
        assert!(standard_14("ABCDEF+Arial,Bold").is_some());
        assert!(standard_14("TimesNewRomanPS-ItalicMT").is_some());
        assert!(standard_14("Frutiger").is_none());
        let helv = standard_14("Helvetica").unwrap();
        assert_eq!(metric_width(helv, "A"), Some(0.667));
    }
}
