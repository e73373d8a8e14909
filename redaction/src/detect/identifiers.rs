//! Identifiers: UK phone numbers, postcodes and address lines, email addresses, NHS numbers
//! (mod-11 check), National Insurance numbers, unique pupil numbers, dates of birth, vehicle
//! registrations, sort codes and account numbers.
//!
//! Each is defined by a regex, validated in code, and normalised to a key. The fixed-shape
//! ones are searched by hand-written scanners (`scan`) that find exactly what their regexes
//! find, and a piece of text is searched only for the patterns its `Shape` allows. A key that
//! is the subject's own identifier (or a worker's listed work contact) is kept; any other is
//! proposed for redaction as third-party data, with the owning person as entity when the
//! export knows them.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::gazetteer::WordMap;

use regex::Regex;

use super::policy::Policy;

mod scan;
mod shape;

use super::{Action, Category, Person, Proposal, ReasonCode, Role};
use scan::Scan;
use shape::Shape;

/// Kinds of identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Phone,
    Email,
    Postcode,
    Address,
    Nhs,
    Ni,
    Upn,
    Dob,
    Vehicle,
    Bank,
}

impl IdKind {
    const COUNT: usize = 10;

    /// A number of its own below [`IdKind::COUNT`].
    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            IdKind::Phone => "phone",
            IdKind::Email => "email",
            IdKind::Postcode => "postcode",
            IdKind::Address => "address",
            IdKind::Nhs => "nhs",
            IdKind::Ni => "ni",
            IdKind::Upn => "upn",
            IdKind::Dob => "dob",
            IdKind::Vehicle => "vehicle",
            IdKind::Bank => "bank",
        }
    }

    fn detector(self) -> &'static str {
        match self {
            IdKind::Phone => "identifiers.phone",
            IdKind::Email => "identifiers.email",
            IdKind::Postcode => "identifiers.postcode",
            IdKind::Address => "identifiers.address",
            IdKind::Nhs => "identifiers.nhs",
            IdKind::Ni => "identifiers.ni",
            IdKind::Upn => "identifiers.upn",
            IdKind::Dob => "identifiers.dob",
            IdKind::Vehicle => "identifiers.vehicle",
            IdKind::Bank => "identifiers.bank",
        }
    }
}

/// Whose an identifier is.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Subject,
    /// A worker's listed (work) contact details: professional, kept.
    WorkerWork,
    Known,
}

const STREET: &str = r"(?:Road|Rd|Street|St|Avenue|Ave|Close|Lane|Drive|Way|Crescent|Court|Gardens|Place|Square|Terrace|Row|Hill|Grove|Walk|Rise|View|Mews|Park|Green|Parade|Vale|Meadow|Meadows|Fields|Wharf|Quay|Hythe|Path|Chase|End|Gate|Yard|Approach|Boulevard|Broadway|Circus|Crest|Dale|Heights|Mount|Orchard|Ridge|Wood|Copse)";
const POSTCODE: &str = r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}";
const MONTHS: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

/// The compiled patterns, built once per process (see [`Patterns::built_in`]).
pub(crate) struct Patterns {
    /// In priority order: a match overlapping an earlier pattern's is dropped.
    list: Vec<Pattern>,
    dob_context: Regex,
    postcode_tail: Regex,
    postcode_any: Regex,
}

/// The patterns and the export's identifiers by normalised key.
pub struct Identifiers {
    patterns: &'static Patterns,
    /// Owners of the export's identifiers by kind ([`IdKind::index`]) and normalised key.
    owners: [WordMap<Owner>; IdKind::COUNT],
    /// Dates of birth as (y, m, d) -> owner.
    dobs: HashMap<(i32, u32, u32), Owner>,
}

fn digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(char::is_ascii_digit));
    out
}

fn alnum_upper(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// NHS numbers: ten digits, the last a mod-11 check digit.
pub fn nhs_valid(d: &str) -> bool {
    let ds: Vec<u32> = d.chars().filter_map(|c| c.to_digit(10)).collect();
    if ds.len() != 10 {
        return false;
    }
    let sum: u32 = ds[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| x * (10 - i as u32))
        .sum();
    let check = 11 - sum % 11;
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == ds[9]
}

/// National Insurance numbers: two prefix letters, six digits, a suffix A-D. HMRC never
/// issues some prefixes (first letter D F I Q U V, ...), but records also hold the specimen
/// "QQ" form and mistyped prefixes: redacting those is safer than leaking them, so only the
/// administrative pairs that can never be a person's number are refused.
pub fn ni_valid(s: &str) -> bool {
    let k = alnum_upper(s);
    let b = k.as_bytes();
    if b.len() != 9 || !b[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let bad_pair = ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&&k[..2]);
    !bad_pair && b[2..8].iter().all(u8::is_ascii_digit) && (b'A'..=b'D').contains(&b[8])
}

/// A UK phone number's national digits (leading 0), if the text is one.
fn phone_key(s: &str) -> Option<String> {
    let mut d = digits(s);
    let s = s.trim_start();
    if s.starts_with("+44") || s.starts_with("0044") {
        let skip = if s.starts_with('+') { 2 } else { 4 };
        let national = d[skip..].trim_start_matches('0');
        let mut key = String::with_capacity(national.len() + 1);
        key.push('0');
        key.push_str(national);
        d = key;
    }
    (d.starts_with('0') && (d.len() == 11 || d.len() == 10) && !d.starts_with("00")).then_some(d)
}

fn month_number(m: &str) -> Option<u32> {
    let m = m.get(..3)?;
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| x.eq_ignore_ascii_case(m))
    .map(|i| i as u32 + 1)
}

