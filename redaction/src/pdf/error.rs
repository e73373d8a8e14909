//! The one error type of the PDF engine. Every variant means the caller must not publish an output:
//! either a person must look at the document ([`PdfError::NeedsReview`]) or the engine found a
//! problem in its own output ([`PdfError::Leak`]).

/// Why a PDF could not be read, redacted or verified. Messages never quote document text.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Fail closed: the document (or one page) cannot be handled safely by the engine. A person must
    /// review it by hand. `page` is 1-based when the problem is confined to one page.
    #[error("needs manual review{}: {reason}", page_suffix(*.page))]
    NeedsReview { page: Option<u32>, reason: String },
    /// Verification found redacted text in the output. The output must be discarded.
    #[error(
        "verification failed{}: {detail}; the output was discarded, review the document by hand",
        page_suffix(*.page)
    )]
    Leak { page: Option<u32>, detail: String },
    /// The redaction plan itself is unusable (bad region, page out of range, ...).
    #[error("invalid redaction request: {0}")]
    InvalidPlan(String),
}

impl PdfError {
    pub(crate) fn review(page: Option<u32>, reason: impl Into<String>) -> Self {
        PdfError::NeedsReview {
            page,
            reason: reason.into(),
        }
    }

    /// True when the outcome is a typed "needs manual review" (fail closed), not a bug or bad request.
    pub fn is_needs_review(&self) -> bool {
        matches!(self, PdfError::NeedsReview { .. })
    }
}

fn page_suffix(page: Option<u32>) -> String {
    match page {
        Some(p) => format!(" (page {p})"),
        None => String::new(),
    }
}
