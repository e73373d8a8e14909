//! What a piece of text holds that the identifier patterns need, found in one pass over its
//! bytes: which patterns can match there at all.
//!
//! Most anchored pieces of a case record hold a date, a time, a case number or a single
//! identifier; the shape rules out the other patterns without running them. Every field is
//! a necessary condition of some pattern, read off the pattern: keep them in step (the tests
//! check each against its regex over generated text).

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Shape {
    /// An `@` (an email).
    pub at: bool,
    /// ASCII digits in all (a phone number has ten).
    pub digits: u32,
    /// A capital right before a digit (a postcode's outward code).
    pub capital_digit: bool,
    /// A digit right before two capitals (a postcode's inward code).
    pub digit_capitals: bool,
    /// Two capitals, an optional space and two digits (an NI number).
    pub capitals_digits: bool,
    /// Two capitals right before two digits (a registration).
    pub capitals_two_digits: bool,
    /// A capital right before eleven digits (a UPN).
    pub capital_eleven_digits: bool,
    /// How many times a digit, one of `/.-`, and a digit follow each other (a numeric date
    /// has two).
    pub digit_mark_digit: u32,
    /// How many times a digit, `-` and a digit follow each other (a sort code has two).
    pub digit_dash_digit: u32,
    /// A digit, at most two letters, an optional comma, a space and a capital ("14 Elm",
    /// "3B, Rose").
    pub digit_capital_word: bool,
    /// A digit, at most two letters, a space and the start of a month's name ("7th Jan").
    pub digit_month: bool,
    /// Ten digits in runs joined by single spaces or hyphens as an NHS number's may be
    /// (3 3 4, 6 4, 3 7 or 10).
    pub nhs_groups: bool,
    /// "Flat ", "Apartment ", "Unit " or "Room " (flat and room addresses).
    pub flat: bool,
    /// "ccount" ("Account number: 12345678", with eight digits).
    pub account: bool,
}

impl Shape {
    pub fn of(piece: &[u8]) -> Shape {
        let mut shape = Shape::default();
        let at = |i: usize| piece.get(i).copied().unwrap_or(0);
        // The last two runs of digits joined by single spaces or hyphens (an NHS number's
        // groups), and where the last one ended.
        let mut runs = [0usize; 2];
        let mut run_end = usize::MAX;
        let mut i = 0;
        while i < piece.len() {
            // Most bytes are lower-case letters and spaces, which no field looks at.
            match piece[i..].iter().position(|&b| NOTED[b as usize]) {
                Some(skip) => i += skip,
                None => break,
            }
            let b = piece[i];
            match b {
                b'0'..=b'9' => {
                    let start = i;
                    while at(i).is_ascii_digit() {
                        i += 1;
                    }
                    let run = i - start;
                    shape.digits += run as u32;
                    // Joined to the last run by one separator, or a chain of its own.
                    if run_end.wrapping_add(1) != start || !matches!(at(run_end), b' ' | b'-') {
                        runs = [0, 0];
                    }
                    shape.nhs_groups |= run == 10
                        || (run == 7 && runs[1] == 3)
                        || (run == 4 && (runs[1] == 6 || (runs[1] == 3 && runs[0] == 3)));
                    runs = [runs[1], run];
                    run_end = i;
                    // The byte after the run.
                    let next = at(i);
                    match next {
                        b'/' | b'.' | b'-' => {
                            if at(i + 1).is_ascii_digit() {
                                shape.digit_mark_digit += 1;
                                shape.digit_dash_digit += u32::from(next == b'-');
                            }
                        }
                        _ => {
                            shape.digit_capitals |=
                                next.is_ascii_uppercase() && at(i + 1).is_ascii_uppercase();
                            let (word, month) = capital_word_after_digit(&piece[i..]);
                            shape.digit_capital_word |= word;
                            shape.digit_month |= month;
                        }
                    }
                    continue;
                }
                b'A'..=b'Z' => {
                    let next = at(i + 1);
                    if next.is_ascii_digit() {
                        shape.capital_digit = true;
                        let run = piece[i + 1..]
                            .iter()
                            .take(11)
                            .take_while(|b| b.is_ascii_digit())
                            .count();
                        shape.capital_eleven_digits |= run == 11;
                    } else if next.is_ascii_uppercase() {
                        let two_digits =
                            |k: usize| at(k).is_ascii_digit() && at(k + 1).is_ascii_digit();
                        let close = two_digits(i + 2);
                        shape.capitals_two_digits |= close;
                        shape.capitals_digits |= close || (at(i + 2) == b' ' && two_digits(i + 3));
                    }
                    if matches!(b, b'F' | b'A' | b'U' | b'R') {
                        let rest = &piece[i..];
                        shape.flat |= ["Flat ", "Apartment ", "Unit ", "Room "]
                            .iter()
                            .any(|w| rest.starts_with(w.as_bytes()));
                    }
                }
                b'@' => shape.at = true,
                b'c' => shape.account |= piece[i..].starts_with(b"ccount"),
                _ => {}
            }
            i += 1;
        }
        shape
    }

    /// The shape that lets every pattern run (the reference the tests compare with).
    pub const ANY: Shape = Shape {
        at: true,
        digits: u32::MAX,
        capital_digit: true,
        digit_capitals: true,
        capitals_digits: true,
        capitals_two_digits: true,
        capital_eleven_digits: true,
        digit_mark_digit: u32::MAX,
        digit_dash_digit: u32::MAX,
        digit_capital_word: true,
        digit_month: true,
        nhs_groups: true,
        flat: true,
        account: true,
    };
}

/// The bytes [`Shape::of`] looks at: digits, capitals, `@` and `c` (of "account").
static NOTED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'0'..=b'9' | b'A'..=b'Z' | b'@' | b'c');
        b += 1;
    }
    table
};

/// Whether `rest` (the bytes after a digit) starts with at most two ASCII letters, an
/// optional comma, a space and a capital; and whether, with no comma, that capital starts a
/// month's name.
fn capital_word_after_digit(rest: &[u8]) -> (bool, bool) {
    let letters = rest
        .iter()
        .take(2)
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let rest = &rest[letters..];
    let (comma, rest) = match rest.strip_prefix(b",") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let [b' ', capital, word @ ..] = rest else {
        return (false, false);
    };
    if !capital.is_ascii_uppercase() {
        return (false, false);
    }
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let month = !comma
        && MONTHS
            .iter()
            .any(|m| m[0] == *capital && word.starts_with(&m[1..]));
    (true, month)
}
