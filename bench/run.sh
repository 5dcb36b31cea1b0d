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

# Wall times on a shared VM move by a third within minutes; the instructions a check runs do
# not. Two builds whose difference is a few percent are compared by this count (one run
# under cachegrind, about half a minute).
if [[ "${BENCH_INSTRUCTIONS:-0}" == 1 ]]; then
  bin="${READINESS_BIN:-${CARGO_TARGET_DIR:-target}/release/readiness}"
  tree="${CARGO_TARGET_DIR:-target}/bench-monorepo"
  # The check exits 1 (the tree is full of findings): only the count matters here.
  refs=$( (valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      "$bin" check "$tree" --format json --today 2026-11-22 2>&1 > /dev/null || true) \
      | sed -n 's/.*I *refs: *//p')
  if [[ -z "$refs" ]]; then
    echo "bench/run.sh: cachegrind printed no instruction count for $bin" >&2
    exit 1
  fi
  echo "instructions (cachegrind, one check): $refs"
fi
echo "$machine"
