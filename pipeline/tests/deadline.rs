//! Statutory deadline vectors, each worked out by hand from the rules in `shared/domain.md`
//! (corresponding date next month, else the month's last day; paused days added; then a weekend
//! or bank holiday moves to the next working day). Weekdays were read off a printed calendar.
//! Bank holidays used below (England and Wales): 2024 GF 29 Mar, EM 1 Apr, 6 May; 2025 GF 18 Apr,
//! EM 21 Apr; 2026 GF 3 Apr, EM 6 Apr, 4 May, 25 May, 31 Aug, 25 Dec, 28 Dec (Boxing Day sub);
//! 2027 GF 26 Mar, EM 29 Mar, 30 Aug, 27 and 28 Dec (subs for Christmas Sat / Boxing Day Sun).

use jiff::civil::{Date, date};
use proptest::prelude::*;
use sar_pipeline::deadline::{
    ClockEvents, HolidayCalendar, HolidayOverrides, Region, days_left, deadline, due_date,
    parse_iso_date,
};

fn calendar() -> HolidayCalendar {
    HolidayCalendar::england_and_wales()
}

fn due(received: Date) -> Date {
    due_date(&ClockEvents::received(received), &calendar()).expect("in range")
}

fn due_extended(received: Date) -> Date {
    due_date(
        &ClockEvents::received(received).with_extension(true),
        &calendar(),
    )
    .expect("in range")
}

/// (received, expected due, reasoning) for the one-month deadline.
fn check(vectors: &[(Date, Date, &str)]) {
    for (received, expected, why) in vectors {
        assert_eq!(due(*received), *expected, "received {received}: {why}");
    }
}

#[test]
fn ico_examples() {
    check(&[
        (
            date(2025, 1, 30),
            date(2025, 2, 28),
            "no 30 Feb 2025: last day, Fri 28 Feb",
        ),
        (
            date(2024, 3, 28),
            date(2024, 4, 29),
            "Sun 28 Apr -> Mon 29 Apr",
        ),
        (
            date(2026, 11, 25),
            date(2026, 12, 29),
            "Fri 25 Dec Christmas, Sat, Sun, Mon 28 Boxing sub -> Tue 29 Dec",
        ),
        (
            date(2026, 3, 3),
            date(2026, 4, 7),
            "Fri 3 Apr Good Friday, Sat, Sun, Mon 6 Easter Monday -> Tue 7 Apr",
        ),
    ]);
    // 30 Jan 2025 + 3 months = Wed 30 Apr 2025, a working day.
    assert_eq!(due_extended(date(2025, 1, 30)), date(2025, 4, 30));
}

#[test]
fn thirty_first_of_january_leap_and_not() {
    check(&[
        (
            date(2024, 1, 31),
            date(2024, 2, 29),
            "leap: Thu 29 Feb 2024",
        ),
        (
            date(2024, 1, 30),
            date(2024, 2, 29),
            "leap: 30 Feb -> Thu 29 Feb",
        ),
        (
            date(2028, 1, 31),
            date(2028, 2, 29),
            "leap: Tue 29 Feb 2028",
        ),
        (date(2025, 1, 31), date(2025, 2, 28), "Fri 28 Feb 2025"),
        (
            date(2025, 1, 29),
            date(2025, 2, 28),
            "no 29 Feb 2025 -> Fri 28 Feb",
        ),
        (
            date(2026, 1, 31),
            date(2026, 3, 2),
            "Sat 28 Feb 2026, Sun 1 Mar -> Mon 2 Mar",
        ),
    ]);
}

