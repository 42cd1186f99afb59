#!/bin/bash
# Samples the thread that runs a Worker while it serves exactly N requests (BENCHMARKS.md,
# "The cart add taken apart by where its code runs"). Diagnostic only: needs Linux `perf`,
# and the Worker started by `bench/shared/bare.mjs` with
# MINIFLARE_WORKERD_V8_FLAGS=--perf-basic-prof so that Wasm and JavaScript frames have names.
#
#   bench/perf/record.sh PORT OUT N LOAD...   (LOAD is run with N appended)
#
# Writes OUT.perf and OUT.txt (`perf script`), and prints the thread's CPU per request.
set -euo pipefail
port=$1 out=$2 n=$3
shift 3
pid=$(ss -ltnp | grep ":$port " | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$pid" ] || { echo "nothing listens on port $port" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$pid/task/$1/stat"; }
# workerd's busiest thread is the one that runs JavaScript and Wasm.
thread=$(for t in /proc/$pid/task/*; do echo "$(cpu "${t##*/}") ${t##*/}"; done | sort -n | tail -1 | cut -d' ' -f2)
perf record -q -g -e cpu-clock -F 4000 -t "$thread" -o "$out.perf" 2>/dev/null &
recorder=$!
sleep 0.5
before=$(cpu "$thread")
"$@" "$n" > /dev/null
after=$(cpu "$thread")
kill -INT "$recorder"
wait "$recorder" 2>/dev/null || true
perf script -i "$out.perf" 2>/dev/null > "$out.txt"
echo "$out: $(echo "scale=3; ($after - $before) * 1000 / $(getconf CLK_TCK) / $n" | bc) ms per request on the Worker's thread"
