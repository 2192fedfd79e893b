#!/usr/bin/env bash
# HTTP load benchmark: seqguard (unpacked distribution, embedded SQLite store, synchronous=FULL
# with group commit, acknowledgement after commit) versus a bare Jetty 12 handler that answers the
# same request with a small 200, driven by wrk with identical settings in the same run. Loopback
# only; bounded in time; every process it starts it stops. Documented in docs/PERFORMANCE.md.
#
# Build first:  mvn -o -q -B package -DskipTests
# Run:          bench/load-http.sh [--mode success|errors|scale] [--order sequential|scattered]
#                                  [--duration 30s] [--connections 32]
#                                  [--threads 2] [--agents 100000] [--scale-agents 1000000]
#                                  [--heap 256m] [--skip-bare] [--jfr FILE] [--java-opts "..."]
#                                  [--warmup-extra 40s] [--durable-bare async|blocking|delayed]
#                                  [--repeat 1]
#
# success  every request is a fresh, higher number (accepted and written durably). A count-based
#          warm-up first sends every agent one request (registrations), then the measured run is
#          steady-state check-ins of registered agents.
# errors   warm-up registers every agent; every measured request repeats the agent's number, so it
#          is stale (409). Checks afterwards that no error-table row was written once the hour's
#          cap was reached and that logs/server.log holds a line for every sequence error.
# scale    no bare Jetty; seqguard twice on pre-filled files (AgentFill): 10,000 and --scale-agents
#          registered agents. Reports start-up (launch to /readyz 200), heap after a full GC
#          (jcmd GC.heap_info) and throughput of the same wrk run over all the agents.
# --durable-bare async|blocking|delayed  (success mode) one more server, after bare Jetty:
#          DurableBareJetty, bare Jetty's handler answering only after the check-in's line is synced
#          to a log file, with the same group commit as seqguard's store, answered by the group's
#          leader (async, as seqguard), by each request's own parked thread (blocking), or by the
#          leader after a commit delay (delayed): what the least durable server of each design
#          reaches on this machine. Adds WRITER and RATIO lines for it.
# --repeat N  (success and scale modes; 1 or even) N rounds of the runs, every even round in the
#          reverse order (ABBA: success seqguard, bare Jetty, durable server, then the other way
#          round; scale 10,000 then large, then the other way round), so that a machine whose speed
#          drifts during the rounds weighs on both sides alike; prints each round's ratios and the
#          ratios of the mean rates (and p99s). On a shared VM one pair's ratio is within the noise
#          of a 10 % target.
# --order  scattered (default since 2026-11-27, 19:15 UTC): each wrk thread walks its agents with
#          a fixed stride, so consecutive check-ins come from agents far apart, as from a fleet
#          whose timers are not in step. sequential (every figure in docs/PERFORMANCE.md before
#          that): in GUID order, so the agents of one group commit share the store's pages and the
#          store writes about a fifth of the bytes.
#
# Prints RESULT lines (one per target and run; wrk's latencies are corrected for coordinated
# omission, see docs/PERFORMANCE.md), CPU lines (the machine's CPU split during each
# measured run, from vmstat, 'st' being what the host stole), CPUTIME lines (CPU time per request
# of the server's process and of wrk), WRITER lines (the SQLite writer's
# commits per second, mean group, mean commit time and busy share over the measured run, from its
# /metrics), DISK lines (bench/fsync-probe.py: the disk's sync times during each measured run),
# METRIC/CHECK lines, and RATIO lines. --warmup-extra DURATION adds a time-based warm-up of the
# measured run's kind after the count-based one (default none): on a slow machine the JIT's C2
# compiler is still busy well into the measured run after 100,000 requests (docs/PERFORMANCE.md,
# item 27), and this measures the steady state instead. --jfr FILE
# records the server with JFR into FILE.<label>.jfr. BARE_JAVA_OPTS (environment) adds JVM options to
# the bare and durable servers (a profiler's agent, say), as --java-opts does to seqguard's. KEEP_WORK=1 keeps the temporary folder (the
# servers' copies with logs/ and data/) and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."

