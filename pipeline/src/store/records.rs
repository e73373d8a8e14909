//! Imports, people, relationships, documents and records.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{BeginWrite, Db, Result, StoreError, now_ms, on_pool};
use crate::export::Person;
use crate::ids::{PersonId, RecordId};

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RecordRow {
    pub id: String,
    pub kind: String,
    pub file_of: Option<String>,
    pub record_date: String,
    pub author: Option<String>,
    pub title: Option<String>,
    /// JSON list of person ids.
    pub people: String,
    pub body_text: Option<String>,
    pub file_path: Option<String>,
    pub document_sha256: Option<String>,
    pub content_sha256: String,
    pub fingerprint: String,
    /// `ok` or `not_processed`.
    pub status: String,
    pub status_reason: Option<String>,
    pub extra: String,
    pub import_id: i64,
    pub updated_at: i64,
}

impl RecordRow {
    pub fn record_id(&self) -> RecordId {
        RecordId::new(self.id.clone())
    }

    pub fn people_ids(&self) -> Vec<PersonId> {
        serde_json::from_str::<Vec<String>>(&self.people)
            .unwrap_or_default()
            .into_iter()
            .map(PersonId::new)
            .collect()
    }

    pub fn is_processable(&self) -> bool {
        self.status == STATUS_OK
    }

    /// The record as the export described it.
    pub fn to_export_record(&self) -> crate::export::Record {
        use crate::export::{Body, Record};
        Record {
            id: self.record_id(),
            kind: self.kind.clone(),
            file_of: PersonId::new(self.file_of.clone().unwrap_or_default()),
            date: self.record_date.clone(),
            author: self.author.clone().map(PersonId::new),
            title: self.title.clone(),
            people: self.people_ids(),
            body: match (&self.body_text, &self.file_path) {
                (Some(t), _) => Body::Text(t.clone()),
                (None, Some(f)) => Body::File(f.clone()),
                (None, None) => Body::Text(String::new()),
            },
            extra: serde_json::from_str(&self.extra).unwrap_or_default(),
        }
    }
}

pub const STATUS_OK: &str = "ok";
pub const STATUS_NOT_PROCESSED: &str = "not_processed";

/// A stored person: the exported person in full.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct PersonRow {
    data: String,
}

/// How many of each thing the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub people: i64,
    pub relationships: i64,
    pub records: i64,
    pub not_processed: i64,
    pub documents: i64,
}

const INSERT_IMPORT: &str = "INSERT INTO imports (source, source_system, exported_at, imported_at, summary) \
     VALUES ($1, $2, $3, $4, '{}') RETURNING id";
const FINISH_IMPORT: &str = "UPDATE imports SET summary = $1 WHERE id = $2";
const UPSERT_PERSON: &str = "INSERT INTO people (id, name, kind, data, import_id, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, data = excluded.data, \
     import_id = excluded.import_id, updated_at = excluded.updated_at \
     WHERE people.data <> excluded.data";
const INSERT_RELATIONSHIP: &str = "INSERT INTO relationships (from_id, to_id, kind) VALUES ($1, $2, $3) \
     ON CONFLICT (from_id, to_id, kind) DO NOTHING";
const INSERT_DOCUMENT: &str = "INSERT INTO documents (sha256, size, stored_at) VALUES ($1, $2, $3) \
     ON CONFLICT (sha256) DO NOTHING";
const RECORD_FINGERPRINTS: &str = "SELECT id, fingerprint FROM records";
const UPSERT_RECORD: &str = "INSERT INTO records (id, kind, file_of, record_date, author, title, people, \
     body_text, file_path, document_sha256, content_sha256, fingerprint, status, status_reason, extra, \
     import_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, file_of = excluded.file_of, \
     record_date = excluded.record_date, author = excluded.author, title = excluded.title, \
     people = excluded.people, body_text = excluded.body_text, file_path = excluded.file_path, \
     document_sha256 = excluded.document_sha256, content_sha256 = excluded.content_sha256, \
     fingerprint = excluded.fingerprint, status = excluded.status, status_reason = excluded.status_reason, \
     extra = excluded.extra, import_id = excluded.import_id, updated_at = excluded.updated_at";
const ALL_RECORDS: &str = "SELECT id, kind, file_of, record_date, author, title, people, body_text, \
     file_path, document_sha256, content_sha256, fingerprint, status, status_reason, extra, import_id, \
     updated_at FROM records ORDER BY record_date, id";
const GET_RECORD: &str = "SELECT id, kind, file_of, record_date, author, title, people, body_text, \
     file_path, document_sha256, content_sha256, fingerprint, status, status_reason, extra, import_id, \
     updated_at FROM records WHERE id = $1";
const ALL_PEOPLE: &str = "SELECT data FROM people ORDER BY id";
const PERSON_EXISTS: &str = "SELECT COUNT(*) FROM people WHERE id = $1";
const ALL_RELATIONSHIPS: &str =
    "SELECT from_id, to_id, kind FROM relationships ORDER BY from_id, to_id, kind";
const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM relationships), \
     (SELECT COUNT(*) FROM records), (SELECT COUNT(*) FROM records WHERE status = 'not_processed'), \
     (SELECT COUNT(*) FROM documents)";

