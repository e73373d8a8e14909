//! EML extraction on small messages written in the test: headers, transfer encodings, HTML
//! bodies, nested and binary attachments.

use std::io::{Cursor, Write};

use sar_redaction::extract::{
    ExtractError, Extracted, Limits, PartKind, extract, extract_with_limits,
};
use zip::write::SimpleFileOptions;

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    // MIME wants lines of at most 76 characters.
    out.as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn part_text<'a>(extracted: &'a Extracted, kind: &PartKind) -> Vec<&'a str> {
    extracted
        .parts
        .iter()
        .filter(|part| &part.kind == kind)
        .map(|part| part.text.as_str())
        .collect()
}

const HEADERS: &str = "From: \"Reid, Karen\" <karen.reid@example.org>\r\n\
    To: Priya Shah <priya.shah@medway.gov.uk>, jo@example.org\r\n\
    Cc: Tom Lee <tom@example.org>\r\n\
    Subject: =?utf-8?q?Visit_for_Zo=C3=AB?=\r\n\
    Date: Mon, 25 Nov 2019 09:20:00 +0000\r\n\
    MIME-Version: 1.0\r\n";

#[test]
fn headers_become_their_own_part_with_names_and_addresses() {
    let eml = format!("{HEADERS}Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n");
    let extracted = extract("mail.eml", eml.as_bytes()).expect("readable email");
    let headers = part_text(&extracted, &PartKind::Headers);
    assert_eq!(
        headers,
        vec![
            "From: Reid, Karen <karen.reid@example.org>\n\
             To: Priya Shah <priya.shah@medway.gov.uk>, jo@example.org\n\
             Cc: Tom Lee <tom@example.org>\n\
             Subject: Visit for Zoë\n\
             Date: Mon, 25 Nov 2019 09:20:00 +0000"
        ]
    );
    assert_eq!(part_text(&extracted, &PartKind::Body), vec!["Hello.\n"]);
}

#[test]
fn quoted_printable_and_base64_bodies_are_decoded() {
    let qp = format!(
        "{HEADERS}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         Ren=C3=A9e visited the family and a very long line is wrapped with a soft=\r\n \
         break here.\r\n"
    );
    let extracted = extract("qp.eml", qp.as_bytes()).expect("readable email");
    let body = part_text(&extracted, &PartKind::Body).join("");
    assert!(body.contains("Renée visited"), "{body:?}");
    assert!(body.contains("soft break here."), "{body:?}");

    let b64 = format!(
        "{HEADERS}Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(b"Mr O\x92Brien \xa3 20\r\nnext line")
    );
    let extracted = extract("b64.eml", b64.as_bytes()).expect("readable email");
    assert_eq!(
        part_text(&extracted, &PartKind::Body),
        vec!["Mr O’Brien £ 20\nnext line"]
    );
}

#[test]
fn plain_text_is_preferred_and_html_only_bodies_are_converted() {
    let alternative = format!(
        "{HEADERS}Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version\r\n\
         --b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML version</p>\r\n--b1--\r\n"
    );
    let extracted = extract("alt.eml", alternative.as_bytes()).expect("readable email");
    let body = part_text(&extracted, &PartKind::Body).join("");
    assert!(
        body.contains("Plain version") && !body.contains("HTML version"),
        "{body:?}"
    );

    let html_only = format!(
        "{HEADERS}Content-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Dear&nbsp;Ms Reid,</p><p>Denise</p><table><tr><td>Amy</td><td>Ben</td></tr></table></body></html>\r\n"
    );
    let extracted = extract("html.eml", html_only.as_bytes()).expect("readable email");
    assert_eq!(
        part_text(&extracted, &PartKind::Body),
        vec!["Dear Ms Reid,\nDenise\nAmy\tBen"]
    );
}

fn tiny_docx(text: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file("word/document.xml", SimpleFileOptions::default())
        .expect("zip entry");
    write!(
        writer,
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    )
    .expect("write");
    writer.finish().expect("finish").into_inner()
}

