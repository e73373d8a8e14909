//! `sar-redaction`: the pure, synchronous core of the SAR pipeline.
//!
//! It knows nothing about councils, databases or async runtimes. It turns bytes and a list of
//! people into findings, and findings into truly redacted bytes, and proves nothing leaked:
//!
//! ```text
//! document bytes ──extract──▶ text parts ──detect──▶ proposals ──(review)──▶ redaction plan
//!                                                                  │
//!                    verified output ◀──verify── redacted bytes ◀──pdf::redact
//! ```
//!
//! Layout:
//! - [`extract`]: text out of TXT (UTF-8 / cp1252), DOCX, EML (with attachments) and PDF files.
//! - [`detect`]: third-party personal data in text: known people, identifiers, unknown names,
//!   passages for a reviewer's judgement. Every proposal carries a reason code.
//! - [`pdf`]: PDF text with glyph positions, true redaction, sanitising and leak verification.
//! - [`ocr`]: scans' text and word boxes through the `tesseract` tool, when it is installed.

pub mod detect;
pub mod extract;
pub mod ocr;
pub mod pdf;