/// Parses "07/01/2012", "07.01.12", "7 January 2012", "2012-01-07".
fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let s = s.trim();
    let mut split = s.split(['/', '.', '-', ' ']).filter(|p| !p.is_empty());
    let (Some(first), Some(second), Some(third), None) =
        (split.next(), split.next(), split.next(), split.next())
    else {
        return None;
    };
    let parts = [first, second, third];
    let year = |y: &str| -> Option<i32> {
        let v: i32 = y.parse().ok()?;
        Some(if y.len() == 2 {
            if v > 30 { 1900 + v } else { 2000 + v }
        } else {
            v
        })
    };
    let (y, m, d) = if parts[0].len() == 4 {
        (
            year(parts[0])?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
        )
    } else {
        let day: u32 = parts[0]
            .trim_end_matches(|c: char| c.is_alphabetic())
            .parse()
            .ok()?;
        let month = parts[1].parse().ok().or_else(|| month_number(parts[1]))?;
        (year(parts[2])?, month, day)
    };
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// One identifier pattern.
struct Pattern {
    kind: IdKind,
    /// The pattern: what is searched for, and the reference its `scan` must equal.
    re: Regex,
    /// False when no match can lie in a piece of this [`Shape`].
    may_match: fn(&Shape) -> bool,
    /// A hand-written search giving exactly `re`'s matches, faster ([`scan`]); none for the
    /// patterns of open shape (emails, addresses).
    scan: Option<Scan>,
}

/// The shortcuts [`Identifiers::find`] takes, none of which changes a match (the tests
/// compare every combination).
#[derive(Debug, Clone, Copy)]
struct Search {
    /// Start each segment's searches near its first anchor, not at its start.
    narrow: bool,
    /// Run only the patterns the segment's [`Shape`] allows.
    shapes: bool,
    /// Search with the hand-written scanners where a pattern has one.
    scans: bool,
}

impl Search {
    const FAST: Search = Search {
        narrow: true,
        shapes: true,
        scans: true,
    };

    /// Every regex over every anchored segment, whole.
    #[cfg(test)]
    const SLOW: Search = Search {
        narrow: false,
        shapes: false,
        scans: false,
    };

    /// Every combination of the shortcuts.
    #[cfg(test)]
    const ALL: [Search; 8] = {
        let mut all = [Search::SLOW; 8];
        let mut i = 0;
        while i < 8 {
            all[i] = Search {
                narrow: i & 1 != 0,
                shapes: i & 2 != 0,
                scans: i & 4 != 0,
            };
            i += 1;
        }
        all
    };
}

impl Patterns {
    /// The patterns, compiled on first use (fourteen regexes take a visible share of a small
    /// run's start-up, and never change).
    pub(crate) fn built_in() -> &'static Patterns {
        static CELL: OnceLock<Patterns> = OnceLock::new();
        CELL.get_or_init(Patterns::compile)
    }

    fn compile() -> Patterns {
        // ASCII word boundaries keep the regexes on the fast DFA engines for any text.
        let re = |s: &str| {
            Regex::new(&s.replace(r"\b", r"(?-u:\b)")).expect("identifier patterns are valid")
        };
        let postcode_tail = re(&format!(r"{POSTCODE}$"));
        let postcode_any = re(&format!(r"\b{POSTCODE}\b"));
        let pattern = |kind, re, may_match, scan| Pattern {
            kind,
            re,
            may_match,
            scan,
        };
        let list = vec![
            pattern(
                IdKind::Email,
                re(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
                |s| s.at,
                None,
            ),
            pattern(
                IdKind::Address,
                re(&format!(
                    r"\b(?:(?:Flat|Apartment|Unit) [0-9A-Z]{{1,4}},? )?[0-9]{{1,4}}[A-Za-z]?,? (?:[A-Z][A-Za-z'\-]+ ){{1,3}}{STREET}\b(?:,? (?:[A-Z][a-z]+(?:[ \-](?:on|upon|[A-Z][a-z]+))*))?(?:,? {POSTCODE}\b)?"
                )),
                |s| s.digit_capital_word,
                None,
            ),
            pattern(
                IdKind::Address,
                re(&format!(
                    r"\b(?:Flat|Apartment|Unit|Room) [0-9A-Z]{{1,4}},? (?:[A-Z][A-Za-z'\-]+ ){{1,3}}(?:House|Court|Lodge|Mansions|Tower|Heights|Point|Place)\b(?:,? (?:[A-Z][a-z]+(?:[ \-](?:on|upon|[A-Z][a-z]+))*))?(?:,? {POSTCODE}\b)?"
                )),
                |s| s.flat,
                None,
            ),
            pattern(
                IdKind::Postcode,
                re(&format!(r"\b{POSTCODE}\b")),
                |s| s.capital_digit && s.digit_capitals,
                Some(scan::postcode),
            ),
            pattern(
                IdKind::Phone,
                re(
                    r"(?:\+44 ?(?:\(0\) ?)?|\b0)[0-9](?:[ \-]?[0-9]){8,9}\b|\(0[0-9]{3,4}\) ?[0-9]{3,4} ?[0-9]{3,4}\b",
                ),
                |s| s.digits >= 10,
                Some(scan::phone),
            ),
            pattern(
                IdKind::Nhs,
                re(r"\b[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{4}\b"),
                |s| s.nhs_groups,
                Some(scan::nhs),
            ),
            pattern(
                IdKind::Ni,
                re(r"\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b"),
                |s| s.capitals_digits && s.digits >= 6,
                Some(scan::ni),
            ),
            pattern(
                IdKind::Upn,
                re(r"\b[A-Z][0-9]{11}[0-9A-Z]\b"),
                |s| s.capital_eleven_digits,
                Some(scan::upn),
            ),
            pattern(
                IdKind::Vehicle,
                re(r"\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b"),
                |s| s.capitals_two_digits,
                Some(scan::vehicle),
            ),
            pattern(
                IdKind::Dob,
                re(&format!(
                    r"\b(?:[0-9]{{1,2}}[/.\-][0-9]{{1,2}}[/.\-](?:[0-9]{{4}}|[0-9]{{2}})|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}(?:st|nd|rd|th)? {MONTHS} [0-9]{{4}})\b"
                )),
                |s| s.digit_mark_digit >= 2 || s.digit_month,
                Some(scan::dob),
            ),
            pattern(
                IdKind::Bank,
                re(r"\b[0-9]{2}-[0-9]{2}-[0-9]{2}\b|\b[Aa]ccount (?:number|no\.?):? ?[0-9]{8}\b"),
                |s| s.digit_dash_digit >= 2 || (s.account && s.digits >= 8),
                Some(scan::bank),
            ),
        ];
        let dob_context = re(
            r"(?i)(?:\bd\.?o\.?b\b|date of birth|\bborn\b|\bbirthday\b|\baged? \d+|\bb\. ?)[^\n]{0,12}$",
        );
        Patterns {
            list,
            dob_context,
            postcode_tail,
            postcode_any,
        }
    }
}

