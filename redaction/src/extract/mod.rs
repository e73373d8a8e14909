//! Text out of the documents that records point at: TXT (UTF-8, or Windows-1252 with CRLF), DOCX,
//! EML (headers, bodies, attachments recursively) and PDF (through [`crate::pdf`]).
//!
//! The pipeline's extract stage and `sar detect` call [`extract`]; detection then reads each
//! [`TextPart`]. Offsets that detection reports are UTF-8 byte offsets into one part's `text`.
//!
//! [`extract`] decides what a file is from its magic bytes first and its extension second (a
//! `.txt` that is really a PDF is read as a PDF), then hands it to one reader per format:
//! [`txt`], [`docx`], [`eml`] (which uses [`html`] for HTML bodies and calls back into the
//! dispatcher for attachments) and [`crate::pdf`]. Readers never panic on bad input: damaged
//! files come back as [`ExtractError::Corrupt`], scans as [`ExtractError::NeedsReview`].
//!
//! With an [`Ocr`] tool in [`Options`] ([`extract_with`]), scans are read too: image files, and
//! the pages of a PDF that have no text layer. Their text comes back like any other part, so
//! gathering and detection can search it, and [`Extracted::needs_review`] says why a person
//! must still handle the document: the words are in an image that text redaction cannot touch.

pub mod docx;
pub mod eml;
pub mod html;
mod sniff;
pub mod txt;

use std::fmt;

pub use sniff::FileType;

use crate::ocr::{Ocr, OcrPage};

/// Mean word confidence (0-100) under which OCR's reading of a scan is not trusted: the scan
/// is then treated as unreadable, so that "no mention of the subject" is never concluded from
/// garbled text.
const MIN_OCR_CONFIDENCE: f32 = 50.0;

/// Where in a document a piece of text came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PartKind {
    /// The document's main text (a TXT file, a DOCX body with its tables, headers, footers,
    /// comments and tracked changes, an email's plain or HTML body, a PDF page).
    Body,
    /// An email's From/To/Cc/Subject/Date header lines.
    Headers,
    /// Text of a file attached to an email, by its file name (nested attachments join names
    /// with `/`).
    Attachment(String),
}

impl fmt::Display for PartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartKind::Body => f.write_str("body"),
            PartKind::Headers => f.write_str("headers"),
            PartKind::Attachment(name) => write!(f, "attachment:{name}"),
        }
    }
}

/// One piece of extracted text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextPart {
    pub kind: PartKind,
    /// 1-based page for paged sources (PDF pages, a PDF attachment's pages); `None` otherwise.
    pub page: Option<u32>,
    pub text: String,
}

/// Everything extracted from one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub parts: Vec<TextPart>,
    /// Things a reviewer should know that did not stop extraction (e.g. "an attachment was
    /// an image and needs review", "the document has tracked deletions").
    pub notes: Vec<String>,
    /// Attachments (by `/`-joined path) whose text could not be extracted (an image, an
    /// unreadable PDF, a damaged file). Their content was not searched, so a person must look
    /// at them before they are disclosed.
    pub unread_attachments: Vec<String>,
    /// Set when text came out but a person must still handle the document before it is
    /// disclosed, and why (e.g. its pages are scanned images whose text was read by OCR).
    pub needs_review: Option<String>,
    /// The pages read by OCR, with every word's box on the page image (for reviewers now, and
    /// for redacting the image by word boxes).
    pub ocr_pages: Vec<OcrPage>,
}

impl Extracted {
    /// True when nothing readable came out of the document: every part is blank.
    pub fn is_blank(&self) -> bool {
        self.parts.iter().all(|part| part.text.trim().is_empty())
    }

    /// All parts' text joined by blank lines (for searching and tests; offsets from detection
    /// refer to single parts, not to this).
    pub fn full_text(&self) -> String {
        let texts: Vec<&str> = self.parts.iter().map(|part| part.text.as_str()).collect();
        texts.join("\n\n")
    }
}

/// Caps on what a single document may make the extractor read, so that a hostile or broken
/// file (a zip bomb, a deeply nested email) fails as [`ExtractError::Corrupt`] instead of
/// exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries a DOCX (zip) may list.
    pub max_zip_entries: usize,
    /// Most bytes one zip entry may decompress to.
    pub max_entry_bytes: u64,
    /// Most bytes all the zip entries read from one DOCX may decompress to together.
    pub max_total_bytes: u64,
    /// Deepest nesting of attachments inside attachments (an email in an email ...).
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_zip_entries: 5_000,
            max_entry_bytes: 64 * 1024 * 1024,
            max_total_bytes: 256 * 1024 * 1024,
            max_nesting: 8,
        }
    }
}

