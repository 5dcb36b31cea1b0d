#!/usr/bin/env bash
# Run the `readiness check` benchmark and say which machine the figures come from.
# Extra arguments go to the benchmark environment, e.g. BENCH_RUNS=10 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for arg in "$@"; do
  case "$arg" in
    *=*) export "$arg" ;;
    *) echo "usage: bench/run.sh [BENCH_RUNS=N] [BENCH_IDLE=S] [BENCH_REGEN=1] [BENCH_INSTRUCTIONS=1] [READINESS_BIN=path]" >&2; exit 2 ;;
  esac
done

model=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)
machine="machine: $(nproc) cores, ${model:-unknown CPU}, ${mem:-? GiB}, $(uname -sr), $(rustc --version)"

if [[ "${BENCH_INSTRUCTIONS:-0}" == 1 ]] && ! command -v valgrind > /dev/null; then
  echo "bench/run.sh: BENCH_INSTRUCTIONS=1 counts instructions with valgrind, which is not installed (apt-get install valgrind)" >&2
  exit 2
fi

echo "$machine"
cargo bench -p readiness --bench check
echo "$machine"