impl Identifiers {
    fn owner(&self, kind: IdKind, key: &str) -> Option<Owner> {
        self.owners[kind.index()].get(key).copied()
    }

    pub(crate) fn new(people: &[Person], roles: &[Role]) -> Identifiers {
        let patterns = Patterns::built_in();
        let mut owners: [WordMap<Owner>; IdKind::COUNT] = Default::default();
        let mut dobs = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            let owner = match roles[i] {
                Role::Subject => Owner::Subject,
                Role::Worker => Owner::WorkerWork,
                _ => Owner::Known,
            };
            let mut put = |kind: IdKind, key: Option<String>| {
                if let Some(k) = key.filter(|k| !k.is_empty()) {
                    // The subject's claim wins over a relative's on a shared identifier.
                    let slot = owners[kind.index()].entry(k).or_insert(owner);
                    if matches!(owner, Owner::Subject) {
                        *slot = owner;
                    }
                }
            };
            for v in &p.phone {
                put(IdKind::Phone, phone_key(v));
            }
            for v in &p.email {
                put(IdKind::Email, Some(v.trim().to_lowercase()));
            }
            for v in &p.nhs_number {
                put(IdKind::Nhs, Some(digits(v)));
            }
            for v in &p.ni_number {
                put(IdKind::Ni, Some(alnum_upper(v)));
            }
            for v in &p.upn {
                put(IdKind::Upn, Some(alnum_upper(v)));
            }
            for addr in &p.address {
                if let Some(m) = patterns.postcode_any.find(addr) {
                    put(IdKind::Postcode, Some(alnum_upper(m.as_str())));
                }
                put(IdKind::Address, Some(street_key(addr)));
            }
            if let Some(d) = p.dob.as_deref().and_then(parse_date) {
                let slot = dobs.entry(d).or_insert(owner);
                if matches!(owner, Owner::Subject) {
                    *slot = owner;
                }
            }
        }
        Identifiers {
            patterns,
            owners,
            dobs,
        }
    }

    /// Every identifier in `text` that is not the subject's (or a worker's work contact).
    ///
    /// The text is searched [`segments`] at a time: no match can span two, so a segment
    /// searched alone gives the matches it gives in the whole text. Most segments (sentences
    /// without a digit, an `@` or a flat) are passed over after a byte scan; in the rest,
    /// each pattern runs, in priority order, only where the segment's [`Shape`] allows it a
    /// match, by its hand-written [`scan`] where it has one: the same proposals as every
    /// regex over the whole text. Each search starts a little before the segment's first
    /// anchor ([`search_from`]): no match can start earlier.
    pub(crate) fn find(&self, text: &str, policy: &Policy) -> Vec<Proposal> {
        self.find_with(text, policy, Search::FAST)
    }

    /// [`Identifiers::find`] with the shortcuts of `search`.
    fn find_with(&self, text: &str, policy: &Policy, search: Search) -> Vec<Proposal> {
        let mut out: Vec<Proposal> = Vec::new();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for (offset, segment, anchor) in segments(text) {
            let Some(anchor) = anchor else {
                continue;
            };
            let from = if search.narrow {
                search_from(segment, anchor)
            } else {
                0
            };
            let shape = if search.shapes {
                Shape::of(&segment.as_bytes()[from..])
            } else {
                Shape::ANY
            };
            taken.clear();
            for pattern in &self.patterns.list {
                if (pattern.may_match)(&shape) {
                    let scan = pattern.scan.filter(|_| search.scans);
                    self.find_in_line(
                        text,
                        (offset, segment, from),
                        (pattern, scan),
                        policy,
                        &mut taken,
                        &mut out,
                    );
                }
            }
        }
        out
    }

    /// The matches of `pattern` in `line` (a segment at byte `offset` of `text`), searched
    /// from byte `from` of the line with `scan` (else the pattern's regex), that overlap
    /// nothing in `taken` (the segment's matches of higher-priority patterns).
    fn find_in_line(
        &self,
        text: &str,
        (offset, line, from): (usize, &str, usize),
        (pattern, scan): (&Pattern, Option<Scan>),
        policy: &Policy,
        taken: &mut Vec<(usize, usize)>,
        out: &mut Vec<Proposal>,
    ) {
        let kind = &pattern.kind;
        // A search from `from` sees the bytes before it, so a word boundary there is judged
        // as in the whole line; no pattern matches the empty string, so each search resumes
        // at the end of the last match, as `find_iter` does.
        let next = |at: usize| match scan {
            Some(scan) => scan(line.as_bytes(), at),
            None => pattern.re.find_at(line, at).map(|m| (m.start(), m.end())),
        };
        let mut at = from;
        while at <= line.len()
            && let Some((m_start, m_end)) = next(at)
        {
            at = m_end.max(m_start + 1);
            let (start, end) = (offset + m_start, offset + m_end);
            if taken.iter().any(|&(s, e)| s < end && start < e) {
                continue;
            }
            let raw = &line[m_start..m_end];
            let (key, owner) = match kind {
                IdKind::Email => {
                    let k = raw.to_lowercase();
                    let owner = self.owner(*kind, &k);
                    (k, owner)
                }
                IdKind::Phone => {
                    let Some(k) = phone_key(raw) else { continue };
                    let owner = self.owner(*kind, &k);
                    (k, owner)
                }
                IdKind::Nhs => {
                    let k = digits(raw);
                    if !nhs_valid(&k) {
                        continue;
                    }
                    let owner = self.owner(*kind, &k);
                    (k, owner)
                }
                IdKind::Ni => {
                    if !ni_valid(raw) {
                        continue;
                    }
                    let k = alnum_upper(raw);
                    let owner = self.owner(*kind, &k);
                    (k, owner)
                }
                IdKind::Upn | IdKind::Vehicle | IdKind::Bank => {
                    let k = alnum_upper(raw);
                    let owner = self.owner(*kind, &k);
                    (k, owner)
                }
                IdKind::Postcode => {
                    let k = alnum_upper(raw);
                    let owner = self.owner(*kind, &k);
                    (k, owner)
                }
                IdKind::Address => {
                    let k = street_key(raw);
                    let by_street = self.owner(IdKind::Address, &k);
                    let by_postcode = self
                        .patterns
                        .postcode_tail
                        .find(raw)
                        .and_then(|pc| self.owner(IdKind::Postcode, &alnum_upper(pc.as_str())));
                    (k, by_street.or(by_postcode))
                }
                IdKind::Dob => {
                    let Some(date) = parse_date(raw) else {
                        continue;
                    };
                    let owner = self.dobs.get(&date).copied();
                    let mut from = start.saturating_sub(40);
                    while !text.is_char_boundary(from) {
                        from += 1;
                    }
                    let context = self.patterns.dob_context.is_match(&text[from..start]);
                    if owner.is_none() && !context {
                        continue; // an ordinary date (a visit, a meeting)
                    }
                    (format!("{:04}-{:02}-{:02}", date.0, date.1, date.2), owner)
                }
            };
            taken.push((start, end));
            let entity = match owner {
                Some(Owner::Subject) | Some(Owner::WorkerWork) => continue,
                Some(Owner::Known) | None => {
                    let name = kind.name();
                    let mut entity = String::with_capacity(name.len() + 1 + key.len());
                    entity.push_str(name);
                    entity.push(':');
                    entity.push_str(&key);
                    entity
                }
            };
            out.push(Proposal {
                start,
                end,
                text: raw.to_string(),
                category: Category::ThirdPartyIdentifier,
                action: if policy.third_party == Action::Keep {
                    Action::Keep
                } else {
                    Action::Redact
                },
                code: ReasonCode::TP,
                detector: kind.detector(),
                entity,
                confidence: if owner.is_some() { 0.99 } else { 0.9 },
            });
        }
    }
}

