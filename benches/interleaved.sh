#!/bin/bash
# Interleaved runs of the one-shot query: a run of the "before" build, one of
# the "after" build, one of fzf, in turn (BENCHMARKS.md). before =
# /tmp/before-target/release (see side_by_side.sh), after = target/release;
# each with its own cache folder under /tmp. With `change`, a line is
# appended to one post before each build's run (so each run writes its cache
# and index after one post changed, or takes the edit in lazily), then a
# pause of PAUSE seconds (default 1.2: the edit is then not "racy" for a
# cache written by the run); fzf's run follows the same pause. On this VM a
# process started after an idle second is slower (fzf ~150 -> ~195 ms), which
# pulls every ratio toward 1: PAUSE=0 measures without it.
# usage: benches/interleaved.sh ROUNDS same|change QUERY   (gen_corpus writes /tmp/c100k first)
R=${1:-21}; MODE=${2:-same}; Q=${3:-kube sec}; PAUSE=${PAUSE:-1.2}
C=/tmp/c100k
A=${BEFORE:-/tmp/before-target/release/linkfeed}; B=${AFTER:-target/release/linkfeed}
f=$(find $C/2019 -name '*.md' | head -1)
mkdir -p /tmp/il-before/{h,c,s,d} /tmp/il-after/{h,c,s,d}
run() {
  HOME=$2/h XDG_CACHE_HOME=$2/c XDG_STATE_HOME=$2/s XDG_CONFIG_HOME=$2/d "$1" list $C -q "$Q" > /dev/null 2>&1
}
ms() { local s=$(date +%s%N); "$@"; echo $(( ($(date +%s%N) - s) / 1000000 )); }
fz() { fzf --filter "$Q" < $C.lines > /dev/null; }
for w in 1 2; do run $A /tmp/il-before; run $B /tmp/il-after; done
for i in $(seq "$R"); do
  [ "$MODE" = change ] && { echo >> "$f"; sleep "$PAUSE"; }
  a=$(ms run $A /tmp/il-before)
  [ "$MODE" = change ] && { echo >> "$f"; sleep "$PAUSE"; }
  b=$(ms run $B /tmp/il-after)
  # fzf after the same pause as each build's run (an idle core is slower
  # to start: without it, fzf alone ran straight after a run).
  [ "$MODE" = change ] && sleep "$PAUSE"
  echo "$a $b $(ms fz)"
done > /tmp/il.out
python3 - <<'PY'
import statistics as st
rows = [list(map(int, l.split())) for l in open('/tmp/il.out') if l.strip()]
a, b, z = (st.median(c) for c in zip(*rows))
print(f"runs {len(rows)}: median before {a} ms, after {b} ms, fzf {z} ms; "
      f"before {a/z:.2f}x fzf, after {b/z:.2f}x fzf, after/before {b/a:.2f}")
PY