#[test]
fn end_of_august_and_the_summer_bank_holiday() {
    check(&[
        (
            date(2026, 7, 31),
            date(2026, 9, 1),
            "Mon 31 Aug 2026 summer BH -> Tue 1 Sep",
        ),
        (
            date(2027, 7, 30),
            date(2027, 8, 31),
            "Mon 30 Aug 2027 summer BH -> Tue 31 Aug",
        ),
        (
            date(2025, 7, 25),
            date(2025, 8, 26),
            "Mon 25 Aug 2025 summer BH -> Tue 26 Aug",
        ),
        (date(2026, 8, 29), date(2026, 9, 29), "Tue 29 Sep 2026"),
        (
            date(2026, 8, 30),
            date(2026, 9, 30),
            "received Sun; Wed 30 Sep",
        ),
        (
            date(2026, 8, 31),
            date(2026, 9, 30),
            "received on the BH; no 31 Sep -> Wed 30 Sep",
        ),
        (date(2025, 8, 30), date(2025, 9, 30), "Tue 30 Sep 2025"),
        (
            date(2025, 8, 31),
            date(2025, 9, 30),
            "no 31 Sep -> Tue 30 Sep 2025",
        ),
    ]);
}

#[test]
fn every_day_from_24_to_31_december() {
    // January 2027 starts on a Friday: 24 and 31 are Sundays, 30 a Saturday.
    check(&[
        (
            date(2026, 12, 24),
            date(2027, 1, 25),
            "Sun 24 Jan -> Mon 25",
        ),
        (date(2026, 12, 25), date(2027, 1, 25), "Mon 25 Jan"),
        (date(2026, 12, 26), date(2027, 1, 26), "Tue 26 Jan"),
        (date(2026, 12, 27), date(2027, 1, 27), "Wed 27 Jan"),
        (date(2026, 12, 28), date(2027, 1, 28), "Thu 28 Jan"),
        (date(2026, 12, 29), date(2027, 1, 29), "Fri 29 Jan"),
        (
            date(2026, 12, 30),
            date(2027, 2, 1),
            "Sat 30 Jan, Sun 31 -> Mon 1 Feb",
        ),
        (
            date(2026, 12, 31),
            date(2027, 2, 1),
            "Sun 31 Jan -> Mon 1 Feb",
        ),
    ]);
    // January 2026 starts on a Thursday: 24 and 31 are Saturdays.
    check(&[
        (
            date(2025, 12, 24),
            date(2026, 1, 26),
            "Sat 24 Jan, Sun 25 -> Mon 26",
        ),
        (
            date(2025, 12, 25),
            date(2026, 1, 26),
            "Sun 25 Jan -> Mon 26",
        ),
        (date(2025, 12, 26), date(2026, 1, 26), "Mon 26 Jan"),
        (date(2025, 12, 27), date(2026, 1, 27), "Tue 27 Jan"),
        (date(2025, 12, 28), date(2026, 1, 28), "Wed 28 Jan"),
        (date(2025, 12, 29), date(2026, 1, 29), "Thu 29 Jan"),
        (date(2025, 12, 30), date(2026, 1, 30), "Fri 30 Jan"),
        (
            date(2025, 12, 31),
            date(2026, 2, 2),
            "Sat 31 Jan, Sun 1 Feb -> Mon 2 Feb",
        ),
    ]);
}

#[test]
fn due_dates_over_christmas() {
    check(&[
        (date(2026, 11, 24), date(2026, 12, 24), "Thu 24 Dec 2026"),
        (
            date(2026, 11, 26),
            date(2026, 12, 29),
            "Sat 26, Sun 27, Mon 28 sub -> Tue 29",
        ),
        (
            date(2026, 11, 27),
            date(2026, 12, 29),
            "Sun 27, Mon 28 sub -> Tue 29",
        ),
        (
            date(2026, 11, 28),
            date(2026, 12, 29),
            "Mon 28 Boxing sub -> Tue 29",
        ),
        (date(2026, 11, 30), date(2026, 12, 30), "Wed 30 Dec 2026"),
        (
            date(2027, 11, 25),
            date(2027, 12, 29),
            "Sat 25, Sun 26, Mon 27 and Tue 28 subs -> Wed 29 Dec 2027",
        ),
    ]);
}

