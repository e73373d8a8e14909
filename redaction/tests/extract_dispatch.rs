//! The dispatcher's typed outcomes: scans need review, unsupported types and damaged files are
//! errors that say so, text formats are read whatever their magic-less bytes.

use sar_redaction::extract::{ExtractError, PartKind, extract};

#[test]
fn images_need_review_whatever_their_extension() {
    let scans: [(&str, &[u8]); 5] = [
        ("scan.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("scan.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF"),
        ("fax.tiff", b"II*\0\x08\0\0\0"),
        ("scan.gif", b"GIF89a\x01\0\x01\0"),
        ("mislabelled.pdf", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
    ];
    for (name, bytes) in scans {
        match extract(name, bytes) {
            Err(ExtractError::NeedsReview { reason, .. }) => {
                assert!(reason.contains("OCR"), "{name}: {reason}")
            }
            other => panic!("{name}: expected NeedsReview, got {other:?}"),
        }
    }
}

#[test]
fn unknown_and_legacy_formats_are_unsupported() {
    let cases: [(&str, &[u8]); 3] = [
        ("contacts.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0"),
        ("letter.rtf", b"{\\rtf1\\ansi hello}"),
        ("data.bin", b"\x01\x02\x03"),
    ];
    for (name, bytes) in cases {
        assert!(
            matches!(extract(name, bytes), Err(ExtractError::Unsupported { .. })),
            "{name}"
        );
    }
}

#[test]
fn empty_or_truncated_files_are_corrupt() {
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("cut.pdf", &b"%PD"[..]),
        ("cut.png", &b"\x89PN"[..]),
    ] {
        assert!(
            matches!(extract(name, bytes), Err(ExtractError::Corrupt { .. })),
            "{name}"
        );
    }
}

#[test]
fn a_pdf_is_read_as_pages_or_fails_as_needs_review() {
    // Whatever the PDF reader can do, a PDF never comes back as an unpaged or silent success.
    match extract("letter.txt", b"%PDF-1.4\n%%EOF\n") {
        Ok(extracted) => assert!(extracted.parts.iter().all(|part| part.page.is_some())),
        Err(err) => assert!(matches!(err, ExtractError::NeedsReview { .. }), "{err}"),
    }
}

#[test]
fn html_files_become_text() {
    let extracted =
        extract("note.html", b"<p>Seen by <b>Dr</b> Patel</p><p>Next</p>").expect("readable HTML");
    assert_eq!(extracted.parts.len(), 1);
    assert_eq!(extracted.parts[0].kind, PartKind::Body);
    assert_eq!(extracted.parts[0].text, "Seen by Dr Patel\nNext");
}
