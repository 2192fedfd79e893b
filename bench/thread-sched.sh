#!/usr/bin/env bash
# Scheduler accounting of one process's threads over an interval, from /proc/PID/task/*/schedstat
# (time on a core, time waiting in the run queue, times switched in). Run it beside a load run:
#
#   bench/load-http.sh --duration 30s --skip-bare &        # or any server under load
#   sleep 15; bench/thread-sched.sh "$(pgrep -f io.seqguard | head -n 1)" 10
#
# Prints one line per thread name (numbers stripped, so Jetty's pool threads add up to one line)
# and a TOTAL line; divide the switches by the requests served in the interval to get switches per
# request. Threads that start or end within the interval are left out. Used in docs/PERFORMANCE.md
# (End-to-end HTTP, item 13).
set -euo pipefail

pid=${1:?usage: bench/thread-sched.sh PID [seconds]}
seconds=${2:-10}
[ -d "/proc/$pid/task" ] || { echo "no process $pid" >&2; exit 1; }

snapshot() { # -> "tid name run_ns wait_ns switches" per thread
  for task in /proc/"$pid"/task/*; do
    local name stat
    name=$(tr ' ' '_' <"$task/comm" 2>/dev/null) || continue
    stat=$(cat "$task/schedstat" 2>/dev/null) || continue
    echo "${task##*/} $name $stat"
  done | sort
}

before=$(mktemp) after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"
sleep "$seconds"
snapshot >"$after"

# join: tid, then name run wait switches from before ($2-$5) and from after ($6-$9).
join "$before" "$after" | awk -v secs="$seconds" '
  { name = $2; sub(/[-_#]?[0-9]+$/, "", name)
    r = $7 - $3; w = $8 - $4; n = $9 - $5
    run[name] += r; wait[name] += w; sw[name] += n; trun += r; twait += w; tsw += n }
  END {
    for (k in run) if (sw[k] > 0)
      printf "THREADS switches=%d run_ms=%.1f wait_ms=%.1f wait_us_per_switch=%.1f name=%s\n", sw[k], run[k] / 1e6, wait[k] / 1e6, wait[k] / sw[k] / 1e3, k | "sort -t= -k2 -rn"
    close("sort -t= -k2 -rn")
    printf "TOTAL seconds=%s switches=%d run_ms=%.1f wait_ms=%.1f wait_us_per_switch=%.1f\n", secs, tsw, trun / 1e6, twait / 1e6, (tsw ? twait / tsw / 1e3 : 0)
  }'
