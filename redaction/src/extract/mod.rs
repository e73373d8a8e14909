//! Text out of the documents that records point at: TXT (UTF-8, or Windows-1252 with CRLF), DOCX,
//! EML (headers, bodies, attachments recursively) and PDF (through [`crate::pdf`]).
//!
//! The pipeline's extract stage and `sar detect` call [`extract`]; detection then reads each
//! [`TextPart`]. Offsets that detection reports are UTF-8 byte offsets into one part's `text`.
//!
//! (Being written: see issue "Detection". The types below are the contract.)

use std::fmt;

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
