#!/usr/bin/env python3
# Fold probe (docs/PERFORMANCE.md, items 33 and 35): what the SQLite store's fold costs per agent with a
# million agents, and what a more compact row or another form of the fold statement would save. Python's
# sqlite3 on files in /tmp/fold-probe (about 300 MB; removed at the end), no seqguard code.
#
#   python3 bench/fold-row-probe.py             # the row as it is against a compact row (about 4 minutes on 2 cores)
#   python3 bench/fold-row-probe.py --variants  # three forms of the fold statement on the row as it is
#
# Each file holds the schema-3 tables of a million agents, registered in random key order as a fleet does,
# and a journal of 100,000 rows of as many random agents of them. "text" is the schema as it is (GUID as 38
# characters, times as 23-character text); "compact" has the GUID as a 16-byte BLOB and the times as
# integer milliseconds, in both tables. Each run copies the file and folds the journal's 100,000 agents
# in key order, 28 per transaction (a group of 14 check-ins folds twice its size), with the store's own
# fold statement (INSERT ... SELECT FROM agent_journal WHERE seq IN json_each(?) ... ON CONFLICT DO
# UPDATE), WAL, autocheckpoint 1000, and reports the statement's and the COMMIT's time per agent:
# with synchronous=OFF (SQLite's work and the page writes alone, what the writer's CPU pays) and with
# synchronous=FULL (as the store runs, each COMMIT's sync included, which the disk decides). The runs go
# in ABBA order, so a drift of the machine weighs on both sides alike.
import json, os, random, shutil, sqlite3, sys, time, uuid

from probe_sqlite import SELECTED, UPSERT, create_tables, fresh_copy, text_guid

N, FOLD, CHUNK = 1_000_000, 100_000, 28
DIR = "/tmp/fold-probe"


def build(path, compact):
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    create_tables(c, compact)
    rnd = random.Random(1)
    keys = [uuid.UUID(int=rnd.getrandbits(128)) for _ in range(N)]
    key = (lambda k: k.bytes) if compact else text_guid
    registered = 1764306000000 if compact else "2026-11-28 05:00:00.000"
    seen = 1764307800123 if compact else "2026-11-28 05:30:00.123"
    c.execute("BEGIN")
    for i, k in enumerate(keys):
        c.execute("INSERT INTO agents VALUES (?, ?, NULL, ?, ?, ?, NULL, ?)", (key(k), 1764000000000, registered, registered, "bench-%d" % i, "127.0.0.1"))
    for seq, i in enumerate(rnd.sample(range(N), FOLD), start=1):
        c.execute("INSERT INTO agent_journal VALUES (?, ?, ?, NULL, NULL, ?, ?, NULL, ?)",
                  (seq, key(keys[i]), 1764000000000 + seq, seen, "bench-%d" % i, "127.0.0.1"))
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = c.execute("SELECT page_count FROM pragma_page_count").fetchone()[0]
    c.close()
    print("%-8s %d pages (%.0f MB)" % ("compact" if compact else "text", pages, pages * 4096 / 1e6), flush=True)


UPDATE_FROM = ("UPDATE agents SET last = j.last, ring = j.ring, last_seen = j.last_seen, node_name = j.node_name,"
               " mac_address = j.mac_address, ip_address = j.ip_address FROM (SELECT guid, last, ring, last_seen, node_name,"
               " mac_address, ip_address " + SELECTED + ") AS j WHERE agents.guid = j.guid")
FORMS = {
    "upsert json_each (the store's)": lambda chunk: (UPSERT % "SELECT value FROM json_each(?)", (json.dumps(chunk),)),
    "upsert IN (?, ?, ...)": lambda chunk: (UPSERT % ", ".join("?" * len(chunk)), chunk),
    "UPDATE ... FROM": lambda chunk: (UPDATE_FROM % "SELECT value FROM json_each(?)", (json.dumps(chunk),)),
}


def fold(label, base, sync, form):
    c = fresh_copy(base, DIR, sync)
    c.execute("PRAGMA wal_autocheckpoint=1000")
    order = [r[0] for r in c.execute("SELECT seq FROM agent_journal ORDER BY guid")]
    statement = commit = 0.0
    for s in range(0, FOLD, CHUNK):
        chunk = order[s:s + CHUNK]
        sql, args = FORMS[form](chunk)
        c.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        changed = c.execute(sql, args).rowcount
        t1 = time.perf_counter()
        c.execute("COMMIT")
        commit += time.perf_counter() - t1
        statement += t1 - t0
        if changed != len(chunk):
            sys.exit("%s: folding %d rows changed %d agents" % (label, len(chunk), changed))
    c.close()
    print("%-8s %-31s synchronous=%-4s statement %5.2f  commit %5.2f  total %5.2f us per agent"
          % (label, form, sync, 1e6 * statement / FOLD, 1e6 * commit / FOLD, 1e6 * (statement + commit) / FOLD), flush=True)


def main():
    variants = "--variants" in sys.argv[1:]
    os.makedirs(DIR, exist_ok=True)
    try:
        text = DIR + "/text.db"
        build(text, False)
        if variants:
            forms = list(FORMS)
            for sync in ("OFF", "FULL"):
                for order in (forms, forms[::-1]):
                    for form in order:
                        fold("text", text, sync, form)
        else:
            compact = DIR + "/compact.db"
            build(compact, True)
            pair = [("text", text), ("compact", compact)]
            for sync in ("OFF", "FULL"):
                for order in (pair, pair[::-1]):
                    for label, base in order:
                        fold(label, base, sync, "upsert json_each (the store's)")
    finally:
        shutil.rmtree(DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
