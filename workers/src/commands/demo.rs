//! `sar demo`: the whole job on a fresh machine, with no arguments. Generates a realistic
//! care-leaver export, initialises `./sar-data`, imports it, registers the care leaver's request,
//! runs the pipeline, approves as two demo users (a reviewer and a second approver) and builds the
//! disclosure bundle.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use sar_pipeline::blobs::BlobStore;
use sar_pipeline::bundle::{self, BundleOptions};
use sar_pipeline::generate::{self, GenerateOptions};
use sar_pipeline::ids::PersonId;
use sar_pipeline::import;
use sar_pipeline::request::{NewRequest, Requester, RequesterRelationship};
use sar_pipeline::review;
use sar_pipeline::store::Db;

use crate::cli::Global;
use crate::commands::database_url;
use crate::commands::run as pipeline_run;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Records in the generated export.
    #[arg(long, default_value_t = 600)]
    pub records: usize,
    /// PDF documents in the generated export.
    #[arg(long, default_value_t = 30)]
    pub documents: usize,
    /// Seed of the generated export.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

const REVIEWER: &str = "demo-reviewer";
const APPROVER: &str = "demo-approver";

pub async fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let demo_dir = global.data_dir.join("demo");
    let export_dir = demo_dir.join(format!(
        "export-{}-{}-{}",
        args.records, args.documents, args.seed
    ));
    println!("sar demo: a care leaver asks for their whole file");
    if export_dir.join("export.json").exists() {
        println!("1. export:   reusing {}", export_dir.display());
    } else {
        let options = GenerateOptions {
            people: 40,
            records: args.records,
            documents: args.documents,
            pages_per_document: generate::DEFAULT_PAGES_PER_DOCUMENT,
            seed: args.seed,
            care_leaver: true,
            zip: false,
            out: export_dir.clone(),
        };
        let s = generate::generate(&options).context("generating the demo export")?;
        println!(
            "1. export:   generated {} ({} records, {} people, {} PDFs of {} pages)",
            export_dir.display(),
            s.records,
            s.people,
            s.pdfs,
            s.pages
        );
    }
    let truth = generate::GroundTruth::read(&export_dir)?;
    let subject_id = truth.subject.id.clone();

    let url = database_url(global);
    let db = Db::open(&url, true)
        .await
        .with_context(|| format!("opening {url}"))?;
    println!("2. database: {}", url);
    let blobs = BlobStore::in_data_dir(&global.data_dir);
    let report = import::import(&db, &blobs, &export_dir).await?;
    println!(
        "3. import:   {} records ({} new), {} people, {} problem(s)",
        report.records,
        report.records_added,
        report.people,
        report.problems.len()
    );

    let received_on = jiff::Zoned::now()
        .date()
        .checked_sub(jiff::Span::new().days(10))?;
    let request = db
        .create_request(
            &NewRequest {
                subject: PersonId::new(subject_id.clone()),
                requester: Requester {
                    relationship: RequesterRelationship::Subject,
                    name: None,
                    contact: None,
                },
                received_on,
                channel: "email".into(),
                care_leaver: true,
            },
            REVIEWER,
        )
        .await?;
    let reference = request.reference.to_string();
    println!(
        "4. request:  {reference} for {} (received {received_on})",
        subject_id
    );
    db.close().await;

    println!("5. pipeline: extract, gather, detect");
    pipeline_run::run(
        global,
        pipeline_run::Args {
            reference: reference.clone(),
            workers: None,
            lease_seconds: 30,
            by: Some(REVIEWER.into()),
            enqueue_only: false,
            json: false,
        },
    )
    .await?;

    let db = Db::open(&url, false).await?;
    let accepted = review::approve_all(&db, &request.reference, REVIEWER).await?;
    review::sign_off(&db, &request.reference, APPROVER).await?;
    println!("6. review:   {REVIEWER} accepted {accepted} proposals; {APPROVER} signed off");

    let out: PathBuf = demo_dir.join(format!("bundle-{reference}"));
    let bundle_started = Instant::now();
    let summary = bundle::build(&db, &blobs, &reference, &BundleOptions::new(&out)).await?;
    db.close().await;
    println!("7. bundle:");
    crate::commands::bundle::print(&summary, bundle_started.elapsed().as_secs_f64());
    if let Some(first) = summary.disclosure.first() {
        println!();
        println!("Open {} to read the disclosure.", out.join(first).display());
    }
    println!("Demo finished in {:.1}s.", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
