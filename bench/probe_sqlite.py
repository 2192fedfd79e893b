# What bench/fold-row-probe.py and bench/group-probe.py share: the SQLite store's two agent tables as
# schema 3 (text) or 4 (compact) has them, the store's fold statement, and a fresh copy of a built file to
# run on. Python's sqlite3, no seqguard code; not a script of its own.
import os
import shutil
import sqlite3

# The store's fold of check-ins (GroupTransaction.foldAdvances): the journal rows listed by LISTING
# (a subquery or a list of bound values), upserted into agents.
SELECTED = "FROM agent_journal WHERE seq IN (%s) AND last IS NOT NULL AND first_seen IS NULL"
UPSERT = ("INSERT INTO agents (guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) "
          "SELECT guid, last, ring, last_seen, last_seen, node_name, mac_address, ip_address " + SELECTED
          + " ON CONFLICT (guid) DO UPDATE SET last = excluded.last, ring = excluded.ring, last_seen = excluded.last_seen,"
          " node_name = excluded.node_name, mac_address = excluded.mac_address, ip_address = excluded.ip_address")
STORE_FOLD = UPSERT % "SELECT value FROM json_each(?)"


def text_guid(k):
    return "{%s}" % str(k).upper()


def create_tables(c, compact):
    """agents and agent_journal: schema 4's BLOB GUID and integer times when compact, else schema 3's text."""
    guid, time_type = ("BLOB", "INTEGER") if compact else ("TEXT", "TEXT")
    c.execute(f"CREATE TABLE agents (guid {guid} NOT NULL PRIMARY KEY, last INTEGER NOT NULL, ring BLOB, first_seen {time_type} NOT NULL,"
              f" last_seen {time_type} NOT NULL, node_name TEXT, mac_address TEXT, ip_address TEXT) WITHOUT ROWID")
    c.execute(f"CREATE TABLE agent_journal (seq INTEGER PRIMARY KEY, guid {guid} NOT NULL, last INTEGER, ring BLOB, first_seen {time_type},"
              f" last_seen {time_type}, node_name TEXT, mac_address TEXT, ip_address TEXT)")


def fresh_copy(base, folder, sync):
    """A copy of the built file BASE as FOLDER/run.db (an earlier run's removed), opened in WAL mode with synchronous=SYNC."""
    path = folder + "/run.db"
    for f in (path, path + "-wal", path + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    shutil.copy(base, path)
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=%s" % sync)
    return c
