#!/usr/bin/env bash
# Performance at province scale, side by side with the git CLI in the same run.
#   bash benches/compare.sh            # N=10000 nominations (about 190k commits)
#   N=2000 RUNS=3 bash benches/compare.sh
# Generates (once, cached under $WORK) a deterministic campaign with `pingxuan gen`,
# then prints each measure: ours, the git peer, the ratio and the target.
# The in-process timings come from the bench target benches/perf.rs (not in the
# shipped binary), built here with the release settings.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-5}
WORK=${WORK:-${TMPDIR:-/tmp}/pingxuan-bench}
AT=2017-11-20T10:00:00+08:00
YEAR=2017-12-12T12:00:00+08:00   # the demo's whole scripted year
RUNS_SLOW=${RUNS_SLOW:-3}        # runs of the measures that take seconds (P10, P11)
mkdir -p "$WORK"
cargo build --release --quiet
PX="$PWD/target/release/pingxuan"
# (the JSON names each artifact built: the pingxuan binary too; keep the perf bench's)
PERF=$(cargo bench --quiet --bench perf --no-run --message-format=json 2>/dev/null |
    grep '"name":"perf"' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$PERF" ] || { echo "building the perf bench failed: cargo bench --bench perf --no-run" >&2; exit 1; }
GEN="$WORK/gen-$N.git"
if [ ! -d "$GEN" ]; then
    echo "generating $N nominations into $GEN ..." >&2
    "$PX" gen "$GEN" --nominations "$N" >&2
fi
RUN="$WORK/run-$N.git"
rm -rf "$RUN" "$WORK/clone-$N" "$WORK/home"
git clone -q --bare --local "$GEN" "$RUN"

now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1000000}'; }
# median wall time (ms) of RUNS runs of a shell command
time_ms() {
    local xs=() t0 t1
    for _ in $(seq "$RUNS"); do
        t0=$(now_ms); bash -c "$1" >/dev/null 2>&1; t1=$(now_ms)
        xs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')")
    done
    printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}
ratio() {
    case "$1$2" in *[!0-9.]*|"") echo "-"; return ;; esac   # a measure not taken
    awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }'
}
row() { printf '| %-3s | %-60s | %14s | %10s | %6s | %-20s |\n' "$1" "$2" "$(fmt "$3")" "$(fmt "$4")" "$5" "$6"; }
fmt() { case "$1" in *[!0-9.]*|"") echo "$1" ;; *) awk -v x="$1" 'BEGIN{printf "%.1f", x}' ;; esac; }

