//! Word documents (DOCX): the text of every part a reader, or a redactor, would have to see.
//!
//! A DOCX is a zip of WordprocessingML parts. We read the main document (paragraphs, tables,
//! text boxes), then headers, footers, footnotes, endnotes and comments. Tracked insertions
//! (`w:ins`) are ordinary runs; tracked deletions (`w:delText`) are still data held about people,
//! so they are extracted too and the document gets a note. Paragraph, cell and row boundaries
//! become line breaks and tabs so that names never merge across them.
//!
//! Elements are matched by local name, so both transitional (`w:`) and Strict OOXML files
//! read the same. The zip is capped in entries and in decompressed bytes (a zip bomb is
//! [`ExtractError::Corrupt`]).

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{ExtractError, Extracted, Limits, PartKind, TextPart};

/// Reads a DOCX into one Body part.
pub fn extract(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let mut archive = Archive::open(file_name, bytes, limits)?;
    let main = archive
        .main_document_name()
        .ok_or_else(|| ExtractError::corrupt(file_name, "no word/document.xml in the DOCX"))?;

    let mut sections: Vec<String> = Vec::new();
    let mut stats = Stats::default();
    let main_xml = archive.read(&main)?;
    sections.push(wordml_to_text(file_name, &main_xml, &mut stats)?);

    for prefix in [
        "word/header",
        "word/footer",
        "word/footnotes",
        "word/endnotes",
    ] {
        for name in archive.names_like(prefix) {
            let xml = archive.read(&name)?;
            sections.push(wordml_to_text(file_name, &xml, &mut stats)?);
        }
    }
    for name in archive.names_like("word/comments") {
        let xml = archive.read(&name)?;
        let text = wordml_to_text(file_name, &xml, &mut stats)?;
        if !text.trim().is_empty() {
            stats.comments = true;
        }
        sections.push(text);
    }

    let text = sections
        .iter()
        .map(|section| section.trim_end())
        .filter(|section| !section.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut extracted = Extracted {
        parts: vec![TextPart {
            kind: PartKind::Body,
            page: None,
            text,
        }],
        ..Extracted::default()
    };
    if stats.deletions {
        extracted.notes.push(
            "the document has tracked deletions; their text is included because it is still \
             held about people"
                .to_owned(),
        );
    }
    if stats.insertions {
        extracted
            .notes
            .push("the document has tracked insertions (included)".to_owned());
    }
    if stats.comments {
        extracted
            .notes
            .push("the document has comments; their text and authors are included".to_owned());
    }
    Ok(extracted)
}

/// A zip opened with the caps applied to everything read from it.
struct Archive<'a> {
    file_name: &'a str,
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
    limits: Limits,
    total_read: u64,
}

impl<'a> Archive<'a> {
    fn open(file_name: &'a str, bytes: &'a [u8], limits: &Limits) -> Result<Self, ExtractError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
            ExtractError::corrupt(file_name, format!("damaged DOCX (zip) archive: {err}"))
        })?;
        if zip.len() > limits.max_zip_entries {
            return Err(ExtractError::corrupt(
                file_name,
                format!(
                    "DOCX lists {} zip entries, more than the {} allowed (possible zip bomb)",
                    zip.len(),
                    limits.max_zip_entries
                ),
            ));
        }
        let names = zip
            .file_names()
            .filter_map(|name| name.ok().map(|name| name.into_owned()))
            .collect();
        Ok(Archive {
            file_name,
            zip,
            names,
            limits: *limits,
            total_read: 0,
        })
    }

    /// `word/document.xml`, or whatever `word/document*.xml` a producer used instead.
    fn main_document_name(&self) -> Option<String> {
        if self.names.iter().any(|name| name == "word/document.xml") {
            return Some("word/document.xml".to_owned());
        }
        self.names_like("word/document").into_iter().next()
    }

    /// Entries `PREFIX*.xml` directly under `word/`, sorted (header1, header2, ...).
    fn names_like(&self, prefix: &str) -> Vec<String> {
        let mut found: Vec<String> = self
            .names
            .iter()
            .filter(|name| {
                name.starts_with(prefix) && name.ends_with(".xml") && !name[5..].contains('/')
            })
            .cloned()
            .collect();
        found.sort();
        found
    }

    /// Reads one entry, stopping as soon as it passes the per-entry or total cap: the sizes a
    /// zip declares can lie, so the bytes actually inflated are what is counted.
    fn read(&mut self, name: &str) -> Result<String, ExtractError> {
        let file_name = self.file_name;
        let entry = self.zip.by_name(name).map_err(|err| {
            ExtractError::corrupt(file_name, format!("cannot open DOCX part {name}: {err}"))
        })?;
        let allowed = self
            .limits
            .max_entry_bytes
            .min(self.limits.max_total_bytes.saturating_sub(self.total_read));
        let mut buf = Vec::new();
        entry
            .take(allowed.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|err| {
                ExtractError::corrupt(file_name, format!("cannot inflate DOCX part {name}: {err}"))
            })?;
        if buf.len() as u64 > allowed {
            return Err(ExtractError::corrupt(
                file_name,
                format!(
                    "DOCX part {name} inflates past the size cap ({} bytes per part, {} in all): \
                     possible zip bomb",
                    self.limits.max_entry_bytes, self.limits.max_total_bytes
                ),
            ));
        }
        self.total_read += buf.len() as u64;
        Ok(decode_xml_bytes(&buf))
    }
}

