//! The store on both backends: every test body runs on SQLite and, when
//! `SAR_TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database.

use std::path::{Path, PathBuf};

use jiff::civil::date;
use sar_pipeline::blobs::BlobStore;
use sar_pipeline::ids::{PersonId, RecordId, RequestRef};
use sar_pipeline::import::import;
use sar_pipeline::request::{NewRequest, Pause, Requester, RequesterRelationship, Status};
use sar_pipeline::store::Db;
use sar_pipeline::store_test;

fn dev_export(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/dev/exports")
        .join(name);
    if p.is_dir() {
        Some(p)
    } else {
        println!("SKIPPED: {} not found", p.display());
        None
    }
}

fn new_request(subject: &str, received: jiff::civil::Date) -> NewRequest {
    NewRequest {
        subject: PersonId::new(subject),
        requester: Requester {
            relationship: RequesterRelationship::Subject,
            name: Some("A Requester".into()),
            contact: None,
        },
        received_on: received,
        channel: "email".into(),
        care_leaver: false,
    }
}

store_test!(migrations_are_versioned, |db| async move {
    let versions = db.migrations().await.unwrap();
    assert_eq!(versions, vec![1, 2, 3, 4, 5, 6]);
});

store_test!(
    import_is_idempotent_and_keeps_every_record,
    |db| async move {
        let Some(export) = dev_export("dev03-medway-caredirector") else {
            return;
        };
        let blobs_dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(blobs_dir.path());
        let first = import(&db, &blobs, &export).await.unwrap();
        let raw: serde_json::Value =
            serde_json::from_slice(&std::fs::read(export.join("export.json")).unwrap()).unwrap();
        let exported = raw["records"].as_array().unwrap().len();
        assert_eq!(first.records, exported);
        assert_eq!(first.records_added, exported);
        // The export's missing/corrupt files are kept as not processed, with the reason.
        let counts = db.counts().await.unwrap();
        assert_eq!(counts.records as usize, exported);
        assert_eq!(
            counts.people as usize,
            raw["people"].as_array().unwrap().len()
        );
        assert!(first.not_processed >= 1, "{first:?}");
        let rows = db.records().await.unwrap();
        let not_processed: Vec<_> = rows.iter().filter(|r| !r.is_processable()).collect();
        assert_eq!(not_processed.len(), first.not_processed);
        assert!(
            not_processed
                .iter()
                .all(|r| r.status_reason.as_deref().is_some_and(|s| !s.is_empty()))
        );
        // Documents are stored under their hash and read back intact.
        let with_doc = rows.iter().find(|r| r.document_sha256.is_some()).unwrap();
        let bytes = blobs
            .get(with_doc.document_sha256.as_ref().unwrap())
            .unwrap();
        let original = std::fs::read(export.join(with_doc.file_path.as_ref().unwrap())).unwrap();
        assert_eq!(bytes, original);

        let second = import(&db, &blobs, &export).await.unwrap();
        assert_eq!(second.records_added, 0);
        assert_eq!(second.records_updated, 0);
        assert_eq!(second.records_unchanged, exported);
        assert_eq!(second.documents_stored, 0);
        assert_eq!(
            db.records().await.unwrap(),
            rows,
            "a re-import must not change any row"
        );
    }
);

store_test!(
    a_newer_export_updates_without_losing_records,
    |db| async move {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path().join("blobs"));
        let export_dir = dir.path().join("export");
        std::fs::create_dir_all(&export_dir).unwrap();
        let write = |records: &str| {
            std::fs::write(
            export_dir.join("export.json"),
            format!(
                r#"{{"format":"sar-records-export/1","people":[{{"id":"P-1","name":"Alex Example","kind":"citizen"}}],
                "relationships":[],"records":[{records}]}}"#
            ),
        )
        .unwrap()
        };
        write(
            r#"{"id":"R-1","kind":"case_note","file_of":"P-1","date":"2020-01-01","text":"first"},
             {"id":"R-2","kind":"case_note","file_of":"P-1","date":"2020-01-02","text":"second"}"#,
        );
        import(&db, &blobs, &export_dir).await.unwrap();
        write(
            r#"{"id":"R-1","kind":"case_note","file_of":"P-1","date":"2020-01-01","text":"first, corrected"},
             {"id":"R-3","kind":"case_note","file_of":"P-1","date":"2020-01-03","text":"third"}"#,
        );
        let report = import(&db, &blobs, &export_dir).await.unwrap();
        assert_eq!((report.records_added, report.records_updated), (1, 1));
        let r1 = db.record(&RecordId::new("R-1")).await.unwrap().unwrap();
        assert_eq!(r1.body_text.as_deref(), Some("first, corrected"));
        // R-2 is not in the newer export but is never deleted.
        assert!(db.record(&RecordId::new("R-2")).await.unwrap().is_some());
        assert_eq!(db.counts().await.unwrap().records, 3);
    }
);

store_test!(
    requests_are_numbered_per_year_and_keep_their_history,
    |db| async move {
        let a = db
            .create_request(&new_request("P-1", date(2026, 3, 3)), "officer.a")
            .await
            .unwrap();
        let b = db
            .create_request(&new_request("P-2", date(2026, 4, 1)), "officer.a")
            .await
            .unwrap();
        let c = db
            .create_request(&new_request("P-3", date(2027, 1, 5)), "officer.b")
            .await
            .unwrap();
        assert_eq!(a.reference.as_str(), "SAR-2026-0001");
        assert_eq!(b.reference.as_str(), "SAR-2026-0002");
        assert_eq!(c.reference.as_str(), "SAR-2027-0001");
        assert_eq!(a.status, Status::Received);

        let mut changed = a.clone();
        changed.status = Status::Paused;
        changed.pauses.push(Pause {
            from: date(2026, 3, 20),
            to: None,
            reason: "clarification".into(),
        });
        db.update_request(
            &changed,
            "officer.b",
            "paused",
            &serde_json::json!({"from": "2026-03-20"}),
        )
        .await
        .unwrap();
        changed.pauses[0].to = Some(date(2026, 4, 2));
        changed.status = Status::InProgress;
        changed.extended = true;
        changed.extension_reason = Some("complex".into());
        changed.extension_notified_on = Some(date(2026, 3, 25));
        db.update_request(&changed, "officer.b", "resumed", &serde_json::json!({}))
            .await
            .unwrap();

        let stored = db.require_request(&a.reference).await.unwrap();
        assert_eq!(stored.pauses, changed.pauses);
        assert!(stored.extended);
        assert_eq!(stored.extension_notified_on, Some(date(2026, 3, 25)));
        assert_eq!(stored.status, Status::InProgress);
        let events = db.request_events(&a.reference).await.unwrap();
        let names: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.event.as_str(), e.actor.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("received", "officer.a"),
                ("paused", "officer.b"),
                ("resumed", "officer.b")
            ]
        );
        assert_eq!(db.requests().await.unwrap().len(), 3);
        let missing = db
            .require_request(&RequestRef::new("SAR-2026-9999"))
            .await
            .unwrap_err();
        assert!(
            missing.to_string().contains("sar request list"),
            "{missing}"
        );
    }
);

store_test!(
    concurrent_registrations_get_distinct_references,
    |db| async move {
        let db2: Db = db.clone();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let db = db2.clone();
                tokio::spawn(async move {
                    db.create_request(&new_request(&format!("P-{i}"), date(2026, 5, 1)), "t")
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut refs = Vec::new();
        for t in tasks {
            refs.push(t.await.unwrap().reference.to_string());
        }
        refs.sort();
        refs.dedup();
        assert_eq!(refs.len(), 8);
    }
);
