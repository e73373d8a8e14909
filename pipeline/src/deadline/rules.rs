//! The bank holidays a region's standing rules produce for a year, before any proclamation.
//!
//! England and Wales (Banking and Financial Dealings Act 1971 and the annual proclamations that
//! have settled into a fixed pattern since 1978): New Year's Day, Good Friday, Easter Monday, the
//! first and last Mondays of May, the last Monday of August, Christmas Day and Boxing Day. A fixed
//! day that falls at a weekend is replaced by the next weekday not already a holiday (so Christmas
//! on a Saturday gives Monday 27th and Boxing Day on the Sunday gives Tuesday 28th). The same rules
//! are applied to every year; one-off changes live in the overrides file ([`super::overrides`]).

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::calendar::BankHoliday;

/// The rule-based England and Wales bank holidays of `year`, in date order. Empty for a year
/// outside the supported calendar (-9999..=9999).
pub fn england_and_wales(year: i16) -> Vec<BankHoliday> {
    let mut days = england_and_wales_days(year).unwrap_or_default();
    days.sort_by_key(|holiday| holiday.date);
    days
}

fn england_and_wales_days(year: i16) -> Option<Vec<BankHoliday>> {
    let on = |month: i8, day: i8| Date::new(year, month, day).ok();
    let easter = easter_sunday(year)?;
    let mut days = Vec::with_capacity(8);

    // New Year's Day: a weekend day is replaced by the Monday after.
    let new_year = on(1, 1)?;
    days.push(match new_year.weekday() {
        Weekday::Saturday => substitute(new_year.checked_add(2.days()).ok()?, "New Year's Day"),
        Weekday::Sunday => substitute(new_year.checked_add(1.day()).ok()?, "New Year's Day"),
        _ => BankHoliday::new(new_year, "New Year's Day"),
    });
    days.push(BankHoliday::new(
        easter.checked_sub(2.days()).ok()?,
        "Good Friday",
    ));
    days.push(BankHoliday::new(
        easter.checked_add(1.day()).ok()?,
        "Easter Monday",
    ));
    days.push(BankHoliday::new(
        on(5, 1)?.nth_weekday_of_month(1, Weekday::Monday).ok()?,
        "Early May bank holiday",
    ));
    days.push(BankHoliday::new(
        on(5, 1)?.nth_weekday_of_month(-1, Weekday::Monday).ok()?,
        "Spring bank holiday",
    ));
    days.push(BankHoliday::new(
        on(8, 1)?.nth_weekday_of_month(-1, Weekday::Monday).ok()?,
        "Summer bank holiday",
    ));

    // Christmas and Boxing Day: each that falls at a weekend takes the next free weekday after
    // the 26th, in that order.
    let christmas = [(on(12, 25)?, "Christmas Day"), (on(12, 26)?, "Boxing Day")];
    let mut next_free = on(12, 27)?;
    for (date, name) in christmas {
        if !is_weekend(date) {
            days.push(BankHoliday::new(date, name));
            continue;
        }
        while is_weekend(next_free) || days.iter().any(|holiday| holiday.date == next_free) {
            next_free = next_free.tomorrow().ok()?;
        }
        days.push(substitute(next_free, name));
        next_free = next_free.tomorrow().ok()?;
    }
    Some(days)
}

/// Easter Sunday of `year` in the Gregorian calendar (the "anonymous Gregorian algorithm",
/// Meeus/Jones/Butcher). `None` outside the supported calendar.
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let (b, c) = (y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c.div_euclid(4), c.rem_euclid(4));
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn substitute(date: Date, name: &str) -> BankHoliday {
    BankHoliday::new(date, format!("{name} (substitute day)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_matches_published_dates() {
        // Published Easter Sundays (Church of England tables).
        let published = [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ];
        for (y, m, d) in published {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "Easter {y}");
        }
    }

    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=9999 {
            let easter = easter_sunday(year).expect("in range");
            assert_eq!(easter.weekday(), Weekday::Sunday, "{easter}");
            assert!(
                easter >= date(year, 3, 22) && easter <= date(year, 4, 25),
                "{easter}"
            );
        }
    }

    #[test]
    fn every_year_has_eight_weekday_holidays() {
        for year in [-9999, 1, 1978, 2099, 9999] {
            let days = england_and_wales(year);
            assert_eq!(days.len(), 8, "{year}");
            assert!(days.iter().all(|h| !is_weekend(h.date)), "{year}");
        }
    }
}
