//! Boxes are where the text was: a page is rendered (pdftoppm) before and after redaction; pixels
//! inside every redaction box must be dark, pixels away from all boxes unchanged. Needs poppler's
//! `pdftoppm`; runs with `SAR_PDF_TOOLS=1`.

use std::process::Command;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};
use sar_redaction::pdf::{self, RedactionPlan, TermRedaction};

const W: i64 = 600;
const H: i64 = 800;

fn line(x: i64, y: i64, size: i64, text: &str) -> Vec<Operation> {
    vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), size.into()]),
        Operation::new("Td", vec![x.into(), y.into()]),
        Operation::new(
            "TJ",
            vec![Object::Array(
                text.split('|')
                    .flat_map(|part| {
                        [
                            Object::String(part.as_bytes().to_vec(), StringFormat::Literal),
                            Object::Integer(-40),
                        ]
                    })
                    .collect(),
            )],
        ),
        Operation::new("ET", vec![]),
    ]
}

fn build() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman", "Encoding" => "WinAnsiEncoding",
    });
    let mut ops = Vec::new();
    ops.extend(line(
        50,
        700,
        14,
        "Visit by Karen Oduya to the |family home",
    ));
    ops.extend(line(
        50,
        650,
        11,
        "Present: the worker, Ka|ren Oduya, and the child",
    ));
    ops.extend(line(300, 400, 20, "Oduya"));
    ops.extend(line(50, 200, 12, "Nothing to redact on this line at all"));
    let content = doc.add_object(Stream::new(
        Dictionary::new(),
        Content { operations: ops }.encode().unwrap(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "MediaBox" => vec![0.into(), 0.into(), W.into(), H.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Renders page 1 at 72 dpi as 8-bit gray: one pixel per point.
fn render(pdf: &[u8], dir: &std::path::Path, name: &str) -> Vec<u8> {
    let input = dir.join(format!("{name}.pdf"));
    std::fs::write(&input, pdf).unwrap();
    let prefix = dir.join(name);
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "72", "-singlefile"])
        .arg(&input)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let pgm = std::fs::read(prefix.with_extension("pgm")).unwrap();
    // P5 header: magic, width, height, maxval, then one byte per pixel.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = pgm[i + 1..].to_vec();
    assert_eq!(pixels.len() as i64, W * H);
    pixels
}

#[test]
fn boxes_cover_the_text_and_nothing_else_changes() {
    if std::env::var("SAR_PDF_TOOLS").as_deref() != Ok("1") {
        println!("SKIPPED: pixel test needs pdftoppm (set SAR_PDF_TOOLS=1)");
        return;
    }
    let input = build();
    let plan = RedactionPlan {
        terms: vec![
            TermRedaction {
                text: "Karen Oduya".into(),
                code: "TP".into(),
            },
            TermRedaction {
                text: "Oduya".into(),
                code: "TP".into(),
            },
        ],
        ..Default::default()
    };
    let out = pdf::redact(&input, &plan).unwrap();
    assert_eq!(out.report.term_occurrences, 3 + 2, "{:?}", out.report.boxes);
    let dir = tempfile::tempdir().unwrap();
    let before = render(&input, dir.path(), "before");
    let after = render(&out.pdf, dir.path(), "after");
    let px = |img: &[u8], x: i64, y: i64| img[(y * W + x) as usize];

    // Every box: its inside is dark (labels are small and white, so allow some light pixels),
    // and it covers pixels that had ink before (the text was under it).
    for b in &out.report.boxes {
        let (x0, x1) = (b.rect.x0.ceil() as i64 + 1, b.rect.x1.floor() as i64 - 1);
        let (y0, y1) = (
            H - b.rect.y1.floor() as i64 + 1,
            H - b.rect.y0.ceil() as i64 - 1,
        );
        let (mut dark, mut total, mut inked_before) = (0, 0, 0);
        for y in y0..y1 {
            for x in x0..x1 {
                total += 1;
                if px(&after, x, y) < 64 {
                    dark += 1;
                }
                if px(&before, x, y) < 128 {
                    inked_before += 1;
                }
            }
        }
        assert!(total > 0, "box {:?} is empty", b.rect);
        assert!(
            dark * 100 >= total * 80,
            "box {:?}: only {dark} of {total} pixels dark",
            b.rect
        );
        assert!(inked_before > 0, "box {:?} covers no text", b.rect);
    }
    // Far from every box, nothing changed.
    let near = |x: i64, y: i64| {
        out.report.boxes.iter().any(|b| {
            let (px, py) = (x as f64, (H - y) as f64);
            px >= b.rect.x0 - 3.0
                && px <= b.rect.x1 + 3.0
                && py >= b.rect.y0 - 3.0
                && py <= b.rect.y1 + 3.0
        })
    };
    let mut changed = 0;
    for y in 0..H {
        for x in 0..W {
            if !near(x, y) && px(&before, x, y) != px(&after, x, y) {
                changed += 1;
            }
        }
    }
    assert_eq!(changed, 0, "{changed} pixels changed away from the boxes");
}
