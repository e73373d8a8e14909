//! Subject access requests: who asked, for whom, when, and where the request is in its life.
//!
//! A request moves from `received` to `released` and `closed`; every change is an event with who
//! and when ([`RequestEvent`]). The clock that the statutory deadline runs on is derived from the
//! request's dates ([`Request::clock`]), never stored as a due date that could go stale.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::ClockEvents;
use crate::ids::{PersonId, RequestRef};

/// Who made the request, relative to the data subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequesterRelationship {
    /// The data subject asks for their own records.
    #[serde(rename = "self")]
    Subject,
    /// A parent (or someone with parental responsibility) asks for a child's records.
    Parent,
    /// A solicitor acting for the subject.
    Solicitor,
    Other,
}

impl RequesterRelationship {
    pub const ALL: [RequesterRelationship; 4] =
        [Self::Subject, Self::Parent, Self::Solicitor, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Subject => "self",
            Self::Parent => "parent",
            Self::Solicitor => "solicitor",
            Self::Other => "other",
        }
    }
}

impl FromStr for RequesterRelationship {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown requester relationship {s:?}; use self, parent, solicitor or other"
                )
            })
    }
}

/// Where a request is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Logged; the clock is running (or waits for ID).
    Received,
    /// Waiting for proof of identity: the month starts when it arrives.
    AwaitingId,
    /// The clock is stopped while the requester clarifies what they want.
    Paused,
    /// Records are being gathered and processed.
    InProgress,
    /// Proposed redactions are with reviewers.
    InReview,
    /// Signed off by a second person; ready to release.
    Approved,
    /// The disclosure was sent to the requester.
    Released,
    /// Finished (released, withdrawn or refused).
    Closed,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Self::Received,
        Self::AwaitingId,
        Self::Paused,
        Self::InProgress,
        Self::InReview,
        Self::Approved,
        Self::Released,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::AwaitingId => "awaiting_id",
            Self::Paused => "paused",
            Self::InProgress => "in_progress",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Released => "released",
            Self::Closed => "closed",
        }
    }

    /// Open requests count against the caseload and the deadline.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Released | Self::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let wanted = s.trim().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
                format!("unknown status {s:?}; use one of {}", names.join(", "))
            })
    }
}

/// A clarification pause: the clock stops from `from` until the answer arrives on `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    /// `None` while still waiting for the requester's answer.
    pub to: Option<Date>,
    pub reason: String,
}

/// The person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    pub relationship: RequesterRelationship,
    pub name: Option<String>,
    pub contact: Option<String>,
}

/// What `sar request new` registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub subject: PersonId,
    pub requester: Requester,
    pub received_on: Date,
    pub channel: String,
    pub care_leaver: bool,
}

/// A subject access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub reference: RequestRef,
    pub subject: PersonId,
    pub requester: Requester,
    pub channel: String,
    /// The subject is an adult who was looked after (or the request is marked as such).
    pub care_leaver: bool,
    pub received_on: Date,
    /// When requested ID evidence arrived (the month restarts from it).
    pub id_received_on: Option<Date>,
    pub extended: bool,
    pub extension_reason: Option<String>,
    /// When the requester was told of the extension (must be within the first month).
    pub extension_notified_on: Option<Date>,
    pub status: Status,
    /// When the response (disclosure or refusal) was sent.
    pub responded_on: Option<Date>,
    pub pauses: Vec<Pause>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One change in a request's life: who did what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestEvent {
    /// Unix milliseconds.
    pub at: i64,
    pub actor: String,
    pub event: String,
    pub detail: serde_json::Value,
}

impl Request {
    /// The events that move this request's deadline. A clarification pause still open on
    /// `today` counts as running until `today`.
    pub fn clock(&self, today: Date) -> ClockEvents {
        let mut events = ClockEvents::received(self.received_on).with_extension(self.extended);
        if let Some(id) = self.id_received_on {
            events = events.with_id_received(id);
        }
        for pause in &self.pauses {
            let to = pause.to.unwrap_or(today).max(pause.from);
            events = events.with_pause(pause.from, to);
        }
        events
    }

    /// The clarification pause still waiting for an answer, if any.
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.iter().find(|p| p.to.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
        for r in RequesterRelationship::ALL {
            assert_eq!(r.as_str().parse::<RequesterRelationship>().unwrap(), r);
        }
        assert!("cousin".parse::<RequesterRelationship>().is_err());
    }
}
