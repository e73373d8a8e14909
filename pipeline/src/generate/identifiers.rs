//! Synthetic identifiers in the shapes real records hold, from ranges that belong to nobody:
//! NHS numbers in the 999 test range with a valid mod-11 check digit, NI numbers with the
//! never-issued `QQ` prefix, UPNs with a valid check letter, Ofcom drama phone numbers and
//! emails on reserved example domains.

use super::rng::Rng;
use super::words;

/// `999 xxx xxxx` with a valid mod-11 check digit.
pub fn nhs_number(rng: &mut Rng) -> String {
    loop {
        let mut digits = [9u32, 9, 9, 0, 0, 0, 0, 0, 0];
        for d in digits.iter_mut().skip(3) {
            *d = rng.below(10) as u32;
        }
        if let Some(check) = nhs_check_digit(&digits) {
            let s: String = digits
                .iter()
                .chain([check].iter())
                .map(|d| char::from(b'0' + *d as u8))
                .collect();
            return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
        }
    }
}

/// The mod-11 check digit for the first nine digits; `None` when those nine have none (a
/// remainder that would make the check 10).
fn nhs_check_digit(first_nine: &[u32; 9]) -> Option<u32> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => Some(check),
    }
}

/// True when `s` (spaces allowed) is ten digits with a correct mod-11 check digit.
pub fn nhs_number_is_valid(s: &str) -> bool {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    let Ok(all): Result<[u32; 10], _> = digits.try_into() else {
        return false;
    };
    let mut first = [0u32; 9];
    first.copy_from_slice(&all[..9]);
    nhs_check_digit(&first) == Some(all[9])
}

/// `QQ 12 34 56 C`: the `QQ` prefix is never issued.
pub fn ni_number(rng: &mut Rng) -> String {
    let suffix = *rng.pick(&['A', 'B', 'C', 'D']);
    format!(
        "QQ {:02} {:02} {:02} {suffix}",
        rng.below(100),
        rng.below(100),
        rng.below(100)
    )
}

/// The 23 check letters of a UPN, indexed by the weighted sum mod 23.
const UPN_CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A 13-character Unique Pupil Number: check letter, LA code, school number, year, serial.
pub fn upn(rng: &mut Rng, la_code: u32, year: i32) -> String {
    let body = format!(
        "{:03}{:04}{:02}{:03}",
        la_code % 1000,
        rng.between(2000, 7999),
        year.rem_euclid(100),
        rng.below(1000)
    );
    format!("{}{body}", char::from(upn_check_letter(&body)))
}

/// The check letter over the 12 digits after it (weights 2..=13).
fn upn_check_letter(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .zip(2u32..)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    UPN_CHECK_LETTERS[(sum % 23) as usize]
}

/// True when `s` is a 13-character UPN whose check letter matches its digits.
pub fn upn_is_valid(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 13
        && bytes[1..].iter().all(u8::is_ascii_digit)
        && s.get(1..)
            .is_some_and(|body| upn_check_letter(body) == bytes[0])
}

/// A mobile in Ofcom's drama range `07700 900000`-`900999`.
pub fn mobile(rng: &mut Rng) -> String {
    format!("07700 900{:03}", rng.below(1000))
}

/// A landline in Ofcom's drama range `01632 960000`-`960999`.
pub fn landline(rng: &mut Rng) -> String {
    format!("01632 960{:03}", rng.below(1000))
}

/// A personal email on a reserved example domain.
pub fn personal_email(rng: &mut Rng, first: &str, last: &str) -> String {
    let domain = rng.pick(&["example.com", "example.net", "example.org"]);
    format!(
        "{}.{}{}@{domain}",
        slug(first),
        slug(last),
        rng.between(1, 99)
    )
}

/// A worker's email at their organisation, on an example domain.
pub fn work_email(first: &str, last: &str, org_domain: &str) -> String {
    format!("{}.{}@{org_domain}", slug(first), slug(last))
}

/// Lower-case letters only (drops apostrophes and spaces).
pub fn slug(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A house address in one of the made-up towns, with a postcode in that town's area.
pub fn address(rng: &mut Rng) -> String {
    let (town, area) = *rng.pick(words::TOWNS);
    format!(
        "{} {} {}, {town} {area}{} {}{}{}",
        rng.between(1, 160),
        rng.pick(words::STREET_NAMES),
        rng.pick(words::STREET_TYPES),
        rng.between(1, 19),
        rng.between(1, 9),
        char::from(*rng.pick(b"ABDEFGHJLNPQRSTUWXYZ")),
        char::from(*rng.pick(b"ABDEFGHJLNPQRSTUWXYZ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_nhs_numbers_validate_and_a_wrong_digit_does_not() {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let n = nhs_number(&mut rng);
            assert!(nhs_number_is_valid(&n), "{n}");
        }
        // The worked example from NHS Digital's data dictionary: 943 476 5919.
        assert!(nhs_number_is_valid("943 476 5919"));
        assert!(!nhs_number_is_valid("943 476 5918"));
        assert!(!nhs_number_is_valid("943 476 591"));
    }

    #[test]
    fn generated_upns_validate() {
        let mut rng = Rng::new(9);
        for _ in 0..200 {
            let u = upn(&mut rng, 887, 2011);
            assert!(upn_is_valid(&u), "{u}");
        }
        assert!(!upn_is_valid("A123"));
    }

    #[test]
    fn phones_are_in_drama_ranges() {
        let mut rng = Rng::new(5);
        assert!(mobile(&mut rng).starts_with("07700 900"));
        assert!(landline(&mut rng).starts_with("01632 960"));
        assert!(ni_number(&mut rng).starts_with("QQ "));
    }
}
