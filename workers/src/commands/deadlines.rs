//! `sar deadlines`: the caseload. Open requests by days left (overdue first), then the share
//! of requests answered on time per month over the last twelve months, which is what the ICO
//! asks authorities to report.
//!
//! A month counts the requests whose due date fell in it: answered on time when the response
//! went on or before the due date; late when it went after, or when the request is still open
//! past its due date.

use std::collections::BTreeMap;
use std::process::ExitCode;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::cli::Global;
use crate::commands::request::{RequestLine, deadline_of, line};
use crate::commands::{open_db, today};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Count days from this day instead of today (YYYY-MM-DD).
    #[arg(long)]
    pub today: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct MonthRate {
    pub month: String,
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub pending: u32,
    /// On time as a share of the requests decided (answered, or overdue), in percent.
    pub on_time_percent: Option<f64>,
}

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let today = today(&args.today)?;
    let db = open_db(global, false).await?;
    let requests = db.requests().await?;
    db.close().await;

    let mut open: Vec<RequestLine> = requests
        .iter()
        .filter(|r| r.status.is_open())
        .map(|r| line(r, today))
        .collect::<anyhow::Result<_>>()?;
    open.sort_by(|a, b| {
        a.days_left
            .cmp(&b.days_left)
            .then(a.reference.cmp(&b.reference))
    });

    let months = last_twelve_months(today);
    let mut rates: BTreeMap<String, MonthRate> = months
        .iter()
        .map(|m| {
            (
                m.clone(),
                MonthRate {
                    month: m.clone(),
                    ..Default::default()
                },
            )
        })
        .collect();
    for r in &requests {
        let due = deadline_of(r, today)?.due;
        let Some(rate) = rates.get_mut(&month_of(due)) else {
            continue;
        };
        rate.due += 1;
        match r.responded_on {
            Some(on) if on <= due => rate.on_time += 1,
            Some(_) => rate.late += 1,
            None if due < today => rate.late += 1,
            None => rate.pending += 1,
        }
    }
    for rate in rates.values_mut() {
        let decided = rate.on_time + rate.late;
        rate.on_time_percent =
            (decided > 0).then(|| f64::from(rate.on_time) * 100.0 / f64::from(decided));
    }

    if args.json {
        let rates: Vec<&MonthRate> = rates.values().collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"today": today.to_string(), "open": open, "on_time_by_month": rates})
            )?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("Open requests on {today}: {}", open.len());
    if !open.is_empty() {
        println!(
            "{:<15} {:<14} {:<12} {:<10} {:>9}  NOTES",
            "REFERENCE", "SUBJECT", "STATUS", "DUE", "DAYS LEFT"
        );
        for l in &open {
            let mut notes = Vec::new();
            if l.days_left < 0 {
                notes.push(format!("OVERDUE by {} days", -l.days_left));
            }
            if l.paused {
                notes.push("clock stopped (clarification)".into());
            }
            if l.extended {
                notes.push("extended".into());
            }
            if let Some(by) = &l.extension_notice_by {
                notes.push(format!("to extend, tell the requester by {by}"));
            }
            println!(
                "{:<15} {:<14} {:<12} {:<10} {:>9}  {}",
                l.reference,
                l.subject,
                l.status,
                l.due,
                l.days_left,
                notes.join("; ")
            );
        }
    }
    println!();
    println!("Answered on time, by month of the due date (last 12 months):");
    println!(
        "{:<8} {:>4} {:>8} {:>5} {:>8} {:>9}",
        "MONTH", "DUE", "ON TIME", "LATE", "PENDING", "ON TIME %"
    );
    for r in rates.values() {
        let pct = r
            .on_time_percent
            .map(|p| format!("{p:.0}%"))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<8} {:>4} {:>8} {:>5} {:>8} {:>9}",
            r.month, r.due, r.on_time, r.late, r.pending, pct
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn month_of(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The twelve months ending with `today`'s month, oldest first.
fn last_twelve_months(today: Date) -> Vec<String> {
    let first = today.first_of_month();
    (0..12i32)
        .rev()
        .filter_map(|back| first.checked_sub(back.months()).ok())
        .map(month_of)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_end_this_month() {
        let months = last_twelve_months(jiff::civil::date(2026, 3, 31));
        assert_eq!(months.first().unwrap(), "2025-04");
        assert_eq!(months.last().unwrap(), "2026-03");
        assert_eq!(months.len(), 12);
    }
}
