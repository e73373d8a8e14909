//! The statutory deadline for a subject access request (UK GDPR Art 12(3), ICO guidance).
//!
//! Pure date arithmetic, no clock and no I/O besides optionally reading an overrides file:
//! - [`calendar`]: which days are working days in a [`Region`] ([`HolidayCalendar`]).
//! - [`rules`]: the bank holidays a region's rules produce for any year (Easter included).
//! - [`overrides`]: days added or removed by proclamation, from a versioned TOML file in
//!   `config/bank-holidays/` (embedded as the default).
//! - [`clock`]: from the events of a request ([`ClockEvents`]) to its [`Deadline`].
//!
//! The rules, as `../shared/domain.md` states them:
//! 1. The clock starts on the day the request is received (working day or not), or, if later, the
//!    day requested ID evidence arrives: that *restarts* the month.
//! 2. Due = the corresponding date in the next month, or that month's last day if it has none.
//!    With an extension: the corresponding date three months after the start, clamped the same way
//!    (computed from the start directly, never by adding two months to the one-month date).
//! 3. Calendar days paused for clarification (Art 12A) are added to that date.
//! 4. Only then, a weekend or bank holiday moves it to the next working day.

pub mod calendar;
pub mod clock;
pub mod overrides;
pub mod rules;

pub use calendar::{BankHoliday, HolidayCalendar, Region};
pub use clock::{ClockEvents, Deadline, DeadlineError, Pause, days_left, deadline, due_date};
pub use overrides::{HolidayOverride, HolidayOverrides, OverridesError};

use jiff::civil::Date;

/// A date given in the wrong shape, e.g. on the command line or in a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a date as YYYY-MM-DD (e.g. 2026-03-03), got {input:?}")]
pub struct DateFormatError {
    /// What was given (a date is not personal data about a third party).
    pub input: String,
}

/// Parses exactly `YYYY-MM-DD` into a real calendar date (rejects `2026-02-30`, `2026-3-3`,
/// `20260303` and times).
pub fn parse_iso_date(input: &str) -> Result<Date, DateFormatError> {
    let err = || DateFormatError {
        input: input.to_string(),
    };
    let bytes = input.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(err());
    }
    let number = |range: std::ops::Range<usize>| input[range].parse::<i16>().map_err(|_| err());
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let month = i8::try_from(month).map_err(|_| err())?;
    let day = i8::try_from(day).map_err(|_| err())?;
    Date::new(year, month, day).map_err(|_| err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(parse_iso_date("2026-03-03"), Ok(date(2026, 3, 3)));
        assert_eq!(parse_iso_date("2024-02-29"), Ok(date(2024, 2, 29)));
        for bad in [
            "2025-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-3-3",
            "20260303",
            "03/03/2026",
            "2026-03-03T00:00",
            " 2026-03-03",
            "",
            "２０２６-03-03",
        ] {
            let err = parse_iso_date(bad).expect_err(bad);
            assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        }
    }
}
