//! The bundle's pages in order: cover letter, the key to reason codes, (for care leavers) the
//! chronology, the index, the records in date order, the glossary, the schedule of what was
//! withheld or not processed, the gaps statement and (for care leavers) where to find support.
//!
//! The index and chronology come before the records but need their page numbers, so their rows
//! are one line each: their page count follows from the number of rows, the records are laid out
//! after them, and the rows are filled in last.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::chronology::{self, Event};
use super::config::{BundleConfig, fill};
use super::layout::{
    Area, BOTTOM, Flow, Inline, LaidPage, MARGIN_X, Op, Style, TEXT_W, TOP, clipped_line,
};
use super::material::{Content, Item, Part, ScheduleOutcome, Scheduled};

use super::render::{Bookmark, group_thousands};
use crate::deadline::Deadline;
use crate::gather::SearchLog;
use crate::request::Request;

/// Everything the words of the bundle depend on.
pub struct Context<'a> {
    pub reference: &'a str,
    pub config: &'a BundleConfig,
    pub request: &'a Request,
    pub deadline: &'a Deadline,
    pub care_leaver: bool,
    pub subject_name: &'a str,
    /// "Dear ..." line: the subject's name when they asked themselves, else a neutral greeting
    /// (a parent's or solicitor's name would be a third party's name in the subject's bundle).
    pub salutation: String,
    pub letter_date: Date,
    pub search_log: Option<&'a SearchLog>,
}

/// Where a record landed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub record_id: String,
    /// 0-based page indices in the whole bundle.
    pub first_page: usize,
    pub last_page: usize,
}

/// The laid-out bundle.
pub struct Composition {
    pub pages: Vec<LaidPage>,
    /// Bookmarks with 0-based page indices in the whole bundle.
    pub bookmarks: Vec<Bookmark>,
    pub placements: Vec<Placement>,
    /// Glossary terms printed.
    pub glossary_terms: usize,
    pub chronology_events: usize,
}

const BODY: f32 = 10.0;
const ROW: f32 = 15.0;

pub fn long_date(d: Date) -> String {
    d.strftime("%A %-d %B %Y").to_string()
}

/// `2019-03-12` or `2019-03-12T10:00` → "12 Mar 2019" (the text as given when it is no date).
pub fn short_date(s: &str) -> String {
    s.get(..10)
        .and_then(|d| d.parse::<Date>().ok())
        .map(|d| d.strftime("%-d %b %Y").to_string())
        .unwrap_or_else(|| s.to_string())
}

fn record_date(s: &str) -> String {
    s.get(..10)
        .and_then(|d| d.parse::<Date>().ok())
        .map(|d| d.strftime("%-d %B %Y").to_string())
        .unwrap_or_else(|| s.to_string())
}