#[test]
fn good_friday_and_easter_weeks() {
    check(&[
        // 2023: Easter 9 Apr.
        (
            date(2023, 3, 7),
            date(2023, 4, 11),
            "Fri 7 Apr GF .. Mon 10 EM -> Tue 11",
        ),
        // 2024: Easter 31 Mar.
        (
            date(2024, 2, 28),
            date(2024, 3, 28),
            "Thu 28 Mar, before Good Friday",
        ),
        (
            date(2024, 2, 29),
            date(2024, 4, 2),
            "Fri 29 Mar GF .. Mon 1 Apr EM -> Tue 2",
        ),
        (date(2024, 3, 1), date(2024, 4, 2), "Mon 1 Apr EM -> Tue 2"),
        (
            date(2024, 3, 29),
            date(2024, 4, 29),
            "received on GF; Mon 29 Apr",
        ),
        // 2025: Easter 20 Apr.
        (
            date(2025, 3, 17),
            date(2025, 4, 17),
            "Thu 17 Apr, before Good Friday",
        ),
        (
            date(2025, 3, 18),
            date(2025, 4, 22),
            "Fri 18 Apr GF .. Mon 21 EM -> Tue 22",
        ),
        (
            date(2025, 3, 21),
            date(2025, 4, 22),
            "Mon 21 Apr EM -> Tue 22",
        ),
        // 2026: Easter 5 Apr.
        (
            date(2026, 3, 2),
            date(2026, 4, 2),
            "Thu 2 Apr, before Good Friday",
        ),
        (date(2026, 3, 6), date(2026, 4, 7), "Mon 6 Apr EM -> Tue 7"),
        // 2027: Easter 28 Mar.
        (
            date(2027, 2, 26),
            date(2027, 3, 30),
            "Fri 26 Mar GF .. Mon 29 EM -> Tue 30",
        ),
        (
            date(2027, 2, 28),
            date(2027, 3, 30),
            "Sun 28 Mar, Mon 29 EM -> Tue 30",
        ),
    ]);
}

#[test]
fn received_on_a_weekend_or_holiday_starts_the_clock_that_day() {
    check(&[
        (
            date(2026, 3, 7),
            date(2026, 4, 7),
            "received Sat; Tue 7 Apr",
        ),
        (
            date(2026, 11, 14),
            date(2026, 12, 14),
            "received Sat; Mon 14 Dec",
        ),
        (
            date(2026, 4, 4),
            date(2026, 5, 5),
            "received Easter Sat; Mon 4 May early May BH -> Tue 5 May",
        ),
        (
            date(2026, 4, 6),
            date(2026, 5, 6),
            "received Easter Monday; Wed 6 May",
        ),
    ]);
}

#[test]
fn extension_is_three_months_from_the_start() {
    let vectors = [
        (
            date(2025, 1, 31),
            date(2025, 4, 30),
            "no 31 Apr -> Wed 30 Apr (not 28 Apr)",
        ),
        (
            date(2025, 11, 30),
            date(2026, 3, 2),
            "no 30 Feb 2026 -> Sat 28 Feb, Sun 1 Mar -> Mon 2 Mar",
        ),
        (date(2026, 3, 3), date(2026, 6, 3), "Wed 3 Jun"),
        (
            date(2026, 2, 25),
            date(2026, 5, 26),
            "Mon 25 May spring BH -> Tue 26",
        ),
        (
            date(2026, 3, 31),
            date(2026, 6, 30),
            "no 31 Jun -> Tue 30 Jun",
        ),
        (
            date(2024, 3, 28),
            date(2024, 6, 28),
            "Fri 28 Jun, from the start, not from the rolled 29 Apr",
        ),
        (date(2027, 9, 24), date(2027, 12, 24), "Fri 24 Dec 2027"),
    ];
    for (received, expected, why) in vectors {
        assert_eq!(
            due_extended(received),
            expected,
            "received {received}: {why}"
        );
    }
}

