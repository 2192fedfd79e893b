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

-- Every registered agent's current state, journal and agents table together: for the sqlite3
-- shell and reports, not used by seqguard itself (it keeps the journal's index in memory).
-- SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum.
CREATE VIEW agents_now AS
WITH newest AS (
    SELECT MAX(seq) AS seq, guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address
    FROM agent_journal GROUP BY guid
)
SELECT n.guid, n.last, n.ring, COALESCE(n.first_seen, a.first_seen, n.last_seen) AS first_seen, n.last_seen,
       n.node_name, n.mac_address, n.ip_address
FROM newest n LEFT JOIN agents a ON a.guid = n.guid
WHERE n.last IS NOT NULL
UNION ALL
SELECT a.guid, a.last, a.ring, a.first_seen, a.last_seen, a.node_name, a.mac_address, a.ip_address
FROM agents a
WHERE a.guid NOT IN (SELECT guid FROM agent_journal);
