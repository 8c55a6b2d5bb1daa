-- Migration 7 (issue 12, events half): events as the programme runs them. An event's plan
-- gains its kind (stall or health workshop), a cancelled mark (a cancelled event keeps its
-- checks), a revision that every edit bumps (a phone's stale copy of a plan is told from an
-- edit by it) and whether a volunteer started it on a phone (then its volunteer may still
-- correct the plan). Existing rows stay valid as coordinators' stalls at revision 1.
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'stall';
ALTER TABLE events ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN plan_rev INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN started_on_phone INTEGER NOT NULL DEFAULT 0;

-- Each volunteer's debrief of an event: their own row, so two volunteers at one stall never
-- overwrite each other; between one volunteer's phones the later one wins.
CREATE TABLE event_debriefs (
    event_id      TEXT NOT NULL REFERENCES events(id),
    volunteer_id  TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    footfall      INTEGER,
    conversations INTEGER NOT NULL,
    leaflets      INTEGER NOT NULL,
    attendance    INTEGER,
    kit_used      TEXT NOT NULL,
    note          TEXT NOT NULL,
    PRIMARY KEY (event_id, volunteer_id)
) WITHOUT ROWID;

-- The events list counts each event's checks.
CREATE INDEX checks_by_event ON checks(event_id);
