//! From what happened to a request to its statutory due date.
//!
//! Settled subtleties (each follows `../shared/domain.md`):
//! - **Start**: the later of the day received and the day ID evidence arrived (ID restarts the
//!   month; it does not just add days). The start day may be a weekend or holiday.
//! - **Month arithmetic**: jiff's `checked_add(1.month())` gives the corresponding date and clamps
//!   to the month's last day (31 Jan + 1 month = 28/29 Feb).
//! - **Extension**: start + 3 months, clamped, computed from the start itself, never from the
//!   one-month date: 31 Jan + 3 months is 30 Apr, whereas (31 Jan + 1 month = 28 Feb) + 2 months
//!   would give 28 Apr; nor from a one-month date already rolled past a weekend.
//! - **Clarification pauses**: the paused calendar days are added to the clamped date, and only
//!   then is the working-day rule applied (so a pause never ends up rolled twice). A pause from
//!   `from` to `to` stops the clock on the day the question was sent and restarts it on the day
//!   the answer arrived: it counts `to - from` days.
//! - **Working-day rule**: a date on a weekend or bank holiday moves to the next working day.
//! - **Extension notice**: must reach the requester within the first month. We report the
//!   strictest reading, the one-month date from the start *without* pauses (working-day rule
//!   applied); the Art 15 supplementary information is due by the same date.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use super::calendar::HolidayCalendar;

/// The clock was stopped for clarification from `from` (question sent) to `to` (answer arrived).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: Date,
    pub to: Date,
}

impl Pause {
    /// Calendar days the clock did not run.
    pub fn days(&self) -> i64 {
        i64::from((self.to - self.from).get_days())
    }
}

/// What happened to a request that moves its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockEvents {
    pub received: Date,
    /// The day requested ID evidence (or a permitted fee) arrived, if it was asked for.
    pub id_received: Option<Date>,
    /// Clarification pauses with their dates.
    pub pauses: Vec<Pause>,
    /// Further paused days known only as a count (the `sar deadline --paused-days` calculator).
    pub paused_days: u32,
    /// The requester was told the deadline is extended by two further months.
    pub extended: bool,
}

impl ClockEvents {
    /// A request received on `received`, nothing else yet.
    pub fn received(received: Date) -> Self {
        ClockEvents {
            received,
            id_received: None,
            pauses: Vec::new(),
            paused_days: 0,
            extended: false,
        }
    }

    pub fn with_id_received(mut self, day: Date) -> Self {
        self.id_received = Some(day);
        self
    }

    pub fn with_pause(mut self, from: Date, to: Date) -> Self {
        self.pauses.push(Pause { from, to });
        self
    }

    pub fn with_paused_days(mut self, days: u32) -> Self {
        self.paused_days = days;
        self
    }

    pub fn with_extension(mut self, extended: bool) -> Self {
        self.extended = extended;
        self
    }

    /// The day the month starts running.
    pub fn start(&self) -> Date {
        match self.id_received {
            Some(id) if id > self.received => id,
            _ => self.received,
        }
    }
}

/// A request's computed deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The day the clock started (received, or ID received if later).
    pub start: Date,
    /// Total calendar days paused for clarification.
    pub paused_days: i64,
    /// Due date without an extension (pauses included).
    pub one_month_due: Date,
    /// Due date with the extension (pauses included), whether or not one was given.
    pub extended_due: Date,
    /// The due date that applies: `extended_due` if extended, else `one_month_due`.
    pub due: Date,
    /// The last day to tell the requester of an extension (and to send the Art 15 supplementary
    /// information): one month from the start, no pauses, working-day rule applied.
    pub extension_notice_by: Date,
}

/// Events that do not give a date in the supported calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("a clarification pause ends ({to}) before it starts ({from}); correct the resume date")]
    PauseEndsBeforeStart { from: Date, to: Date },
    #[error(
        "the deadline for a request starting {start} is past the end of the calendar (9999-12-31); check the dates"
    )]
    OutOfRange { start: Date },
}

/// Computes every deadline of a request. See the module docs for the rules.
pub fn deadline(
    events: &ClockEvents,
    calendar: &HolidayCalendar,
) -> Result<Deadline, DeadlineError> {
    let start = events.start();
    let out_of_range = || DeadlineError::OutOfRange { start };

    let mut paused_days = i64::from(events.paused_days);
    for pause in &events.pauses {
        if pause.to < pause.from {
            return Err(DeadlineError::PauseEndsBeforeStart {
                from: pause.from,
                to: pause.to,
            });
        }
        paused_days += pause.days();
    }
    let pause_span = Span::new()
        .try_days(paused_days)
        .map_err(|_| out_of_range())?;

    let due_after = |months: i32, pause: Span| -> Result<Date, DeadlineError> {
        let clamped = start
            .checked_add(months.months())
            .map_err(|_| out_of_range())?;
        let paused = clamped.checked_add(pause).map_err(|_| out_of_range())?;
        calendar
            .working_day_on_or_after(paused)
            .ok_or_else(out_of_range)
    };

    let one_month_due = due_after(1, pause_span)?;
    let extended_due = due_after(3, pause_span)?;
    let extension_notice_by = due_after(1, Span::new())?;
    Ok(Deadline {
        start,
        paused_days,
        one_month_due,
        extended_due,
        due: if events.extended {
            extended_due
        } else {
            one_month_due
        },
        extension_notice_by,
    })
}

/// The due date that applies to a request.
pub fn due_date(events: &ClockEvents, calendar: &HolidayCalendar) -> Result<Date, DeadlineError> {
    deadline(events, calendar).map(|deadline| deadline.due)
}

/// Calendar days from `today` to `due`: 0 on the due day, negative once overdue.
pub fn days_left(today: Date, due: Date) -> i32 {
    (due - today).get_days()
}
