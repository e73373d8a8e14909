//! A small CMap parser: `codespacerange` (how many bytes a code has), `bfchar`/`bfrange`
//! (code → Unicode, for `/ToUnicode`) and `cidchar`/`cidrange` (code → CID, for embedded `/Encoding`
//! CMaps of Type0 fonts). Malformed entries are skipped; the caller decides what a missing mapping
//! means.

use std::collections::HashMap;

/// One `codespacerange` entry: codes of `len` bytes between `lo` and `hi` (inclusive).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeRange {
    pub len: u8,
    pub lo: u32,
    pub hi: u32,
}

/// The parsed content of a CMap stream.
#[derive(Debug, Default, Clone)]
pub(crate) struct CMap {
    pub codespace: Vec<CodeRange>,
    /// `(code length, code)` → Unicode text.
    pub unicode: HashMap<(u8, u32), String>,
    /// `(code length, code)` → CID, ranges kept compact.
    pub cid_ranges: Vec<(u8, u32, u32, u32)>,
}

impl CMap {
    /// Unicode for a code of `len` bytes.
    pub fn lookup(&self, len: u8, code: u32) -> Option<&str> {
        self.unicode.get(&(len, code)).map(String::as_str)
    }

    /// CID for a code of `len` bytes from `cidrange`/`cidchar` entries.
    pub fn cid(&self, len: u8, code: u32) -> Option<u32> {
        self.cid_ranges
            .iter()
            .find(|(l, lo, hi, _)| *l == len && (*lo..=*hi).contains(&code))
            .map(|(_, lo, _, cid)| cid + (code - lo))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Int(i64),
    Word(String),
    Open,
    Close,
}

fn tokenize(data: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let mut digits = Vec::new();
                i += 1;
                while i < data.len() && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        digits.push(data[i]);
                    }
                    i += 1;
                }
                i += 1;
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
                    .collect();
                tokens.push(Token::Hex(bytes));
            }
            b'[' => {
                tokens.push(Token::Open);
                i += 1;
            }
            b']' => {
                tokens.push(Token::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings (CMapName etc.) carry nothing we need; skip balanced parens.
                let mut depth = 0;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[]()%/".contains(&data[i])
                {
                    i += 1;
                }
                if i == start {
                    // A name: '/' followed by regular characters.
                    i += 1;
                    while i < data.len()
                        && !data[i].is_ascii_whitespace()
                        && !b"<>[]()%/".contains(&data[i])
                    {
                        i += 1;
                    }
                    tokens.push(Token::Word(String::from_utf8_lossy(&data[start..i]).into()));
                    continue;
                }
                let word = String::from_utf8_lossy(&data[start..i]).into_owned();
                match word.parse::<i64>() {
                    Ok(n) => tokens.push(Token::Int(n)),
                    Err(_) => tokens.push(Token::Word(word)),
                }
            }
        }
    }
    tokens
}

fn code_of(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    let code = bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
    Some((bytes.len() as u8, code))
}

/// UTF-16BE destination bytes to a string (lossy on unpaired surrogates).
fn utf16_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| {
            if p.len() == 2 {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from(p[0])
            }
        })
        .collect();
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Adds `offset` to the last UTF-16 unit of a bfrange destination.
fn offset_text(dst: &[u8], offset: u32) -> String {
    let mut bytes = dst.to_vec();
    let n = bytes.len();
    if n >= 2 {
        let last = u16::from_be_bytes([bytes[n - 2], bytes[n - 1]]);
        let v = last.wrapping_add(offset as u16);
        bytes[n - 2..].copy_from_slice(&v.to_be_bytes());
    } else if n == 1 {
        bytes[0] = bytes[0].wrapping_add(offset as u8);
    }
    utf16_text(&bytes)
}