/// Pieces of `text`, with their offsets, that no identifier match can span, each with the
/// offset in the piece of its first anchor (`None` when it can hold no identifier at all).
///
/// The patterns match letters, digits, single spaces and `.,'-/:()+@%_`, never a line break,
/// a tab, `"`, `;`, `!`, `?` or `|`: a piece ends before each of those. A full stop, a space
/// and a capital letter end a sentence, and no pattern matches that sequence either (a
/// full stop inside a match is followed by a letter or digit: an email's dot, "no. 1234"),
/// so a piece also ends after such a space. Every cut is at a non-word character, which is
/// what a word boundary sees at the end of a text too. Keep to this when adding a pattern.
///
/// Every pattern needs an anchor: a digit or an `@`, or for flat and room addresses ("Flat
/// B, Rose Court") their first word. A piece with none of these holds no identifier.
fn segments(text: &str) -> impl Iterator<Item = (usize, &str, Option<usize>)> {
    segments_with(text, true)
}

/// The most bytes a match can start before the first anchor it holds, for every pattern
/// but the email's: "Account number: " (16) in front of a bank account's digits; "+" or
/// "(" in front of a phone number's; a postcode's, a National Insurance number's, a UPN's
/// or a registration's letters (at most three bytes with a space). Keep to this when
/// adding a pattern.
const LOOKBEHIND: usize = 16;