/// How to extract: the [`Limits`], and the OCR tool for scans (`None`: scans are flagged
/// for a person, unread).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub limits: Limits,
    pub ocr: Option<Ocr>,
}

impl Options {
    /// Default limits, with OCR if this process has it ([`Ocr::from_env`]).
    pub fn from_env() -> Options {
        Options {
            limits: Limits::default(),
            ocr: Ocr::from_env(),
        }
    }
}

/// Why a document's text could not be extracted. The record is then listed as not processed
/// (or needing review) with this reason; it never vanishes.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The file holds no extractable text (an image-only scan): a person (or OCR) must look.
    #[error("{file}: needs manual review: {reason}")]
    NeedsReview { file: String, reason: String },
    /// A file type the pipeline does not read (e.g. a spreadsheet).
    #[error("{file}: unsupported file type ({kind}); list it in the schedule as not processed")]
    Unsupported { file: String, kind: String },
    /// The file is damaged and cannot be read.
    #[error("{file}: cannot be read: {reason}")]
    Corrupt { file: String, reason: String },
}

impl ExtractError {
    fn corrupt(file: &str, reason: impl Into<String>) -> Self {
        ExtractError::Corrupt {
            file: file.to_owned(),
            reason: reason.into(),
        }
    }

    fn needs_review(file: &str, reason: impl Into<String>) -> Self {
        ExtractError::NeedsReview {
            file: file.to_owned(),
            reason: reason.into(),
        }
    }

    fn unsupported(file: &str, kind: impl Into<String>) -> Self {
        ExtractError::Unsupported {
            file: file.to_owned(),
            kind: kind.into(),
        }
    }

    /// The reason alone, without the file name (for notes about attachments).
    pub fn reason(&self) -> String {
        match self {
            ExtractError::NeedsReview { reason, .. } | ExtractError::Corrupt { reason, .. } => {
                reason.clone()
            }
            ExtractError::Unsupported { kind, .. } => format!("unsupported file type ({kind})"),
        }
    }
}

/// Extracts the text of one document. `file_name` is the record's file path (only its
/// extension and, in errors, its name are used); `bytes` is the file's content.
pub fn extract(file_name: &str, bytes: &[u8]) -> Result<Extracted, ExtractError> {
    extract_with_limits(file_name, bytes, &Limits::default())
}

/// What [`extract`] would read `bytes` as (magic bytes first, then the extension), or why it
/// cannot read them at all.
pub fn file_type(file_name: &str, bytes: &[u8]) -> Result<FileType, ExtractError> {
    sniff::identify(file_name, bytes, &Limits::default())
}

