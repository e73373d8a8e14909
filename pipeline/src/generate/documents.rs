//! Writes the files records point at: multi-page PDFs (lopdf, Helvetica with WinAnsi encoding,
//! one `Tj` per laid-out line so `pdftotext` reads them back in order), TXT notes, EML emails,
//! and the three deliberately broken files.

use std::collections::BTreeSet;
use std::io::Write;

use jiff::civil::{DateTime, Weekday};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

use super::people::Cast;
use super::rng::Rng;
use super::text::{self, Slots};
use super::timeline::Planned;
use super::words;

/// A4 portrait, in points.
const PAGE_WIDTH: i64 = 595;
const PAGE_HEIGHT: i64 = 842;
const MARGIN: f64 = 56.0;
const BODY_SIZE: f64 = 10.0;
const LEADING: f64 = 13.5;
/// Characters per body line: Helvetica averages about half an em, so 92 fit in the margins.
const LINE_CHARS: usize = 92;
const BODY_TOP: f64 = 752.0;
const BODY_BOTTOM: f64 = 72.0;

/// One rendered file: its bytes and the third-party strings it holds.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub planted: BTreeSet<String>,
    pub pages: Option<usize>,
}

/// Renders a multi-page PDF for a planned record.
pub fn pdf(
    plan: &Planned,
    cast: &Cast,
    pages: usize,
    mut rng: Rng,
) -> Result<Rendered, lopdf::Error> {
    let mut planted = plan.planted.clone();
    let wording = text::wording(plan.kind);
    let heading = text::fill("Child: {c_full}", &plan.slots, &mut planted).unwrap_or_default();
    let author = &cast.people[plan.author];
    let byline = format!(
        "Date: {}    Recorded by: {}, {}",
        uk_date(plan.date),
        author.name(),
        author.job_title.unwrap_or("Worker")
    );

    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let regular = doc.add_object(font("Helvetica"));
    let bold = doc.add_object(font("Helvetica-Bold"));
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let mut kids = Vec::with_capacity(pages);
    for page in 1..=pages {
        let mut lines: Vec<String> = Vec::new();
        if page == 1 {
            for paragraph in plan.text.split("\n\n") {
                push_paragraph(&mut lines, paragraph);
            }
        }
        let capacity = ((BODY_TOP - BODY_BOTTOM) / LEADING) as usize;
        while lines.len() + 4 < capacity {
            if rng.chance(15) {
                lines.push(rng.pick(SECTION_HEADINGS).to_string());
                lines.push(String::new());
            }
            let count = rng.between(2, 4);
            let mut paragraph = Vec::new();
            for _ in 0..count {
                let pool = if rng.chance(50) {
                    wording.body
                } else {
                    text::GENERAL
                };
                // A few tries for a sentence this paragraph does not have yet.
                for _ in 0..4 {
                    let s = text::sentence(&mut rng, pool, &plan.slots, &mut planted);
                    if !paragraph.contains(&s) {
                        paragraph.push(s);
                        break;
                    }
                }
            }
            push_paragraph(&mut lines, &paragraph.join(" "));
        }
        lines.truncate(capacity);

        let content = page_content(
            &plan.title,
            &heading,
            &byline,
            &lines,
            page,
            pages,
            &plan.id,
        );
        let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => pages as i64,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(dictionary! {
        "Title" => Object::string_literal(winansi(&plan.title)),
        "Producer" => Object::string_literal("sar generate"),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)?;
    Ok(Rendered {
        bytes,
        planted,
        pages: Some(pages),
    })
}

const SECTION_HEADINGS: &[&str] = &[
    "Background",
    "What we are worried about",
    "What is working well",
    "The child's views",
    "Views of parents and carers",
    "Analysis",
    "Actions agreed",
];

fn font(base: &str) -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => base,
        "Encoding" => "WinAnsiEncoding",
    }
}

