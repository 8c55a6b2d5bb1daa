-- Migration 4: erasure on request and retention.

-- Records erased at the person's request: their document, history, row and contact are gone;
-- this tombstone (a random id, nothing personal) takes a number from the global sequence so
-- every phone's next pull tells it to drop its copy, and a push of the id is refused.
CREATE TABLE erased (
    id           TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,
    erased_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX erased_by_seq ON erased(seq);
