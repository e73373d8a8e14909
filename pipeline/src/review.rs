//! Review: each proposal's standing from the decisions recorded on it, and the four-eyes rule.
//!
//! A proposal's standing is the latest decision that covers it: one on the proposal itself, or
//! one on its entity (which covers every occurrence). Until then it is pending, and a bundle
//! cannot be built. Manual redactions stand as decided.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::ids::RequestRef;
use crate::request::Status;
use crate::store::decisions::{DecisionRow, NewDecision};
use crate::store::outputs::StoredProposal;
use crate::store::{Db, StoreError};

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Pending,
    Accepted,
    Rejected,
}

/// A proposal with its standing.
#[derive(Debug, Clone, Serialize)]
pub struct Reviewed {
    #[serde(flatten)]
    pub proposal: StoredProposal,
    pub standing: Standing,
    /// The reason code in force (a reviewer may have changed it).
    pub effective_code: String,
    pub reviewer: Option<String>,
    pub decided_at: Option<i64>,
}

/// Applies decisions to proposals.
pub fn review(proposals: Vec<StoredProposal>, decisions: &[DecisionRow]) -> Vec<Reviewed> {
    let mut by_proposal: HashMap<i64, &DecisionRow> = HashMap::new();
    let mut by_entity: HashMap<&str, &DecisionRow> = HashMap::new();
    for d in decisions {
        match d.scope.as_str() {
            "proposal" => {
                if let Some(id) = d.proposal_id {
                    by_proposal.insert(id, d);
                }
            }
            "entity" => {
                if let Some(e) = &d.entity {
                    by_entity.insert(e, d);
                }
            }
            _ => {}
        }
    }
    proposals
        .into_iter()
        .map(|p| {
            let own = by_proposal.get(&p.id).copied();
            let entity = by_entity.get(p.entity.as_str()).copied();
            let latest = match (own, entity) {
                (Some(a), Some(b)) => Some(if a.id > b.id { a } else { b }),
                (a, b) => a.or(b),
            };
            let standing = match latest.map(|d| d.decision.as_str()) {
                Some("accept") => Standing::Accepted,
                Some("reject") => Standing::Rejected,
                _ => Standing::Pending,
            };
            Reviewed {
                effective_code: latest
                    .and_then(|d| d.code.clone())
                    .unwrap_or_else(|| p.code.clone()),
                reviewer: latest.map(|d| d.reviewer.clone()),
                decided_at: latest.map(|d| d.decided_at),
                standing,
                proposal: p,
            }
        })
        .collect()
}

/// Why a sign-off is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignOffError {
    #[error(
        "{pending} proposal(s) are still pending; decide them (`sar review list REF`) or `sar review approve-all REF`"
    )]
    Pending { pending: usize },
    #[error(
        "nobody has reviewed this request yet; a reviewer decides first, then a second person signs off"
    )]
    NoReview,
    #[error(
        "{approver} is the only reviewer of this request; a second person must sign off (four eyes)"
    )]
    SamePerson { approver: String },
}

/// The four-eyes rule: every proposal decided, and the approver is not the only reviewer.
pub fn check_sign_off(
    reviewed: &[Reviewed],
    decisions: &[DecisionRow],
    approver: &str,
) -> Result<(), SignOffError> {
    let pending = reviewed
        .iter()
        .filter(|r| r.standing == Standing::Pending)
        .count();
    if pending > 0 {
        return Err(SignOffError::Pending { pending });
    }
    let reviewers: BTreeSet<&str> = decisions.iter().map(|d| d.reviewer.as_str()).collect();
    if reviewers.is_empty() {
        return Err(SignOffError::NoReview);
    }
    if reviewers.len() == 1 && reviewers.contains(approver) {
        return Err(SignOffError::SamePerson {
            approver: approver.to_string(),
        });
    }
    Ok(())
}

