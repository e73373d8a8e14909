//! Working days: a region's rule-based bank holidays plus its proclaimed changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, Weekday};

use super::overrides::{HolidayOverrides, OverridesError};
use super::rules;

/// The UK jurisdiction whose bank holidays apply. Scotland and Northern Ireland have different
/// days (2 January, St Andrew's Day, St Patrick's Day, the Twelfth...) and will be added as their
/// own variants with their own rules and overrides file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// England and Wales.
    #[default]
    EnglandAndWales,
}

impl Region {
    /// The name used in configuration (`region = "england-and-wales"`).
    pub fn slug(self) -> &'static str {
        match self {
            Region::EnglandAndWales => "england-and-wales",
        }
    }

    /// The bank holidays this region's standing rules give in `year`, before proclamations.
    pub fn rule_holidays(self, year: i16) -> Vec<BankHoliday> {
        match self {
            Region::EnglandAndWales => rules::england_and_wales(year),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl FromStr for Region {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "england-and-wales" => Ok(Region::EnglandAndWales),
            other => Err(format!(
                "unknown region {other:?}; supported: \"england-and-wales\""
            )),
        }
    }
}

/// One bank holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHoliday {
    pub date: Date,
    pub name: String,
}

impl BankHoliday {
    pub fn new(date: Date, name: impl Into<String>) -> Self {
        BankHoliday {
            date,
            name: name.into(),
        }
    }
}

/// Which days are working days: Monday to Friday, except bank holidays.
#[derive(Debug, Clone)]
pub struct HolidayCalendar {
    region: Region,
    added: BTreeMap<Date, String>,
    removed: BTreeSet<Date>,
}

impl HolidayCalendar {
    /// England and Wales: the rules for any year plus the proclaimed changes in the built-in copy
    /// of `config/bank-holidays/england-and-wales.toml`.
    pub fn england_and_wales() -> Self {
        let overrides = HolidayOverrides::builtin(Region::EnglandAndWales);
        HolidayCalendar::rules_only(Region::EnglandAndWales)
            .with_overrides(&overrides)
            .expect("the built-in overrides are for their own region")
    }

    /// The region's standing rules alone, with no proclaimed changes.
    pub fn rules_only(region: Region) -> Self {
        HolidayCalendar {
            region,
            added: BTreeMap::new(),
            removed: BTreeSet::new(),
        }
    }

    /// Applies proclaimed changes (days added, rule days removed). Applying several files
    /// combines them. Fails if the file is for another region.
    pub fn with_overrides(mut self, overrides: &HolidayOverrides) -> Result<Self, OverridesError> {
        if overrides.region != self.region {
            return Err(OverridesError::WrongRegion {
                origin: overrides.origin.clone(),
                file_region: overrides.region,
                calendar_region: self.region,
            });
        }
        for day in &overrides.removed {
            self.removed.insert(day.date);
            self.added.remove(&day.date);
        }
        for day in &overrides.added {
            self.added.insert(day.date, day.name.clone());
        }
        Ok(self)
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// The bank holidays of `year`, in date order.
    pub fn bank_holidays(&self, year: i16) -> Vec<BankHoliday> {
        let mut days: Vec<BankHoliday> = self
            .region
            .rule_holidays(year)
            .into_iter()
            .filter(|holiday| !self.removed.contains(&holiday.date))
            .collect();
        days.extend(
            self.added
                .iter()
                .filter(|(date, _)| date.year() == year)
                .map(|(date, name)| BankHoliday::new(*date, name.clone())),
        );
        days.sort_by_key(|holiday| holiday.date);
        days.dedup_by_key(|holiday| holiday.date);
        days
    }

    /// Whether `date` is a bank holiday (whatever its weekday).
    pub fn is_bank_holiday(&self, date: Date) -> bool {
        if self.added.contains_key(&date) {
            return true;
        }
        !self.removed.contains(&date)
            && self
                .region
                .rule_holidays(date.year())
                .iter()
                .any(|holiday| holiday.date == date)
    }

    /// Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.is_bank_holiday(date)
    }

    /// `date` itself if it is a working day, else the next one: the rule for a due date that
    /// falls on a weekend or bank holiday. `None` past the end of the supported calendar.
    pub fn working_day_on_or_after(&self, date: Date) -> Option<Date> {
        let mut day = date;
        while !self.is_working_day(day) {
            day = day.tomorrow().ok()?;
        }
        Some(day)
    }

    /// The first working day strictly after `date`. `None` past the end of the calendar.
    pub fn next_working_day(&self, date: Date) -> Option<Date> {
        self.working_day_on_or_after(date.tomorrow().ok()?)
    }
}