/// XML parts are UTF-8 in practice; UTF-16 (with its BOM) is allowed by the spec.
fn decode_xml_bytes(bytes: &[u8]) -> String {
    if bytes.starts_with(b"\xff\xfe") {
        encoding_rs::UTF_16LE
            .decode_with_bom_removal(bytes)
            .0
            .into_owned()
    } else if bytes.starts_with(b"\xfe\xff") {
        encoding_rs::UTF_16BE
            .decode_with_bom_removal(bytes)
            .0
            .into_owned()
    } else {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// What the walk over the parts saw, for the notes.
#[derive(Default)]
struct Stats {
    deletions: bool,
    insertions: bool,
    comments: bool,
}

/// Which kind of run text was appended last, so a deletion next to an insertion ("Karen" deleted,
/// "Kate" inserted) is kept as two words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RunKind {
    Normal,
    Deleted,
}

/// The text being built from one part.
struct Builder {
    text: String,
    last_run: RunKind,
}

impl Builder {
    fn push_run(&mut self, run: &str, kind: RunKind) {
        if run.is_empty() {
            return;
        }
        if kind != self.last_run
            && !self.text.is_empty()
            && !self.text.ends_with(char::is_whitespace)
            && !run.starts_with(char::is_whitespace)
        {
            self.text.push(' ');
        }
        self.text.push_str(run);
        self.last_run = kind;
    }

    fn push_break(&mut self, ch: char) {
        self.text.push(ch);
    }

    fn end_paragraph(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Cell contents end with their paragraphs' newlines; a cell ends with a tab instead.
    fn end_cell(&mut self) {
        let kept = self.text.trim_end_matches('\n').len();
        self.text.truncate(kept);
        self.text.push('\t');
    }

    fn end_row(&mut self) {
        let kept = self.text.trim_end_matches(['\t', '\n']).len();
        self.text.truncate(kept);
        self.text.push('\n');
    }
}

/// Walks one WordprocessingML part and returns its text.
fn wordml_to_text(file_name: &str, xml: &str, stats: &mut Stats) -> Result<String, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Builder {
        text: String::new(),
        last_run: RunKind::Normal,
    };
    // Inside w:t / w:delText: the only elements whose character data is document text.
    let mut in_text: Option<RunKind> = None;
    // Depth inside elements whose content must not be read (field codes, fallback copies of
    // text boxes that the mc:Choice branch already gave us).
    let mut skip_depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|err| {
            ExtractError::corrupt(
                file_name,
                format!(
                    "malformed XML in DOCX at byte {}: {err}",
                    reader.buffer_position()
                ),
            )
        })?;
        match event {
            Event::Eof => break,
            Event::Start(start) => {
                let name = local_name(&start);
                if skip_depth > 0 || matches!(name.as_str(), "Fallback" | "instrText") {
                    skip_depth += 1;
                    continue;
                }
                match name.as_str() {
                    "t" => in_text = Some(RunKind::Normal),
                    "delText" => {
                        in_text = Some(RunKind::Deleted);
                        stats.deletions = true;
                    }
                    "ins" => stats.insertions = true,
                    "comment" => {
                        let author = attribute(&start, "author");
                        let label = match author {
                            Some(author) if !author.trim().is_empty() => {
                                format!("Comment ({}): ", author.trim())
                            }
                            _ => "Comment: ".to_owned(),
                        };
                        out.end_paragraph();
                        out.push_run(&label, RunKind::Normal);
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                let name = end.local_name();
                match name.as_ref() {
                    "t" | "delText" => in_text = None,
                    "p" => out.end_paragraph(),
                    "tc" => out.end_cell(),
                    "tr" => out.end_row(),
                    "comment" | "footnote" | "endnote" | "txbxContent" => out.end_paragraph(),
                    _ => {}
                }
            }
            Event::Empty(empty) => {
                if skip_depth > 0 {
                    continue;
                }
                match local_name(&empty).as_str() {
                    "tab" | "ptab" => out.push_break('\t'),
                    "br" | "cr" => out.push_break('\n'),
                    "noBreakHyphen" => out.push_run("-", RunKind::Normal),
                    "p" => out.end_paragraph(),
                    "ins" => stats.insertions = true,
                    _ => {}
                }
            }
            Event::Text(text) => {
                if let (Some(kind), 0) = (in_text, skip_depth) {
                    out.push_run(&text.xml10_content(), kind);
                }
            }
            Event::CData(cdata) => {
                if let (Some(kind), 0) = (in_text, skip_depth) {
                    out.push_run(&cdata.xml10_content(), kind);
                }
            }
            Event::GeneralRef(reference) => {
                if let (Some(kind), 0) = (in_text, skip_depth) {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(ch)) => Some(ch),
                        Ok(None) => predefined_entity(&reference),
                        Err(_) => None,
                    };
                    if let Some(ch) = resolved {
                        out.push_run(ch.encode_utf8(&mut [0; 4]), kind);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out.text)
}

fn local_name(start: &BytesStart<'_>) -> String {
    start.local_name().as_ref().to_owned()
}

/// An attribute's unescaped value, matched by local name (`w:author` or `author`).
fn attribute(start: &BytesStart<'_>, wanted: &str) -> Option<String> {
    start.attributes().flatten().find_map(|attr| {
        (attr.key.local_name().as_ref() == wanted)
            .then(|| {
                attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|value| value.into_owned())
            })
            .flatten()
    })
}

fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}
