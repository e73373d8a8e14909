//! Reviewers' decisions, manual redactions and sign-offs.

use serde::{Deserialize, Serialize};

use super::{BeginWrite, Db, Result, now_ms, on_pool};

/// One stored decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct DecisionRow {
    pub id: i64,
    pub scope: String,
    pub proposal_id: Option<i64>,
    pub entity: Option<String>,
    pub record_id: Option<String>,
    pub part: Option<String>,
    pub page: Option<i64>,
    pub start_byte: Option<i64>,
    pub end_byte: Option<i64>,
    pub decision: String,
    pub code: Option<String>,
    pub reviewer: String,
    pub decided_at: i64,
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewDecision {
    /// Accept or reject one proposal (optionally with another reason code).
    Proposal {
        proposal_id: i64,
        accept: bool,
        code: Option<String>,
    },
    /// Accept or reject every occurrence of an entity.
    Entity {
        entity: String,
        accept: bool,
        code: Option<String>,
    },
    /// A redaction the tool did not propose.
    Manual {
        record_id: String,
        part: String,
        page: Option<i64>,
        start: i64,
        end: i64,
        code: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SignoffRow {
    pub approver: String,
    pub signed_at: i64,
}

const INSERT_DECISION: &str = "INSERT INTO decisions (request_ref, scope, proposal_id, entity, record_id, part, page, \
     start_byte, end_byte, decision, code, reviewer, decided_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
const DECISIONS_FOR: &str = "SELECT id, scope, proposal_id, entity, record_id, part, page, start_byte, end_byte, \
     decision, code, reviewer, decided_at FROM decisions WHERE request_ref = $1 ORDER BY id";
const INSERT_SIGNOFF: &str =
    "INSERT INTO signoffs (request_ref, approver, signed_at) VALUES ($1, $2, $3)";
const SIGNOFFS_FOR: &str =
    "SELECT approver, signed_at FROM signoffs WHERE request_ref = $1 ORDER BY id";

impl Db {
    /// Records decisions by one reviewer, in one transaction.
    pub async fn record_decisions(
        &self,
        request_ref: &str,
        reviewer: &str,
        decisions: &[NewDecision],
    ) -> Result<()> {
        let now = now_ms();
        on_pool!(self, |p| {
            let mut tx = p.begin_write().await?;
            for d in decisions {
                let (scope, proposal_id, entity, record_id, part, page, start, end, decision, code) =
                    match d {
                        NewDecision::Proposal {
                            proposal_id,
                            accept,
                            code,
                        } => (
                            "proposal",
                            Some(*proposal_id),
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            verdict(*accept),
                            code.clone(),
                        ),
                        NewDecision::Entity {
                            entity,
                            accept,
                            code,
                        } => (
                            "entity",
                            None,
                            Some(entity.clone()),
                            None,
                            None,
                            None,
                            None,
                            None,
                            verdict(*accept),
                            code.clone(),
                        ),
                        NewDecision::Manual {
                            record_id,
                            part,
                            page,
                            start,
                            end,
                            code,
                        } => (
                            "manual",
                            None,
                            None,
                            Some(record_id.clone()),
                            Some(part.clone()),
                            *page,
                            Some(*start),
                            Some(*end),
                            "redact",
                            Some(code.clone()),
                        ),
                    };
                sqlx::query(INSERT_DECISION)
                    .bind(request_ref)
                    .bind(scope)
                    .bind(proposal_id)
                    .bind(entity)
                    .bind(record_id)
                    .bind(part)
                    .bind(page)
                    .bind(start)
                    .bind(end)
                    .bind(decision)
                    .bind(code)
                    .bind(reviewer)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every decision on a request, oldest first.
    pub async fn decisions(&self, request_ref: &str) -> Result<Vec<DecisionRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, DecisionRow>(
            DECISIONS_FOR
        )
        .bind(request_ref)
        .fetch_all(p)
        .await?))
    }

    pub async fn sign_off(&self, request_ref: &str, approver: &str) -> Result<()> {
        let now = now_ms();
        on_pool!(self, |p| {
            sqlx::query(INSERT_SIGNOFF)
                .bind(request_ref)
                .bind(approver)
                .bind(now)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    pub async fn signoffs(&self, request_ref: &str) -> Result<Vec<SignoffRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as::<_, SignoffRow>(
            SIGNOFFS_FOR
        )
        .bind(request_ref)
        .fetch_all(p)
        .await?))
    }
}

fn verdict(accept: bool) -> &'static str {
    if accept { "accept" } else { "reject" }
}