#[test]
fn extension_notice_is_due_by_the_original_month() {
    let events = ClockEvents::received(date(2024, 3, 28)).with_extension(true);
    let computed = deadline(&events, &calendar()).expect("in range");
    assert_eq!(computed.start, date(2024, 3, 28));
    assert_eq!(computed.due, date(2024, 6, 28));
    assert_eq!(computed.extended_due, date(2024, 6, 28));
    // Sun 28 Apr -> Mon 29 Apr, as without the extension.
    assert_eq!(computed.one_month_due, date(2024, 4, 29));
    assert_eq!(computed.extension_notice_by, date(2024, 4, 29));
}

#[test]
fn clarification_pause_spanning_a_month_end() {
    // Received 10 Mar 2026; question sent 25 Mar, answer 2 Apr: 8 days (25 Mar..1 Apr).
    // 10 Apr + 8 = Sat 18 Apr -> Mon 20 Apr.
    let events =
        ClockEvents::received(date(2026, 3, 10)).with_pause(date(2026, 3, 25), date(2026, 4, 2));
    let computed = deadline(&events, &calendar()).expect("in range");
    assert_eq!(computed.paused_days, 8);
    assert_eq!(computed.due, date(2026, 4, 20));
    // The notice date ignores the pause: Fri 10 Apr.
    assert_eq!(computed.extension_notice_by, date(2026, 4, 10));

    // Received 20 Jan 2026, paused 28 Jan to 4 Feb: 7 days. Fri 20 Feb + 7 = Fri 27 Feb.
    // Extended: Mon 20 Apr + 7 = Mon 27 Apr.
    let events = ClockEvents::received(date(2026, 1, 20))
        .with_pause(date(2026, 1, 28), date(2026, 2, 4))
        .with_extension(true);
    let computed = deadline(&events, &calendar()).expect("in range");
    assert_eq!(computed.one_month_due, date(2026, 2, 27));
    assert_eq!(computed.due, date(2026, 4, 27));
}

#[test]
fn paused_days_are_added_before_the_working_day_rule() {
    // 3 Apr 2026 + 3 = Mon 6 Apr Easter Monday -> Tue 7 Apr. (Rolling first would give
    // Tue 7 Apr + 3 = Fri 10 Apr.)
    let events = ClockEvents::received(date(2026, 3, 3)).with_paused_days(3);
    assert_eq!(due_date(&events, &calendar()), Ok(date(2026, 4, 7)));
    // The month-end clamp comes first: 31 Jan 2026 -> 28 Feb, + 5 = Thu 5 Mar.
    let events = ClockEvents::received(date(2026, 1, 31)).with_paused_days(5);
    assert_eq!(due_date(&events, &calendar()), Ok(date(2026, 3, 5)));
    // Counted days and dated pauses add up: 2 + 8 = 10; 10 Apr + 10 = Mon 20 Apr.
    let events = ClockEvents::received(date(2026, 3, 10))
        .with_paused_days(2)
        .with_pause(date(2026, 3, 25), date(2026, 4, 2));
    assert_eq!(due_date(&events, &calendar()), Ok(date(2026, 4, 20)));
}

#[test]
fn a_pause_that_ends_before_it_starts_is_an_error() {
    let events =
        ClockEvents::received(date(2026, 3, 10)).with_pause(date(2026, 3, 25), date(2026, 3, 20));
    assert!(due_date(&events, &calendar()).is_err());
}