#[test]
fn nested_attachments_are_read_recursively_with_joined_paths() {
    let inner = format!(
        "From: Sam Cole <sam@example.org>\r\nTo: a@example.org\r\nSubject: Original\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"in\"\r\n\r\n\
         --in\r\nContent-Type: text/plain\r\n\r\nInner body text\r\n\
         --in\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n\
         Content-Disposition: attachment; filename=\"report.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --in\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"note.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --in--\r\n",
        base64(&tiny_docx("Docx inside")),
        base64(b"Caf\xe9 note\r\n")
    );
    let outer = format!(
        "{HEADERS}Content-Type: multipart/mixed; boundary=\"out\"\r\n\r\n\
         --out\r\nContent-Type: text/plain\r\n\r\nSee forwarded.\r\n\
         --out\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"fwd.eml\"\r\n\r\n{inner}\r\n\
         --out--\r\n"
    );
    let extracted = extract("outer.eml", outer.as_bytes()).expect("readable email");
    let fwd = part_text(&extracted, &PartKind::Attachment("fwd.eml".into())).join("\n");
    assert!(fwd.contains("From: Sam Cole <sam@example.org>"), "{fwd:?}");
    assert!(fwd.contains("Inner body text"), "{fwd:?}");
    assert_eq!(
        part_text(
            &extracted,
            &PartKind::Attachment("fwd.eml/report.docx".into())
        ),
        vec!["Docx inside"]
    );
    assert_eq!(
        part_text(&extracted, &PartKind::Attachment("fwd.eml/note.txt".into())),
        vec!["Café note\n"]
    );
    assert!(extracted.unread_attachments.is_empty());
}

fn with_attachment(body: &str, name: &str, content_type: &str, bytes: &[u8]) -> String {
    format!(
        "{HEADERS}Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
         --m\r\nContent-Type: text/plain\r\n\r\n{body}\r\n\
         --m\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--m--\r\n",
        base64(bytes)
    )
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

#[test]
fn an_image_attachment_is_noted_and_only_an_image_only_email_needs_review() {
    let eml = with_attachment("Scan attached.", "scan.png", "image/png", PNG);
    let extracted = extract("scan.eml", eml.as_bytes()).expect("the body is readable");
    assert_eq!(extracted.unread_attachments, vec!["scan.png".to_owned()]);
    assert!(extracted.notes.iter().any(|note| note.contains("scan.png")));

    let eml = with_attachment("", "scan.png", "image/png", PNG);
    assert!(matches!(
        extract("only-scan.eml", eml.as_bytes()),
        Err(ExtractError::NeedsReview { .. })
    ));
}

#[test]
fn a_pdf_attachment_gives_paged_parts_or_is_listed_unread() {
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let eml = with_attachment("Letter attached.", "letter.pdf", "application/pdf", pdf);
    let extracted = extract("pdf.eml", eml.as_bytes()).expect("the body is readable");
    let kind = PartKind::Attachment("letter.pdf".into());
    let pages: Vec<Option<u32>> = extracted
        .parts
        .iter()
        .filter(|part| part.kind == kind)
        .map(|part| part.page)
        .collect();
    let unread = extracted
        .unread_attachments
        .contains(&"letter.pdf".to_owned());
    // This PDF has no pages with text, so whichever PDF reader is in place must not pass it
    // silently: it is listed unread (and noted) unless it produced paged parts.
    assert!(
        unread || (!pages.is_empty() && pages.iter().all(Option::is_some)),
        "pages {pages:?}, unread {unread}"
    );
    assert_eq!(
        part_text(&extracted, &PartKind::Body),
        vec!["Letter attached."]
    );
}

#[test]
fn garbage_named_eml_is_corrupt_not_a_panic() {
    assert!(matches!(
        extract("x.eml", b"\x00\x01\x02 not an email"),
        Err(ExtractError::Corrupt { .. })
    ));
}

#[test]
fn attachments_nested_past_the_limit_are_listed_unread() {
    let mut eml = "From: a@example.org\r\nSubject: level 0\r\n\r\nInnermost text\r\n".to_owned();
    for level in 1..=4 {
        eml = format!(
            "From: a@example.org\r\nSubject: level {level}\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n\
             --b{level}\r\nContent-Type: text/plain\r\n\r\nLevel {level} text\r\n\
             --b{level}\r\nContent-Type: message/rfc822\r\n\
             Content-Disposition: attachment; filename=\"l{level}.eml\"\r\n\r\n{eml}\r\n--b{level}--\r\n"
        );
    }
    let full = extract("deep.eml", eml.as_bytes()).expect("readable email");
    assert!(full.full_text().contains("Innermost text"));
    assert!(full.unread_attachments.is_empty());

    let limits = Limits {
        max_nesting: 2,
        ..Limits::default()
    };
    let capped = extract_with_limits("deep.eml", eml.as_bytes(), &limits).expect("readable");
    assert!(!capped.full_text().contains("Innermost text"));
    assert_eq!(
        capped.unread_attachments,
        vec!["l4.eml/l3.eml/l2.eml".to_owned()]
    );
}
