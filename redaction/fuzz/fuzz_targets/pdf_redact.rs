//! parse → extract → redact → write → verify on arbitrary bytes: errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sar_redaction::pdf::{self, RedactionPlan, Region, TermRedaction};

fuzz_target!(|data: &[u8]| {
    let _ = pdf::extract_text(data);
    let plan = RedactionPlan {
        terms: vec![TermRedaction { text: "the".into(), code: "TP".into() }],
        regions: vec![Region { page: 1, rect: pdf::Rect::new(0.0, 0.0, 200.0, 200.0), code: "TP".into() }],
        ..Default::default()
    };
    if let Ok(out) = pdf::redact(data, &plan) {
        let _ = pdf::verify(&out.pdf, &out.report.removed);
    }
});