/// Word-wraps a paragraph onto lines, then a blank line after it.
fn push_paragraph(lines: &mut Vec<String>, paragraph: &str) {
    for source_line in paragraph.lines() {
        let mut current = String::new();
        for word in source_line.split_whitespace() {
            if !current.is_empty() && current.len() + 1 + word.len() > LINE_CHARS {
                lines.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        lines.push(current);
    }
    lines.push(String::new());
}

/// The content stream for one page: the authority's header, the title block, the body lines
/// and a footer with the page number.
fn page_content(
    title: &str,
    heading: &str,
    byline: &str,
    lines: &[String],
    page: usize,
    pages: usize,
    record_id: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * (lines.len() + 8));
    let mut text_at = |font: &str, size: f64, x: f64, y: f64, s: &str| {
        let _ = writeln!(
            out,
            "BT /{font} {size} Tf {x} {y} Td ({}) Tj ET",
            pdf_escape(s)
        );
    };
    text_at(
        "F2",
        9.0,
        MARGIN,
        806.0,
        &format!("{} Council Children's Services", words::AUTHORITY),
    );
    text_at("F1", 9.0, 420.0, 806.0, "OFFICIAL-SENSITIVE");
    text_at("F2", 13.0, MARGIN, 784.0, title);
    text_at("F1", 9.0, MARGIN, 770.0, &format!("{heading}    {byline}"));
    let _ = writeln!(
        out,
        "BT /F1 {BODY_SIZE} Tf {LEADING} TL {MARGIN} {BODY_TOP} Td"
    );
    for line in lines {
        let _ = writeln!(out, "({}) Tj T*", pdf_escape(line));
    }
    let _ = writeln!(out, "ET");
    let _ = writeln!(
        out,
        "BT /F1 8 Tf {MARGIN} 40 Td (Record {record_id}    Page {page} of {pages}) Tj ET"
    );
    out
}

/// A PDF literal string body in WinAnsi: escapes delimiters, replaces anything unencodable.
fn pdf_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in winansi(s).chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The generator only writes ASCII; anything else becomes `?` so the bytes are valid WinAnsi.
fn winansi(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// A plain-text note as a case system saves it.
pub fn txt(plan: &Planned, cast: &Cast) -> Rendered {
    let author = &cast.people[plan.author];
    let body = format!(
        "{}\r\nDate: {}\r\nRecorded by: {}\r\n\r\n{}\r\n",
        plan.title.to_uppercase(),
        uk_date(plan.date),
        author.name(),
        plan.text.replace('\n', "\r\n")
    );
    Rendered {
        bytes: body.into_bytes(),
        planted: plan.planted.clone(),
        pages: None,
    }
}

/// An email between two workers (RFC 5322, plain text, CRLF lines).
pub fn eml(plan: &Planned, cast: &Cast, slots: &Slots, rng: &mut Rng) -> Rendered {
    let mut planted = plan.planted.clone();
    let from = &cast.people[plan.author];
    let workers: Vec<usize> = (0..cast.people.len())
        .filter(|&i| cast.people[i].is_worker() && i != plan.author)
        .collect();
    let to = &cast.people[if workers.is_empty() {
        plan.author
    } else {
        *rng.pick(&workers)
    }];
    let subject = text::fill(&format!("{} - {{c}}", plan.title), slots, &mut planted)
        .unwrap_or_else(|| plan.title.clone());
    let d = plan.date;
    let headers = format!(
        "From: {} <{}>\r\nTo: {} <{}>\r\nSubject: {subject}\r\nDate: {}, {} {} {} {:02}:{:02}:00 +0000\r\nMessage-ID: <{}.{}@ashbridge-council.example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n",
        from.name(),
        from.email.as_deref().unwrap_or("unknown@example.org"),
        to.name(),
        to.email.as_deref().unwrap_or("unknown@example.org"),
        weekday(d.date().weekday()),
        d.day(),
        MONTHS[(d.month() - 1) as usize],
        d.year(),
        d.hour(),
        d.minute(),
        plan.id.to_lowercase(),
        rng.next_u64() % 1_000_000_000,
    );
    let body = winansi_lines(&plan.text).replace('\n', "\r\n");
    Rendered {
        bytes: format!("{headers}{body}\r\n").into_bytes(),
        planted,
        pages: None,
    }
}

fn winansi_lines(s: &str) -> String {
    s.lines().map(winansi).collect::<Vec<_>>().join("\n")
}

/// Starts like a PDF, then is noise: no objects, no cross-reference table, no trailer.
pub fn corrupt_pdf(rng: &mut Rng) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend(
        (0..4096)
            .map(|_| (rng.next_u64() & 0xff) as u8)
            .filter(|b| !b"0123456789 \n\r".contains(b)),
    );
    bytes
}

/// A WordPerfect document: a real format the pipeline does not read.
pub fn unsupported_file(plan: &Planned) -> Vec<u8> {
    let mut bytes = b"\xffWPC\x10\x00\x00\x00\x01\x0a\x02\x01\x00\x00\x00\x00".to_vec();
    bytes.extend(winansi(&plan.text).bytes().map(|b| b ^ 0x5a));
    bytes
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Mon",
        Weekday::Tuesday => "Tue",
        Weekday::Wednesday => "Wed",
        Weekday::Thursday => "Thu",
        Weekday::Friday => "Fri",
        Weekday::Saturday => "Sat",
        Weekday::Sunday => "Sun",
    }
}

fn uk_date(d: DateTime) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}