#[test]
fn id_received_later_restarts_the_month() {
    let cal = calendar();
    // Start 10 Mar 2026 -> Fri 10 Apr.
    let events = ClockEvents::received(date(2026, 3, 2)).with_id_received(date(2026, 3, 10));
    assert_eq!(due_date(&events, &cal), Ok(date(2026, 4, 10)));
    // Start 3 Feb 2026 -> Tue 3 Mar (not the clamped 28 Feb of a 31 Jan start).
    let events = ClockEvents::received(date(2026, 1, 31)).with_id_received(date(2026, 2, 3));
    assert_eq!(due_date(&events, &cal), Ok(date(2026, 3, 3)));
    // ID sent with the request, dated earlier: the request's own date starts it. Thu 2 Apr.
    let events = ClockEvents::received(date(2026, 3, 2)).with_id_received(date(2026, 3, 1));
    assert_eq!(due_date(&events, &cal), Ok(date(2026, 4, 2)));
    // Extended from the ID date: 3 Mar + 3 months = Wed 3 Jun.
    let events = ClockEvents::received(date(2026, 1, 5))
        .with_id_received(date(2026, 3, 3))
        .with_extension(true);
    assert_eq!(due_date(&events, &cal), Ok(date(2026, 6, 3)));
}

#[test]
fn days_left_counts_calendar_days() {
    assert_eq!(days_left(date(2026, 12, 1), date(2026, 12, 29)), 28);
    assert_eq!(days_left(date(2026, 12, 29), date(2026, 12, 29)), 0);
    assert_eq!(days_left(date(2027, 1, 2), date(2026, 12, 29)), -4);
}

#[test]
fn bank_holidays_2020_to_2027_match_the_published_list() {
    // gov.uk/bank-holidays, England and Wales.
    let published: [(i16, &[(i8, i8)]); 8] = [
        (
            2020,
            &[
                (1, 1),
                (4, 10),
                (4, 13),
                (5, 8),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            2021,
            &[
                (1, 1),
                (4, 2),
                (4, 5),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
            ],
        ),
        (
            2022,
            &[
                (1, 3),
                (4, 15),
                (4, 18),
                (5, 2),
                (6, 2),
                (6, 3),
                (8, 29),
                (9, 19),
                (12, 26),
                (12, 27),
            ],
        ),
        (
            2023,
            &[
                (1, 2),
                (4, 7),
                (4, 10),
                (5, 1),
                (5, 8),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2024,
            &[
                (1, 1),
                (3, 29),
                (4, 1),
                (5, 6),
                (5, 27),
                (8, 26),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2025,
            &[
                (1, 1),
                (4, 18),
                (4, 21),
                (5, 5),
                (5, 26),
                (8, 25),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2026,
            &[
                (1, 1),
                (4, 3),
                (4, 6),
                (5, 4),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            2027,
            &[
                (1, 1),
                (3, 26),
                (3, 29),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
            ],
        ),
    ];
    let cal = calendar();
    for (year, days) in published {
        let expected: Vec<Date> = days.iter().map(|(m, d)| date(year, *m, *d)).collect();
        let computed: Vec<Date> = cal.bank_holidays(year).iter().map(|h| h.date).collect();
        assert_eq!(computed, expected, "{year}");
        for day in &expected {
            assert!(
                cal.is_bank_holiday(*day) && !cal.is_working_day(*day),
                "{day}"
            );
        }
    }
    // The moved days are ordinary working days.
    for moved in [date(2020, 5, 4), date(2022, 5, 30)] {
        assert!(cal.is_working_day(moved), "{moved}");
    }
}

#[test]
fn rules_alone_do_not_know_the_proclamations() {
    let rules = HolidayCalendar::rules_only(Region::EnglandAndWales);
    assert!(rules.is_bank_holiday(date(2022, 5, 30)));
    assert!(!rules.is_bank_holiday(date(2022, 6, 2)));
    assert!(!rules.is_bank_holiday(date(2023, 5, 8)));
}

#[test]
fn overrides_load_from_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("england-and-wales.toml");
    std::fs::write(
        &path,
        "version = 1\nregion = \"england-and-wales\"\nsource = \"test\"\n\n\
         [[added]]\ndate = \"2031-06-06\"\nname = \"A new holiday\"\n",
    )
    .expect("write");
    let overrides = HolidayOverrides::load(&path).expect("valid file");
    let cal = HolidayCalendar::england_and_wales()
        .with_overrides(&overrides)
        .expect("same region");
    assert!(cal.is_bank_holiday(date(2031, 6, 6)));
    // The built-in changes are still there.
    assert!(cal.is_bank_holiday(date(2023, 5, 8)));
}

#[test]
fn working_day_navigation() {
    let cal = calendar();
    // Thu 24 Dec 2026 -> next is Tue 29 Dec (25 Fri, 26-27 weekend, 28 Boxing sub).
    assert_eq!(
        cal.next_working_day(date(2026, 12, 24)),
        Some(date(2026, 12, 29))
    );
    assert_eq!(
        cal.working_day_on_or_after(date(2026, 12, 24)),
        Some(date(2026, 12, 24))
    );
    assert_eq!(cal.next_working_day(date(9999, 12, 31)), None);
}

#[test]
fn the_end_of_the_calendar_is_an_error_not_a_panic() {
    let events = ClockEvents::received(date(9999, 12, 1));
    assert!(due_date(&events, &calendar()).is_err());
    let events = ClockEvents::received(date(2026, 1, 1)).with_paused_days(u32::MAX);
    assert!(due_date(&events, &calendar()).is_err());
}

#[test]
fn dev_corpus_requests() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/dev/requests"
    );
    let Ok(entries) = std::fs::read_dir(dir) else {
        println!("SKIPPED: {dir} not found (clone shared/ beside the repo to run this test)");
        return;
    };
    let mut checked = 0;
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let field = |name: &str| {
            json[name]
                .as_str()
                .and_then(|s| parse_iso_date(s).ok())
                .unwrap_or_else(|| panic!("{}: no {name}", path.display()))
        };
        let (received, expected) = (field("received_date"), field("expected_due_date"));
        assert_eq!(
            due(received),
            expected,
            "{}: {}",
            path.display(),
            json["due_date_reasoning"]
        );
        checked += 1;
    }
    assert!(checked > 0, "no request files in {dir}");
}

fn any_date() -> impl Strategy<Value = Date> {
    (1900i16..=2200, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
        let last = date(y, m, 1).days_in_month();
        date(y, m, d.min(last))
    })
}

