//! Plans the records: dates over the subject's childhood in order, which file each sits on and
//! why it does (or does not) concern the subject, its kind, author, people and wording. Records
//! held as files are only planned here; `documents` renders them.

use std::collections::{BTreeSet, HashSet};

use jiff::civil::{Date, DateTime};
use serde::Serialize;

use super::identifiers as ids;
use super::people::{Cast, Role, WorkerRole};
use super::rng::Rng;
use super::text::{self, Slots};
use super::words;

/// Why a record belongs (or does not belong) in the subject's bundle; the vocabulary of the dev
/// corpus labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    OwnFile,
    Linked,
    MentionedByName,
    FamilyMemberNotAboutSubject,
    Unrelated,
}

impl Reason {
    pub fn gathered(self) -> bool {
        matches!(
            self,
            Reason::OwnFile | Reason::Linked | Reason::MentionedByName
        )
    }
}

/// How a record's body is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holding {
    Text,
    Pdf,
    Txt,
    Eml,
    /// Deliberately broken: the record points at a file that is not there.
    MissingFile,
    /// Deliberately broken: a PDF whose bytes are damaged.
    CorruptPdf,
    /// Deliberately broken: a file of a type the pipeline does not read.
    UnsupportedType,
}

#[derive(Debug, Clone)]
pub struct Planned {
    pub id: String,
    pub kind: &'static str,
    pub file_of: usize,
    pub date: DateTime,
    /// Whether `date` is written with its time of day.
    pub timed: bool,
    pub author: usize,
    pub title: String,
    pub people: Vec<usize>,
    /// The body for text records; the opening for documents.
    pub text: String,
    pub slots: Slots,
    pub holding: Holding,
    pub path: Option<String>,
    pub reason: Reason,
    pub duplicate_of: Option<String>,
    pub marker: String,
    pub planted: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Home,
    Care,
    LeavingCare,
}

/// What the timeline needs to know besides the cast.
pub struct Frame {
    pub records: usize,
    pub pdfs: usize,
    pub export_date: Date,
    pub care_leaver: bool,
}

/// Records that are deliberately broken.
pub const BROKEN_RECORDS: usize = 3;

pub fn plan(rng: &mut Rng, cast: &Cast, frame: &Frame) -> Vec<Planned> {
    let subject = &cast.people[cast.subject];
    let subject_dob = subject.dob.unwrap_or(frame.export_date);
    let care_age: i16 = if frame.care_leaver {
        rng.between(5, 11) as i16
    } else if rng.chance(50) {
        (frame.export_date.year() - subject_dob.year() - 2).max(1)
    } else {
        i16::MAX
    };
    let start = subject_dob.saturating_sub(jiff::Span::new().years(2));
    let span_days = (frame.export_date - start).get_days().max(1) as u64;

    // Dates first, in order: the records array is chronological.
    let mut offsets: Vec<u64> = (0..frame.records)
        .map(|_| rng.below(span_days - 1) * 1440 + rng.between(8 * 60, 18 * 60 + 59))
        .collect();
    offsets.sort_unstable();

    let mut markers = HashSet::new();
    let mut planned = Vec::with_capacity(frame.records);
    for offset in offsets {
        let day = start.saturating_add(jiff::Span::new().days((offset / 1440) as i64));
        let minute = offset % 1440;
        let date = day.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        let age = age_on(subject_dob, day);
        let phase = if age < care_age {
            Phase::Home
        } else if age < 16 || !frame.care_leaver {
            Phase::Care
        } else {
            Phase::LeavingCare
        };
        let marker = unique_marker(rng, &mut markers);
        planned.push(plan_one(rng, cast, date, day >= subject_dob, phase, marker));
    }

    assign_documents(rng, &mut planned, frame.pdfs);
    plant_duplicates(rng, cast, &mut planned);
    for (i, p) in planned.iter_mut().enumerate() {
        let number = 100_001 + i;
        p.id = match p.holding {
            Holding::Text => format!("CN-{number}"),
            _ => format!("DOC-{number}"),
        };
        if p.holding != Holding::Text {
            let ext = match p.holding {
                Holding::Txt => "txt",
                Holding::Eml => "eml",
                Holding::UnsupportedType => "wpd",
                _ => "pdf",
            };
            let d = p.date.date();
            p.path = Some(format!(
                "documents/{}/{:04}{:02}{:02}-{}-{number}.{ext}",
                d.year(),
                d.year(),
                d.month(),
                d.day(),
                path_slug(&p.title)
            ));
        }
    }
    // Copies name their originals by id, known only now.
    let ids_by_index: Vec<String> = planned.iter().map(|p| p.id.clone()).collect();
    for p in &mut planned {
        if let Some(original) = &p.duplicate_of
            && let Ok(i) = original.parse::<usize>()
        {
            p.duplicate_of = ids_by_index.get(i).cloned();
        }
    }
    planned
}