/// `case_note` → "Case note".
pub fn kind_label(kind: &str) -> String {
    let spaced = kind.replace(['_', '-'], " ");
    let mut c = spaced.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn plain(t: impl Into<String>) -> Vec<Inline> {
    vec![Inline::Text(t.into())]
}

fn cover_letter(flow: &mut Flow, cx: &Context<'_>) {
    let a = &cx.config.authority;
    flow.paragraph(&plain(a.name.clone()), 12.0, Style::Bold, 0.0);
    for line in &a.address {
        flow.paragraph(&plain(line.clone()), 9.0, Style::Quiet, 0.0);
    }
    flow.paragraph(
        &plain(format!("{} · {}", a.email, a.phone)),
        9.0,
        Style::Quiet,
        0.0,
    );
    flow.gap(16.0);
    flow.paragraph(
        &plain(format!("Our reference: {}", cx.reference)),
        BODY,
        Style::Regular,
        0.0,
    );
    flow.paragraph(
        &plain(format!("Date: {}", long_date(cx.letter_date))),
        BODY,
        Style::Regular,
        0.0,
    );
    flow.gap(14.0);
    flow.text(&format!("Dear {},", cx.salutation), BODY);
    let values = [
        ("reference", cx.reference.to_string()),
        ("subject_name", cx.subject_name.to_string()),
        ("received", long_date(cx.request.received_on)),
        ("due", long_date(cx.deadline.due)),
    ];
    for p in &cx.config.letter.opening {
        flow.text(&fill(p, &values), BODY);
    }

    flow.heading("Your request", 11.0);
    let mut facts = vec![format!("Received: {}", long_date(cx.request.received_on))];
    if let Some(id) = cx.request.id_received_on {
        facts.push(format!("Proof of identity received: {}", long_date(id)));
    }
    if cx.deadline.paused_days > 0 {
        facts.push(format!(
            "The clock was stopped for {} day(s) while we waited for clarification.",
            cx.deadline.paused_days
        ));
    }
    if cx.request.extended {
        facts.push(format!(
            "We extended the time limit by two months, as we told you{}.",
            cx.request
                .extension_notified_on
                .map(|d| format!(" on {}", long_date(d)))
                .unwrap_or_default()
        ));
    }
    facts.push(format!(
        "Response due by: {} ({})",
        long_date(cx.deadline.due),
        cx.deadline.due
    ));
    for f in facts {
        flow.paragraph(&plain(format!("•  {f}")), BODY, Style::Regular, 8.0);
    }

    flow.heading("What we searched", 11.0);
    if let Some(log) = cx.search_log {
        flow.text(
            &format!(
                "We searched {} records in our case recording system: the records on your own file, records that are linked to you, and records on family members' files that mention you by any of your names ({} forms of your name, in record titles, file names and text). We found {} records for you.",
                group_thousands(log.records_examined),
                log.names_searched.len(),
                group_thousands(log.gathered),
            ),
            BODY,
        );
        let criteria: Vec<String> = log
            .found_by_criterion
            .iter()
            .map(|(k, n)| format!("{}: {}", criterion_label(k), group_thousands(*n)))
            .collect();
        for c in criteria {
            flow.paragraph(&plain(format!("•  {c}")), BODY, Style::Regular, 8.0);
        }
        if log.exact_copies + log.near_copies > 0 {
            flow.text(
                &format!(
                    "{} of these were copies of records already in the bundle (the same letter filed twice, for example); each appears once and the copies are listed in the schedule at the end.",
                    group_thousands(log.exact_copies + log.near_copies)
                ),
                BODY,
            );
        }
    } else {
        flow.text("We searched every record in our case recording system that is on your file, linked to you or mentions you by name.", BODY);
    }

    flow.heading("About the boxes in your records", 11.0);
    for p in &cx.config.letter.about_redactions {
        flow.text(&fill(p, &values), BODY);
    }

    flow.heading("Your information and your rights", 11.0);
    for s in &cx.config.letter.supplementary {
        flow.paragraph(&plain(s.heading.clone()), BODY, Style::Bold, 0.0);
        flow.text(&s.text, BODY);
    }
    flow.text(&format!("Data Protection Officer: {}.", a.dpo), BODY);
    flow.gap(6.0);
    for p in &cx.config.letter.closing {
        flow.text(&fill(p, &values), BODY);
    }
}

fn criterion_label(key: &str) -> String {
    match key {
        "own_file" => "records on your own file".into(),
        "linked" => "records linked to you".into(),
        "mentioned_by_name" | "mentioned" => {
            "records on other files that mention you by name".into()
        }
        other => kind_label(other),
    }
}

fn key_page(flow: &mut Flow, cx: &Context<'_>, codes: &BTreeMap<String, usize>) {
    flow.page_break();
    flow.heading("How to read this bundle", 14.0);
    flow.text("The records are in date order, oldest first. Each starts with a grey band giving its date, what kind of record it is, who wrote it (their role) and its title. The index lists every record with its page; in a PDF reader, the bookmarks jump to each one. Every page is numbered at the bottom.", BODY);
    flow.text("Words that have been removed are covered by a box with a short code in it. The code says why. This is what each code means:", BODY);
    flow.heading("What the codes mean", 12.0);
    if codes.is_empty() {
        flow.text("Nothing has been removed from these records.", BODY);
    }
    for (code, n) in codes {
        flow.ensure(40.0);
        let (_, y) = flow.position();
        flow.push(Op::Redaction {
            area: Area {
                x: MARGIN_X,
                y: y + 4.0,
                w: 30.0,
                h: 13.0,
            },
            size: BODY,
            code: code.clone(),
            hidden: String::new(),
            label: true,
        });
        flow.paragraph(
            &plain(format!(
                "{code}  ({} time{})",
                group_thousands(*n),
                if *n == 1 { "" } else { "s" }
            )),
            BODY,
            Style::Bold,
            40.0,
        );
        flow.paragraph(&plain(cx.config.explain(code)), BODY, Style::Regular, 40.0);
        flow.gap(6.0);
    }
}

/// Rows of a one-line-per-row table: how many fit on the first page (under a heading) and after.
fn table_pages(rows: usize) -> usize {
    let (first, next) = rows_per_page();
    if rows <= first {
        1
    } else {
        1 + (rows - first).div_ceil(next)
    }
}

fn rows_per_page() -> (usize, usize) {
    let first = ((BOTTOM - TOP - 110.0) / ROW) as usize;
    let next = ((BOTTOM - TOP - 30.0) / ROW) as usize;
    (first, next)
}

/// A table of one-line rows with column headers, over as many pages as it needs.
fn table(
    title: &str,
    intro: &str,
    columns: &[(&str, f32)],
    rows: Vec<Vec<Vec<Inline>>>,
) -> Vec<LaidPage> {
    let (first, next) = rows_per_page();
    let mut pages = Vec::new();
    let mut rows = rows.into_iter().peekable();
    let mut page_no = 0;
    loop {
        let mut flow = Flow::new();
        flow.new_page();
        if page_no == 0 {
            flow.heading(title, 14.0);
            flow.text(intro, BODY);
        } else {
            flow.paragraph(
                &plain(format!("{title} (continued)")),
                9.0,
                Style::Quiet,
                0.0,
            );
        }
        let (_, mut y) = flow.position();
        y += 16.0;
        let mut x = MARGIN_X;
        for (name, w) in columns {
            flow.push(Op::Text {
                x,
                y,
                size: 8.5,
                style: Style::Bold,
                text: name.to_string(),
            });
            x += w;
        }
        flow.push(Op::Rule {
            x: MARGIN_X,
            y: y + 4.0,
            w: TEXT_W,
        });
        let capacity = if page_no == 0 { first } else { next };
        for _ in 0..capacity {
            let Some(row) = rows.next() else { break };
            y += ROW;
            let mut x = MARGIN_X;
            for ((_, w), cell) in columns.iter().zip(row) {
                for op in clipped_line(&cell, x, y, w - 6.0, 8.5, Style::Regular) {
                    flow.push(op);
                }
                x += w;
            }
        }
        pages.extend(flow.pages);
        page_no += 1;
        if rows.peek().is_none() {
            break;
        }
    }
    pages
}

fn header_lines(item: &Item) -> (Vec<Inline>, Vec<Inline>) {
    let r = &item.record;
    let line1 = plain(format!(
        "{}  ·  {}",
        record_date(&r.record_date),
        kind_label(&r.kind)
    ));
    let mut line2 = format!("Record {}", r.id);
    if let Some(role) = &item.author_role {
        line2.push_str(&format!("  ·  Written by: {role}"));
    }
    if !item.on_subjects_file {
        line2.push_str("  ·  Held on a family member's file");
    }
    (line1, plain(line2))
}

fn part_heading(p: &Part) -> Option<String> {
    match p.part.as_str() {
        "text" | "body" => p.page.map(|n| format!("Page {n}")),
        "headers" => Some("Email details".into()),
        other => other.strip_prefix("attachment:").map(|name| match p.page {
            Some(n) => format!("Attached file {name}, page {n}"),
            None => format!("Attached file {name}"),
        }),
    }
}

/// The record's title with redactions as codes (bookmarks, index).
fn title_text(item: &Item) -> String {
    item.title
        .as_ref()
        .map(|t| t.with_codes())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| kind_label(&item.record.kind))
}

