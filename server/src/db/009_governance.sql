-- Migration 9 (issue 15): enablers, programme settings set by coordinators, and the records
-- pseudonymised after M years.

-- What the person said helps, beside the barriers: codes joined by commas, '' for none (and
-- for checks from phones older than the question).
ALTER TABLE checks ADD COLUMN enablers TEXT NOT NULL DEFAULT '';

-- The programme settings a coordinator changed on the settings screen. One row at most: when
-- there is none, the server's flags are in force. Each change is also in the audit trail.
CREATE TABLE programme_settings (
    id                       INTEGER PRIMARY KEY CHECK (id = 1),
    contact_retention_days   INTEGER NOT NULL,
    contact_warning_days     INTEGER NOT NULL,
    pseudonymise_after_years INTEGER NOT NULL,
    reviewed_languages_only  INTEGER NOT NULL,
    changed_by               TEXT NOT NULL,
    changed_at_ms            INTEGER NOT NULL
);

-- Checks pseudonymised after M years: their document was replaced by one with no history.
-- Like an erasure tombstone this takes a number from the global sequence, so every phone's
-- next pull tells it to drop the copy it holds (with the old history); a push to the id is
-- refused.
CREATE TABLE pseudonymised (
    id    TEXT PRIMARY KEY,
    seq   INTEGER NOT NULL,
    at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX pseudonymised_by_seq ON pseudonymised(seq);