fn age_on(dob: Date, day: Date) -> i16 {
    let mut age = day.year() - dob.year();
    if (day.month(), day.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

fn unique_marker(rng: &mut Rng, used: &mut HashSet<String>) -> String {
    loop {
        let a = rng.pick(words::MARKER_ADJECTIVES);
        let b = rng.pick(words::MARKER_ADJECTIVES);
        if a == b {
            continue;
        }
        let m = format!(
            "{a} {b} {} by the {}",
            rng.pick(words::MARKER_OBJECTS),
            rng.pick(words::MARKER_PLACES)
        );
        if used.insert(m.clone()) {
            return m;
        }
    }
}

fn path_slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn weighted(rng: &mut Rng, table: &[(&'static str, u64)]) -> &'static str {
    let total: u64 = table.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (kind, w) in table {
        if roll < *w {
            return kind;
        }
        roll -= w;
    }
    table[0].0
}

const HOME_KINDS: &[(&str, u64)] = &[
    ("case_note", 40),
    ("contact", 15),
    ("conference_minutes", 8),
    ("assessment", 8),
    ("letter", 8),
    ("email", 8),
    ("health", 5),
    ("education", 5),
    ("strategy_discussion", 3),
];
const CARE_KINDS: &[(&str, u64)] = &[
    ("case_note", 38),
    ("review", 10),
    ("placement", 5),
    ("contact", 6),
    ("letter", 8),
    ("email", 12),
    ("health", 6),
    ("education", 10),
    ("conference_minutes", 2),
    ("assessment", 3),
];
const LEAVING_KINDS: &[(&str, u64)] = &[
    ("case_note", 40),
    ("pathway_plan", 12),
    ("email", 18),
    ("letter", 12),
    ("review", 6),
    ("health", 4),
    ("education", 8),
];

/// Kinds usually held as documents rather than typed notes.
const DOCUMENT_KINDS: &[&str] = &[
    "conference_minutes",
    "review",
    "assessment",
    "pathway_plan",
    "placement",
    "letter",
    "education",
    "health",
    "strategy_discussion",
];

fn plan_one(
    rng: &mut Rng,
    cast: &Cast,
    date: DateTime,
    born: bool,
    phase: Phase,
    marker: String,
) -> Planned {
    let subject = cast.subject;
    let family: Vec<usize> = [Role::Sibling, Role::HalfSibling, Role::Mother]
        .iter()
        .filter_map(|r| cast.first_with_role(*r))
        .filter(|&i| cast.people[i].dob.is_none_or(|d| d <= date.date()))
        .collect();
    let other_children = cast.with_role(Role::OtherChild);
    let roll = rng.below(100);
    let reason = if !born || family.is_empty() {
        if roll < 70 && !family.is_empty() {
            Reason::FamilyMemberNotAboutSubject
        } else {
            Reason::Unrelated
        }
    } else if roll < 55 {
        Reason::OwnFile
    } else if roll < 70 {
        Reason::Linked
    } else if roll < 76 {
        Reason::MentionedByName
    } else if roll < 86 {
        Reason::FamilyMemberNotAboutSubject
    } else {
        Reason::Unrelated
    };
    let reason = if reason == Reason::Unrelated && other_children.is_empty() {
        Reason::FamilyMemberNotAboutSubject
    } else {
        reason
    };

    let (file_of, focus) = match reason {
        Reason::OwnFile => (subject, subject),
        Reason::Linked => {
            let file = *rng.pick(&family);
            (
                file,
                if rng.chance(60) {
                    subject
                } else {
                    child_of(cast, file, subject)
                },
            )
        }
        Reason::MentionedByName | Reason::FamilyMemberNotAboutSubject => {
            let file = if family.is_empty() {
                subject
            } else {
                *rng.pick(&family)
            };
            (file, child_of(cast, file, subject))
        }
        Reason::Unrelated => {
            let child = *rng.pick(&other_children);
            (child, child)
        }
    };
    let phase = if focus == subject { phase } else { Phase::Home };
    let kind = weighted(
        rng,
        match phase {
            Phase::Home => HOME_KINDS,
            Phase::Care => CARE_KINDS,
            Phase::LeavingCare => LEAVING_KINDS,
        },
    );
    let author = pick_author(rng, cast, kind, phase);
    let slots = slots_for(rng, cast, focus, author, reason, phase);
    let wording = text::wording(kind);
    let title = rng.pick(wording.titles).to_string();
    let mut planted = BTreeSet::new();
    let mut body = vec![text::sentence(rng, wording.openings, &slots, &mut planted)];
    if reason == Reason::MentionedByName {
        body.push(text::sentence(rng, MENTIONS, &slots, &mut planted));
    }
    for _ in 0..rng.between(2, 5) {
        let pool = if rng.chance(60) {
            wording.body
        } else {
            text::GENERAL
        };
        let s = text::sentence(rng, pool, &slots, &mut planted);
        if !body.contains(&s) {
            body.push(s);
        }
    }
    let article = if marker.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    body.push(format!("Note: there is {article} {marker}."));
    if let Some(end) = text::sign_off(kind, &cast.people[author].name()) {
        body.push(end);
    }
    let text = body.join("\n\n");

    let people = people_for(rng, cast, focus, reason, &planted);
    Planned {
        id: String::new(),
        kind,
        file_of,
        date,
        timed: kind != "letter" && rng.chance(70),
        author,
        title,
        people,
        text,
        slots,
        holding: Holding::Text,
        path: None,
        reason,
        duplicate_of: None,
        marker,
        planted,
    }
}

/// Sentences that name the subject in a record on someone else's file.
const MENTIONS: &[&str] = &[
    "{s_full} was also discussed; {sw} will update the allocated worker.",
    "{c} talked about {s_full} and asked when they can next meet.",
    "{mum} said {s_full} had phoned her last week.",
];

/// The child a record on `file`'s file is about: the file holder if a child, else a sibling.
fn child_of(cast: &Cast, file: usize, subject: usize) -> usize {
    if matches!(cast.people[file].role, Role::Sibling | Role::HalfSibling) {
        file
    } else {
        cast.first_with_role(Role::Sibling).unwrap_or(subject)
    }
}

fn pick_author(rng: &mut Rng, cast: &Cast, kind: &str, phase: Phase) -> usize {
    let role = match kind {
        "review" => WorkerRole::Iro,
        "pathway_plan" => WorkerRole::PersonalAdviser,
        "conference_minutes" => WorkerRole::TeamManager,
        "health" => {
            if rng.chance(50) {
                WorkerRole::Gp
            } else {
                WorkerRole::HealthVisitor
            }
        }
        "education" => WorkerRole::Teacher,
        "contact" if rng.chance(40) => WorkerRole::PoliceOfficer,
        "placement" => WorkerRole::SupervisingSocialWorker,
        _ if phase == Phase::LeavingCare => WorkerRole::PersonalAdviser,
        _ => WorkerRole::SocialWorker,
    };
    *rng.pick(&cast.workers(role))
}

fn worker_name(cast: &Cast, rng: &mut Rng, role: WorkerRole, prefix: &str) -> String {
    let w = &cast.people[*rng.pick(&cast.workers(role))];
    format!("{prefix}{}", w.name())
}

fn slots_for(
    rng: &mut Rng,
    cast: &Cast,
    focus: usize,
    author: usize,
    reason: Reason,
    phase: Phase,
) -> Slots {
    let subject = cast.subject;
    let p = |i: usize| &cast.people[i];
    let child = p(focus);
    let about_subject = focus == subject;
    let tp = !about_subject;
    let mut s = Slots::default();
    s.set("c", child.first.clone(), tp);
    s.set("c_full", child.name(), tp);
    if let Some(d) = child.dob {
        s.set(
            "c_dob",
            format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
            tp,
        );
    }
    if let Some(n) = &child.nhs_number {
        s.set("c_nhs", n.clone(), tp);
    }
    if let Some(u) = &child.upn {
        s.set("c_upn", u.clone(), tp);
    }
    if let Some(school) = child.school {
        s.set("school", school, tp);
    }
    let (pro, pos) = if child.gender == "female" {
        ("she", "her")
    } else {
        ("he", "his")
    };
    s.set("pro", pro, false);
    s.set("pos", pos, false);
    s.set("pct", rng.between(71, 98).to_string(), false);
    let author_p = p(author);
    s.set("worker", author_p.name(), false);
    if let Some(phone) = &author_p.phone {
        s.set("office_phone", phone.clone(), false);
    }
    s.set(
        "sw",
        worker_name(cast, rng, WorkerRole::SocialWorker, ""),
        false,
    );
    s.set("iro", worker_name(cast, rng, WorkerRole::Iro, ""), false);
    s.set(
        "pa",
        worker_name(cast, rng, WorkerRole::PersonalAdviser, ""),
        false,
    );
    s.set(
        "police",
        worker_name(cast, rng, WorkerRole::PoliceOfficer, "PC "),
        false,
    );
    s.set("gp", worker_name(cast, rng, WorkerRole::Gp, "Dr "), false);
    s.set(
        "teacher",
        worker_name(cast, rng, WorkerRole::Teacher, ""),
        false,
    );
    s.set("ref_phone", ids::mobile(rng), true);

    if reason == Reason::Unrelated {
        // Another family: everyone named is a third party, the subject never appears.
        let family = child.family;
        let members: Vec<usize> = (0..cast.people.len())
            .filter(|&i| p(i).family == family && p(i).listed())
            .collect();
        if let Some(&parent) = members.iter().find(|&&i| p(i).role == Role::OtherParent) {
            set_parent(&mut s, p(parent), true);
        }
        if let Some(&sib) = members
            .iter()
            .find(|&&i| i != focus && p(i).role == Role::OtherChild)
        {
            s.set("sib", p(sib).first.clone(), true);
        }
        if let Some(home) = &child.address {
            s.set("home", home.clone(), true);
        }
        return s;
    }

    // The subject's family: the home is the subject's too (their own data, kept).
    if let Some(home) = &p(subject).address {
        s.set("home", home.clone(), false);
    }
    if let Some(m) = cast.first_with_role(Role::Mother) {
        set_parent(&mut s, p(m), true);
    }
    if let Some(d) = cast.first_with_role(Role::Father) {
        let dad = p(d);
        s.set("dad", dad.first.clone(), true);
        if let Some(phone) = &dad.phone {
            s.set("dad_phone", phone.clone(), true);
        }
        if let Some(a) = &dad.address {
            s.set("dad_address", a.clone(), true);
        }
    }
    for (key, role) in [
        ("partner", Role::MothersPartner),
        ("nan", Role::Grandmother),
    ] {
        if let Some(i) = cast.first_with_role(role) {
            s.set(key, p(i).first.clone(), true);
        }
    }
    if let Some(&newp) = cast.unlisted.first() {
        s.set("newp", p(newp).first.clone(), true);
    }
    // A sibling of the focus child: for records not about the subject, never the subject.
    let siblings: Vec<usize> = [Role::Subject, Role::Sibling, Role::HalfSibling]
        .iter()
        .filter_map(|r| cast.first_with_role(*r))
        .filter(|&i| i != focus && (reason != Reason::FamilyMemberNotAboutSubject || i != subject))
        .collect();
    if !siblings.is_empty() {
        let sib = *rng.pick(&siblings);
        s.set("sib", p(sib).first.clone(), sib != subject);
    }
    if reason == Reason::MentionedByName || reason == Reason::Linked {
        s.set("s_full", p(subject).name(), false);
    }
    if about_subject {
        if phase != Phase::Home {
            let carers = cast.with_role(Role::FosterCarer);
            if let [c1, c2, ..] = carers[..] {
                s.set("carer", p(c1).first.clone(), true);
                s.set("carer2", p(c2).first.clone(), true);
                s.set("carer_title", p(c1).title_name(), true);
                if let Some(a) = &p(c1).address {
                    s.set("carer_home", a.clone(), true);
                }
            }
            if let Some(pc) = cast.first_with_role(Role::PlacementChild) {
                s.set("pchild", p(pc).first.clone(), true);
            }
        }
        for (key, role) in [("friend", Role::Friend), ("nbr", Role::Neighbour)] {
            if let Some(i) = cast.first_with_role(role) {
                s.set(key, p(i).first.clone(), true);
            }
        }
        if let Some(&mate) = cast.unlisted.get(1) {
            s.set("mate", p(mate).name(), true);
        }
        if let Some(&nbr2) = cast.unlisted.get(2) {
            s.set("nbr2", p(nbr2).title_name(), true);
        }
    }
    s
}

fn set_parent(s: &mut Slots, parent: &super::people::Person, third_party: bool) {
    s.set("mum", parent.first.clone(), third_party);
    s.set("mum_title", parent.title_name(), third_party);
    if let Some(phone) = &parent.phone {
        s.set("mum_phone", phone.clone(), third_party);
    }
}

/// The ids the source system linked: the focus child and some of the people named, often not
/// all of them (the lists are incomplete in real exports too).
fn people_for(
    rng: &mut Rng,
    cast: &Cast,
    focus: usize,
    reason: Reason,
    planted: &BTreeSet<String>,
) -> Vec<usize> {
    let subject = cast.subject;
    let mut people = Vec::new();
    match reason {
        Reason::OwnFile if rng.chance(85) => people.push(subject),
        Reason::Linked => people.push(subject),
        _ => {}
    }
    if focus != subject && rng.chance(90) {
        people.push(focus);
    }
    for (i, person) in cast.people.iter().enumerate() {
        if i == subject || i == focus || !person.listed() || person.is_worker() {
            continue;
        }
        if planted.contains(&person.first) && rng.chance(40) {
            people.push(i);
        }
    }
    people
}

/// Turns `count` records into PDFs (document-like kinds first), a share of emails into EML files
/// and of contacts into TXT notes, and three records on the subject's file into broken ones.
fn assign_documents(rng: &mut Rng, planned: &mut [Planned], pdfs: usize) {
    let mut candidates: Vec<usize> = (0..planned.len())
        .filter(|&i| DOCUMENT_KINDS.contains(&planned[i].kind))
        .collect();
    let mut others: Vec<usize> = (0..planned.len())
        .filter(|&i| !DOCUMENT_KINDS.contains(&planned[i].kind))
        .collect();
    shuffle(rng, &mut candidates);
    shuffle(rng, &mut others);
    candidates.extend(others);
    // Leave room for the broken records.
    let pdfs = pdfs.min(planned.len().saturating_sub(BROKEN_RECORDS));
    for &i in candidates.iter().take(pdfs) {
        planned[i].holding = Holding::Pdf;
    }
    for p in planned.iter_mut().filter(|p| p.holding == Holding::Text) {
        if p.kind == "email" && rng.chance(35) {
            p.holding = Holding::Eml;
        } else if p.kind == "contact" && rng.chance(25) {
            p.holding = Holding::Txt;
        }
    }
    // The broken ones sit on the subject's file, so they must reach the schedule of records not
    // processed; spread them over the timeline.
    let own: Vec<usize> = (0..planned.len())
        .filter(|&i| planned[i].holding == Holding::Text && planned[i].reason == Reason::OwnFile)
        .collect();
    let pool: Vec<usize> = if own.len() >= BROKEN_RECORDS {
        own
    } else {
        (0..planned.len())
            .filter(|&i| planned[i].holding == Holding::Text)
            .collect()
    };
    for (n, holding) in [
        Holding::MissingFile,
        Holding::CorruptPdf,
        Holding::UnsupportedType,
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(&i) = pool.get(pool.len() * (2 * n + 1) / (2 * BROKEN_RECORDS)) {
            planned[i].holding = holding;
        }
    }
}

/// Files exact copies of a few subject records on a relative's file (a record copied to the
/// sibling's file too): same date, title, text and people, another id and `file_of`.
fn plant_duplicates(rng: &mut Rng, cast: &Cast, planned: &mut [Planned]) {
    let sibling = cast.first_with_role(Role::Sibling).unwrap_or(cast.subject);
    let wanted = (planned.len() / 400).clamp(2, 25);
    let mut made = 0;
    let mut i = rng.index(planned.len() / 4 + 1);
    while i + 1 < planned.len() && made < wanted {
        let original = &planned[i];
        let copy_slot = &planned[i + 1];
        let usable = original.holding == Holding::Text
            && original.reason == Reason::OwnFile
            && original.duplicate_of.is_none()
            && copy_slot.holding == Holding::Text
            && copy_slot.duplicate_of.is_none();
        if usable {
            let mut copy = original.clone();
            copy.file_of = sibling;
            copy.reason = if copy.people.contains(&cast.subject) {
                Reason::Linked
            } else {
                Reason::MentionedByName
            };
            // The index is replaced by the original's id once ids are assigned.
            copy.duplicate_of = Some(i.to_string());
            planned[i + 1] = copy;
            made += 1;
            i += planned.len() / (wanted + 1);
        } else {
            i += 1;
        }
    }
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.index(i + 1);
        items.swap(i, j);
    }
}
