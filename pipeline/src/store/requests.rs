//! Requests, their clarification pauses and their event history.

use jiff::civil::Date;

use super::{BeginWrite, Db, Result, StoreError, now_ms, on_pool};
use crate::ids::{PersonId, RequestRef};
use crate::request::{NewRequest, Pause, Request, RequestEvent, Requester, Status};

#[derive(Debug, sqlx::FromRow)]
struct RequestRow {
    reference: String,
    subject_id: String,
    requester_relationship: String,
    requester_name: Option<String>,
    requester_contact: Option<String>,
    channel: String,
    care_leaver: bool,
    received_on: String,
    id_received_on: Option<String>,
    extended: bool,
    extension_reason: Option<String>,
    extension_notified_on: Option<String>,
    status: String,
    responded_on: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(Debug, sqlx::FromRow)]
struct PauseRow {
    reference: String,
    from_date: String,
    to_date: Option<String>,
    reason: String,
}

#[derive(Debug, sqlx::FromRow)]
struct EventRow {
    at: i64,
    actor: String,
    event: String,
    detail: String,
}

const NEXT_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) + 1 FROM requests WHERE year = $1";
const INSERT_REQUEST: &str = "INSERT INTO requests (reference, year, seq, subject_id, requester_relationship, \
     requester_name, requester_contact, channel, care_leaver, received_on, id_received_on, extended, \
     extension_reason, extension_notified_on, status, responded_on, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, FALSE, NULL, NULL, $11, NULL, $12, $13)";
const UPDATE_REQUEST: &str = "UPDATE requests SET requester_name = $1, requester_contact = $2, channel = $3, \
     care_leaver = $4, received_on = $5, id_received_on = $6, extended = $7, extension_reason = $8, \
     extension_notified_on = $9, status = $10, responded_on = $11, updated_at = $12 WHERE reference = $13";
const REQUEST_COLUMNS_BY_REF: &str = "SELECT reference, subject_id, requester_relationship, requester_name, \
     requester_contact, channel, care_leaver, received_on, id_received_on, extended, extension_reason, \
     extension_notified_on, status, responded_on, created_at, updated_at FROM requests WHERE reference = $1";
const ALL_REQUESTS: &str = "SELECT reference, subject_id, requester_relationship, requester_name, \
     requester_contact, channel, care_leaver, received_on, id_received_on, extended, extension_reason, \
     extension_notified_on, status, responded_on, created_at, updated_at FROM requests ORDER BY year, seq";
const PAUSES_OF: &str = "SELECT reference, from_date, to_date, reason FROM request_pauses WHERE reference = $1 ORDER BY seq";
const ALL_PAUSES: &str =
    "SELECT reference, from_date, to_date, reason FROM request_pauses ORDER BY reference, seq";
const DELETE_PAUSES: &str = "DELETE FROM request_pauses WHERE reference = $1";
const INSERT_PAUSE: &str = "INSERT INTO request_pauses (reference, seq, from_date, to_date, reason) VALUES ($1, $2, $3, $4, $5)";
const INSERT_EVENT: &str =
    "INSERT INTO request_events (reference, at, actor, event, detail) VALUES ($1, $2, $3, $4, $5)";
const EVENTS_OF: &str =
    "SELECT at, actor, event, detail FROM request_events WHERE reference = $1 ORDER BY id";

fn date(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad date {s:?} in requests")))
}

fn opt_date(s: &Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(date).transpose()
}

