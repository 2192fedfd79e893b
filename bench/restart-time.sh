#!/usr/bin/env bash
# Restart time of the unpacked distribution on a given SQLite file: launch of bin/seqguard to
# /readyz 200, the store's own "ready in N ms" (opening the file and reading the check-in journal
# back), and launch to the end of the agent cache's fill (its log line "N agents read into the
# agent cache in X ms"; the fill stops at agent-cache-size). Each run starts on a fresh copy of
# the file, so the file itself is never changed. Documented in docs/PERFORMANCE.md (items 30 and 31).
#
# Build first:  mvn -o -q -B package -DskipTests
# Needs sqlite3 (Debian package sqlite3) to count the file's agents and rows, python3 and curl.
# Run:          bench/restart-time.sh [--runs 3] [--store-jar JAR] [--java-opts "..."] FILE.db
#
# --store-jar  runs with this seqguard-storage-sqlite jar in place of the distribution's (A/B of a
#              change to the store on the same file).
# A file with a long journal, from a scale run's fill (bench/load-http.sh --mode scale makes
# /tmp/seqguard-bench-fill-v4-1000000-t2.db; times are milliseconds since 1970 since schema version 4):
#   cp /tmp/seqguard-bench-fill-v4-1000000-t2.db /tmp/j.db
#   sqlite3 /tmp/j.db "INSERT INTO agent_journal (seq, guid, last, last_seen, node_name, mac_address, ip_address)
#     SELECT row_number() OVER (), guid, last + 1, 1795842000000, 'node-x', '001122334455', '10.0.0.1'
#     FROM (SELECT * FROM agents ORDER BY random() LIMIT 443536)"
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3 store_jar="" extra_opts=""
while [ $# -gt 1 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --store-jar) store_jar=$2; shift 2 ;;
    --java-opts) extra_opts=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[ $# = 1 ] && [ -f "$1" ] || { echo "usage: $0 [--runs N] [--store-jar JAR] [--java-opts \"...\"] FILE.db" >&2; exit 2; }
db=$1
dist=distribution/target/seqguard-0.1.0-SNAPSHOT
[ -x "$dist/bin/seqguard" ] || { echo "build first: mvn -o -q -B package -DskipTests" >&2; exit 2; }
[ -z "$store_jar" ] || [ -f "$store_jar" ] || { echo "--store-jar: no such file: $store_jar" >&2; exit 2; }

work=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
registered=$(sqlite3 "$db" "SELECT COUNT(*) FROM agents_now")
echo "file: $db, $registered registered agents, $(sqlite3 "$db" 'SELECT COUNT(*) FROM agent_journal') journal rows; $(nproc) cores; $(date -u '+%Y-%m-%dT%H:%MZ')"

for run in $(seq 1 "$runs"); do
  home="$work/seqguard"
  rm -rf "$home"; cp -r "$dist" "$home"
  [ -z "$store_jar" ] || cp "$store_jar" "$home/lib/seqguard-storage-sqlite-0.1.0-SNAPSHOT.jar"
  mkdir -p "$home/data"; cp "$db" "$home/data/seqguard.db"
  port=$(free_port); admin=$(free_port)
  while [ "$admin" = "$port" ]; do admin=$(free_port); done
  t0=$(now_ms)
  JAVA_OPTS="-Xmx256m -Dseqguard.http.agent.host=127.0.0.1 -Dseqguard.http.agent.port=$port -Dseqguard.http.admin.port=$admin $extra_opts" \
      "$home/bin/seqguard" run >"$home/console.out" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "seqguard exited; see its console:" >&2; cat "$home/console.out" >&2; exit 1; }
    [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "not ready after 60 s" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(now_ms)
  filled="" line=""
  # A fill that keeps no agent (an empty file) logs nothing: nothing to wait for.
  [ "$registered" -gt 0 ] || filled=0
  while [ -z "$filled" ] && [ $(( $(now_ms) - t1 )) -lt 60000 ]; do
    line=$(grep -o '[0-9]* agents read into the agent cache in [0-9]* ms' "$home/logs/server.log" | head -n 1 || true)
    filled=$(echo "$line" | cut -s -d' ' -f1)
    [ -n "$filled" ] || sleep 0.05
  done
  t2=$(now_ms)
  store=$(grep -o 'ready (synchronous=[A-Z]*) in [0-9]* ms' "$home/logs/server.log" | grep -o '[0-9]* ms' | head -n 1 || true)
  fill_ms=none
  [ -z "$line" ] || fill_ms=$(echo "$line" | awk '{ print $(NF - 1) }')
  if [ -n "$filled" ]; then
    echo "RESTART run=$run ready_ms=$((t1 - t0)) store_ready=${store// /_} cache_filled_ms=$((t2 - t0)) cached=$filled fill_ms=$fill_ms"
  else
    echo "RESTART run=$run ready_ms=$((t1 - t0)) store_ready=${store// /_} cache_filled_ms=TIMEOUT (no end of the fill logged within 60 s: still filling, or it kept no agent, as when agent-cache-size is 0)"
  fi
  kill "$pid"; { wait "$pid" 2>/dev/null || true; }; pid=""
done
