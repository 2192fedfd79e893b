#!/usr/bin/env python3
# Group probe (docs/PERFORMANCE.md, item 35): what one of the SQLite store's group commits costs in steady
# state, with the journal: 14 check-ins appended to agent_journal, 28 agents folded into agents (the store's
# fold statement; once the journal's rows are folded, the deleted head instead), one COMMIT. Python's sqlite3
# on files in /tmp/group-probe (about 700 MB; removed at the end), no seqguard code.
#
#   python3 bench/group-probe.py                     # rows as schema 3 (text) against schema 4 (compact), 4 KiB pages
#   python3 bench/group-probe.py --page-sizes 1024,2048,4096,8192   # text rows, other page sizes
#
# Fleets of 100,000 and 1,000,000 agents, registered in random key order; a journal of 100,000 rows of random
# agents to fold from. 3,000 groups per run, with synchronous=OFF (SQLite's work and the page writes: the
# writer's CPU) and synchronous=FULL (as the store runs: each COMMIT syncs the WAL), in ABBA order.
import json, os, random, shutil, sqlite3, sys, time, uuid

from probe_sqlite import STORE_FOLD, create_tables, fresh_copy, text_guid

GROUPS, GROUP = 3000, 14
DIR = "/tmp/group-probe"


def build(path, fleet, page_size, compact):
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA page_size=%d" % page_size)
    c.execute("PRAGMA journal_mode=WAL")
    create_tables(c, compact)
    rnd = random.Random(1)
    keys = [uuid.UUID(int=rnd.getrandbits(128)) for _ in range(fleet)]
    key = (lambda k: k.bytes) if compact else text_guid
    registered = 1764306000000 if compact else "2025-11-28 05:00:00.000"
    seen = 1764307800123 if compact else "2025-11-28 05:30:00.123"
    c.execute("BEGIN")
    for i, k in enumerate(keys):
        c.execute("INSERT INTO agents VALUES (?, ?, NULL, ?, ?, ?, NULL, ?)", (key(k), 1764000000000, registered, registered, "bench-%d" % i, "127.0.0.1"))
    for seq, i in enumerate(rnd.choices(range(fleet), k=100_000), start=1):
        c.execute("INSERT INTO agent_journal VALUES (?, ?, ?, NULL, NULL, ?, ?, NULL, ?)",
                  (seq, key(keys[i]), 1764000000000 + seq, seen, "bench-%d" % i, "127.0.0.1"))
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def run(label, base, sync, compact):
    c = fresh_copy(base, DIR, sync)
    rows = c.execute("SELECT seq, guid FROM agent_journal").fetchall()
    newest = {}
    for seq, guid in rows:
        newest[guid] = seq
    order = [newest[k] for k in sorted(newest)]  # the fold: each agent's newest row, in key order
    seen = 1764310000456 if compact else "2025-11-28 06:30:00.456"
    rnd = random.Random(2)
    seq, folded, deleted = 100_001, 0, 0
    t0 = time.perf_counter()
    for _ in range(GROUPS):
        c.execute("BEGIN IMMEDIATE")
        for _ in range(GROUP):
            guid = rows[rnd.randrange(len(rows))][1]
            c.execute("INSERT INTO agent_journal VALUES (?, ?, ?, NULL, NULL, ?, 'bench-x', NULL, '127.0.0.1')",
                      (seq, guid, 1764100000000 + seq, seen))
            seq += 1
        chunk = order[folded:folded + 2 * GROUP]
        folded += len(chunk)
        if chunk:
            c.execute(STORE_FOLD, (json.dumps(chunk),))
        else:
            c.execute("DELETE FROM agent_journal WHERE seq > ? AND seq <= ?", (deleted, deleted + 8 * GROUP))
            deleted += 8 * GROUP
        c.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    page_size = c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    print("%-26s page_size=%5d synchronous=%-4s %6.1f us per group (%5.1f per check-in)"
          % (label, page_size, sync, 1e6 * elapsed / GROUPS, 1e6 * elapsed / GROUPS / GROUP), flush=True)


def main():
    page_sizes = None
    if "--page-sizes" in sys.argv:
        page_sizes = [int(x) for x in sys.argv[sys.argv.index("--page-sizes") + 1].split(",")]
    os.makedirs(DIR, exist_ok=True)
    try:
        kinds = ([("text", False, p) for p in page_sizes] if page_sizes else [("text", False, 4096), ("compact", True, 4096)])
        for fleet in (100_000, 1_000_000):
            for name, compact, page in kinds:
                build("%s/%s-%d-%d.db" % (DIR, name, fleet, page), fleet, page, compact)
        for sync in ("OFF", "FULL"):
            for fleet in (100_000, 1_000_000):
                for order in (kinds, kinds[::-1]):
                    for name, compact, page in order:
                        run("%s fleet=%d" % (name, fleet), "%s/%s-%d-%d.db" % (DIR, name, fleet, page), sync, compact)
    finally:
        shutil.rmtree(DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