fn to_request(row: RequestRow, pauses: Vec<Pause>) -> Result<Request> {
    Ok(Request {
        reference: RequestRef::new(row.reference),
        subject: PersonId::new(row.subject_id),
        requester: Requester {
            relationship: row
                .requester_relationship
                .parse()
                .map_err(StoreError::Corrupt)?,
            name: row.requester_name,
            contact: row.requester_contact,
        },
        channel: row.channel,
        care_leaver: row.care_leaver,
        received_on: date(&row.received_on)?,
        id_received_on: opt_date(&row.id_received_on)?,
        extended: row.extended,
        extension_reason: row.extension_reason,
        extension_notified_on: opt_date(&row.extension_notified_on)?,
        status: row.status.parse().map_err(StoreError::Corrupt)?,
        responded_on: opt_date(&row.responded_on)?,
        pauses,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn to_pause(row: PauseRow) -> Result<Pause> {
    Ok(Pause {
        from: date(&row.from_date)?,
        to: opt_date(&row.to_date)?,
        reason: row.reason,
    })
}

impl Db {
    /// Registers a request and its `received` event; assigns the next reference of the year
    /// the request was received in (`SAR-2026-0001`, ...).
    pub async fn create_request(&self, new: &NewRequest, actor: &str) -> Result<Request> {
        let year = new.received_on.year();
        let now = now_ms();
        let detail = serde_json::json!({
            "subject": new.subject.as_str(),
            "received_on": new.received_on.to_string(),
            "requester_relationship": new.requester.relationship.as_str(),
            "channel": new.channel,
        })
        .to_string();
        // Two officers registering at once may race for the same number: the UNIQUE (year, seq)
        // constraint refuses the loser, which tries again with the next number.
        let mut last_error = None;
        for attempt in 0..50u64 {
            let result: std::result::Result<RequestRef, sqlx::Error> = on_pool!(self, |p| async {
                let mut tx = p.begin_write().await?;
                let (seq,): (i64,) = sqlx::query_as(NEXT_SEQ)
                    .bind(i64::from(year))
                    .fetch_one(&mut *tx)
                    .await?;
                let reference = RequestRef::for_year(year, seq as u32);
                sqlx::query(INSERT_REQUEST)
                    .bind(reference.as_str())
                    .bind(i64::from(year))
                    .bind(seq)
                    .bind(new.subject.as_str())
                    .bind(new.requester.relationship.as_str())
                    .bind(&new.requester.name)
                    .bind(&new.requester.contact)
                    .bind(&new.channel)
                    .bind(new.care_leaver)
                    .bind(new.received_on.to_string())
                    .bind(Status::Received.as_str())
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(INSERT_EVENT)
                    .bind(reference.as_str())
                    .bind(now)
                    .bind(actor)
                    .bind("received")
                    .bind(&detail)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(reference)
            }
            .await);
            match result {
                Ok(reference) => {
                    return self
                        .request(&reference)
                        .await?
                        .ok_or(StoreError::UnknownRequest {
                            reference: reference.to_string(),
                        });
                }
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    last_error = Some(sqlx::Error::Database(e));
                    // Back off a little, by a different amount per racer, before trying again.
                    let jitter = (now_ms() as u64 ^ u64::from(std::process::id()))
                        .wrapping_mul(attempt + 7)
                        % 20;
                    tokio::time::sleep(std::time::Duration::from_millis(2 + jitter)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(last_error
            .map(StoreError::from)
            .unwrap_or_else(|| StoreError::Corrupt("request numbering".into())))
    }

    pub async fn request(&self, reference: &RequestRef) -> Result<Option<Request>> {
        let row: Option<RequestRow> = on_pool!(self, |p| sqlx::query_as(REQUEST_COLUMNS_BY_REF)
            .bind(reference.as_str())
            .fetch_optional(p)
            .await?);
        let Some(row) = row else { return Ok(None) };
        let pauses: Vec<PauseRow> = on_pool!(self, |p| sqlx::query_as(PAUSES_OF)
            .bind(reference.as_str())
            .fetch_all(p)
            .await?);
        let pauses = pauses.into_iter().map(to_pause).collect::<Result<_>>()?;
        Ok(Some(to_request(row, pauses)?))
    }

    /// Like [`Db::request`], but a missing request is an error that says what to do.
    pub async fn require_request(&self, reference: &RequestRef) -> Result<Request> {
        self.request(reference)
            .await?
            .ok_or_else(|| StoreError::UnknownRequest {
                reference: reference.to_string(),
            })
    }

    /// Every request, oldest reference first.
    pub async fn requests(&self) -> Result<Vec<Request>> {
        let rows: Vec<RequestRow> =
            on_pool!(self, |p| sqlx::query_as(ALL_REQUESTS).fetch_all(p).await?);
        let pauses: Vec<PauseRow> =
            on_pool!(self, |p| sqlx::query_as(ALL_PAUSES).fetch_all(p).await?);
        let mut by_ref: std::collections::HashMap<String, Vec<Pause>> = Default::default();
        for p in pauses {
            let reference = p.reference.clone();
            by_ref.entry(reference).or_default().push(to_pause(p)?);
        }
        rows.into_iter()
            .map(|row| {
                let pauses = by_ref.remove(&row.reference).unwrap_or_default();
                to_request(row, pauses)
            })
            .collect()
    }

    /// Saves a changed request and the event that changed it, in one transaction.
    pub async fn update_request(
        &self,
        request: &Request,
        actor: &str,
        event: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        let now = now_ms();
        let r = request;
        let detail = detail.to_string();
        let changed: u64 = on_pool!(self, |p| {
            let mut tx = p.begin_write().await?;
            let changed = sqlx::query(UPDATE_REQUEST)
                .bind(&r.requester.name)
                .bind(&r.requester.contact)
                .bind(&r.channel)
                .bind(r.care_leaver)
                .bind(r.received_on.to_string())
                .bind(r.id_received_on.map(|d| d.to_string()))
                .bind(r.extended)
                .bind(&r.extension_reason)
                .bind(r.extension_notified_on.map(|d| d.to_string()))
                .bind(r.status.as_str())
                .bind(r.responded_on.map(|d| d.to_string()))
                .bind(now)
                .bind(r.reference.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(DELETE_PAUSES)
                .bind(r.reference.as_str())
                .execute(&mut *tx)
                .await?;
            for (i, pause) in r.pauses.iter().enumerate() {
                sqlx::query(INSERT_PAUSE)
                    .bind(r.reference.as_str())
                    .bind(i as i64)
                    .bind(pause.from.to_string())
                    .bind(pause.to.map(|d| d.to_string()))
                    .bind(&pause.reason)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(INSERT_EVENT)
                .bind(r.reference.as_str())
                .bind(now)
                .bind(actor)
                .bind(event)
                .bind(&detail)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            changed
        });
        if changed == 0 {
            return Err(StoreError::UnknownRequest {
                reference: r.reference.to_string(),
            });
        }
        Ok(())
    }

    /// A request's history, oldest first.
    pub async fn request_events(&self, reference: &RequestRef) -> Result<Vec<RequestEvent>> {
        let rows: Vec<EventRow> = on_pool!(self, |p| sqlx::query_as(EVENTS_OF)
            .bind(reference.as_str())
            .fetch_all(p)
            .await?);
        Ok(rows
            .into_iter()
            .map(|r| RequestEvent {
                at: r.at,
                actor: r.actor,
                event: r.event,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }
}
