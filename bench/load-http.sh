#!/usr/bin/env bash
# HTTP load benchmark: seqguard (unpacked distribution, embedded SQLite store, synchronous=FULL
# with group commit) versus a bare Jetty 12 handler that answers the same request with a small
# 200, driven by wrk with identical settings in the same run. Loopback only; bounded in time.
#
# Build first:  mvn -q -B package -DskipTests
# Run:          bench/load-http.sh [--mode success|errors] [--duration 30s] [--connections 64]
#                                  [--threads 2] [--agents 100000] [--warmup 10s] [--skip-bare]
# Prints one RESULT line per target and the ratios. Figures go to docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=success duration=30s connections=64 threads=2 agents=100000 warmup=10s skip_bare=false heap=256m
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --agents) agents=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --skip-bare) skip_bare=true; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
dist=$(ls -d distribution/target/seqguard-*/ 2>/dev/null | head -n 1)
[ -n "$dist" ] && [ -x "$dist/bin/seqguard" ] || { echo "no unpacked distribution; run: mvn -q -B package -DskipTests" >&2; exit 1; }
[ -f benchmarks/target/benchmarks.jar ] || { echo "no benchmarks/target/benchmarks.jar; run: mvn -q -B package -DskipTests" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not come up: $1" >&2; return 1
}
run_wrk() { # label url
  local label=$1 url=$2 base
  base=$(( $(date +%s) * 1000 ))
  AGENTS=$agents WRK_THREADS=$threads MODE=$mode BASE=$base wrk -t"$threads" -c"$connections" -d"$warmup" -s bench/checkins.lua "$url" >/dev/null
  base=$(( base + 10000000 ))
  # The measured run continues above the warm-up's numbers (success mode) or repeats them (errors mode).
  [ "$mode" = errors ] && base=$(( $(date +%s) * 1000 - 10000000 ))
  AGENTS=$agents WRK_THREADS=$threads MODE=$mode BASE=$base wrk -t"$threads" -c"$connections" -d"$duration" --latency \
      -s bench/checkins.lua "$url" | tee "$work/$label.wrk" | grep '^RESULT' | sed "s/^RESULT/RESULT target=$label/"
}

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -n 1); mode=$mode threads=$threads connections=$connections agents=$agents duration=$duration"

# seqguard on its embedded defaults, in a private copy of the distribution.
cp -r "$dist" "$work/seqguard"
agent_port=$(free_port); admin_port=$(free_port)
JAVA_OPTS="-Xmx$heap -Dseqguard.http.agent.host=127.0.0.1 -Dseqguard.http.agent.port=$agent_port -Dseqguard.http.admin.port=$admin_port" \
  "$work/seqguard/bin/seqguard" run >"$work/seqguard.out" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$agent_port/healthz"
run_wrk seqguard "http://127.0.0.1:$agent_port/agent/v1/requests"
curl -fsS "http://127.0.0.1:$admin_port/metrics" | grep -E '^seqguard_(checkins_total|errors_table_(written|dropped)_total)' | sed 's/^/METRIC /' || true
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

if [ "$skip_bare" = false ]; then
  bare_port=$(free_port)
  java -Xmx$heap -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.BareJetty "$bare_port" >"$work/bare.out" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$bare_port/"
  run_wrk bare-jetty "http://127.0.0.1:$bare_port/agent/v1/requests"
  python3 - "$work/seqguard.wrk" "$work/bare-jetty.wrk" <<'PY'
import re, sys
def parse(path):
    line = [l for l in open(path) if l.startswith("RESULT")][0]
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
s, b = parse(sys.argv[1]), parse(sys.argv[2])
print("RATIO rps seqguard/bare = %.2f; p99 seqguard/bare = %.2f" % (s["rps"] / b["rps"], s["p99_ms"] / b["p99_ms"]))
PY
fi