/// Where a piece's searches may start, given its first anchor: no match starts earlier.
/// A match holds an anchor at or after the first, so it starts at most [`LOOKBEHIND`]
/// bytes before it, or, for an email, at the start of the run of local-part characters
/// that reaches it.
fn search_from(piece: &str, anchor: usize) -> usize {
    let bytes = piece.as_bytes();
    let mut local = anchor;
    while local > 0 && is_email_local(bytes[local - 1]) {
        local -= 1;
    }
    let mut from = anchor.saturating_sub(LOOKBEHIND).min(local);
    while !piece.is_char_boundary(from) {
        from -= 1;
    }
    from
}

/// The characters of an email's local part (`[A-Za-z0-9._%+\-]`).
fn is_email_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// [`segments`]; `skip` passes over runs of bytes that start no cut and no anchor (most of a
/// case note) quickly. The tests compare both ways.
fn segments_with(text: &str, skip: bool) -> impl Iterator<Item = (usize, &str, Option<usize>)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut anchor: Option<usize> = None;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if skip {
                // A tight loop of table lookups to the next byte of interest: case notes
                // have a capital, a digit or a full stop every few words, too often for
                // eight-byte tests to pay.
                match bytes[i..].iter().position(|&b| BYTE_CLASS[b as usize] != 0) {
                    Some(k) => i += k,
                    None => {
                        i = bytes.len();
                        break;
                    }
                }
            }
            let b = bytes[i];
            let class = BYTE_CLASS[b as usize];
            if class == 0 {
                i += 1;
                continue;
            }
            if anchor.is_none()
                && (class & ANCHOR != 0
                    || (class & FLAT_START != 0
                        && ["Flat ", "Apartment ", "Unit ", "Room "]
                            .iter()
                            .any(|w| bytes[i..].starts_with(w.as_bytes()))))
            {
                anchor = Some(i - start);
            }
            let cut = if class & BARRIER != 0 {
                Some((i, i + 1))
            } else if class & FULL_STOP != 0
                && bytes.get(i + 1) == Some(&b' ')
                && bytes.get(i + 2).is_some_and(u8::is_ascii_uppercase)
            {
                Some((i + 2, i + 2)) // after the space
            } else {
                None
            };
            i += 1;
            if let Some((end, next)) = cut {
                let piece = (start, &text[start..end], anchor);
                start = next;
                anchor = None;
                if !piece.1.is_empty() {
                    return Some(piece);
                }
            }
        }
        if start < bytes.len() {
            let piece = (start, &text[start..], anchor);
            start = bytes.len();
            return Some(piece);
        }
        None
    })
}

const BARRIER: u8 = 1;
const ANCHOR: u8 = 2;
const FLAT_START: u8 = 4;
const FULL_STOP: u8 = 8;

/// What [`segments`] needs to know of each byte (0 for nearly all of them).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b'\n' | b'\r' | b'\t' | b'"' | b';' | b'!' | b'?' | b'|' => BARRIER,
            b'0'..=b'9' | b'@' => ANCHOR,
            b'F' | b'A' | b'U' | b'R' => FLAT_START,
            b'.' => FULL_STOP,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Schools named right after a third party's name ("Callum is at Riverside Community
/// College", "Joshua will stay at Highcross Academy"): that person's school, an identifier.
/// A school named otherwise is left alone (it may be the subject's own, or a workplace).
pub(crate) struct Schools {
    name: Regex,
    /// The school words themselves: a text without one names no school, and every match
    /// ends in one.
    words: Regex,
}

const SCHOOL_WORDS: [&str; 5] = [
    "School",
    "College",
    "Academy",
    "Nursery",
    "Pupil Referral Unit",
];

const LINKING_WORDS: &[&str] = &[
    "is",
    "was",
    "will",
    "has",
    "had",
    "have",
    "now",
    "currently",
    "also",
    "still",
    "be",
    "been",
    "start",
    "starts",
    "started",
    "starting",
    "stay",
    "stays",
    "staying",
    "go",
    "goes",
    "going",
    "attend",
    "attends",
    "attending",
    "attended",
    "moved",
    "moving",
    "move",
    "to",
    "at",
    "in",
    "remains",
    "remain",
    "from",
    "joined",
    "joining",
    "enrolled",
    "transferred",
    "transferring",
    "back",
    // "has been offered a place at", "got a place at", "was admitted to"
    "offered",
    "given",
    "got",
    "secured",
    "accepted",
    "admitted",
    "a",
    "place",
];