/// [`extract`] with explicit [`Limits`] (and no OCR).
pub fn extract_with_limits(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Extracted, ExtractError> {
    let options = Options {
        limits: *limits,
        ocr: None,
    };
    extract_nested(file_name, bytes, &options, 0)
}

/// [`extract`] with explicit [`Options`]: limits, and OCR for scans.
pub fn extract_with(
    file_name: &str,
    bytes: &[u8],
    options: &Options,
) -> Result<Extracted, ExtractError> {
    extract_nested(file_name, bytes, options, 0)
}

/// The dispatcher, with the attachment nesting depth so that EML attachments can come back in.
fn extract_nested(
    file_name: &str,
    bytes: &[u8],
    options: &Options,
    depth: usize,
) -> Result<Extracted, ExtractError> {
    let limits = &options.limits;
    if depth > limits.max_nesting {
        return Err(ExtractError::corrupt(
            file_name,
            format!(
                "attachments are nested more than {} deep",
                limits.max_nesting
            ),
        ));
    }
    if bytes.is_empty() {
        return Err(ExtractError::corrupt(file_name, "the file is empty"));
    }
    match sniff::identify(file_name, bytes, limits)? {
        FileType::Text => txt::extract(file_name, bytes),
        FileType::Html => Ok(txt::single_body(html::to_text(&txt::decode(
            file_name, bytes,
        )?))),
        FileType::Docx => docx::extract(file_name, bytes, limits),
        FileType::Eml => eml::extract_at_depth(file_name, bytes, options, depth),
        FileType::Pdf => extract_pdf(file_name, bytes, options.ocr.as_ref()),
        FileType::Image(kind) => match &options.ocr {
            None => Err(ExtractError::needs_review(
                file_name,
                format!("{kind} image-only scan; needs OCR or a person"),
            )),
            Some(ocr) => {
                let pages = ocr.read_image(bytes).map_err(|err| {
                    ExtractError::needs_review(file_name, format!("{kind} image-only scan: {err}"))
                })?;
                from_ocr(
                    file_name,
                    &format!("a {kind} scan"),
                    ocr,
                    pages,
                    Extracted::default(),
                )
            }
        },
        FileType::Unsupported(kind) => Err(ExtractError::unsupported(file_name, kind)),
    }
}

/// One Body part per PDF page. The PDF reader's refusals become "needs review": a PDF that
/// cannot be read safely must be looked at by a person, never passed over. Pages without a
/// text layer are read by OCR when there is a tool for it.
fn extract_pdf(
    file_name: &str,
    bytes: &[u8],
    ocr: Option<&Ocr>,
) -> Result<Extracted, ExtractError> {
    let pages = match ocr {
        Some(_) => crate::pdf::extract_text_with_scans(bytes),
        None => crate::pdf::extract_text(bytes),
    }
    .map_err(|err| ExtractError::needs_review(file_name, err.to_string()))?;
    let mut extracted = Extracted::default();
    let mut blank_pages = Vec::new();
    let mut scanned_pages = Vec::new();
    let page_count = pages.len();
    for page in pages {
        if page.image_only {
            scanned_pages.push(page.page);
            continue; // read by OCR below
        }
        if page.text.trim().is_empty() {
            blank_pages.push(page.page.to_string());
        }
        extracted.parts.push(TextPart {
            kind: PartKind::Body,
            page: Some(page.page),
            text: page.text,
        });
    }
    if let (Some(ocr), false) = (ocr, scanned_pages.is_empty()) {
        let what = if scanned_pages.len() == page_count {
            "an image-only PDF scan".to_string()
        } else {
            let list: Vec<String> = scanned_pages.iter().map(u32::to_string).collect();
            format!("PDF page(s) {} (scanned images)", list.join(", "))
        };
        let pages = ocr
            .read_pdf_pages(bytes, &scanned_pages)
            .map_err(|err| ExtractError::needs_review(file_name, format!("{what}: {err}")))?;
        extracted = from_ocr(file_name, &what, ocr, pages, extracted)?;
        extracted.parts.sort_by_key(|part| part.page);
    }
    if extracted.is_blank() {
        return Err(ExtractError::needs_review(
            file_name,
            "the PDF has no text layer (an image-only scan); needs OCR or a person",
        ));
    }
    if !blank_pages.is_empty() {
        extracted.notes.push(format!(
            "PDF page(s) {} have no text (possibly scanned images); a person must check them",
            blank_pages.join(", ")
        ));
    }
    Ok(extracted)
}

/// Adds OCR'd pages to `extracted` as Body parts and marks the document for a person. A scan
/// OCR could not read with confidence is unreadable: a search of garbled words proves nothing.
fn from_ocr(
    file_name: &str,
    what: &str,
    ocr: &Ocr,
    pages: Vec<OcrPage>,
    mut extracted: Extracted,
) -> Result<Extracted, ExtractError> {
    let words: usize = pages.iter().map(|p| p.words.len()).sum();
    if words == 0 {
        if extracted.is_blank() {
            return Err(ExtractError::needs_review(
                file_name,
                format!(
                    "{what}: OCR ({}) found no words; a person must look",
                    ocr.describe()
                ),
            ));
        }
        // Images beside a text layer with no words in them (photos, drawings): the text
        // pages stand, but a person must still look at the images.
        let reason = format!(
            "{what}: OCR ({}) found no words in the image(s); a person must look at them",
            ocr.describe()
        );
        extracted.notes.push(reason.clone());
        extracted.needs_review = Some(reason);
        return Ok(extracted);
    }
    let confidence = pages
        .iter()
        .flat_map(|p| &p.words)
        .map(|w| w.confidence)
        .sum::<f32>()
        / words as f32;
    if confidence < MIN_OCR_CONFIDENCE {
        return Err(ExtractError::needs_review(
            file_name,
            format!(
                "{what}: OCR ({}) could not read it reliably (mean confidence {confidence:.0} %); \
                 a person must look",
                ocr.describe()
            ),
        ));
    }
    for page in &pages {
        extracted.parts.push(TextPart {
            kind: PartKind::Body,
            page: Some(page.page),
            text: page.text.clone(),
        });
    }
    let reason = format!(
        "{what}: its text was read by OCR ({}, mean confidence {confidence:.0} %) to search it; \
         the image itself must be redacted by a person",
        ocr.describe()
    );
    extracted.notes.push(reason.clone());
    extracted.needs_review = Some(reason);
    extracted.ocr_pages = pages;
    Ok(extracted)
}
