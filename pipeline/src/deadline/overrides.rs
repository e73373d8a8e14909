//! Bank-holiday changes made by proclamation, read from a versioned TOML file.
//!
//! The file (see `config/bank-holidays/england-and-wales.toml`) lists `[[added]]` days and
//! `[[removed]]` rule days, each `date = "YYYY-MM-DD"` and `name`. A moved holiday is one of each.
//! Entries are checked against the region's rules, so a typo (removing a day that is not a rule
//! holiday, or adding one that already is) is reported with its file and line instead of being
//! silently ignored.

use std::path::Path;
use std::sync::LazyLock;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::calendar::Region;
use super::{DateFormatError, parse_iso_date};

/// The file format version this code reads.
pub const SUPPORTED_VERSION: u32 = 1;

const ENGLAND_AND_WALES: &str =
    include_str!("../../../config/bank-holidays/england-and-wales.toml");

/// One added or removed day, with where it was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayOverride {
    pub date: Date,
    pub name: String,
    /// 1-based line of the entry's `date` in its file.
    pub line: usize,
}

/// The proclaimed changes for one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayOverrides {
    pub region: Region,
    pub version: u32,
    /// Where the list was checked (free text, usually a URL and a date).
    pub source: String,
    /// The file path, or `built-in ...` for the embedded copy; used in error messages.
    pub origin: String,
    pub added: Vec<HolidayOverride>,
    pub removed: Vec<HolidayOverride>,
}

/// An overrides file that cannot be used. Every variant names the file, and the line when known.
#[derive(Debug, thiserror::Error)]
pub enum OverridesError {
    #[error(
        "cannot read bank-holiday overrides {path}: {error}; check the path, or leave it out to use the built-in list"
    )]
    Read { path: String, error: std::io::Error },
    #[error("{origin}:{line}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}:{line}: {error}")]
    BadDate {
        origin: String,
        line: usize,
        error: DateFormatError,
    },
    #[error("{origin}:{line}: {message}")]
    Invalid {
        origin: String,
        line: usize,
        message: String,
    },
    #[error(
        "{origin}: the overrides are for {file_region} but the calendar is for {calendar_region}; use that region's file"
    )]
    WrongRegion {
        origin: String,
        file_region: Region,
        calendar_region: Region,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Spanned<u32>,
    region: Spanned<String>,
    source: String,
    #[serde(default)]
    added: Vec<RawEntry>,
    #[serde(default)]
    removed: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    date: Spanned<String>,
    name: String,
}

impl HolidayOverrides {
    /// The copy compiled into the binary for `region` (parsed once per process).
    pub fn builtin(region: Region) -> HolidayOverrides {
        static ENGLAND_AND_WALES_PARSED: LazyLock<HolidayOverrides> = LazyLock::new(|| {
            // Checked by this module's tests; a broken built-in file cannot ship.
            HolidayOverrides::parse(
                ENGLAND_AND_WALES,
                "built-in config/bank-holidays/england-and-wales.toml",
            )
            .expect("the built-in overrides file is valid")
        });
        match region {
            Region::EnglandAndWales => ENGLAND_AND_WALES_PARSED.clone(),
        }
    }

    /// Reads and checks an overrides file.
    pub fn load(path: &Path) -> Result<HolidayOverrides, OverridesError> {
        let text = std::fs::read_to_string(path).map_err(|error| OverridesError::Read {
            path: path.display().to_string(),
            error,
        })?;
        HolidayOverrides::parse(&text, &path.display().to_string())
    }

    /// Parses and checks overrides text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<HolidayOverrides, OverridesError> {
        let line_at = |offset: usize| line_of(text, offset);
        let raw: RawFile = toml::from_str(text).map_err(|err| OverridesError::Syntax {
            origin: origin.to_string(),
            line: err.span().map_or(1, |span| line_at(span.start)),
            message: err.message().to_string(),
        })?;
        let invalid = |offset: usize, message: String| OverridesError::Invalid {
            origin: origin.to_string(),
            line: line_at(offset),
            message,
        };

        if *raw.version.get_ref() != SUPPORTED_VERSION {
            return Err(invalid(
                raw.version.span().start,
                format!(
                    "version {} is not supported (this build reads version {SUPPORTED_VERSION}); upgrade sar or convert the file",
                    raw.version.get_ref()
                ),
            ));
        }
        let region: Region = raw
            .region
            .get_ref()
            .parse()
            .map_err(|message| invalid(raw.region.span().start, message))?;

        let entries = |list: Vec<RawEntry>| -> Result<Vec<HolidayOverride>, OverridesError> {
            list.into_iter()
                .map(|entry| {
                    let line = line_at(entry.date.span().start);
                    let date = parse_iso_date(entry.date.get_ref()).map_err(|error| {
                        OverridesError::BadDate {
                            origin: origin.to_string(),
                            line,
                            error,
                        }
                    })?;
                    Ok(HolidayOverride {
                        date,
                        name: entry.name,
                        line,
                    })
                })
                .collect()
        };
        let added = entries(raw.added)?;
        let removed = entries(raw.removed)?;