impl Db {
    /// Starts an import and returns its id.
    pub async fn begin_import(
        &self,
        source: &str,
        source_system: Option<&str>,
        exported_at: Option<&str>,
    ) -> Result<i64> {
        let now = now_ms();
        let (id,): (i64,) = on_pool!(self, |p| sqlx::query_as(INSERT_IMPORT)
            .bind(source)
            .bind(source_system)
            .bind(exported_at)
            .bind(now)
            .fetch_one(p)
            .await?);
        Ok(id)
    }

    /// Records an import's summary (counts and problems, as JSON).
    pub async fn finish_import(&self, import_id: i64, summary: &serde_json::Value) -> Result<()> {
        let summary = summary.to_string();
        on_pool!(self, |p| {
            sqlx::query(FINISH_IMPORT)
                .bind(summary)
                .bind(import_id)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Inserts or updates people; returns how many rows changed.
    pub async fn upsert_people(&self, import_id: i64, people: &[Person]) -> Result<u64> {
        let now = now_ms();
        let mut changed = 0;
        on_pool!(self, |p| {
            let mut tx = p.begin_write().await?;
            for person in people {
                let data = serde_json::to_string(person)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                changed += sqlx::query(UPSERT_PERSON)
                    .bind(person.id.as_str())
                    .bind(&person.name)
                    .bind(person.kind.as_str())
                    .bind(data)
                    .bind(import_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        });
        Ok(changed)
    }

    /// Inserts relationships not already held; returns how many were new.
    pub async fn insert_relationships(
        &self,
        edges: &[(PersonId, PersonId, String)],
    ) -> Result<u64> {
        let mut added = 0;
        on_pool!(self, |p| {
            let mut tx = p.begin_write().await?;
            for (from, to, kind) in edges {
                added += sqlx::query(INSERT_RELATIONSHIP)
                    .bind(from.as_str())
                    .bind(to.as_str())
                    .bind(kind)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        });
        Ok(added)
    }

    /// Notes a stored document (its bytes are in the blob store under `sha256`).
    pub async fn insert_document(&self, sha256: &str, size: u64) -> Result<bool> {
        let now = now_ms();
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        let added = on_pool!(self, |p| sqlx::query(INSERT_DOCUMENT)
            .bind(sha256)
            .bind(size)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected());
        Ok(added > 0)
    }

    /// Every record's fingerprint, to tell new, changed and unchanged records apart.
    pub async fn record_fingerprints(&self) -> Result<HashMap<String, String>> {
        let rows: Vec<(String, String)> = on_pool!(self, |p| sqlx::query_as(RECORD_FINGERPRINTS)
            .fetch_all(p)
            .await?);
        Ok(rows.into_iter().collect())
    }

    /// Inserts or replaces records, in one transaction.
    pub async fn upsert_records(&self, rows: &[RecordRow]) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin_write().await?;
            for r in rows {
                sqlx::query(UPSERT_RECORD)
                    .bind(&r.id)
                    .bind(&r.kind)
                    .bind(&r.file_of)
                    .bind(&r.record_date)
                    .bind(&r.author)
                    .bind(&r.title)
                    .bind(&r.people)
                    .bind(&r.body_text)
                    .bind(&r.file_path)
                    .bind(&r.document_sha256)
                    .bind(&r.content_sha256)
                    .bind(&r.fingerprint)
                    .bind(&r.status)
                    .bind(&r.status_reason)
                    .bind(&r.extra)
                    .bind(r.import_id)
                    .bind(r.updated_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn record(&self, id: &RecordId) -> Result<Option<RecordRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, RecordRow>(
            GET_RECORD
        )
        .bind(id.as_str())
        .fetch_optional(p)
        .await?))
    }

    /// Every record, ordered by date then id.
    pub async fn records(&self) -> Result<Vec<RecordRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, RecordRow>(
            ALL_RECORDS
        )
        .fetch_all(p)
        .await?))
    }

    /// Every stored person.
    pub async fn people(&self) -> Result<Vec<Person>> {
        let rows: Vec<PersonRow> = on_pool!(self, |p| sqlx::query_as::<_, PersonRow>(ALL_PEOPLE)
            .fetch_all(p)
            .await?);
        rows.into_iter()
            .map(|r| {
                serde_json::from_str(&r.data)
                    .map_err(|e| StoreError::Corrupt(format!("person: {e}")))
            })
            .collect()
    }

    pub async fn person_exists(&self, id: &PersonId) -> Result<bool> {
        let (n,): (i64,) = on_pool!(self, |p| sqlx::query_as(PERSON_EXISTS)
            .bind(id.as_str())
            .fetch_one(p)
            .await?);
        Ok(n > 0)
    }

    pub async fn relationships(&self) -> Result<Vec<(PersonId, PersonId, String)>> {
        let rows: Vec<(String, String, String)> =
            on_pool!(self, |p| sqlx::query_as(ALL_RELATIONSHIPS)
                .fetch_all(p)
                .await?);
        Ok(rows
            .into_iter()
            .map(|(f, t, k)| (PersonId::new(f), PersonId::new(t), k))
            .collect())
    }

    pub async fn counts(&self) -> Result<Counts> {
        let (people, relationships, records, not_processed, documents): (i64, i64, i64, i64, i64) =
            on_pool!(self, |p| sqlx::query_as(COUNTS).fetch_one(p).await?);
        Ok(Counts {
            people,
            relationships,
            records,
            not_processed,
            documents,
        })
    }
}
