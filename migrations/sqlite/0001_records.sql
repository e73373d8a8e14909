-- Imported exports: people, relationships, records and the documents they point at.
-- Documents are stored once under their SHA-256 in the data directory; rows reference the hash.

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source        TEXT    NOT NULL,
    source_system TEXT,
    exported_at   TEXT,
    imported_at   BIGINT  NOT NULL,
    summary       TEXT    NOT NULL  -- JSON: counts and problems
);

CREATE TABLE people (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    data        TEXT    NOT NULL,   -- JSON: the person as exported (aliases, identifiers, extra fields)
    import_id   BIGINT  NOT NULL REFERENCES imports(id),
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE relationships (
    from_id  TEXT NOT NULL REFERENCES people(id),
    to_id    TEXT NOT NULL REFERENCES people(id),
    kind     TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, kind)
);

CREATE TABLE documents (
    sha256      TEXT    PRIMARY KEY,
    size        BIGINT  NOT NULL,
    stored_at   BIGINT  NOT NULL
);

CREATE TABLE records (
    id               TEXT    PRIMARY KEY,
    kind             TEXT    NOT NULL,
    file_of          TEXT,
    record_date      TEXT    NOT NULL,  -- ISO date or date-time as exported
    author           TEXT,
    title            TEXT,
    people           TEXT    NOT NULL,  -- JSON list of person ids
    body_text        TEXT,
    file_path        TEXT,
    document_sha256  TEXT    REFERENCES documents(sha256),
    content_sha256   TEXT    NOT NULL,  -- of the body: the text or the file bytes (exact duplicates share it)
    fingerprint      TEXT    NOT NULL,  -- of the whole row as imported: re-imports skip unchanged rows
    status           TEXT    NOT NULL,  -- 'ok' | 'not_processed'
    status_reason    TEXT,
    extra            TEXT    NOT NULL,  -- JSON: unknown fields, kept
    import_id        BIGINT  NOT NULL REFERENCES imports(id),
    updated_at       BIGINT  NOT NULL
);

CREATE INDEX records_file_of ON records(file_of);
CREATE INDEX records_content ON records(content_sha256);
