#!/usr/bin/env bash
# Fuzzes pingxuan with cargo-fuzz (libFuzzer), each target for $MINUTES
# minutes (default 10):
#   records      bytes -> every record type through store::codec::from_ron,
#                model::validate, and the rules that read a valid record
#   pre_receive  bytes -> history::hook::parse_input (git's pre-receive stdin)
# cargo-fuzz needs nightly rustc flags; on a stable toolchain RUSTC_BOOTSTRAP=1
# enables them. Built without a sanitizer (-s none: the targets run no unsafe
# code of ours) and with debug assertions (-a: arithmetic overflow panics).
# Crashes land in fuzz/artifacts/<target>/; turn each into a regression test
# in tests/it/hostile_input.rs. A summary per target is printed at the end.
#
#   MINUTES=1 TARGETS=records scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
MINUTES=${MINUTES:-10}
TARGETS=${TARGETS:-"records pre_receive"}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p logs
summary=()
for t in $TARGETS; do
    mkdir -p "corpus/$t" "artifacts/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    log="logs/$t.log"
    echo "== $t: ${MINUTES} min (log: fuzz/$log)"
    set +e
    cargo fuzz run -s none -a "$t" "corpus/$t" -- \
        -max_total_time=$((MINUTES * 60)) -max_len=65536 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 >"$log" 2>&1
    code=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    last=$(grep -E '#[0-9]+.*(cov|ft):' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
    corpus=$(ls "corpus/$t" | wc -l)
    crashes=$(ls "artifacts/$t" 2>/dev/null | grep -cE '^(crash|oom|timeout|leak)-' || true)
    summary+=("$t: exit $code, ${execs:-?} executions, coverage ${cov:-?} edges / ${ft:-?} features, corpus $corpus, crashes $crashes")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
