-- Migration 2: the supervisors' queue reads open flags in urgency order and the latest closed
-- ones; partial indexes keep both fast with a million records.
DROP INDEX IF EXISTS checks_flag_queue;
CREATE INDEX checks_open_flags ON checks(urgency DESC, recorded_at_ms)
    WHERE flagged = 1 AND follow_up_state <> 'closed';
CREATE INDEX checks_closed_flags ON checks(closed_at_ms DESC)
    WHERE flagged = 1 AND follow_up_state = 'closed';
