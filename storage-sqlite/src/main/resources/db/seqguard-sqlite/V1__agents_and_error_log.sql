-- Schema version 1: the agents' sequence state and the seed's error table with its six columns.
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS.SSS' (see docs/SQLITE.md): sortable as text and
-- understood by the sqlite3 shell's date and time functions.

CREATE TABLE agents (
    guid        TEXT    NOT NULL PRIMARY KEY,  -- canonical form: upper case in braces
    last        INTEGER NOT NULL,              -- highest accepted sequence number
    ring        BLOB,                          -- window-mode ring (SequenceState.ringBytes), NULL in strict mode
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    node_name   TEXT,                          -- identity of the last accepted request
    mac_address TEXT,
    ip_address  TEXT
) WITHOUT ROWID;

CREATE TABLE EPOAgentSequenceErrorLog (
    AutoID       INTEGER PRIMARY KEY AUTOINCREMENT,
    AgentGUID    TEXT NOT NULL,
    NodeName     TEXT,
    IPAddress    TEXT,
    MACAddress   TEXT,
    TheTimestamp TEXT NOT NULL
);

CREATE INDEX EPOAgentSequenceErrorLog_TheTimestamp ON EPOAgentSequenceErrorLog (TheTimestamp);
