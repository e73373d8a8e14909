-- The job queue: one table in the same database as the stages' outputs, so a job completes in
-- the same transaction as what it produced. A lease that is not renewed expires and another
-- worker takes the job.

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,          -- gather | extract | detect | ...
    request_ref   TEXT,                      -- the request the job serves
    subject       TEXT    NOT NULL,          -- what it works on (a record id, a batch key)
    input_sha256  TEXT    NOT NULL,          -- of its input: the idempotency key with kind+subject
    payload       TEXT    NOT NULL,          -- JSON
    state         TEXT    NOT NULL,          -- queued | running | done | failed
    priority      BIGINT  NOT NULL,
    attempts      BIGINT  NOT NULL,
    max_attempts  BIGINT  NOT NULL,
    run_at        BIGINT  NOT NULL,          -- unix ms; later than now while backing off
    lease_owner   TEXT,
    lease_until   BIGINT,
    heartbeat_at  BIGINT,
    last_error    TEXT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    finished_at   BIGINT,
    UNIQUE (kind, subject, input_sha256)
);

CREATE INDEX jobs_claim ON jobs(state, run_at);
CREATE INDEX jobs_request ON jobs(request_ref, kind, state);

-- Every completed run of a job, written in the job's completing transaction: an audit of who
-- ran what, and the proof that no job ran twice.
CREATE TABLE job_runs (
    job_id       BIGINT  NOT NULL REFERENCES jobs(id),
    worker       TEXT    NOT NULL,
    attempt      BIGINT  NOT NULL,
    finished_at  BIGINT  NOT NULL
);

CREATE INDEX job_runs_job ON job_runs(job_id);
