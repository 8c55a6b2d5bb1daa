-- Migration 8: email escalation and reaching the volunteer (issue 13). Supervisors are emailed about emergency and
-- overdue flags, so an account may hold an email address; each email sent is remembered so a
-- flag is escalated once per reason, across restarts.
ALTER TABLE users ADD COLUMN email TEXT;
-- A volunteer's work number (national format), so the supervisor following up a flag can
-- ask them what happened at the stall. Given at invitation, optional.
ALTER TABLE users ADD COLUMN phone TEXT;
CREATE TABLE escalations (
    record_id  TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('emergency', 'overdue')),
    sent_at_ms INTEGER NOT NULL,
    recipients INTEGER NOT NULL,
    PRIMARY KEY (record_id, reason)
) WITHOUT ROWID;
