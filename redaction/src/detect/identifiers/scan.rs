//! Hand-written scanners for the fixed-shape identifier patterns (dates, phone, NHS and NI
//! numbers, postcodes, UPNs, registrations, sort codes and account numbers).
//!
//! Each returns exactly what its regex's `find_at(line, from)` returns: the leftmost match
//! starting at or after `from`, and at that start the match a backtracking engine would
//! take first (the regex crate's leftmost-first semantics), with word boundaries judged on
//! the whole line as `(?-u:\b)` judges them. They exist for speed: a case record's
//! anchored segments are short, and a regex search costs a fixed ~900 instructions on top of
//! its bytes where these cost a few per byte. The tests compare each with its regex over
//! generated lines at every start; keep the two in step when changing either.

/// A scanner: the leftmost match in `line` from byte `from`, as (start, end).
pub(super) type Scan = fn(&[u8], usize) -> Option<(usize, usize)>;

/// An ASCII word character, as `(?-u:\b)` sees them.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The byte at `i`, or 0 past the end (0 matches no class used here).
fn at(line: &[u8], i: usize) -> u8 {
    line.get(i).copied().unwrap_or(0)
}

/// A word boundary before byte `p`, where `line[p]` is a word character.
fn boundary_before(line: &[u8], p: usize) -> bool {
    p == 0 || !is_word(line[p - 1])
}

/// A word boundary at `e`, where `line[e - 1]` is a word character.
fn boundary_after(line: &[u8], e: usize) -> bool {
    e >= line.len() || !is_word(line[e])
}

fn digit(line: &[u8], i: usize) -> bool {
    at(line, i).is_ascii_digit()
}

fn capital(line: &[u8], i: usize) -> bool {
    at(line, i).is_ascii_uppercase()
}

/// `n` digits from `i`.
fn digits(line: &[u8], i: usize, n: usize) -> bool {
    (i..i + n).all(|k| digit(line, k))
}

/// How many digits run from `i` (at most `max`).
fn digit_run(line: &[u8], i: usize, max: usize) -> usize {
    (i..i + max).take_while(|&k| digit(line, k)).count()
}

/// `i + 1` if `line[i]` is `b` (an optional byte taken greedily), else `i`.
fn optional(line: &[u8], i: usize, b: u8) -> usize {
    if at(line, i) == b { i + 1 } else { i }
}

/// The leftmost start from `from` at which `first` accepts the byte and `anchored` matches,
/// with the end `anchored` gives.
fn leftmost(
    line: &[u8],
    from: usize,
    first: impl Fn(u8) -> bool,
    anchored: impl Fn(&[u8], usize) -> Option<usize>,
) -> Option<(usize, usize)> {
    (from..line.len())
        .filter(|&p| first(line[p]))
        .find_map(|p| anchored(line, p).map(|e| (p, e)))
}

/// `\b(?:[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})|[0-9]{4}-[0-9]{2}-[0-9]{2}|
/// [0-9]{1,2}(?:st|nd|rd|th)? MONTHS [0-9]{4})\b`
pub(super) fn dob(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_digit(),
        |line, p| {
            if !boundary_before(line, p) {
                return None;
            }
            let ends = |e: usize| boundary_after(line, e).then_some(e);
            let mark = |i: usize| matches!(at(line, i), b'/' | b'.' | b'-');
            // d/m/y: each count greedy, then the next choice.
            for day in [2, 1] {
                if !digits(line, p, day) || !mark(p + day) {
                    continue;
                }
                let m = p + day + 1;
                for month in [2, 1] {
                    if !digits(line, m, month) || !mark(m + month) {
                        continue;
                    }
                    let y = m + month + 1;
                    for year in [4, 2] {
                        if digits(line, y, year)
                            && let Some(e) = ends(y + year)
                        {
                            return Some(e);
                        }
                    }
                }
            }
            // yyyy-mm-dd
            if digits(line, p, 4)
                && at(line, p + 4) == b'-'
                && digits(line, p + 5, 2)
                && at(line, p + 7) == b'-'
                && digits(line, p + 8, 2)
                && let Some(e) = ends(p + 10)
            {
                return Some(e);
            }
            // 7th January 2012
            for day in [2, 1] {
                if !digits(line, p, day) {
                    continue;
                }
                let after = p + day;
                let suffix = line
                    .get(after..after + 2)
                    .filter(|s| matches!(*s, b"st" | b"nd" | b"rd" | b"th"));
                let starts = match suffix {
                    Some(_) => [Some(after + 2), Some(after)],
                    None => [Some(after), None],
                };
                for start in starts.into_iter().flatten() {
                    if at(line, start) != b' ' {
                        continue;
                    }
                    for name_end in month_ends(line, start + 1) {
                        if at(line, name_end) == b' '
                            && digits(line, name_end + 1, 4)
                            && let Some(e) = ends(name_end + 5)
                        {
                            return Some(e);
                        }
                    }
                }
            }
            None
        },
    )
}

