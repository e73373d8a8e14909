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

/// A form field widget for [`build_form`]: where it sits, what its appearance shows (None: no
/// appearance), its value and its annotation flags.
struct Widget {
    rect: [i64; 4],
    shows: Option<&'static str>,
    value: &'static str,
    flags: i64,
}

/// A one-page form: the page says "Application form"; each widget is a text field. The first
/// widget's appearance carries its own font resources and a BBox at the origin; the others have an
/// offset BBox and rely on the AcroForm's /DR for their font.
fn build_form(widgets: &[Widget]) -> Vec<u8> {
    let mut doc = Document::load_mem(&build(
        text_line(
            72,
            700,
            vec![Operation::new("Tj", vec![s("Application form")])],
        ),
        None,
    ))
    .unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let helv = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut annots = Vec::new();
    for (i, w) in widgets.iter().enumerate() {
        let [x0, y0, x1, y1] = w.rect;
        let mut widget = dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "F" => w.flags,
            "T" => s(&format!("field{i}")), "V" => utf16_text(w.value),
            "Rect" => vec![x0.into(), y0.into(), x1.into(), y1.into()],
        };
        if let Some(text) = w.shows {
            let (bx, by) = if i == 0 { (0, 0) } else { (10, 10) };
            let body = format!(
                "/Tx BMC q BT /Helv 10 Tf {} {} Td ({text}) Tj ET Q EMC",
                bx + 2,
                by + 5
            );
            let mut dict = dictionary! {
                "BBox" => vec![bx.into(), by.into(), (bx + x1 - x0).into(), (by + y1 - y0).into()],
            };
            if i == 0 {
                dict.set(
                    "Resources",
                    dictionary! { "Font" => dictionary! { "Helv" => helv } },
                );
            }
            let ap = doc.add_object(Stream::new(dict, body.into_bytes()));
            widget.set("AP", dictionary! { "N" => ap });
        }
        annots.push(Object::Reference(doc.add_object(widget)));
    }
    doc.get_dictionary_mut(page)
        .unwrap()
        .set("Annots", annots.clone());
    let form = doc.add_object(dictionary! {
        "Fields" => annots,
        "DR" => dictionary! { "Font" => dictionary! { "Helv" => helv } },
    });
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(root).unwrap().set("AcroForm", form);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A PDF text string as Acrobat writes field values: UTF-16BE after a byte-order mark (an empty
/// value is a bare mark).
fn utf16_text(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// `pdftotext` of a PDF, when `SAR_PDF_TOOLS=1` (None otherwise).
fn pdftotext(pdf_bytes: &[u8]) -> Option<String> {
    if std::env::var("SAR_PDF_TOOLS").as_deref() != Ok("1") {
        println!("SKIPPED: pdftotext check (set SAR_PDF_TOOLS=1 to run it)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.pdf");
    std::fs::write(&path, pdf_bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext failed");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn form_field_appearances_are_flattened_then_redacted() {
    let input = build_form(&[
        Widget {
            rect: [150, 600, 350, 620],
            shows: Some("Maud Fenwick"),
            value: "Maud Fenwick",
            flags: 4,
        },
        Widget {
            rect: [150, 560, 350, 580],
            shows: Some("Ward 7 North"),
            value: "Ward 7 North",
            flags: 4,
        },
        Widget {
            rect: [150, 520, 350, 540],
            shows: Some("Hidden note"),
            value: "Hidden note",
            flags: 2,
        },
    ]);
    // Extraction sees the field values, drawn where the widgets are.
    let before = pdf::extract_text(&input).unwrap();
    assert!(
        before[0].text.contains("Maud Fenwick"),
        "{}",
        before[0].text
    );
    assert!(before[0].text.contains("Ward 7 North"));
    assert!(
        !before[0].text.contains("Hidden"),
        "hidden widgets are not drawn"
    );
    let start = before[0].text.find("Ward").unwrap();
    let w = before[0]
        .chars
        .iter()
        .find(|c| c.start as usize == start)
        .unwrap();
    assert!(
        w.bbox.x0 > 150.0 && w.bbox.x0 < 160.0 && w.bbox.y0 > 558.0 && w.bbox.y1 < 582.0,
        "{:?}",
        w.bbox
    );

    let out = pdf::redact(&input, &plan(&["Fenwick"])).unwrap();
    assert_eq!(out.report.term_occurrences, 1);
    let after = pdf::extract_text(&out.pdf).unwrap();
    assert!(!after[0].text.contains("Fenwick"), "{}", after[0].text);
    assert!(after[0].text.contains("Maud"));
    assert!(after[0].text.contains("Ward 7 North"));
    assert!(after[0].text.contains("Application form"));
    let doc = Document::load_mem(&out.pdf).unwrap();
    for (_, page) in doc.get_pages() {
        assert!(!doc.get_dictionary(page).unwrap().has(b"Annots"));
    }
    assert!(!doc.catalog().unwrap().has(b"AcroForm"));
    let no_annots = doc.objects.values().all(|o| {
        o.as_dict().map_or(true, |d| {
            d.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Widget")
        })
    });
    assert!(no_annots, "a widget annotation survived");
    if let Some(text) = pdftotext(&out.pdf) {
        assert!(!text.contains("Fenwick"), "{text}");
        assert!(
            text.contains("Maud") && text.contains("Ward 7 North"),
            "{text}"
        );
    }
}

#[test]
fn form_value_without_appearance_fails_closed() {
    let input = build_form(&[
        Widget {
            rect: [150, 600, 350, 620],
            shows: Some("Ward 7 North"),
            value: "Ward 7 North",
            flags: 4,
        },
        Widget {
            rect: [150, 560, 350, 580],
            shows: None,
            value: "Maud Fenwick",
            flags: 4,
        },
    ]);
    let err = pdf::redact(&input, &plan(&["Fenwick"])).unwrap_err();
    assert!(err.is_needs_review(), "{err}");
    assert!(err.to_string().contains("form value"), "{err}");
    assert!(
        !err.to_string().contains("Fenwick"),
        "errors never quote document text"
    );
    // An empty field (a bare byte-order mark) without an appearance has nothing to lose: it is dropped as before.
    // So has a zero-area widget, which no viewer shows: its value goes with the AcroForm.
    let empty = build_form(&[
        Widget {
            rect: [150, 560, 350, 580],
            shows: None,
            value: "",
            flags: 4,
        },
        Widget {
            rect: [0, 0, 0, 0],
            shows: None,
            value: "Maud Fenwick",
            flags: 4,
        },
    ]);
    let out = pdf::redact(&empty, &plan(&["Fenwick"])).unwrap();
    assert!(
        pdf::extract_text(&out.pdf).unwrap()[0]
            .text
            .contains("Application form")
    );
}
