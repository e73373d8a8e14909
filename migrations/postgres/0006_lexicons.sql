-- Names of people the export does not know, learnt from context over a whole request ("her
-- friend Keira", "referral from Darren"), so that every batch of the detect stage proposes
-- each of their occurrences wherever they are. Written by the request's learn job.
CREATE TABLE lexicons (
    request_ref  TEXT    PRIMARY KEY REFERENCES requests(reference),
    names        TEXT    NOT NULL,   -- JSON list of folded names, sorted
    created_at   BIGINT  NOT NULL
);