/// The months as the date pattern spells them, in its order of preference: each as
/// `(short, longer forms longest first)`, the short form tried last (`Jan(?:uary)?`).
const MONTHS: [(&[u8], &[&[u8]]); 12] = [
    (b"Jan", &[b"January"]),
    (b"Feb", &[b"February"]),
    (b"Mar", &[b"March"]),
    (b"Apr", &[b"April"]),
    (b"May", &[]),
    (b"Jun", &[b"June"]),
    (b"Jul", &[b"July"]),
    (b"Aug", &[b"August"]),
    (b"Sep", &[b"September", b"Sept"]),
    (b"Oct", &[b"October"]),
    (b"Nov", &[b"November"]),
    (b"Dec", &[b"December"]),
];

/// The ends of the month names that start at `i`, in the pattern's order of preference.
fn month_ends(line: &[u8], i: usize) -> impl Iterator<Item = usize> + '_ {
    let rest = line.get(i..).unwrap_or_default();
    MONTHS
        .iter()
        .filter(move |(short, _)| rest.starts_with(short))
        .flat_map(move |(short, longer)| {
            longer
                .iter()
                .copied()
                .chain(std::iter::once(*short))
                .filter(move |name| rest.starts_with(name))
                .map(move |name| i + name.len())
        })
}

/// `(?:\+44 ?(?:\(0\) ?)?|\b0)[0-9](?:[ \-]?[0-9]){8,9}\b|\(0[0-9]{3,4}\) ?[0-9]{3,4} ?[0-9]{3,4}\b`
pub(super) fn phone(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| matches!(b, b'+' | b'0' | b'('),
        |line, p| {
            match line[p] {
                b'+' => {
                    if !line[p..].starts_with(b"+44") {
                        return None;
                    }
                    // Every optional piece is taken when present: leaving one out puts a space
                    // or a bracket where a digit must be.
                    let mut i = optional(line, p + 3, b' ');
                    if line.get(i..).is_some_and(|r| r.starts_with(b"(0)")) {
                        i = optional(line, i + 3, b' ');
                    }
                    phone_digits(line, i)
                }
                b'0' => {
                    if !boundary_before(line, p) {
                        return None;
                    }
                    phone_digits(line, p + 1)
                }
                _ => {
                    // (01632) 960123
                    if at(line, p + 1) != b'0' {
                        return None;
                    }
                    let area = digit_run(line, p + 2, 5);
                    if !(3..=4).contains(&area) || at(line, p + 2 + area) != b')' {
                        return None;
                    }
                    let i = optional(line, p + 3 + area, b' ');
                    for first in [4, 3] {
                        if !digits(line, i, first) {
                            continue;
                        }
                        let j = optional(line, i + first, b' ');
                        for second in [4, 3] {
                            if digits(line, j, second) && boundary_after(line, j + second) {
                                return Some(j + second);
                            }
                        }
                    }
                    None
                }
            }
        },
    )
}

/// `[0-9](?:[ \-]?[0-9]){8,9}\b` from `i`: nine repeats tried before eight.
fn phone_digits(line: &[u8], i: usize) -> Option<usize> {
    if !digit(line, i) {
        return None;
    }
    // The end after each repeat: a separator is taken when a digit follows it.
    let mut ends = [0usize; 10];
    let mut e = i + 1;
    for end in ends.iter_mut().skip(1) {
        if matches!(at(line, e), b' ' | b'-') && digit(line, e + 1) {
            e += 2;
        } else if digit(line, e) {
            e += 1;
        } else {
            break;
        }
        *end = e;
    }
    [9, 8]
        .into_iter()
        .map(|n| ends[n])
        .find(|&e| e > 0 && boundary_after(line, e))
}

