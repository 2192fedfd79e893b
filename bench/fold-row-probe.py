#!/usr/bin/env python3
# Fold probe (docs/PERFORMANCE.md, item 33): what a more compact agents row would save the fold with a
# million agents. Python's sqlite3 on files in /tmp/compact (about 220 MB; removed at the end), no
# seqguard code: run with `python3 bench/fold-row-probe.py` (about 3 minutes on 2 cores).
#
# The same fold (100,000 random agents of 1,000,000, in key order, 28 per committed
# transaction, synchronous=FULL, WAL, autocheckpoint 1000) on the agents table as it is (TEXT GUID
# and times) and on a compact one (16-byte BLOB GUID, integer times).
import os, random, sqlite3, time, uuid
N, FOLD, CHUNK = 1_000_000, 100_000, 28
def make(path, compact):
    for f in (path, path + "-wal", path + "-shm"):
        if os.path.exists(f): os.remove(f)
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    if compact:
        c.execute("CREATE TABLE agents (guid BLOB NOT NULL PRIMARY KEY, last INTEGER NOT NULL, ring BLOB, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, node_name TEXT, mac_address TEXT, ip_address TEXT) WITHOUT ROWID")
    else:
        c.execute("CREATE TABLE agents (guid TEXT NOT NULL PRIMARY KEY, last INTEGER NOT NULL, ring BLOB, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, node_name TEXT, mac_address TEXT, ip_address TEXT) WITHOUT ROWID")
    c.execute("BEGIN")
    keys = []
    for i in range(N):
        k = uuid.UUID(int=(random.getrandbits(128) & ~(0xF << 76) | (4 << 76)))
        keys.append(k)
    for k in keys:
        if compact:
            c.execute("INSERT INTO agents VALUES (?, ?, NULL, ?, ?, ?, NULL, ?)", (k.bytes, 1764000000000, 1764000000000, 1764000000000, "bench-12345", "127.0.0.1"))
        else:
            c.execute("INSERT INTO agents VALUES (?, ?, NULL, ?, ?, ?, NULL, ?)", ("{%s}" % str(k).upper(), 1764000000000, "2026-11-28 05:00:00.000", "2026-11-28 05:00:00.000", "bench-12345", "127.0.0.1"))
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = c.execute("SELECT page_count FROM pragma_page_count").fetchone()[0]
    c.close()
    return keys, pages
def fold(path, keys, compact, seed):
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA synchronous=FULL"); c.execute("PRAGMA cache_size=-16384"); c.execute("PRAGMA wal_autocheckpoint=1000")
    rnd = random.Random(seed)
    chosen = sorted(rnd.sample(keys, FOLD), key=lambda k: k.bytes if compact else "{%s}" % str(k).upper())
    t0 = time.perf_counter()
    for s in range(0, FOLD, CHUNK):
        c.execute("BEGIN")
        for k in chosen[s:s + CHUNK]:
            if compact:
                c.execute("UPDATE agents SET last = last + 1, last_seen = ?, node_name = ?, ip_address = ? WHERE guid = ?", (1764000001234, "bench-12345", "127.0.0.1", k.bytes))
            else:
                c.execute("UPDATE agents SET last = last + 1, last_seen = ?, node_name = ?, ip_address = ? WHERE guid = ?", ("2026-11-28 05:30:00.123", "bench-12345", "127.0.0.1", "{%s}" % str(k).upper()))
        c.execute("COMMIT")
    dt = time.perf_counter() - t0
    c.close()
    return dt
os.makedirs("/tmp/compact", exist_ok=True)
random.seed(1)
for compact in (False, True):
    path = "/tmp/compact/%s.db" % ("compact" if compact else "text")
    keys, pages = make(path, compact)
    print("%s: %d pages (%.1f MB)" % ("compact" if compact else "text   ", pages, pages * 4096 / 1e6), flush=True)
    globals()["keys_" + str(compact)] = keys
for rnd in range(2):
    for compact in ((False, True) if rnd == 0 else (True, False)):
        path = "/tmp/compact/%s.db" % ("compact" if compact else "text")
        dt = fold(path, globals()["keys_" + str(compact)], compact, 100 + rnd)
        print("round %d %s: fold of %d agents in %.2f s, %.1f us per agent" % (rnd, "compact" if compact else "text   ", FOLD, dt, dt / FOLD * 1e6), flush=True)
for name in ("text", "compact"):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists("/tmp/compact/%s.db%s" % (name, suffix)):
            os.remove("/tmp/compact/%s.db%s" % (name, suffix))
