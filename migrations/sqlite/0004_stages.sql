-- What the pipeline's stages produce. Each stage's job replaces its own rows in the transaction
-- that completes the job, so re-running a job after a crash yields the same rows.

-- The records gathered for a request, why, and which are copies of another.
CREATE TABLE gathered (
    request_ref   TEXT    NOT NULL REFERENCES requests(reference),
    record_id     TEXT    NOT NULL REFERENCES records(id),
    reasons       TEXT    NOT NULL,   -- JSON list: own_file, linked, mentioned_by_name
    duplicate_of  TEXT,               -- a gathered record with the same content
    PRIMARY KEY (request_ref, record_id)
);

-- The search log: what was searched, by which criteria, what each found, what was excluded.
CREATE TABLE search_logs (
    request_ref  TEXT    PRIMARY KEY REFERENCES requests(reference),
    log          TEXT    NOT NULL,    -- JSON
    created_at   BIGINT  NOT NULL
);

-- A record's extracted text, per content hash (the same document is extracted once).
CREATE TABLE extracted (
    content_sha256  TEXT    PRIMARY KEY,
    status          TEXT    NOT NULL,   -- ok | needs_review | not_processed
    reason          TEXT,
    parts           TEXT    NOT NULL,   -- JSON list of {kind, page, text}
    notes           TEXT    NOT NULL,   -- JSON list
    created_at      BIGINT  NOT NULL
);

-- Proposed redactions, waiting for review.
CREATE TABLE proposals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    request_ref  TEXT    NOT NULL REFERENCES requests(reference),
    record_id    TEXT    NOT NULL,
    part         TEXT    NOT NULL,   -- title | text | body | headers | attachment:NAME
    page         BIGINT,
    start_byte   BIGINT  NOT NULL,
    end_byte     BIGINT  NOT NULL,
    text         TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    code         TEXT    NOT NULL,
    detector     TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    confidence   DOUBLE PRECISION NOT NULL
);

CREATE INDEX proposals_record ON proposals(request_ref, record_id);
CREATE INDEX proposals_entity ON proposals(request_ref, entity);
