-- Stallside's database, migration 1.

-- People who sign in. Ids are UUIDs so they can travel in records made offline.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator', 'supervisor')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
);

-- The boroughs (ONS codes) each user works in.
CREATE TABLE user_areas (
    user_id TEXT NOT NULL REFERENCES users(id),
    borough TEXT NOT NULL,
    PRIMARY KEY (user_id, borough)
) WITHOUT ROWID;

-- Sign-in sessions, one per device; only a hash of the token is kept.
CREATE TABLE sessions (
    token_hash    BLOB PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    device_id     TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    revoked       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_user ON sessions(user_id);

-- Each Automerge actor id is bound to the user and device that first pushed it.
CREATE TABLE actors (
    actor_id       TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    device_id      TEXT NOT NULL,
    first_seen_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- One global sequence: every committed change to a record or event takes the next number, so
-- a client's cursor says exactly what it has seen.
CREATE TABLE sequence (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    value    INTEGER NOT NULL
);
INSERT INTO sequence VALUES (1, 0);

CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    date       TEXT NOT NULL,
    venue      TEXT NOT NULL,
    venue_type TEXT NOT NULL,
    borough    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX events_by_seq ON events(seq);

CREATE TABLE event_volunteers (
    event_id TEXT NOT NULL REFERENCES events(id),
    user_id  TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (event_id, user_id)
) WITHOUT ROWID;

-- The authoritative Automerge document of each check.
CREATE TABLE documents (
    id    TEXT PRIMARY KEY,
    seq   INTEGER NOT NULL,
    heads TEXT NOT NULL,
    doc   BLOB NOT NULL
);

-- The projection of each document into columns for reports and queues, written in the same
-- transaction as the document.
CREATE TABLE checks (
    id                     TEXT PRIMARY KEY,
    seq                    INTEGER NOT NULL,
    volunteer_id           TEXT NOT NULL,
    event_id               TEXT NOT NULL,
    venue_type             TEXT NOT NULL,
    borough                TEXT NOT NULL,
    recorded_at_ms         INTEGER NOT NULL,
    received_at_ms         INTEGER NOT NULL,
    week                   TEXT NOT NULL,
    age_band               TEXT NOT NULL,
    sex                    TEXT NOT NULL,
    ethnicity              TEXT NOT NULL,
    nhs_ethnic_code        TEXT NOT NULL,
    english_first_language TEXT NOT NULL,
    lsoa                   TEXT,
    imd_decile             INTEGER,
    core20                 INTEGER NOT NULL,
    known_hypertension     TEXT NOT NULL,
    conditions             TEXT NOT NULL,
    smoking                TEXT NOT NULL,
    systolic               INTEGER NOT NULL,
    diastolic              INTEGER NOT NULL,
    pulse                  INTEGER NOT NULL,
    band                   TEXT NOT NULL,
    urgency                INTEGER NOT NULL,
    newly_identified       INTEGER NOT NULL,
    flagged                INTEGER NOT NULL,
    deadline_at_ms         INTEGER,
    advice                 TEXT NOT NULL,
    signposted             INTEGER NOT NULL,
    goal_set               INTEGER NOT NULL,
    barriers               TEXT NOT NULL,
    review_state           TEXT NOT NULL,
    review_comment         TEXT,
    follow_up_state        TEXT NOT NULL,
    claimed_by             TEXT,
    outcome                TEXT,
    closed_at_ms           INTEGER
);
CREATE INDEX checks_by_seq ON checks(seq);
CREATE INDEX checks_by_volunteer ON checks(volunteer_id, seq);
CREATE INDEX checks_by_borough ON checks(borough, seq);
CREATE INDEX checks_flag_queue ON checks(flagged, follow_up_state, urgency, recorded_at_ms);

-- Contact details for flagged readings: kept apart from the documents (whose history is
-- forever) and deleted when the follow-up closes.
CREATE TABLE contacts (
    record_id     TEXT PRIMARY KEY,
    phone         TEXT NOT NULL,
    added_at_ms   INTEGER NOT NULL
) WITHOUT ROWID;

-- Who did what: sign-ins, syncs, exports, reads of contact details. No personal data.
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at_ms    INTEGER NOT NULL,
    user_id  TEXT,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
);

-- Present only in a database seeded with demo accounts; production refuses to serve it.
CREATE TABLE demo_marker (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1)
);