order=scattered mode=success duration=30s connections=32 threads=2 agents=100000 scale_agents=1000000 skip_bare=false durable_bare="" repeat=1 heap=256m jfr="" extra_opts="" warmup_extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --order) order=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --agents) agents=$2; shift 2 ;;
    --scale-agents) scale_agents=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --skip-bare) skip_bare=true; shift ;;
    --durable-bare) durable_bare=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --jfr) jfr=$2; shift 2 ;;
    --java-opts) extra_opts=$2; shift 2 ;;
    --warmup-extra) warmup_extra=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
case "$mode" in success|errors|scale) ;; *) echo "unknown mode: $mode" >&2; exit 2 ;; esac
case "$order" in sequential|scattered) ;; *) echo "unknown order: $order" >&2; exit 2 ;; esac
case "$durable_bare" in ""|async|blocking|delayed) ;; *) echo "unknown --durable-bare mode: $durable_bare" >&2; exit 2 ;; esac
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] && { [ "$repeat" = 1 ] || [ $((repeat % 2)) = 0 ]; } || { echo "--repeat must be 1 or an even number (ABBA order): $repeat" >&2; exit 2; }
[ "$repeat" = 1 ] || [ "$mode" != errors ] || { echo "--repeat is for --mode success and scale" >&2; exit 2; }
[ "$repeat" = 1 ] || [ "$mode" != success ] || [ "$skip_bare" = false ] || [ -n "$durable_bare" ] || { echo "--repeat in a success run compares servers: drop --skip-bare or add --durable-bare" >&2; exit 2; }
[ -z "$durable_bare" ] || [ "$mode" = success ] || { echo "--durable-bare is for --mode success" >&2; exit 2; }

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
dist=$(ls -d distribution/target/seqguard-*/ 2>/dev/null | head -n 1)
[ -n "$dist" ] && [ -x "$dist/bin/seqguard" ] || { echo "no unpacked distribution; run: mvn -o -q -B package -DskipTests" >&2; exit 1; }
[ -f benchmarks/target/benchmarks.jar ] || { echo "no benchmarks/target/benchmarks.jar; run: mvn -o -q -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
wait_http() { # url; polls every 20 ms for up to 60 s
  for _ in $(seq 1 3000); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.02; done
  echo "server did not come up: $1" >&2; return 1
}
metric() { # admin_port name-regex -> sum of matching samples
  curl -fsS "http://127.0.0.1:$1/metrics" | awk -v re="^$2" '$0 ~ re { s += $NF } END { printf "%d\n", s }'
}
java_pid() { # pid -> the JVM's pid: bin/seqguard execs java, so usually the pid itself; else its java child
  pgrep -P "$1" java || echo "$1"
}
cpu_ticks() { # pid -> user + system clock ticks of its JVM so far
  awk '{ print $14 + $15 }' "/proc/$(java_pid "$1")/stat"
}
writer_meters() { # -> "groups requests commit-seconds busy-seconds cache-misses" of the SQLite writer so far (seqguard_sqlite_*)
  # groups, requests and commit-seconds count the groups that wrote; busy-seconds every group,
  # those that wrote nothing (stale check-ins, errors over the cap) and failed ones too.
  curl -fsS "http://127.0.0.1:$admin_port/metrics" | awk '
      /^seqguard_sqlite_group_size_count / { g = $NF } /^seqguard_sqlite_group_size_sum / { r = $NF }
      /^seqguard_sqlite_group_commit_seconds_sum\{.*outcome="committed"/ { c = $NF }
      /^seqguard_sqlite_group_commit_seconds_sum/ { s += $NF }
      /^seqguard_sqlite_agent_cache_misses_total / { m = $NF }
      END { printf "%d %d %.6f %.6f %d\n", g, r, c, s, m }'
}
durable_meters() { # -> the same five fields for DurableBareJetty (its /stats; no cache, no misses)
  curl -fsS "http://127.0.0.1:$durable_port/stats" | awk '{ printf "%d %d %.6f %.6f 0\n", $1, $2, $3, $3 }'
}

work=$(mktemp -d)
# Stops what is still running: the servers, and whatever run_wrk left behind when the script ends in
# a run (wrk, vmstat, the fsync probe). jobs -pr lists only this shell's children that still run, so
# no process id that ended earlier (and may be someone else's now) is signalled.
cleanup() { for p in $(jobs -pr); do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; [ -n "${KEEP_WORK:-}" ] && echo "work dir kept: $work" || rm -rf "$work"; }
trap cleanup EXIT

# RATIO lines for each pair "a:b" of runs (labels without --repeat's round suffix): rate and p99 of
# a over b, per round when --repeat is over 1, then of the mean rates and p99s. A pair with a run
# missing (a server not asked for) is left out.
ratios() { # pair...
  python3 - "$work" "$repeat" "$@" <<'PY'
import os, re, sys
work, repeat, pairs = sys.argv[1], int(sys.argv[2]), [p.split(":") for p in sys.argv[3:]]
def parse(label):
    path = os.path.join(work, label + ".wrk")
    if not os.path.exists(path):
        return None
    line = [l for l in open(path) if l.startswith("RESULT")][0]
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
def runs(label):
    found = [parse(label if repeat == 1 else "%s-round%d" % (label, r)) for r in range(1, repeat + 1)]
    return None if None in found else found
mean = lambda rs, k: sum(r[k] for r in rs) / len(rs)
for a, b in pairs:
    ra, rb = runs(a), runs(b)
    if ra and rb:
        if repeat > 1:
            for i in range(repeat):
                print("RATIO round=%d rps %s/%s = %.2f; p99 %s/%s = %.2f" % (i + 1, a, b, ra[i]["rps"] / rb[i]["rps"], a, b, ra[i]["p99_ms"] / rb[i]["p99_ms"]))
        print("RATIO rps %s/%s = %.2f; p99 %s/%s = %.2f%s" % (a, b, mean(ra, "rps") / mean(rb, "rps"), a, b, mean(ra, "p99_ms") / mean(rb, "p99_ms"),
                                                           "" if repeat == 1 else " (mean rates and p99s over %d rounds, ABBA order)" % repeat))
PY
}

# Count-based warm-up: every agent gets at least one request (first contact registers it) and the
# JIT sees at least 100,000 requests; then the measured run, continuing the numbers (success) or
# repeating the warm-up's (errors: stale).
run_wrk() { # label url agents server-pid
  local label=$1 url=$2 n=$3 server=$4 base warm per
  base=$(now_ms)
  warm=$(( n > 100000 ? n : 100000 ))
  # scale: the agents are registered already; 100,000 requests warm the JIT, and the measured run
  # continues with the agents the warm-up did not touch (a cold cache, as with a large fleet).
  [ "$mode" = scale ] && warm=100000
  # errors: a second pass makes the warm-up's requests stale too, so the hour's table cap is full
  # before the measured run.
  [ "$mode" = errors ] && warm=$(( 2 * n > warm ? 2 * n : warm ))
  per=$(( (warm + threads - 1) / threads ))
  mkdir -p "$work/$label.done"
  AGENTS=$n WRK_THREADS=$threads MODE=$mode ORDER=$order BASE=$base STOP_AFTER=$per DONE_DIR="$work/$label.done" \
      wrk -t"$threads" -c"$connections" -d900s -s bench/checkins.lua "$url" >"$work/$label.warm" &
  local wrk_pid=$! t0
  t0=$(now_ms)
  while [ "$(ls "$work/$label.done" | wc -l)" -lt "$threads" ] && kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.2; done
  kill -INT "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" || true
  echo "WARMUP target=$label requests=$(( per * threads )) seconds=$(( ($(now_ms) - t0) / 1000 ))"
  [ "$mode" = errors ] || base=$(( base + 100000000 ))
  if [ -n "$warmup_extra" ]; then
    # The measured run's own kind of requests, for a while (success: numbers continue above the warm-up's).
    AGENTS=$n WRK_THREADS=$threads MODE=$mode ORDER=$order BASE=$base START_AT=$per \
        wrk -t"$threads" -c"$connections" -d"$warmup_extra" -s bench/checkins.lua "$url" >"$work/$label.warm2"
    echo "WARMUP target=$label extra=$warmup_extra $(grep -o 'requests=[0-9]*' "$work/$label.warm2" | head -n 1)"
    [ "$mode" = errors ] || base=$(( base + 100000000 ))
  fi
  if [ "$mode" = errors ] && [ "$label" = seqguard ]; then
    written_before=$(metric "$admin_port" 'seqguard_errors_table_written_total')
    wal_before=$(stat -c '%s bytes, modified %y' "$sg_home/data/seqguard.db-wal")
  fi
  # The whole machine's CPU during the measured run: on a shared VM, 'st' (stolen by the host) and
  # 'id' tell how far the figures can be trusted.
  local writer_before="" t_measure
  case "$label" in seqguard*) writer_before=$(writer_meters) ;; durable-bare*) writer_before=$(durable_meters) ;; esac
  t_measure=$(now_ms)
  local server_ticks
  server_ticks=$(cpu_ticks "$server")
  vmstat 1 >"$work/$label.vmstat" &
  local vm_pid=$!
  # The disk's sync times during the run, on the file system the store writes to: a stall there
  # holds every durable acknowledgement, and shows in wrk's p99 (see docs/PERFORMANCE.md).
  python3 bench/fsync-probe.py "$label" "$work" >"$work/$label.disk" &
  local disk_pid=$!
  AGENTS=$n WRK_THREADS=$threads MODE=$mode ORDER=$order BASE=$base START_AT=$per /usr/bin/time -f '%U %S' -o "$work/$label.wrktime" \
      wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/checkins.lua "$url" >"$work/$label.wrk"
  server_ticks="$server_ticks $(cpu_ticks "$server")"
  kill "$vm_pid" 2>/dev/null || true; wait "$vm_pid" 2>/dev/null || true
  kill "$disk_pid" 2>/dev/null || true; wait "$disk_pid" 2>/dev/null || true
  grep '^RESULT' "$work/$label.wrk" | sed "s/^RESULT/RESULT target=$label agents=$n/"
  # CPU time per request over the measured run: the server's process (all its threads, from
  # /proc/PID/stat) and wrk's (from time(1)); the kernel's own threads (the fsync's journal
  # commits, interrupts) are in neither.
  echo "$server_ticks $(cat "$work/$label.wrktime") $(grep -o 'requests=[0-9]*' "$work/$label.wrk" | head -n 1 | cut -d= -f2)" |
      awk -v label="$label" -v hz="$(getconf CLK_TCK)" '$5 > 0 {
        printf "CPUTIME target=%s server_us_per_request=%.1f wrk_us_per_request=%.1f\n", label, ($2 - $1) / hz * 1e6 / $5, ($3 + $4) * 1e6 / $5
      }'
  # The SQLite writer's meters over the measured run: commits per second, requests per commit,
  # time per commit (its fsync included), and the share of the wall time the writer was busy.
  if [ -n "$writer_before" ]; then
    local writer_after
    case "$label" in durable-bare*) writer_after=$(durable_meters) ;; *) writer_after=$(writer_meters) ;; esac
    echo "$writer_before $writer_after $(( $(now_ms) - t_measure ))" | awk -v label="$label" '{
        groups = $6 - $1; size = $7 - $2; secs = $8 - $3; busy = $9 - $4; misses = $10 - $5; wall = $11 / 1000
        misses_text = label ~ /^seqguard/ && size > 0 ? sprintf(" cache_misses_per_check_in=%.3f", misses / size) : ""
        if (groups > 0) printf "WRITER target=%s groups_per_s=%d mean_group=%.1f mean_commit_ms=%.3f busy=%d%%%s\n", label, groups / wall, size / groups, 1000 * secs / groups, 100 * busy / wall, misses_text
        else printf "WRITER target=%s groups_per_s=0 (nothing written) busy=%d%%\n", label, 100 * busy / wall
      }'
  fi
  # Skips vmstat's two header lines and its first sample (averages since boot).
  # vmstat's bo: KiB written to block devices per second (the WAL, checkpoints, logs: every file).
  awk 'NR > 3 && $1 ~ /^[0-9]+$/ { us += $13; sy += $14; id += $15; wa += $16; st += $17; bo += $10; k++ }
       END { if (k) printf "CPU target=%s samples=%d us=%d sy=%d id=%d wa=%d st=%d (%% of the machine, mean over the measured run) disk_write_mb_s=%.1f\n", label, k, us/k, sy/k, id/k, wa/k, st/k, bo/k/1024 }' \
      label="$label" "$work/$label.vmstat"
  cat "$work/$label.disk"
}

