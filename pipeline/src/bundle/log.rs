//! The SAR team's redaction log: one row per redaction, with a hash of the text (never the text).

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::material::Item;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogRow {
    pub reference: String,
    pub record_id: String,
    pub part: String,
    pub page: Option<u32>,
    /// SHA-256 of the redacted text, NFKC, lower-cased, whitespace collapsed.
    pub text_sha256: String,
    pub code: String,
    pub detector: String,
    /// `proposal:ID` or `manual:ID`.
    pub source: String,
    pub reviewer: String,
    pub approver: String,
    /// When the reviewer decided (UTC, RFC 3339).
    pub decided_at: String,
}

fn text_hash(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    crate::blobs::sha256_hex(folded.as_bytes())
}

pub fn rows(reference: &str, items: &[Item], approver: &str) -> Vec<LogRow> {
    let mut out = Vec::new();
    for item in items {
        for p in item.parts() {
            for r in &p.redactions {
                out.push(LogRow {
                    reference: reference.to_string(),
                    record_id: item.record.id.clone(),
                    part: p.part.clone(),
                    page: p.page,
                    text_sha256: text_hash(&p.text[r.start..r.end]),
                    code: r.code.clone(),
                    detector: r.provenance.detector.clone(),
                    source: r.provenance.source.clone(),
                    reviewer: r.provenance.reviewer.clone(),
                    approver: approver.to_string(),
                    decided_at: jiff::Timestamp::from_millisecond(r.provenance.decided_at)
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                });
            }
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn csv(rows: &[LogRow]) -> Vec<u8> {
    let mut out = String::from(
        "reference,record_id,part,page,text_sha256,code,detector,source,reviewer,approver,decided_at\n",
    );
    for r in rows {
        let fields = [
            r.reference.clone(),
            r.record_id.clone(),
            r.part.clone(),
            r.page.map(|p| p.to_string()).unwrap_or_default(),
            r.text_sha256.clone(),
            r.code.clone(),
            r.detector.clone(),
            r.source.clone(),
            r.reviewer.clone(),
            r.approver.clone(),
            r.decided_at.clone(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_case_and_spacing_and_csv_quotes_what_it_must() {
        assert_eq!(text_hash("Karen  Reid"), text_hash("karen\nreid"));
        assert_ne!(text_hash("Karen"), text_hash("Karin"));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
