//! The learn stage: names of people the export does not know, learnt over a whole request.
//!
//! "Her friend Keira", "referral from Darren Price": context in one record names someone the
//! export does not list, and every other occurrence of that name, in any record, must be
//! proposed too. This job reads every gathered record once, learns those names, stores them
//! as the request's lexicon and splits the records into detect batches that any worker can run
//! ([`super::detect`]). It holds one chunk of records in memory at a time.

use sar_redaction::detect::{Detector, Policy};

use super::detect::{Piece, detector_inputs, pieces_of};
use super::{LEARN, StageError, StageResult};
use crate::ids::RequestRef;
use crate::store::Db;
use crate::store::jobs::{Job, NewJob};
use crate::store::outputs::JobOutput;

/// Most text (bytes) one detect batch holds: big enough that building a detector per batch
/// costs little, small enough that a large file makes many batches for many workers.
const BATCH_BYTES: usize = 2 * 1024 * 1024;
/// Most records in one detect batch.
const BATCH_RECORDS: usize = 500;
/// Records read into memory at a time while learning.
const LEARN_CHUNK: usize = 500;

/// The learn job of a request, keyed by its gathered records (`input_sha`).
pub fn job(request_ref: &str, input_sha: &str) -> NewJob {
    let mut job = NewJob::new(LEARN, Some(request_ref), request_ref, input_sha);
    job.priority = 2;
    job
}

/// Runs a learn job: learns the names, stores them and spawns the detect batches.
pub async fn run(db: &Db, job: &Job) -> Result<StageResult, StageError> {
    let reference = RequestRef::new(job.subject.clone());
    let request = db.require_request(&reference).await?;
    let gathered = db.gathered(reference.as_str()).await?;
    let (people, relationships) = detector_inputs(db).await?;
    let subject = request.subject.to_string();
    let mut detector = tokio::task::spawn_blocking(move || {
        Detector::new(people, &relationships, &subject, Policy::built_in())
    })
    .await
    .map_err(|e| StageError::job(job, format!("building the detector crashed: {e}")))?
    .map_err(|e| StageError::job(job, e.to_string()))?;

    // Learn chunk by chunk, noting each record's size for the batches.
    let mut sizes: Vec<(String, usize)> = Vec::with_capacity(gathered.len());
    for chunk in gathered.chunks(LEARN_CHUNK) {
        let mut pieces: Vec<Piece> = Vec::new();
        for g in chunk {
            let Some(row) = db
                .record(&crate::ids::RecordId::new(g.record_id.clone()))
                .await?
            else {
                continue;
            };
            let own = pieces_of(db, &row).await?;
            sizes.push((g.record_id.clone(), own.iter().map(|p| p.text.len()).sum()));
            pieces.extend(own);
        }
        detector = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            detector.learn(pieces.par_iter().map(|p| p.text.as_str()));
            detector
        })
        .await
        .map_err(|e| StageError::job(job, format!("learning names crashed: {e}")))?;
    }
    let names = detector.learnt_names();

    let batches = batches(&sizes);
    let spawn = batches
        .iter()
        .enumerate()
        .map(|(i, records)| super::detect::job(reference.as_str(), i, records, &names))
        .collect();
    Ok(StageResult::Done {
        outputs: vec![JobOutput::Lexicon {
            request_ref: reference.to_string(),
            names,
        }],
        spawn,
    })
}

/// Splits records (in order) into batches of at most [`BATCH_BYTES`] of text and
/// [`BATCH_RECORDS`] records; a request with no records still gets one (empty) batch, so its
/// detect stage is seen to finish.
fn batches(sizes: &[(String, usize)]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    let mut bytes = 0usize;
    for (id, size) in sizes {
        let current = out.last().expect("never empty");
        if !current.is_empty() && (bytes + size > BATCH_BYTES || current.len() >= BATCH_RECORDS) {
            out.push(Vec::new());
            bytes = 0;
        }
        out.last_mut().expect("never empty").push(id.clone());
        bytes += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(list: &[usize]) -> Vec<(String, usize)> {
        list.iter()
            .enumerate()
            .map(|(i, s)| (format!("R{i}"), *s))
            .collect()
    }

    #[test]
    fn batches_split_by_bytes_and_count_and_keep_order() {
        assert_eq!(batches(&[]), vec![Vec::<String>::new()]);
        let mb = 1024 * 1024;
        let b = batches(&sizes(&[mb, mb, mb, 3 * mb, 10]));
        assert_eq!(
            b,
            vec![vec!["R0", "R1"], vec!["R2"], vec!["R3"], vec!["R4"]]
                .into_iter()
                .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        );
        let many = batches(&sizes(&vec![1; BATCH_RECORDS * 2 + 1]));
        assert_eq!(
            many.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![BATCH_RECORDS, BATCH_RECORDS, 1]
        );
    }
}
