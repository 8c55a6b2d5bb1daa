-- Migration 3: each volunteer's phones as they last reported at sync, and coordinators'
-- requests to stop a lost or stolen one.
CREATE TABLE devices (
    user_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT NOT NULL,
    last_sync_ms INTEGER NOT NULL,
    unsynced INTEGER NOT NULL DEFAULT 0,
    app_version TEXT,
    stop_requested_at_ms INTEGER,
    stop_requested_by TEXT,
    stopped_at_ms INTEGER,
    PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;