        // Each entry must change something, or it is a typo that would silently do nothing.
        let is_rule_day = |date: Date| {
            region
                .rule_holidays(date.year())
                .iter()
                .any(|h| h.date == date)
        };
        for day in &removed {
            if !is_rule_day(day.date) {
                return Err(OverridesError::Invalid {
                    origin: origin.to_string(),
                    line: day.line,
                    message: format!(
                        "removed day {} is not a bank holiday under the {region} rules; correct the date or delete the entry",
                        day.date
                    ),
                });
            }
        }
        for day in &added {
            if is_rule_day(day.date) {
                return Err(OverridesError::Invalid {
                    origin: origin.to_string(),
                    line: day.line,
                    message: format!(
                        "added day {} is already a bank holiday under the {region} rules; delete the entry",
                        day.date
                    ),
                });
            }
        }

        Ok(HolidayOverrides {
            region,
            version: *raw.version.get_ref(),
            source: raw.source,
            origin: origin.to_string(),
            added,
            removed,
        })
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const HEADER: &str = "version = 1\nregion = \"england-and-wales\"\nsource = \"test\"\n";

    #[test]
    fn builtin_file_parses_with_the_known_changes() {
        let overrides = HolidayOverrides::builtin(Region::EnglandAndWales);
        assert_eq!(overrides.version, SUPPORTED_VERSION);
        let added: Vec<Date> = overrides.added.iter().map(|d| d.date).collect();
        let removed: Vec<Date> = overrides.removed.iter().map(|d| d.date).collect();
        for day in [
            date(2020, 5, 8),
            date(2022, 6, 2),
            date(2022, 6, 3),
            date(2022, 9, 19),
            date(2023, 5, 8),
        ] {
            assert!(added.contains(&day), "{day} added");
        }
        for day in [date(2020, 5, 4), date(2022, 5, 30)] {
            assert!(removed.contains(&day), "{day} removed");
        }
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let text = format!("{HEADER}[[added]]\ndate = 2026-05-01\nname = \"x\"\n");
        let err = HolidayOverrides::parse(&text, "holidays.toml").expect_err("unquoted date");
        let shown = err.to_string();
        assert!(shown.starts_with("holidays.toml:5:"), "{shown}");
    }

    #[test]
    fn bad_date_names_file_and_line() {
        let text = format!("{HEADER}\n[[added]]\ndate = \"2026-02-30\"\nname = \"x\"\n");
        let err = HolidayOverrides::parse(&text, "h.toml").expect_err("no 30 Feb");
        let shown = err.to_string();
        assert!(shown.starts_with("h.toml:6:"), "{shown}");
        assert!(shown.contains("YYYY-MM-DD"), "{shown}");
    }

    #[test]
    fn removing_a_non_holiday_is_rejected() {
        // 2026-05-05 is the Tuesday after the early May bank holiday (4 May).
        let text = format!("{HEADER}[[removed]]\ndate = \"2026-05-05\"\nname = \"x\"\n");
        let err = HolidayOverrides::parse(&text, "h.toml").expect_err("not a rule day");
        assert!(
            err.to_string()
                .starts_with("h.toml:5: removed day 2026-05-05"),
            "{err}"
        );
    }

    #[test]
    fn adding_a_rule_day_is_rejected() {
        let text = format!("{HEADER}[[added]]\ndate = \"2026-12-25\"\nname = \"x\"\n");
        let err = HolidayOverrides::parse(&text, "h.toml").expect_err("already a holiday");
        assert!(err.to_string().contains("already a bank holiday"), "{err}");
    }

    #[test]
    fn unknown_version_region_and_fields_are_rejected() {
        let version = "version = 2\nregion = \"england-and-wales\"\nsource = \"t\"\n";
        assert!(
            HolidayOverrides::parse(version, "h.toml")
                .expect_err("v2")
                .to_string()
                .starts_with("h.toml:1: version 2")
        );
        let region = "version = 1\nregion = \"scotland\"\nsource = \"t\"\n";
        assert!(
            HolidayOverrides::parse(region, "h.toml")
                .expect_err("region")
                .to_string()
                .starts_with("h.toml:2: unknown region")
        );
        let field = format!("{HEADER}colour = \"red\"\n");
        assert!(HolidayOverrides::parse(&field, "h.toml").is_err());
    }

    #[test]
    fn missing_file_names_the_path() {
        let err =
            HolidayOverrides::load(Path::new("/nonexistent/holidays.toml")).expect_err("missing");
        assert!(
            err.to_string().contains("/nonexistent/holidays.toml"),
            "{err}"
        );
    }
}