/// `\b[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{4}\b`
pub(super) fn nhs(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_digit(),
        |line, p| {
            if !boundary_before(line, p) || !digits(line, p, 3) {
                return None;
            }
            let sep = |i: usize| {
                if matches!(at(line, i), b' ' | b'-') {
                    i + 1
                } else {
                    i
                }
            };
            let i = sep(p + 3);
            if !digits(line, i, 3) {
                return None;
            }
            let i = sep(i + 3);
            (digits(line, i, 4) && boundary_after(line, i + 4)).then_some(i + 4)
        },
    )
}

/// `\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b`
pub(super) fn postcode(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_uppercase(),
        |line, p| {
            if !boundary_before(line, p) {
                return None;
            }
            for area in [2, 1] {
                if !(p..p + area).all(|k| capital(line, k)) || !digit(line, p + area) {
                    continue;
                }
                let district = p + area + 1;
                let extra = at(line, district);
                let after_district = if extra.is_ascii_uppercase() || extra.is_ascii_digit() {
                    [Some(district + 1), Some(district)]
                } else {
                    [Some(district), None]
                };
                for i in after_district.into_iter().flatten() {
                    let spaced = if at(line, i) == b' ' {
                        [Some(i + 1), Some(i)]
                    } else {
                        [Some(i), None]
                    };
                    for j in spaced.into_iter().flatten() {
                        if digit(line, j)
                            && capital(line, j + 1)
                            && capital(line, j + 2)
                            && boundary_after(line, j + 3)
                        {
                            return Some(j + 3);
                        }
                    }
                }
            }
            None
        },
    )
}

/// `\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b`
pub(super) fn ni(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_uppercase(),
        |line, p| {
            if !boundary_before(line, p) || !capital(line, p + 1) {
                return None;
            }
            let mut i = p + 2;
            for _ in 0..3 {
                i = optional(line, i, b' ');
                if !digits(line, i, 2) {
                    return None;
                }
                i += 2;
            }
            i = optional(line, i, b' ');
            (matches!(at(line, i), b'A'..=b'D') && boundary_after(line, i + 1)).then_some(i + 1)
        },
    )
}

/// `\b[A-Z][0-9]{11}[0-9A-Z]\b`
pub(super) fn upn(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_uppercase(),
        |line, p| {
            let last = at(line, p + 12);
            (boundary_before(line, p)
                && digits(line, p + 1, 11)
                && (last.is_ascii_digit() || last.is_ascii_uppercase())
                && boundary_after(line, p + 13))
            .then_some(p + 13)
        },
    )
}

/// `\b[A-Z]{2}[0-9]{2} ?[A-Z]{3}\b`
pub(super) fn vehicle(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_uppercase(),
        |line, p| {
            if !boundary_before(line, p) || !capital(line, p + 1) || !digits(line, p + 2, 2) {
                return None;
            }
            let i = optional(line, p + 4, b' ');
            ((i..i + 3).all(|k| capital(line, k)) && boundary_after(line, i + 3)).then_some(i + 3)
        },
    )
}

/// `\b[0-9]{2}-[0-9]{2}-[0-9]{2}\b|\b[Aa]ccount (?:number|no\.?):? ?[0-9]{8}\b`
pub(super) fn bank(line: &[u8], from: usize) -> Option<(usize, usize)> {
    leftmost(
        line,
        from,
        |b| b.is_ascii_digit() || b == b'A' || b == b'a',
        |line, p| {
            if !boundary_before(line, p) {
                return None;
            }
            if line[p].is_ascii_digit() {
                let sort_code = digits(line, p, 2)
                    && at(line, p + 2) == b'-'
                    && digits(line, p + 3, 2)
                    && at(line, p + 5) == b'-'
                    && digits(line, p + 6, 2)
                    && boundary_after(line, p + 8);
                return sort_code.then_some(p + 8);
            }
            let rest = &line[p + 1..];
            if !rest.starts_with(b"ccount ") {
                return None;
            }
            let i = p + 8;
            let word = &line[i..];
            // Whichever word is there is the only one that can go on to match.
            let i = if word.starts_with(b"number") {
                i + 6
            } else if word.starts_with(b"no") {
                optional(line, i + 2, b'.')
            } else {
                return None;
            };
            let i = optional(line, i, b':');
            let i = optional(line, i, b' ');
            (digits(line, i, 8) && boundary_after(line, i + 8)).then_some(i + 8)
        },
    )
}
