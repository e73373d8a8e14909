-- Reviewers' decisions on proposed redactions, manual redactions, and the second person's
-- sign-off. Rows are only ever added: the latest decision on a proposal (or on its entity)
-- stands, and the history shows who decided what, when.

CREATE TABLE decisions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_ref  TEXT    NOT NULL REFERENCES requests(reference),
    scope        TEXT    NOT NULL,   -- proposal | entity | manual
    proposal_id  BIGINT,             -- scope = proposal
    entity       TEXT,               -- scope = entity: applies to every occurrence
    record_id    TEXT,               -- scope = manual
    part         TEXT,
    page         BIGINT,
    start_byte   BIGINT,
    end_byte     BIGINT,
    decision     TEXT    NOT NULL,   -- accept | reject | redact (manual)
    code         TEXT,               -- the reason code, when the reviewer sets or changes it
    reviewer     TEXT    NOT NULL,
    decided_at   BIGINT  NOT NULL
);

CREATE INDEX decisions_request ON decisions(request_ref, id);

CREATE TABLE signoffs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_ref  TEXT    NOT NULL REFERENCES requests(reference),
    approver     TEXT    NOT NULL,
    signed_at    BIGINT  NOT NULL
);