fn lay_out_record(flow: &mut Flow, item: &Item, doc: Option<(usize, usize)>) {
    let (line1, line2) = header_lines(item);
    let continuation = format!(
        "{} · {} (continued)",
        record_date(&item.record.record_date),
        kind_label(&item.record.kind)
    );
    let title_inlines = item
        .title
        .as_ref()
        .map(|t| t.inlines())
        .filter(|i| !i.is_empty());
    if let (Content::Pdf { .. }, Some((doc, pages))) = (&item.content, doc) {
        for page in 0..pages {
            let mut header = plain(format!(
                "{}  ·  {}",
                short_date(&item.record.record_date),
                kind_label(&item.record.kind)
            ));
            header.push(Inline::Text("  ·  ".into()));
            if let Some(t) = &title_inlines {
                header.extend(t.iter().cloned());
                header.push(Inline::Text("  ·  ".into()));
            }
            header.push(Inline::Text(format!(
                "Record {}  ·  page {} of {}",
                item.record.id,
                page + 1,
                pages
            )));
            flow.document_page(doc, page, &header);
        }
        return;
    }
    flow.set_continuation(None);
    // Room for the header and the first lines of the record, which stay together.
    flow.ensure(140.0);
    flow.gap(6.0);
    flow.band(if title_inlines.is_some() { 44.0 } else { 30.0 });
    flow.paragraph(&line1, 10.5, Style::Bold, 0.0);
    flow.paragraph(&line2, 8.5, Style::Quiet, 0.0);
    if let Some(t) = &title_inlines {
        flow.paragraph(t, 10.0, Style::Bold, 0.0);
    }
    flow.gap(8.0);
    flow.keep_with_next();
    flow.set_continuation(Some(continuation));
    if let Content::Text(parts) = &item.content {
        for p in parts {
            if let Some(h) = part_heading(p) {
                flow.paragraph(&plain(h), 9.0, Style::Bold, 0.0);
            }
            let reflowed = if p.part == "headers" {
                p.clone()
            } else {
                Part {
                    text: reflow(&p.text),
                    ..p.clone()
                }
            };
            flow.paragraph(&reflowed.inlines(), BODY, Style::Regular, 0.0);
            flow.gap(5.0);
        }
        if parts.iter().all(|p| p.text.trim().is_empty()) {
            flow.paragraph(&plain("(This record has no text.)"), 9.0, Style::Quiet, 0.0);
        }
    }
    flow.set_continuation(None);
    flow.rule();
}