echo "machine: $(nproc) cores, $(uname -sr); N=$N nominations, $(git -C "$RUN" rev-list --count HEAD) commits" >&2
perf=$("$PERF" --repo "$RUN" --at "$AT" --runs "$RUNS" --write)
j() { echo "$perf" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
cold=$(j cold_ms); warm=$(j warm_ms); warm_load=$(j warm_load_ms); reload=$(j reload_ms); hist=$(j history_ms)
hist_id=$(echo "$perf" | sed -E 's/.*"history_record":"([^"]*)".*/\1/')
tui=$("$PERF" --repo "$RUN" --at "$AT" --tui)
t() { echo "$tui" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
p95=$(t filter_p95_ms); move=$(t cursor_move_bytes); full=$(t full_repaint_bytes); rss=$(t peak_rss_kb)

# P1 peer: list the record blobs and read them all, as a cold open must.
peer1=$(time_ms "git -C '$RUN' ls-tree -r HEAD nominations | awk '{print \$3}' | git -C '$RUN' cat-file --batch")

# P4 peer: git's own per-path log of the same record.
REC_PATH=$(git -C "$RUN" ls-tree -r -d --name-only HEAD nominations | grep "/$hist_id\$" | head -1 || true)
peer4=$(time_ms "git -C '$RUN' log --format=%H -- '$REC_PATH'")

# P5: one signed (ssh) action against git add + git commit -S of the same change,
# after the generated year's last commit (time only moves forward): the chair
# decides a nomination still open (gen leaves the last 5% undecided); the peer
# writes a decision file for an open nomination and commits it signed.
AT5=2017-12-20T10:00:00+08:00
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$HOME/key"
CLONE="$WORK/clone-$N"
git clone -q "$RUN" "$CLONE"
git -C "$CLONE" config user.name bench
git -C "$CLONE" config user.email chair@gen.example
git -C "$CLONE" config gpg.format ssh
# The chair's key registered, unsigned (no signing key configured yet; gen's
# campaign does not require signing), then configured for signing.
"$PX" --lang en --repo "$CLONE" --at "$AT5" key add chair --key "$HOME/key.pub" --valid-from 2017-06-01 >/dev/null
git -C "$CLONE" config user.signingkey "$HOME/key"
ours5=$("$PERF" --repo "$CLONE" --at "$AT5" --action --runs "$RUNS" | sed -E 's/.*"action_ms":([0-9.]+).*/\1/') || ours5="-"
DECIDED=$(git -C "$CLONE" ls-tree -r --name-only HEAD nominations | grep '/decision.ron$' | head -1 || true)
OPEN=$(git -C "$CLONE" ls-tree -r --name-only HEAD nominations | awk -F/ '{d=$1"/"$2"/"$3; if ($4=="decision.ron") done[d]=1; else seen[d]=1} END{for (d in seen) if (!(d in done)) print d}' | sort | tail -1 || true)
if [ -n "$DECIDED" ] && [ -n "$OPEN" ]; then
    git -C "$CLONE" show "HEAD:$DECIDED" > "$WORK/decision.ron"
    peer5=$(time_ms "cd '$CLONE' && { cat '$WORK/decision.ron'; echo '// x' \$RANDOM; } > '$OPEN/decision.ron' && git add '$OPEN/decision.ron' && git commit -q -S -m bench")
else
    peer5="-"
fi

# P11: the demo built (every commit signed as its member), from nothing.
DEMO="$WORK/demo"
t11() {
    local xs=() t0 t1
    for _ in $(seq "$RUNS_SLOW"); do
        rm -rf "$DEMO" "$DEMO.keys" "$DEMO.exports"
        t0=$(now_ms); "$PX" --lang en --at "$YEAR" demo "$DEMO" --no-tui >/dev/null 2>&1; t1=$(now_ms)
        xs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')")
    done
    printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}
ours11=$(t11)
demo_commits=$(git -C "$DEMO" rev-list --count HEAD)
# P10: the audit of that demo (a new process: nothing cached) against git
# checking the same signatures.
RUNS_KEEP=$RUNS; RUNS=$RUNS_SLOW
ours10=$(time_ms "'$PX' --lang en --repo '$DEMO' --at '$YEAR' audit")
peer10=$(time_ms "git -C '$DEMO' log --show-signature")
RUNS=$RUNS_KEEP

echo
row id measure ours peer ratio target
row --- --- --- --- --- ---
row P1 "cold open to ranked snapshot (ms) / ls-tree + cat-file" "$cold" "$peer1" "$(ratio "$cold" "$peer1")" "<= 1.0x"
row P2 "warm open, cache valid (ms) / cold" "$warm" "$cold" "$(ratio "$warm" "$cold")" "<= 150 ms, <= 0.15x"
row P2 "  of which reading the snapshot (ms), ranking excluded" "$warm_load" "-" "-" ""
row P3 "reload after one new commit (ms)" "$reload" "-" "-" "<= 20 ms"
row P4 "one record's history (ms) / git log --format=%H -- path" "$hist" "$peer4" "$(ratio "$hist" "$peer4")" "<= 0.5x"
row P5 "one signed ssh action, snapshot loaded (ms) / add + commit -S" "$ours5" "$peer5" "$(ratio "$ours5" "$peer5")" "<= 0.5x"
row P6 "fuzzy + pinyin filter per keystroke, p95 (ms)" "$p95" "-" "-" "<= 5 ms"
row P7 "peak RSS, repository open in the TUI state (MB)" "$(awk -v k="$rss" 'BEGIN{printf "%.0f", k/1024}')" "-" "-" "<= 150 MB"
row P8 "bytes per cursor move / per full repaint at 200x50" "$move / $full" "-" "-" "<= 100 B / <= 10 KB"
row P10 "audit of the demo, $demo_commits signed commits (ms) / git log --show-signature" "$ours10" "$peer10" "$(ratio "$ours10" "$peer10")" "<= 0.1x"
row P11 "demo build, $demo_commits signed commits (ms)" "$ours11" "-" "-" "<= 5000 ms"
