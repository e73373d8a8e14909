//! DOCX extraction on small documents written in the test: body, tables, headers, footers,
//! footnotes, comments, tracked changes, and the zip-bomb caps.

use std::io::{Cursor, Write};

use sar_redaction::extract::{ExtractError, Extracted, Limits, extract, extract_with_limits};
use zip::write::SimpleFileOptions;

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .expect("start zip entry");
        writer.write_all(content.as_bytes()).expect("write entry");
    }
    writer.finish().expect("finish zip").into_inner()
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{body}</w:body></w:document>"#
    )
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn docx(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let main = document(body);
    let mut entries = vec![
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", main.as_str()),
    ];
    entries.extend_from_slice(extra);
    zip_of(&entries)
}

fn body_text(extracted: &Extracted) -> &str {
    assert_eq!(extracted.parts.len(), 1, "a DOCX gives one Body part");
    &extracted.parts[0].text
}

#[test]
fn paragraphs_tabs_breaks_and_tables_keep_words_apart() {
    let body = format!(
        "{}{}<w:p><w:r><w:t>Name:</w:t><w:tab/><w:t>Amy</w:t><w:br/><w:t>Line two</w:t></w:r></w:p>\
         <w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>{}",
        para("Karen"),
        para("Reid &amp; Co &#233;"),
        para("Name"),
        para("Address"),
        para("Flat 2"),
        para("Lee"),
        para("3 Elm Road"),
        para("After")
    );
    let extracted = extract("note.docx", &docx(&body, &[])).expect("readable DOCX");
    assert_eq!(
        body_text(&extracted),
        "Karen\nReid & Co é\nName:\tAmy\nLine two\nName\tAddress\nFlat 2\nLee\t3 Elm Road\nAfter"
    );
}

#[test]
fn headers_footers_footnotes_comments_and_tracked_changes_are_all_read() {
    let body = format!(
        "<w:p><w:r><w:t>Visit by </w:t></w:r><w:del w:author=\"x\"><w:r><w:delText>Karen</w:delText></w:r></w:del>\
         <w:ins w:author=\"x\"><w:r><w:t>Kate</w:t></w:r></w:ins><w:r><w:t> today.</w:t></w:r></w:p>\
         <w:p><w:r><w:fldChar/><w:instrText>HYPERLINK \"x\"</w:instrText><w:t>link</w:t></w:r></w:p>{}",
        para("Body end")
    );
    let header = format!("<w:hdr {W_NS}>{}</w:hdr>", para("Header Denise"));
    let footer = format!("<w:ftr {W_NS}>{}</w:ftr>", para("Footer Marlon"));
    let footnotes = format!(
        "<w:footnotes {W_NS}><w:footnote w:type=\"separator\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
         <w:footnote>{}</w:footnote></w:footnotes>",
        para("Footnote Yusuf")
    );
    let comments = format!(
        "<w:comments {W_NS}><w:comment w:id=\"0\" w:author=\"Reviewer One\">{}</w:comment></w:comments>",
        para("Check with Bernice")
    );
    let bytes = docx(
        &body,
        &[
            ("word/header1.xml", &header),
            ("word/footer1.xml", &footer),
            ("word/footnotes.xml", &footnotes),
            ("word/comments.xml", &comments),
        ],
    );
    let extracted = extract("minutes.docx", &bytes).expect("readable DOCX");
    let text = body_text(&extracted);
    assert!(
        text.starts_with("Visit by Karen Kate today.\nlink\nBody end"),
        "{text:?}"
    );
    assert!(!text.contains("HYPERLINK"), "field codes are not text");
    for expected in [
        "Header Denise",
        "Footer Marlon",
        "Footnote Yusuf",
        "Comment (Reviewer One): Check with Bernice",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text:?}");
    }
    let notes = extracted.notes.join(" | ");
    assert!(notes.contains("tracked deletions"), "{notes}");
    assert!(notes.contains("comments"), "{notes}");
}

#[test]
fn a_docx_named_txt_is_read_as_docx_and_other_office_zips_are_unsupported() {
    let bytes = docx(&para("Hidden in a txt"), &[]);
    let extracted = extract("really-a-docx.txt", &bytes).expect("sniffed as DOCX");
    assert_eq!(body_text(&extracted), "Hidden in a txt");

    let xlsx = zip_of(&[("xl/workbook.xml", "<workbook/>")]);
    assert!(matches!(
        extract("schedule.xlsx", &xlsx),
        Err(ExtractError::Unsupported { .. })
    ));
}

#[test]
fn truncated_or_malformed_docx_is_corrupt() {
    let bytes = docx(&para("Some text"), &[]);
    let truncated = &bytes[..bytes.len() / 2];
    assert!(matches!(
        extract("cut.docx", truncated),
        Err(ExtractError::Corrupt { .. })
    ));

    let broken = zip_of(&[("word/document.xml", "<w:document><w:body><w:p></w:body>")]);
    assert!(matches!(
        extract("broken.docx", &broken),
        Err(ExtractError::Corrupt { .. })
    ));
}

fn corrupt_reason(result: Result<Extracted, ExtractError>) -> String {
    match result {
        Err(ExtractError::Corrupt { reason, .. }) => reason,
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn too_many_zip_entries_is_a_zip_bomb() {
    let names: Vec<String> = (0..20).map(|i| format!("word/media/{i}.bin")).collect();
    let main = document(&para("x"));
    let mut entries: Vec<(&str, &str)> = vec![("word/document.xml", &main)];
    entries.extend(names.iter().map(|name| (name.as_str(), "x")));
    let limits = Limits {
        max_zip_entries: 10,
        ..Limits::default()
    };
    let reason = corrupt_reason(extract_with_limits("many.docx", &zip_of(&entries), &limits));
    assert!(reason.contains("zip bomb"), "{reason}");
}

#[test]
fn a_part_inflating_past_the_cap_is_a_zip_bomb_whatever_the_zip_declares() {
    // 80 MiB of one repeated paragraph deflates to well under 1 MiB.
    let huge = document(&para("a").repeat(80 * 1024 * 1024 / 40));
    let bytes = zip_of(&[("word/document.xml", &huge)]);
    assert!(
        bytes.len() < 2 * 1024 * 1024,
        "the test file itself stays small"
    );
    let reason = corrupt_reason(extract("bomb.docx", &bytes));
    assert!(reason.contains("zip bomb"), "{reason}");

    // The total cap applies across parts, each under the per-part cap.
    let part = document(&para("b").repeat(1000));
    let bytes = docx(
        &para("c"),
        &[("word/header1.xml", &part), ("word/footer1.xml", &part)],
    );
    let limits = Limits {
        max_total_bytes: part.len() as u64 + 1000,
        ..Limits::default()
    };
    let reason = corrupt_reason(extract_with_limits("bomb2.docx", &bytes, &limits));
    assert!(reason.contains("zip bomb"), "{reason}");
}