proptest! {
    #[test]
    fn due_is_at_least_28_days_later_and_a_working_day(received in any_date(), pause in 0u32..200, extended: bool) {
        let cal = calendar();
        let events = ClockEvents::received(received).with_paused_days(pause).with_extension(extended);
        let computed = deadline(&events, &cal).expect("in range");
        prop_assert!(days_left(received, computed.due) >= 28 + i32::try_from(pause).expect("small"));
        prop_assert!(cal.is_working_day(computed.due));
        prop_assert!(cal.is_working_day(computed.extension_notice_by));
        prop_assert!(computed.extended_due > computed.one_month_due);
        prop_assert!(computed.extension_notice_by <= computed.one_month_due);
        // Never more than a week past the clamped date: holidays never run that long.
        prop_assert!(days_left(received, computed.one_month_due) <= 31 + i32::try_from(pause).expect("small") + 7);
    }

    #[test]
    fn due_is_monotone_in_the_received_date(received in any_date(), later in 0i64..60) {
        let cal = calendar();
        let after = received.checked_add(jiff::Span::new().days(later)).expect("in range");
        let earlier_due = due_date(&ClockEvents::received(received), &cal).expect("in range");
        let later_due = due_date(&ClockEvents::received(after), &cal).expect("in range");
        prop_assert!(earlier_due <= later_due);
    }

    #[test]
    fn more_pause_never_shortens_the_deadline(received in any_date(), pause in 0u32..100, more in 0u32..100) {
        let cal = calendar();
        let less = due_date(&ClockEvents::received(received).with_paused_days(pause), &cal).expect("in range");
        let longer = due_date(&ClockEvents::received(received).with_paused_days(pause + more), &cal).expect("in range");
        prop_assert!(less <= longer);
    }

    #[test]
    fn any_date_string_round_trips(day in any_date()) {
        prop_assert_eq!(parse_iso_date(&day.to_string()), Ok(day));
    }
}