/// Joins lines that were wrapped by the sending program (emails and text files are often
/// hard-wrapped at about 70 characters), keeping paragraph breaks, list items and short lines.
/// Every line break becomes a space of the same byte length, so redaction offsets still hold.
pub fn reflow(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        let Some(next) = lines.get(i + 1) else { break };
        let this = line.trim_end_matches('\r');
        let next_t = next.trim_start();
        let wrapped = this.chars().count() >= 55
            && !next_t.is_empty()
            && !this.trim_end().ends_with([':', '.', '!', '?'])
            && !next_t.starts_with(['-', '*', '•', '>', '(', '['])
            && !next_t.chars().next().is_some_and(|c| c.is_ascii_digit());
        if wrapped {
            if line.ends_with('\r') {
                out.pop();
                out.push(' ');
            }
            out.push(' ');
        } else {
            out.push('\n');
        }
    }
    out
}

fn glossary(cx: &Context<'_>, visible: &str) -> Vec<(String, String)> {
    cx.config
        .glossary
        .iter()
        .filter(|g| {
            let forms: Vec<&str> = if g.forms.is_empty() {
                vec![g.term.as_str()]
            } else {
                g.forms.iter().map(String::as_str).collect()
            };
            forms.iter().any(|f| contains_word(visible, f))
        })
        .map(|g| (g.term.clone(), g.meaning.clone()))
        .collect()
}