/// Parses a CMap program. Never fails: unreadable parts are ignored.
pub(crate) fn parse(data: &[u8]) -> CMap {
    let tokens = tokenize(data);
    let mut cmap = CMap::default();
    let mut i = 0;
    let word = |t: &Token, w: &str| matches!(t, Token::Word(x) if x == w);
    while i < tokens.len() {
        if word(&tokens[i], "begincodespacerange") {
            i += 1;
            while i + 1 < tokens.len() && !word(&tokens[i], "endcodespacerange") {
                if let (Token::Hex(lo), Token::Hex(hi)) = (&tokens[i], &tokens[i + 1])
                    && let (Some((len, lo)), Some((_, hi))) = (code_of(lo), code_of(hi))
                {
                    cmap.codespace.push(CodeRange { len, lo, hi });
                }
                i += 2;
            }
        } else if word(&tokens[i], "beginbfchar") {
            i += 1;
            while i + 1 < tokens.len() && !word(&tokens[i], "endbfchar") {
                if let (Token::Hex(src), Token::Hex(dst)) = (&tokens[i], &tokens[i + 1])
                    && let Some(key) = code_of(src)
                {
                    cmap.unicode.insert(key, utf16_text(dst));
                }
                i += 2;
            }
        } else if word(&tokens[i], "beginbfrange") {
            i += 1;
            while i + 2 < tokens.len() && !word(&tokens[i], "endbfrange") {
                let (Token::Hex(lo), Token::Hex(hi)) = (&tokens[i], &tokens[i + 1]) else {
                    i += 1;
                    continue;
                };
                let (Some((len, lo)), Some((_, hi))) = (code_of(lo), code_of(hi)) else {
                    i += 3;
                    continue;
                };
                // Bound ranges so a hostile CMap cannot allocate without limit.
                let hi = hi.min(lo.saturating_add(0xFFFF));
                match &tokens[i + 2] {
                    Token::Hex(dst) => {
                        for code in lo..=hi {
                            cmap.unicode
                                .insert((len, code), offset_text(dst, code - lo));
                        }
                        i += 3;
                    }
                    Token::Open => {
                        let mut j = i + 3;
                        let mut code = lo;
                        while j < tokens.len() && tokens[j] != Token::Close {
                            if let Token::Hex(dst) = &tokens[j]
                                && code <= hi
                            {
                                cmap.unicode.insert((len, code), utf16_text(dst));
                                code += 1;
                            }
                            j += 1;
                        }
                        i = j + 1;
                    }
                    _ => i += 3,
                }
            }
        } else if word(&tokens[i], "begincidrange") {
            i += 1;
            while i + 2 < tokens.len() && !word(&tokens[i], "endcidrange") {
                if let (Token::Hex(lo), Token::Hex(hi), Token::Int(cid)) =
                    (&tokens[i], &tokens[i + 1], &tokens[i + 2])
                    && let (Some((len, lo)), Some((_, hi))) = (code_of(lo), code_of(hi))
                {
                    cmap.cid_ranges.push((len, lo, hi, (*cid).max(0) as u32));
                }
                i += 3;
            }
        } else if word(&tokens[i], "begincidchar") {
            i += 1;
            while i + 1 < tokens.len() && !word(&tokens[i], "endcidchar") {
                if let (Token::Hex(src), Token::Int(cid)) = (&tokens[i], &tokens[i + 1])
                    && let Some((len, code)) = code_of(src)
                {
                    cmap.cid_ranges
                        .push((len, code, code, (*cid).max(0) as u32));
                }
                i += 2;
            }
        }
        i += 1;
    }
    cmap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codespace_bfchar_bfrange() {
        let src = b"1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar
            2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0061> <0062>] endbfrange";
        let cmap = parse(src);
        assert_eq!(cmap.codespace.len(), 1);
        assert_eq!(cmap.codespace[0].len, 2);
        assert_eq!(cmap.lookup(2, 3), Some(" "));
        assert_eq!(cmap.lookup(2, 0x11), Some("fi"));
        assert_eq!(cmap.lookup(2, 0x26), Some("C"));
        assert_eq!(cmap.lookup(2, 0x31), Some("b"));
        assert_eq!(cmap.lookup(1, 0x31), None);
    }
}
