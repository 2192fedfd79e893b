#!/usr/bin/env python3
"""Disk probe for bench/load-http.sh: how long the disk takes to sync, while a benchmark runs.

Every INTERVAL seconds it overwrites 4 KiB of a file of its own in FOLDER and fsyncs it, until
it receives SIGTERM or SIGINT; then it prints one line: how many syncs it made, their median, 99th
percentile and longest time, and every sync that took longer than 50 ms, with the wall-clock time
it ended. A durable store's acknowledgement waits for such a sync, so a stall seen here at the
moment the server's latency jumps is the disk's, not the server's. Its own cost is small next to
a store's: 50 syncs per second against the 1,000+ group commits per second it sits beside.

Usage: fsync-probe.py LABEL FOLDER [INTERVAL_SECONDS]   (default interval 0.02)
"""
import os
import signal
import sys
import time

label, folder = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.02
path = os.path.join(folder, ".fsync-probe-%d" % os.getpid())
stop = False


def request_stop(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, request_stop)
signal.signal(signal.SIGINT, request_stop)

fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
block = os.urandom(4096)
times, stalls = [], []
try:
    while not stop:
        os.pwrite(fd, block, 0)
        start = time.perf_counter()
        os.fsync(fd)
        took = time.perf_counter() - start
        times.append(took)
        if took > 0.05:
            now = time.time()
            stalls.append("%.0fms@%s.%03d" % (took * 1000, time.strftime("%H:%M:%S", time.gmtime(now)), int(now * 1000) % 1000))
        time.sleep(interval)
finally:
    os.close(fd)
    os.unlink(path)

times.sort()
n = len(times)
if n == 0:
    print("DISK target=%s fsyncs=0" % label)
else:
    print("DISK target=%s fsyncs=%d p50_us=%d p99_us=%d max_ms=%.1f stalls_over_50ms=%d%s" % (
        label, n, times[n // 2] * 1e6, times[min(n - 1, int(n * 0.99))] * 1e6, times[-1] * 1000,
        len(stalls), (" (" + " ".join(stalls[:10]) + (" ..." if len(stalls) > 10 else "") + ", UTC)") if stalls else ""))
