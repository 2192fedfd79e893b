-- Schema version 3: the check-in journal. With seqguard.sqlite.journal-size > 0 the writer appends
-- each group's changed agent states here (a few rows on the table's last pages) instead of
-- updating the agents table's pages in place, and folds the journal into the agents table in the
-- background of later groups, in GUID order, many check-ins per page. A row is the whole state
-- of one agent after one group: last IS NULL marks a reset; first_seen is set while the agent's
-- registration is not folded yet (the fold then replaces the agents row). The agents table plus
-- the newest journal row per GUID is the current state; see docs/SQLITE.md ("The journal").

CREATE TABLE agent_journal (
    seq         INTEGER PRIMARY KEY,  -- append order, assigned by the writer
    guid        TEXT    NOT NULL,     -- as agents.guid
    last        INTEGER,              -- NULL: the agent was reset
    ring        BLOB,
    first_seen  TEXT,                 -- NULL unless the agent's registration is not folded yet
    last_seen   TEXT,
    node_name   TEXT,
    mac_address TEXT,
    ip_address  TEXT
);