impl Schools {
    pub(crate) fn new() -> Schools {
        let name = Regex::new(&format!(
            r"(?-u:\b)(?:[A-Z][A-Za-z'\-]+ ){{1,5}}(?:{})(?-u:\b)",
            SCHOOL_WORDS.join("|")
        ))
        .expect("school pattern is valid");
        // A plain alternation of literals: the regex crate searches it with a vectorised
        // literal finder.
        let words = Regex::new(&SCHOOL_WORDS.join("|")).expect("school words are valid");
        Schools { name, words }
    }

    /// The school pattern's matches in `text`, as `find_iter` over the whole text gives
    /// them. A match is a run of the pattern's name characters (letters, `'`, `-` and
    /// spaces) ending in a school word, so only the runs that hold a school word are
    /// searched, each on its own: up to the character after it, which the closing word
    /// boundary looks at and no match can take in.
    fn school_names<'t>(&self, text: &'t str) -> Vec<regex::Match<'t>> {
        let bytes = text.as_bytes();
        let name_char = |b: u8| matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'\'' | b'-' | b' ');
        let mut out = Vec::new();
        let mut searched_to = 0;
        for word in self.words.find_iter(text) {
            if word.start() < searched_to {
                continue; // in a run already searched
            }
            let mut from = word.start();
            while from > 0 && name_char(bytes[from - 1]) {
                from -= 1;
            }
            let mut to = word.end();
            while to < bytes.len() && name_char(bytes[to]) {
                to += 1;
            }
            let limit = text[to..].chars().next().map_or(to, |c| to + c.len_utf8());
            let run = &text[..limit];
            // The pattern never matches the empty string: each search resumes where the
            // last match ended, as `find_iter` does.
            let mut at = from;
            while at <= run.len()
                && let Some(m) = self.name.find_at(run, at)
            {
                at = m.end().max(m.start() + 1);
                out.push(m);
            }
            searched_to = to;
        }
        out
    }

    /// `names`: this text's third-party name proposals, sorted by start.
    pub(crate) fn find(&self, text: &str, names: &[(usize, usize, &str)]) -> Vec<Proposal> {
        let mut out = Vec::new();
        if names.is_empty() {
            return out; // no third party's school can be named
        }
        for m in self.school_names(text) {
            let i = names.partition_point(|n| n.1 <= m.start());
            let Some((_, end, entity)) = i.checked_sub(1).map(|k| &names[k]) else {
                continue;
            };
            let gap = text[*end..m.start()].trim_start_matches("'s");
            if gap.len() > 40 || !gap.ends_with(' ') {
                continue;
            }
            let words: Vec<&str> = gap.split_whitespace().collect();
            if words.is_empty() || !words.iter().all(|w| LINKING_WORDS.contains(w)) {
                continue;
            }
            out.push(Proposal {
                start: m.start(),
                end: m.end(),
                text: m.as_str().to_string(),
                category: Category::ThirdPartyIdentifier,
                action: Action::Redact,
                code: ReasonCode::TP,
                detector: "identifiers.school",
                entity: format!("school:{entity}"),
                confidence: 0.7,
            });
        }
        out
    }
}