# Starts a private copy of the distribution; sets sg_pid, agent_port, admin_port, sg_home, startup_ms.
start_seqguard() { # label [db file to use]
  local label=$1 db=${2:-} opts t0
  sg_home="$work/$label"
  cp -r "$dist" "$sg_home"
  if [ -n "$db" ]; then mkdir -p "$sg_home/data"; cp "$db" "$sg_home/data/seqguard.db"; fi
  agent_port=$(free_port); admin_port=$(free_port)
  opts="-Xmx$heap -Dseqguard.http.agent.host=127.0.0.1 -Dseqguard.http.agent.port=$agent_port -Dseqguard.http.admin.port=$admin_port $extra_opts"
  [ -n "$jfr" ] && opts="$opts -XX:StartFlightRecording=filename=$jfr.$label.jfr,settings=profile"
  t0=$(now_ms)
  JAVA_OPTS="$opts" "$sg_home/bin/seqguard" run >"$sg_home/console.out" 2>&1 &
  sg_pid=$!
  wait_http "http://127.0.0.1:$agent_port/readyz"
  startup_ms=$(( $(now_ms) - t0 ))
}
stop_seqguard() {
  kill "$sg_pid"; wait "$sg_pid" 2>/dev/null || true
}
heap_after_gc() { # pid -> "used KiB" of the heap after a full GC
  local jpid
  jpid=$(java_pid "$1")
  jcmd "$jpid" GC.run >/dev/null
  jcmd "$jpid" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i+1); exit } }'
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -n 1); $(date -u '+%Y-%m-%dT%H:%MZ'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "settings: mode=$mode order=$order threads=$threads connections=$connections agents=$agents duration=$duration heap=$heap"

if [ "$mode" = scale ]; then
  for n in 10000 "$scale_agents"; do
    db="/tmp/seqguard-bench-fill-v4-$n-t$threads.db"
    if [ ! -f "$db" ]; then
      rm -f "$db.tmp"
      java -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.AgentFill "$db.tmp" "$n" "$threads" | sed 's/^/FILL /'
      rm -f "$db.tmp-wal" "$db.tmp-shm"; mv "$db.tmp" "$db"
    fi
  done
  for round in $(seq 1 "$repeat"); do
    if [ $((round % 2)) = 1 ]; then sizes="10000 $scale_agents"; else sizes="$scale_agents 10000"; fi
    for n in $sizes; do
      label="seqguard-$n"
      [ "$repeat" = 1 ] || label="seqguard-$n-round$round"
      start_seqguard "$label" "/tmp/seqguard-bench-fill-v4-$n-t$threads.db"
      echo "STARTUP agents=$n ms=$startup_ms (launch of bin/seqguard to /readyz 200)"
      echo "HEAP agents=$n after_start_used=$(heap_after_gc "$sg_pid") (after a full GC)"
      run_wrk "$label" "http://127.0.0.1:$agent_port/agent/v1/requests" "$n" "$sg_pid"
      echo "HEAP agents=$n after_load_used=$(heap_after_gc "$sg_pid") (after a full GC)"
      echo "METRIC agents=$n registered=$(metric "$admin_port" 'seqguard_checkins_total[{]outcome="registered"') accepted=$(metric "$admin_port" 'seqguard_checkins_total[{]outcome="accepted"')"
      stop_seqguard
    done
  done
  ratios "seqguard-$scale_agents:seqguard-10000"
  exit 0
fi

if [ "$mode" = errors ]; then
  start_seqguard seqguard
  echo "STARTUP agents=0 ms=$startup_ms"
  url="http://127.0.0.1:$agent_port/agent/v1/requests"
  # Warm-up registers every agent (and fills the hour's table cap); the measured run is all stale.
  run_wrk seqguard "$url" "$agents" "$sg_pid"
  errors=$(metric "$admin_port" 'seqguard_sequence_errors_total')
  written=$(metric "$admin_port" 'seqguard_errors_table_written_total')
  wal_after=$(stat -c '%s bytes, modified %y' "$sg_home/data/seqguard.db-wal")
  echo "CHECK during the measured run: table rows written $written_before -> $written; WAL $wal_before -> $wal_after ($([ "$written_before" = "$written" ] && [ "$wal_before" = "$wal_after" ] && echo 'no database write' || echo 'DATABASE WRITTEN'))"
  dropped=$(metric "$admin_port" 'seqguard_errors_table_dropped_total')
  stale=$(metric "$admin_port" 'seqguard_checkins_total[{]outcome="stale"')
  echo "METRIC sequence_errors=$errors stale=$stale table_written=$written table_dropped=$dropped"
  stop_seqguard   # SIGTERM: the async appender drains its queue before the JVM exits
  rows=$(sqlite3 "$sg_home/data/seqguard.db" 'SELECT COUNT(*) FROM EPOAgentSequenceErrorLog')
  # server.log rolls at 100 MB into compressed files; count the rolled ones too.
  lines=$(zcat -f "$sg_home"/logs/server*.log* | grep -c 'EPOServer Agent with GUID .* sequence number invalid' || true)
  ls -l "$sg_home/logs" | sed 's/^/LOGS /'
  echo "CHECK table rows=$rows (written metric $written; the rest of the $errors errors dropped by the cap: $dropped)"
  echo "CHECK server.log sequence-error lines=$lines of $errors sequence errors ($([ "$lines" = "$errors" ] && echo complete || echo MISSING))"
  # grep -c exits 1 when it counts 0, which with pipefail would end the script with a failure.
  echo "CHECK console lines mentioning drops: $(grep -ci 'dropped\|discard' "$sg_home/console.out" || true)"
  [ "$skip_bare" = true ] && exit 0
fi

# The servers of a success run (and bare Jetty's run after an errors run); each takes its label.
run_seqguard() { # label
  start_seqguard "$1"
  echo "STARTUP target=$1 agents=0 ms=$startup_ms"
  run_wrk "$1" "http://127.0.0.1:$agent_port/agent/v1/requests" "$agents" "$sg_pid"
  echo "METRIC target=$1 registered=$(metric "$admin_port" 'seqguard_checkins_total[{]outcome="registered"') accepted=$(metric "$admin_port" 'seqguard_checkins_total[{]outcome="accepted"')"
  stop_seqguard
}
run_bare() { # label
  bare_port=$(free_port)
  java -Xmx$heap ${BARE_JAVA_OPTS:-} -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.BareJetty "$bare_port" >"$work/$1.out" 2>&1 &
  bare_pid=$!
  wait_http "http://127.0.0.1:$bare_port/"
  run_wrk "$1" "http://127.0.0.1:$bare_port/agent/v1/requests" "$agents" "$bare_pid"
  kill "$bare_pid" 2>/dev/null || true; wait "$bare_pid" 2>/dev/null || true
}
run_durable() { # label
  durable_port=$(free_port)
  java -Xmx$heap ${BARE_JAVA_OPTS:-} -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.DurableBareJetty "$durable_port" "$work/$1-log" "$durable_bare" >"$work/$1.out" 2>&1 &
  durable_pid=$!
  wait_http "http://127.0.0.1:$durable_port/"
  run_wrk "$1" "http://127.0.0.1:$durable_port/agent/v1/requests" "$agents" "$durable_pid"
  kill "$durable_pid" 2>/dev/null || true; wait "$durable_pid" 2>/dev/null || true
}

servers=""
[ "$mode" = errors ] || servers="seqguard"
[ "$skip_bare" = true ] || servers="$servers bare-jetty"
[ -z "$durable_bare" ] || servers="$servers durable-bare"
for round in $(seq 1 "$repeat"); do
  in_turn=$servers
  # ABBA: every even round runs the servers in the reverse order.
  [ $((round % 2)) = 1 ] || in_turn=$(echo $servers | tr ' ' '\n' | tac | tr '\n' ' ')
  for server in $in_turn; do
    label=$server
    [ "$repeat" = 1 ] || label="$server-round$round"
    case "$server" in
      seqguard) run_seqguard "$label" ;;
      bare-jetty) run_bare "$label" ;;
      durable-bare) run_durable "$label" ;;
    esac
  done
done

ratios seqguard:bare-jetty seqguard:durable-bare durable-bare:bare-jetty
