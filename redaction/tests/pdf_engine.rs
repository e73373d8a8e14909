//! Engine tests on PDFs built here: extraction (spaces, lines, kerning, forms), true redaction
//! (glyphs gone, neighbours kept in place), whole-word rules, fail-closed outcomes and the leak gate.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};
use sar_redaction::pdf::{self, PdfError, RedactionPlan, Region, TermRedaction};

fn s(text: &str) -> Object {
    Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
}

/// A one-page PDF with Helvetica (no /Widths: standard 14 metrics) drawing `ops`, plus an optional
/// Form XObject `/Fm1` drawing `form_ops`.
fn build(ops: Vec<Operation>, form_ops: Option<Vec<Operation>>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut xobjects = Dictionary::new();
    if let Some(fops) = form_ops {
        let form = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            },
            Content { operations: fops }.encode().unwrap(),
        );
        xobjects.set("Fm1", doc.add_object(form));
    }
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
        "XObject" => xobjects,
    });
    let content = doc.add_object(Stream::new(
        Dictionary::new(),
        Content { operations: ops }.encode().unwrap(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content, "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let info = doc_info(&mut doc);
    doc.trailer.set("Info", info);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn doc_info(doc: &mut Document) -> Object {
    Object::Reference(doc.add_object(dictionary! { "Author" => s("Someone") }))
}

fn text_line(x: i64, y: i64, body: Vec<Operation>) -> Vec<Operation> {
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("Td", vec![x.into(), y.into()]),
    ];
    ops.extend(body);
    ops.push(Operation::new("ET", vec![]));
    ops
}

fn plan(terms: &[&str]) -> RedactionPlan {
    RedactionPlan {
        terms: terms
            .iter()
            .map(|t| TermRedaction {
                text: t.to_string(),
                code: "TP".into(),
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn extracts_words_lines_and_kerning() {
    let mut ops = text_line(
        72,
        700,
        vec![Operation::new("Tj", vec![s("Karen met Mr Hunter")])],
    );
    ops.extend(text_line(
        72,
        680,
        vec![Operation::new(
            "TJ",
            vec![Object::Array(vec![
                s("Ka"),
                Object::Integer(30),
                s("ren"),
                Object::Integer(-900),
                s("again"),
            ])],
        )],
    ));
    let pages = pdf::extract_text(&build(ops, None)).unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].text, "Karen met Mr Hunter\nKaren again");
    // Every drawn character has a box on the right line.
    let k = &pages[0].chars[0];
    assert!(k.bbox.x0 >= 71.0 && k.bbox.x0 <= 73.0 && k.bbox.y0 < 700.0 && k.bbox.y1 > 700.0);
}

#[test]
fn redaction_removes_term_and_keeps_neighbours_in_place() {
    let mut ops = text_line(
        72,
        700,
        vec![Operation::new(
            "Tj",
            vec![s("Karen met Mr Hunter and Hunt")],
        )],
    );
    ops.extend(text_line(
        72,
        680,
        vec![Operation::new(
            "TJ",
            vec![Object::Array(vec![
                s("Ka"),
                Object::Integer(30),
                s("ren's coat"),
            ])],
        )],
    ));
    let input = build(ops, None);
    let before = pdf::extract_text(&input).unwrap();
    let out = pdf::redact(&input, &plan(&["karen", "Hunt"])).unwrap();
    assert_eq!(out.report.term_occurrences, 3);
    let after = pdf::extract_text(&out.pdf).unwrap();
    let text = &after[0].text;
    assert!(!text.to_lowercase().contains("karen"), "{text}");
    assert!(text.contains("Hunter"), "{text}");
    assert!(
        !text.contains("Hunt\n") && !text.ends_with("Hunt"),
        "{text}"
    );
    // "met" keeps its exact position.
    let pos = |pages: &[pdf::PageText], word: &str| {
        let i = pages[0].text.find(word).unwrap();
        pages[0]
            .chars
            .iter()
            .find(|c| c.start as usize == i)
            .unwrap()
            .bbox
    };
    let (b, a) = (pos(&before, "met"), pos(&after, "met"));
    assert!((b.x0 - a.x0).abs() < 0.01 && (b.y0 - a.y0).abs() < 0.01);
    let (b, a) = (pos(&before, "'s coat"), pos(&after, "'s coat"));
    assert!((b.x0 - a.x0).abs() < 0.01);
    // Boxes and labels were drawn; metadata is gone.
    assert_eq!(out.report.boxes.len(), 3);
    let doc = Document::load_mem(&out.pdf).unwrap();
    assert!(doc.trailer.get(b"Info").is_err());
    pdf::verify(&out.pdf, &["Karen".to_string()]).unwrap();
}

#[test]
fn form_xobject_text_is_redacted() {
    let form = text_line(
        72,
        500,
        vec![Operation::new(
            "Tj",
            vec![s("Signed by Brendan Eich today")],
        )],
    );
    let ops = vec![Operation::new("Do", vec!["Fm1".into()])];
    let out = pdf::redact(&build(ops, Some(form)), &plan(&["Brendan Eich"])).unwrap();
    let after = pdf::extract_text(&out.pdf).unwrap();
    assert!(after[0].text.contains("Signed by"));
    assert!(!after[0].text.contains("Brendan"));
    assert!(after[0].text.contains("today"));
}

#[test]
fn verify_reports_a_leak() {
    let input = build(
        text_line(
            72,
            700,
            vec![Operation::new("Tj", vec![s("Karen was here")])],
        ),
        None,
    );
    let err = pdf::verify(&input, &["karen".to_string()]).unwrap_err();
    assert!(matches!(err, PdfError::Leak { .. }));
}

#[test]
fn region_redaction_removes_text_inside_only() {
    let mut ops = text_line(72, 700, vec![Operation::new("Tj", vec![s("top secret")])]);
    ops.extend(text_line(
        72,
        400,
        vec![Operation::new("Tj", vec![s("keep this")])],
    ));
    let plan = RedactionPlan {
        regions: vec![Region {
            page: 1,
            rect: pdf::Rect::new(60.0, 690.0, 300.0, 715.0),
            code: "TP".into(),
        }],
        ..Default::default()
    };
    let out = pdf::redact(&build(ops, None), &plan).unwrap();
    let after = pdf::extract_text(&out.pdf).unwrap();
    assert!(!after[0].text.contains("secret"), "{}", after[0].text);
    assert!(after[0].text.contains("keep this"));
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bytes in [&b""[..], b"%PDF-1.4\n garbage", b"not a pdf at all"] {
        assert!(pdf::extract_text(bytes).is_err());
        assert!(
            pdf::redact(bytes, &plan(&["x"]))
                .unwrap_err()
                .is_needs_review()
        );
    }
}

#[test]
fn broken_content_fails_closed() {
    // An unterminated array: lenient parsers silently drop the rest of the stream.
    let mut doc = Document::load_mem(&build(
        text_line(72, 700, vec![Operation::new("Tj", vec![s("fine")])]),
        None,
    ))
    .unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    doc.change_page_content(page, b"BT /F1 12 Tf 72 700 Td (Karen) Tj ET [ (x".to_vec())
        .unwrap();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let err = pdf::redact(&bytes, &plan(&["Karen"])).unwrap_err();
    assert!(err.is_needs_review(), "{err}");
}
