#!/usr/bin/env python3
"""Heap held by slow uploads: opens N connections to a running seqguard's agent listener, each
declaring a Content-Length of SIZE bytes and sending one byte of it, and prints the server's heap
use (jvm_memory_used_bytes{area="heap"} from the admin listener's /metrics) before, and 3 s after
the connections are open. docs/PERFORMANCE.md, item 38.

    python3 bench/slow-bodies.py AGENT_PORT ADMIN_PORT N SIZE
    python3 bench/slow-bodies.py 18080 18081 150 1048576
"""
import re
import socket
import sys
import time
import urllib.request
import uuid


def heap_mib(admin_port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics").read().decode()
    used = re.finditer(r'^jvm_memory_used_bytes\{area="heap".*\} (\S+)$', text, re.M)
    return sum(float(m.group(1)) for m in used) / 2**20


def main():
    agent_port, admin_port, n, size = (int(a) for a in sys.argv[1:5])
    print(f"heap before: {heap_mib(admin_port):.1f} MiB")
    sockets = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", agent_port))
            s.sendall((f"POST /agent/v1/requests HTTP/1.1\r\nHost: x\r\nAgent-Guid: {uuid.uuid4()}\r\n"
                       f"Agent-Sequence: 1\r\nContent-Length: {size}\r\n\r\nx").encode())
            sockets.append(s)
        time.sleep(3)
        print(f"heap with {n} clients each declaring {size} bytes and sending 1: {heap_mib(admin_port):.1f} MiB")
    finally:
        for s in sockets:
            s.close()


if __name__ == "__main__":
    main()