fn contains_word(haystack: &str, needle: &str) -> bool {
    !needle.is_empty()
        && haystack.match_indices(needle).any(|(i, _)| {
            let before = haystack[..i].chars().next_back();
            let after = haystack[i + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

fn schedule_label(o: ScheduleOutcome) -> &'static str {
    match o {
        ScheduleOutcome::Withheld => "Withheld in full",
        ScheduleOutcome::NotProcessed => "Could not be processed",
        ScheduleOutcome::NeedsReview => "Being reviewed by hand",
        ScheduleOutcome::Copy => "Copy included once",
    }
}

/// The reason a requester reads for a record left out. The pipeline's own reasons are for the
/// SAR team (they stay in the manifest): they name files, tools and errors, and a file name can
/// hold a third party's name ("letter to Kayleigh Mullins.pdf"), so the disclosure says in
/// plain words what happened and what happens next.
fn plain_reason(outcome: ScheduleOutcome, reason: &str) -> String {
    let lower = reason.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let text = match outcome {
        ScheduleOutcome::Copy | ScheduleOutcome::Withheld if !has(&["could not be placed"]) => {
            return reason.to_string();
        }
        ScheduleOutcome::Copy | ScheduleOutcome::Withheld => {
            "This document could not be added to the bundle safely. A person will check it and \
             send it to you, or tell you why not."
        }
        ScheduleOutcome::NeedsReview if has(&["scan", "image", "ocr", "no text layer"]) => {
            "A scanned document (a picture of a page). A person is checking it and will remove \
             other people's information by hand before it is sent to you."
        }
        ScheduleOutcome::NeedsReview if has(&["damaged", "corrupt", "repair"]) => {
            "The file is damaged. A person is checking it and will send you what it holds, or \
             tell you why not."
        }
        ScheduleOutcome::NeedsReview if has(&["namesake", "same name"]) => {
            "It may be about someone else with the same name. A person is checking whether it is \
             about you."
        }
        ScheduleOutcome::NeedsReview => {
            "A person needs to check this record before it can be sent to you."
        }
        ScheduleOutcome::NotProcessed if has(&["detection"]) => {
            "This record could not yet be checked for other people's information. A person will \
             check it and send it to you."
        }
        ScheduleOutcome::NotProcessed if has(&["missing", "not found", "no such file"]) => {
            "The file could not be found in our records system. We are looking for it and will \
             tell you what we find."
        }
        ScheduleOutcome::NotProcessed if has(&["unsupported", "type"]) => {
            "The file is of a kind our system cannot read (for example a spreadsheet). A person \
             will check it and send you what it holds about you."
        }
        ScheduleOutcome::NotProcessed
            if has(&["damaged", "corrupt", "cannot be read", "repair"]) =>
        {
            "The file is damaged and could not be read. We are trying to recover it and will tell \
             you what we find."
        }
        ScheduleOutcome::NotProcessed => {
            "This record could not be processed. A person will check it and send it to you, or \
             tell you why not."
        }
    };
    text.to_string()
}

/// Returns the (body) page index where the schedule starts.
fn schedule(flow: &mut Flow, entries: &[Scheduled]) -> usize {
    flow.page_break();
    let (start, _) = flow.position();
    flow.heading("Schedule of records not included", 14.0);
    if entries.is_empty() {
        flow.text("Every record we found is included in this bundle.", BODY);
        return start;
    }
    flow.text("These records were found in the search but are not in the bundle, or are in it only once. Each has its reason. Records that could not be processed or are being reviewed by hand will be sent to you separately once a person has checked them, or we will tell you why not.", BODY);
    let mut current = None;
    for e in entries {
        if current != Some(e.outcome) {
            flow.heading(schedule_label(e.outcome), 11.0);
            current = Some(e.outcome);
        }
        flow.paragraph(
            &plain(format!(
                "{}  ·  {}  ·  record {}",
                short_date(&e.record.record_date),
                kind_label(&e.record.kind),
                e.record.id
            )),
            9.5,
            Style::Bold,
            0.0,
        );
        flow.paragraph(
            &plain(plain_reason(e.outcome, &e.reason)),
            9.5,
            Style::Regular,
            10.0,
        );
        flow.gap(3.0);
    }
    start
}

/// Lays out the whole bundle. `docs[i]` is the placed document and page count of item `i`, for
/// PDF items.
pub fn compose(
    cx: &Context<'_>,
    items: &[Item],
    schedule_entries: &[Scheduled],
    docs: &HashMap<usize, (usize, usize)>,
    codes: &BTreeMap<String, usize>,
) -> Composition {
    let mut bookmarks = Vec::new();
    let mut front = Flow::new();
    front.new_page();
    cover_letter(&mut front, cx);
    let key_start = front.pages.len();
    key_page(&mut front, cx, codes);
    let key_page_index = key_start;
    bookmarks.push(Bookmark {
        title: "Letter".into(),
        page: 0,
        y: 0.0,
    });
    bookmarks.push(Bookmark {
        title: "What the codes mean".into(),
        page: key_page_index,
        y: 0.0,
    });

    // Chronology rows (care leavers): one per key event.
    let events: Vec<(usize, Event)> = if cx.care_leaver {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let title = item
                    .title
                    .as_ref()
                    .map(|t| t.visible_text())
                    .unwrap_or_default();
                let opening: String = item
                    .parts()
                    .filter(|p| p.part != "title")
                    .take(1)
                    .map(|p| {
                        let v = p.visible_text();
                        v.chars().take(600).collect::<String>()
                    })
                    .collect();
                chronology::classify(&item.record.kind, &title, &opening).map(|e| (i, e))
            })
            .collect()
    } else {
        Vec::new()
    };
    let chrono_pages = if cx.care_leaver {
        table_pages(events.len().max(1))
    } else {
        0
    };
    let index_pages = table_pages(items.len().max(1));
    let records_start = front.pages.len() + chrono_pages + index_pages;

    // Records, then the back matter.
    let mut body = Flow::new();
    body.new_page();
    let mut placements = Vec::new();
    let mut record_bookmarks = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let doc = docs.get(&i).copied();
        if doc.is_some() {
            // document pages start their own page
        } else {
            body.ensure(70.0);
        }
        let (page_before, y_before) = body.position();
        let first_page = if doc.is_some() {
            body.pages.len()
        } else {
            page_before
        };
        lay_out_record(&mut body, item, doc);
        let (last_page, _) = body.position();
        placements.push(Placement {
            record_id: item.record.id.clone(),
            first_page: records_start + first_page,
            last_page: records_start + last_page,
        });
        record_bookmarks.push(Bookmark {
            title: format!(
                "{} · {} · {}",
                short_date(&item.record.record_date),
                kind_label(&item.record.kind),
                title_text(item)
            ),
            page: records_start + first_page,
            y: if doc.is_some() {
                0.0
            } else {
                y_before.max(0.0)
            },
        });
        if doc.is_some() {
            // The next text record starts on a fresh page after a document.
            body.new_page();
        }
    }
    // Drop a trailing empty page left by a document.
    if body.pages.last().is_some_and(|p| p.ops.is_empty()) && body.pages.len() > 1 {
        body.pages.pop();
    }

    let visible: String = {
        let mut v = String::new();
        for item in items {
            for p in item.parts() {
                v.push_str(&p.visible_text());
                v.push('\n');
            }
        }
        v
    };
    let terms = glossary(cx, &visible);
    body.page_break();
    let glossary_page = records_start + body.pages.len() - 1;
    body.heading("Words used in your records", 14.0);
    if terms.is_empty() {
        body.text(
            "Your records do not use the social-care terms this glossary explains.",
            BODY,
        );
    } else {
        body.text("Social workers use many short forms and special words. These are the ones that appear in your records.", BODY);
    }
    for (term, meaning) in &terms {
        body.ensure(30.0);
        body.paragraph(&plain(term.clone()), BODY, Style::Bold, 0.0);
        body.paragraph(&plain(meaning.clone()), BODY, Style::Regular, 10.0);
        body.gap(4.0);
    }
    let schedule_page = records_start + schedule(&mut body, schedule_entries);
    body.heading("Records that may be missing or held elsewhere", 12.0);
    if let Some(log) = cx.search_log {
        let unreadable = log
            .unreadable
            .iter()
            .filter(|u| u.outcome != "gathered")
            .count();
        if unreadable > 0 {
            body.text(
                &format!(
                    "{} record(s) that may concern you could not be read by our system (for example a scanned page or a damaged file). They are listed in the schedule above and a person is checking them.",
                    unreadable
                ),
                BODY,
            );
        }
    }
    for p in &cx.config.gaps.statement {
        body.text(p, BODY);
    }
    let mut support_page = None;
    if cx.care_leaver {
        body.page_break();
        support_page = Some(records_start + body.pages.len() - 1);
        body.heading("Support while you read your records", 14.0);
        body.text("Reading about your childhood can be hard, and it can raise questions. These organisations can help, and so can we.", BODY);
        for s in &cx.config.signposting {
            body.ensure(30.0);
            body.paragraph(&plain(s.name.clone()), BODY, Style::Bold, 0.0);
            body.paragraph(&plain(s.detail.clone()), BODY, Style::Regular, 10.0);
            body.gap(4.0);
        }
    }

    // Now the page numbers are known: the chronology and the index.
    let page_ref = |p: &Placement| {
        if p.first_page == p.last_page {
            (p.first_page + 1).to_string()
        } else {
            format!("{}–{}", p.first_page + 1, p.last_page + 1)
        }
    };
    let mut chrono_laid = Vec::new();
    if cx.care_leaver {
        let rows: Vec<Vec<Vec<Inline>>> = events
            .iter()
            .map(|(i, e)| {
                let item = &items[*i];
                vec![
                    plain(short_date(&item.record.record_date)),
                    plain(e.label()),
                    item.title
                        .as_ref()
                        .map(|t| t.inlines())
                        .unwrap_or_else(|| plain(kind_label(&item.record.kind))),
                    plain(page_ref(&placements[*i])),
                ]
            })
            .collect();
        let rows = if rows.is_empty() {
            vec![vec![
                plain(""),
                plain("No key events were recognised."),
                plain(""),
                plain(""),
            ]]
        } else {
            rows
        };
        chrono_laid = table(
            "Key events in your records",
            "A short timeline of the main events in your records (coming into care, placements, meetings, reviews, plans and leaving care), with the page where each record starts.",
            &[
                ("Date", 72.0),
                ("Event", 110.0),
                ("Record", TEXT_W - 72.0 - 110.0 - 55.0),
                ("Page", 55.0),
            ],
            rows,
        );
        debug_assert_eq!(chrono_laid.len(), chrono_pages);
    }
    let rows: Vec<Vec<Vec<Inline>>> = items
        .iter()
        .zip(&placements)
        .map(|(item, p)| {
            vec![
                plain(short_date(&item.record.record_date)),
                plain(kind_label(&item.record.kind)),
                item.title
                    .as_ref()
                    .map(|t| t.inlines())
                    .filter(|i| !i.is_empty())
                    .unwrap_or_else(|| plain(format!("(untitled) record {}", item.record.id))),
                plain(page_ref(p)),
            ]
        })
        .collect();
    let rows = if rows.is_empty() {
        vec![vec![
            plain(""),
            plain(""),
            plain("No records are included."),
            plain(""),
        ]]
    } else {
        rows
    };
    let index_laid = table(
        "Index of records",
        "Every record in this bundle, oldest first, with the page where it starts. Records not included are listed in the schedule at the end.",
        &[
            ("Date", 70.0),
            ("Type", 122.0),
            ("Title", TEXT_W - 70.0 - 122.0 - 50.0),
            ("Pages", 50.0),
        ],
        rows,
    );
    let chrono_start = front.pages.len();
    let index_start = chrono_start + chrono_laid.len();
    if cx.care_leaver {
        bookmarks.push(Bookmark {
            title: "Key events".into(),
            page: chrono_start,
            y: 0.0,
        });
    }
    bookmarks.push(Bookmark {
        title: "Index of records".into(),
        page: index_start,
        y: 0.0,
    });
    bookmarks.extend(record_bookmarks);
    bookmarks.push(Bookmark {
        title: "Words used in your records".into(),
        page: glossary_page,
        y: 0.0,
    });
    bookmarks.push(Bookmark {
        title: "Schedule of records not included".into(),
        page: schedule_page,
        y: 0.0,
    });
    if let Some(p) = support_page {
        bookmarks.push(Bookmark {
            title: "Support".into(),
            page: p,
            y: 0.0,
        });
    }

    let chronology_events = events.len();
    let mut pages = front.pages;
    pages.extend(chrono_laid);
    let index_len = index_laid.len();
    pages.extend(index_laid);
    debug_assert_eq!(index_len, index_pages);
    pages.extend(body.pages);
    Composition {
        pages,
        bookmarks,
        placements,
        glossary_terms: terms.len(),
        chronology_events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_reasons_are_plain_and_never_name_the_file() {
        let scan = plain_reason(
            ScheduleOutcome::NeedsReview,
            "documents/2013/letter to Kayleigh Mullins.png: a png scan: its text was read by OCR \
             (tesseract 5.3.0 (eng), mean confidence 94 %) to search it",
        );
        assert!(scan.starts_with("A scanned document"), "{scan}");
        let damaged = plain_reason(
            ScheduleOutcome::NotProcessed,
            "documents/2021/plan-Kayleigh.pdf: cannot be read: the PDF is damaged",
        );
        assert!(damaged.starts_with("The file is damaged"), "{damaged}");
        for reason in [scan, damaged] {
            assert!(!reason.contains("Kayleigh") && !reason.contains("tesseract"));
        }
        let copy = "a copy of record R2, which is included";
        assert_eq!(plain_reason(ScheduleOutcome::Copy, copy), copy);
    }

    #[test]
    fn wrapped_lines_join_and_paragraphs_stay() {
        let text = "Hi Callum,\nQuick update: the family has been offered a place at the school from\nSeptember. She will stay.\n\n- item one\n- item two";
        let r = reflow(text);
        assert_eq!(r.len(), text.len());
        assert!(r.contains("school from September."));
        assert!(r.starts_with("Hi Callum,\n"));
        assert!(r.contains("\n\n- item one\n- item two"));
    }
}