/// Why a sign-off was not recorded: the four-eyes rule, or the store.
#[derive(Debug, thiserror::Error)]
pub enum SignOffFailure {
    #[error(transparent)]
    Rule(#[from] SignOffError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The request's proposals with their standing.
pub async fn reviewed_request(
    db: &Db,
    reference: &RequestRef,
) -> Result<Vec<Reviewed>, StoreError> {
    db.require_request(reference).await?;
    let proposals = db.proposals(reference.as_str()).await?;
    let decisions = db.decisions(reference.as_str()).await?;
    Ok(review(proposals, &decisions))
}

/// Accepts every pending proposal as `reviewer`, in one transaction; returns how many.
pub async fn approve_all(
    db: &Db,
    reference: &RequestRef,
    reviewer: &str,
) -> Result<usize, StoreError> {
    let pending: Vec<NewDecision> = reviewed_request(db, reference)
        .await?
        .iter()
        .filter(|r| r.standing == Standing::Pending)
        .map(|r| NewDecision::Proposal {
            proposal_id: r.proposal.id,
            accept: true,
            code: None,
        })
        .collect();
    db.record_decisions(reference.as_str(), reviewer, &pending)
        .await?;
    Ok(pending.len())
}

/// The second person's sign-off: checked against the four-eyes rule, recorded, and the request
/// marked approved.
pub async fn sign_off(
    db: &Db,
    reference: &RequestRef,
    approver: &str,
) -> Result<(), SignOffFailure> {
    let reviewed = reviewed_request(db, reference).await?;
    let decisions = db.decisions(reference.as_str()).await?;
    check_sign_off(&reviewed, &decisions, approver)?;
    db.sign_off(reference.as_str(), approver).await?;
    let mut request = db.require_request(reference).await?;
    request.status = Status::Approved;
    db.update_request(&request, approver, "signed_off", &serde_json::json!({}))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(id: i64, entity: &str) -> StoredProposal {
        StoredProposal {
            id,
            record_id: "R-1".into(),
            part: "text".into(),
            page: None,
            start_byte: 0,
            end_byte: 5,
            text: "Karen".into(),
            category: "third_party_name".into(),
            action: "redact".into(),
            code: "TP".into(),
            detector: "people.first".into(),
            entity: entity.into(),
            confidence: 0.9,
        }
    }

    fn decision(id: i64, scope: &str, target: &str, verdict: &str, reviewer: &str) -> DecisionRow {
        DecisionRow {
            id,
            scope: scope.into(),
            proposal_id: (scope == "proposal").then(|| target.parse().unwrap()),
            entity: (scope == "entity").then(|| target.to_string()),
            record_id: None,
            part: None,
            page: None,
            start_byte: None,
            end_byte: None,
            decision: verdict.into(),
            code: None,
            reviewer: reviewer.into(),
            decided_at: id,
        }
    }

    #[test]
    fn the_latest_decision_on_a_proposal_or_its_entity_stands() {
        let proposals = vec![
            proposal(1, "person:P-1"),
            proposal(2, "person:P-1"),
            proposal(3, "person:P-2"),
        ];
        let decisions = vec![
            decision(10, "entity", "person:P-1", "accept", "ann"),
            decision(11, "proposal", "2", "reject", "ann"),
        ];
        let r = review(proposals, &decisions);
        assert_eq!(
            r.iter().map(|r| r.standing).collect::<Vec<_>>(),
            [Standing::Accepted, Standing::Rejected, Standing::Pending]
        );
        // A later entity decision overrides the earlier one on the proposal.
        let decisions = vec![
            decision(11, "proposal", "2", "reject", "ann"),
            decision(12, "entity", "person:P-1", "accept", "bob"),
        ];
        let r = review(vec![proposal(2, "person:P-1")], &decisions);
        assert_eq!(r[0].standing, Standing::Accepted);
        assert_eq!(r[0].reviewer.as_deref(), Some("bob"));
    }

    #[test]
    fn sign_off_needs_everything_decided_and_a_second_person() {
        let decisions = vec![decision(10, "entity", "person:P-1", "accept", "ann")];
        let reviewed = review(
            vec![proposal(1, "person:P-1"), proposal(3, "person:P-2")],
            &decisions,
        );
        assert_eq!(
            check_sign_off(&reviewed, &decisions, "bob"),
            Err(SignOffError::Pending { pending: 1 })
        );
        let reviewed = review(vec![proposal(1, "person:P-1")], &decisions);
        assert!(matches!(
            check_sign_off(&reviewed, &decisions, "ann"),
            Err(SignOffError::SamePerson { .. })
        ));
        assert_eq!(check_sign_off(&reviewed, &decisions, "bob"), Ok(()));
        assert_eq!(check_sign_off(&[], &[], "bob"), Err(SignOffError::NoReview));
    }
}
