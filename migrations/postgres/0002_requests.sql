-- Subject access requests, their clock stops and their history.

CREATE TABLE requests (
    reference               TEXT    PRIMARY KEY,
    year                    BIGINT NOT NULL,
    seq                     BIGINT NOT NULL,
    subject_id              TEXT    NOT NULL,
    requester_relationship  TEXT    NOT NULL,
    requester_name          TEXT,
    requester_contact       TEXT,
    channel                 TEXT    NOT NULL,
    care_leaver             BOOLEAN NOT NULL,
    received_on             TEXT    NOT NULL,
    id_received_on          TEXT,
    extended                BOOLEAN NOT NULL,
    extension_reason        TEXT,
    extension_notified_on   TEXT,
    status                  TEXT    NOT NULL,
    responded_on            TEXT,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    UNIQUE (year, seq)
);

CREATE TABLE request_pauses (
    reference   TEXT    NOT NULL REFERENCES requests(reference),
    seq         BIGINT NOT NULL,
    from_date   TEXT    NOT NULL,
    to_date     TEXT,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (reference, seq)
);

CREATE TABLE request_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference   TEXT    NOT NULL REFERENCES requests(reference),
    at          BIGINT  NOT NULL,  -- unix milliseconds
    actor       TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    detail      TEXT    NOT NULL   -- JSON
);

CREATE INDEX request_events_reference ON request_events(reference, id);