/// "14 Elm Road, Chatham ME4 5XX" -> "14 elm road": the house number and street.
fn street_key(addr: &str) -> String {
    let line = addr
        .split(',')
        .find(|p| p.trim().chars().next().is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or(addr);
    let mut key = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        if word.is_ascii() {
            let at = key.len();
            key.push_str(word);
            key[at..].make_ascii_lowercase();
        } else {
            key.push_str(&word.to_lowercase());
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_third_partys_school_is_found_after_linking_words_but_not_another_school() {
        let text = "Esme has been offered a place at Pilgrim Junior School from September. \
                    Harvey will stay at Greenvale Infant School.";
        let names = [(0, 4, "person:esme")];
        let found: Vec<String> = Schools::new()
            .find(text, &names)
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(found, vec!["Pilgrim Junior School".to_string()]);
        let after_a_sentence = "Esme was upset. Later we visited Hill Academy.";
        assert!(Schools::new().find(after_a_sentence, &names).is_empty());
    }

    /// Searching only the runs around school words finds what a search of the whole text
    /// finds.
    #[test]
    fn school_names_are_searched_around_school_words_only() {
        let schools = Schools::new();
        let texts = [
            "",
            "No school here at all.",
            "Esme attends St Mary's Church of England Primary School and Harvey Hill Academy.",
            "Seen at 14 Elm Road. Pilgrim Junior School-Academy, then Greenvale Nursery",
            "Oak Pupil Referral Unit; Schools Unit; Academy Trust Academy",
            "x School",
            "Oak Academy_ Park School; Big Hill Academy\u{e9} Top Nursery; A.B. Smith School",
            "Long Name Of The Best School College Academy Nursery",
            "d\u{e9}j\u{e0} Vu Academy and O'Neil-Smith Nursery2 Upper School",
        ];
        let mut found = 0;
        for text in texts {
            let narrow: Vec<(usize, usize)> = schools
                .school_names(text)
                .iter()
                .map(|m| (m.start(), m.end()))
                .collect();
            let whole: Vec<(usize, usize)> = schools
                .name
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(narrow, whole, "{text:?}");
            found += whole.len();
        }
        assert!(found >= 6, "{found}");
    }

    #[test]
    fn segments_cut_only_where_no_identifier_can_run_on() {
        let text = "Seen at 14 Elm Road, Chatham ME4 5XX. Mum said \"no\"; call 07700 900123!\nAccount no. 12345678 e.g. Flat B, Rose Court";
        let pieces: Vec<&str> = segments(text).map(|(_, s, _)| s).collect();
        assert_eq!(
            pieces,
            vec![
                "Seen at 14 Elm Road, Chatham ME4 5XX. ",
                "Mum said ",
                "no",
                " call 07700 900123",
                "Account no. 12345678 e.g. ",
                "Flat B, Rose Court",
            ]
        );
        for (offset, piece, _) in segments(text) {
            assert_eq!(&text[offset..offset + piece.len()], piece);
        }
        let anchors: Vec<Option<usize>> = segments(text).map(|(_, _, a)| a).collect();
        assert_eq!(
            anchors,
            vec![Some(8), None, None, Some(6), Some(12), Some(0)]
        );
        let flat: Vec<Option<usize>> = segments("Flat B, Rose Court").map(|(_, _, a)| a).collect();
        assert_eq!(flat, vec![Some(0)]);
    }

    /// Skipping plain runs eight bytes at a time cuts exactly where a byte-by-byte scan does,
    /// at every alignment.
    #[test]
    fn skipping_plain_runs_changes_no_segment() {
        let pieces = [
            "seen at home",
            "14 Elm Road",
            ". Mum",
            "\"no\";",
            "Flat B, ",
            "x@y.com",
            "é\u{2019}s",
            "!\n\t|?",
            "a",
            "Unit 4",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for pad in 0..9 {
                        let text = format!("{}{a} {b}{c}", "q".repeat(pad));
                        let fast: Vec<_> = segments_with(&text, true).collect();
                        let slow: Vec<_> = segments_with(&text, false).collect();
                        assert_eq!(fast, slow, "{text:?}");
                    }
                }
            }
        }
    }

    /// Every combination of the shortcuts (starting near the piece's first anchor, running
    /// only the patterns its shape allows, the scanners) finds exactly what every regex over
    /// the whole piece finds, whatever comes before the identifiers.
    #[test]
    fn searching_from_the_first_anchor_changes_no_match() {
        let people = vec![Person {
            id: "P1".into(),
            name: "Kay Reid".into(),
            dob: Some("07/01/2012".into()),
            ..Person::default()
        }];
        let ids = Identifiers::new(&people, &[Role::ThirdParty]);
        let policy = Policy::built_in();
        let leads = [
            "",
            "Seen at home with mum and her friend ",
            "CALL ",
            "email ",
            "Verylongwordwithoutspaces",
            "Account number: ",
            "Sort code and account no. ",
            "QQ ",
            "Mrs J.Smith-Jones_",
            "Élodie ",
            "x ",
        ];
        let identifiers = [
            "john.smith99@example.co.uk",
            "j@x.org",
            "12345678",
            "07700 900123",
            "+44 7700 900123",
            "+44 (0) 1632 960123",
            "(01632) 960123",
            "943 476 5919",
            "QQ 12 34 56 C",
            "AB123456C",
            "A12345678901B",
            "AB12 CDE",
            "07/01/2012",
            "7th January 2012",
            "2012-01-07",
            "20-12-45",
            "Flat 3B, 67 Castle Place, Rochester, ME2 3BA",
            "Room 4, Oak House",
            "14 Elm Road, Chatham ME4 5XX",
            "ME4 5XX",
        ];
        let tails = [
            "",
            " and 07/01/2012",
            ", seen Tuesday",
            " x@y.com 14 Elm Road",
        ];
        let (mut texts, mut found) = (0, 0);
        for lead in leads {
            for id in identifiers {
                for tail in tails {
                    for joiner in ["", " ", "-", "."] {
                        let text = format!("{lead}{joiner}{id}{tail}");
                        let slow = ids.find_with(&text, &policy, Search::SLOW);
                        for search in Search::ALL {
                            let found = ids.find_with(&text, &policy, search);
                            assert_eq!(found, slow, "{text:?} {search:?}");
                        }
                        texts += 1;
                        found += slow.len();
                    }
                }
            }
        }
        assert_eq!(texts, 11 * 20 * 4 * 4);
        assert!(found > texts, "{found} identifiers in {texts} texts");
    }

    /// Lines made of the pieces identifiers are made of (digits, capitals, separators,
    /// month names, whole identifiers and near-misses), so generated lines hold matches and
    /// almost-matches of every pattern.
    fn identifier_like_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        const PIECES: &[&str] = &[
            "0",
            "1",
            "2",
            "3",
            "4",
            "5",
            "7",
            "9",
            "12",
            "123",
            "1234",
            "07700",
            "44",
            "+44",
            "+44 (0) ",
            "(0",
            "(01632) ",
            "(0123) ",
            ")",
            " ",
            " ",
            " ",
            "-",
            "/",
            ".",
            ":",
            ",",
            "A",
            "B",
            "C",
            "D",
            "E",
            "M",
            "Q",
            "X",
            "ME4",
            "ME10",
            "5XX",
            "QQ",
            "AB",
            "st",
            "nd",
            "th",
            "Jan",
            "January",
            "Jun",
            "June",
            "Sept",
            "September",
            "May",
            "Account",
            "account",
            "ccount",
            "Account no. ",
            "account number: ",
            "no",
            "number",
            "_",
            "x",
            "é",
            "\u{2019}",
            "07700 900123",
            "943 476 5919",
            "9434765919",
            "QQ 12 34 56 C",
            "A12345678901B",
            "AB12 CDE",
            "07/01/2012",
            "2012-01-07",
            "7th January 2012",
            "20-12-45",
            "12345678",
            "ME4 5XX",
            "01632 960 123",
            "0163296012",
            "(0123) 123 123",
            "Flat ",
            "Flat 3B, 67 Castle Place",
            "Room 4, Oak House",
            "14 Elm Road",
            "a@b.uk",
        ];
        proptest::collection::vec(proptest::sample::select(PIECES), 0..16)
            .prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]

        /// Each hand-written scanner finds exactly what its regex finds, from every start.
        #[test]
        fn scanners_find_what_their_regexes_find(line in identifier_like_line()) {
            for pattern in &Patterns::built_in().list {
                let Some(scan) = pattern.scan else { continue };
                for from in (0..=line.len()).filter(|&i| line.is_char_boundary(i)) {
                    let want = pattern.re.find_at(&line, from).map(|m| (m.start(), m.end()));
                    proptest::prop_assert_eq!(
                        scan(line.as_bytes(), from),
                        want,
                        "{:?} in {:?} from {}",
                        pattern.kind,
                        line,
                        from
                    );
                }
            }
        }

        /// A line's shape never rules out a pattern that matches in it.
        #[test]
        fn shapes_never_rule_out_a_match(line in identifier_like_line()) {
            let shape = Shape::of(line.as_bytes());
            for pattern in &Patterns::built_in().list {
                if pattern.re.is_match(&line) {
                    proptest::prop_assert!(
                        (pattern.may_match)(&shape),
                        "{:?} in {:?}: {:?}",
                        pattern.kind,
                        line,
                        shape
                    );
                }
            }
        }
    }

    /// Scanners and shapes on lines written out: each kind at the start, the end and
    /// mid-line, its near-misses, the fewest digits it can have, and word boundaries either
    /// side.
    #[test]
    fn scanners_and_shapes_agree_with_the_regexes_on_written_lines() {
        let lines = [
            "DOB 07/01/2012.",
            "born 7th January 2012 at home",
            "1st May 2020x",
            "12/3/45/2012",
            "2012-01-07-09",
            "a1/2/2012 b",
            "Call +44 (0) 1632 960123 or 07700 900 1234",
            "+447700900123",
            "(01632) 960 1234 (0123) 456 789",
            "00 7700 900123",
            "943 476 5919 and 943-476-5919 and 9434765919 and 94347659190",
            "ME10 4RY, M1 1AA, EC1A 1BB, SW1A 0AA and ME4 5XX",
            "QQ 12 34 56 C, AB123456D, AB 12 34 56 E",
            "A12345678901B A123456789012",
            "AB12 CDE AB12CDE AB123 CDE",
            "sort code 20-12-45, Account no. 12345678, account number: 87654321",
            "Account no.12345678 Account No. 12345678",
            "0163296012",
            "(0123) 123 123",
            "+44163296012",
            "Flat 3B, 67 Castle Place, Rochester, ME2 3BA",
            "Room 4, Oak House",
            "3 Elm Road",
            "j@x.org",
        ];
        for line in lines {
            let shape = Shape::of(line.as_bytes());
            for pattern in &Patterns::built_in().list {
                if pattern.re.is_match(line) {
                    assert!(
                        (pattern.may_match)(&shape),
                        "{:?} in {line:?}: {shape:?}",
                        pattern.kind
                    );
                }
                let Some(scan) = pattern.scan else { continue };
                for from in 0..=line.len() {
                    let want = pattern.re.find_at(line, from).map(|m| (m.start(), m.end()));
                    assert_eq!(
                        scan(line.as_bytes(), from),
                        want,
                        "{:?} in {line:?} from {from}",
                        pattern.kind
                    );
                }
            }
        }
    }

    #[test]
    fn every_kind_has_an_index_of_its_own() {
        use IdKind::*;
        let kinds = [
            Phone, Email, Postcode, Address, Nhs, Ni, Upn, Dob, Vehicle, Bank,
        ];
        let mut seen = [false; IdKind::COUNT];
        for kind in kinds {
            assert!(!seen[kind.index()], "{kind:?}");
            seen[kind.index()] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn checks() {
        assert!(nhs_valid("943 476 5919"));
        assert!(!nhs_valid("943 476 5918"));
        assert!(ni_valid("QQ 12 34 56 C"));
        assert!(!ni_valid("BG 12 34 56 C"));
        assert_eq!(phone_key("+44 7700 900123").as_deref(), Some("07700900123"));
        assert_eq!(phone_key("(01233) 245601").as_deref(), Some("01233245601"));
        assert_eq!(parse_date("7 January 2012"), Some((2012, 1, 7)));
        assert_eq!(parse_date("07.01.12"), Some((2012, 1, 7)));
        assert_eq!(street_key("14 Elm Road, Chatham ME4 5XX"), "14 elm road");
    }
}
