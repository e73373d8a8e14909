//! Bad input never panics: random bytes under every extension, random bytes behind each format's
//! magic, and damaged copies of valid DOCX and EML files all come back as `Ok` or a typed error.

use std::io::{Cursor, Write};

use proptest::prelude::*;
use sar_redaction::extract::extract;
use zip::write::SimpleFileOptions;

const EXTENSIONS: &[&str] = &[
    "txt", "docx", "eml", "pdf", "png", "jpg", "tiff", "gif", "xlsx", "html", "bin", "",
];

const MAGICS: &[&[u8]] = &[
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"II*\0",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n",
    b"<html><body><p>",
];

fn valid_docx() -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let entries = [
        (
            "word/document.xml",
            "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Amy &amp; Ben</w:t><w:tab/></w:r></w:p><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>",
        ),
        (
            "word/comments.xml",
            "<w:comments xmlns:w=\"w\"><w:comment w:author=\"A\"><w:p><w:r><w:delText>x</w:delText></w:r></w:p></w:comment></w:comments>",
        ),
    ];
    for (name, content) in entries {
        writer
            .start_file(name, SimpleFileOptions::default())
            .expect("zip entry");
        writer.write_all(content.as_bytes()).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

const VALID_EML: &[u8] = b"From: A <a@b.c>\r\nTo: d@e.f\r\nSubject: s\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/html\r\n\r\n<p>Hi &amp; bye</p>\r\n\
--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.z\r\nSubject: in\r\n\r\nbody\r\n\
--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n--m--\r\n";

/// Overwrites, truncates or extends a valid file at random points.
fn damage(mut bytes: Vec<u8>, edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    for &(at, value) in edits {
        if !bytes.is_empty() {
            let at = at % bytes.len();
            bytes[at] = value;
        }
    }
    let keep = bytes.len() - cut % (bytes.len() + 1);
    bytes.truncate(keep);
    bytes
}

proptest! {
    // Each case is cheap; many cases reach deeper into the zip, MIME and XML readers.
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_under_any_extension(
        ext in proptest::sample::select(EXTENSIONS),
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let _ = extract(&format!("file.{ext}"), &bytes);
    }

    #[test]
    fn random_bytes_behind_a_format_magic(
        ext in proptest::sample::select(EXTENSIONS),
        magic in proptest::sample::select(MAGICS),
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend(tail);
        let _ = extract(&format!("file.{ext}"), &bytes);
    }

    #[test]
    fn damaged_docx_and_eml(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let _ = extract("damaged.docx", &damage(valid_docx(), &edits, cut));
        let _ = extract("damaged.eml", &damage(VALID_EML.to_vec(), &edits, cut));
    }
}
