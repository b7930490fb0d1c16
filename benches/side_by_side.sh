#!/bin/bash
# Alternating runs of two linkfeed builds on the 100k corpus (BENCHMARKS.md):
# before = /tmp/before-target/release (an older commit), after = target/release.
# usage: benches/side_by_side.sh [ROUNDS] > out.txt   (gen_corpus writes /tmp/c100k first)
C=/tmp/c100k; ROUNDS=${1:-3}
ms() { local s=$(date +%s%N); "$@" > /dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
use() {
  d=/tmp/before-target/release; [ $1 = after ] && d=target/release
  export XDG_CACHE_HOME=/tmp/bc-$1 XDG_STATE_HOME=/tmp/bs-$1 XDG_CONFIG_HOME=/tmp/bcfg XDG_DATA_HOME=/tmp/bd-$1
}
for w in before after; do use $w; $d/linkfeed list $C > /dev/null; $d/linkfeed list -q 'kube sec' $C >/dev/null; done
for i in $(seq "$ROUNDS"); do
  echo "cat $(ms sh -c "find $C -name '*.md' -print0 | xargs -0 cat")"
  echo "fzf $(ms sh -c "fzf --filter 'kube sec' < $C.lines")"
  # One post changes: the query right after it rewrites the cache (and the index).
  f=$(find $C/2019 -name '*.md' | sed -n "${i}p"); echo >> "$f"
  for w in before after; do
    use $w
    echo "$w oneshot_first_after_change_ms $(ms $d/linkfeed list -q 'kube sec' $C)"
  done
  # Again: the next list of each build rewrites its cache, the query follows.
  echo >> "$f"
  for w in before after; do
    use $w
    echo "$w rewrite_ms $(ms $d/linkfeed list $C)"
    echo "$w oneshot_after_change_ms $(ms $d/linkfeed list -q 'kube sec' $C)"
  done
  echo >> "$f"
  for w in before after; do
    use $w
    echo "$w rss_rewrite $(rss $d/linkfeed list $C)"
    echo "$w first $(ms $d/linkfeed list --no-cache $C)"
    echo "$w second $(ms $d/linkfeed list $C)"
    echo "$w oneshot $(ms $d/linkfeed list -q 'kube sec' $C)"
    echo "$w rss_list $(rss $d/linkfeed list $C)"
    echo "$w rss_nocache $(rss $d/linkfeed list --no-cache $C)"
    echo "$w rss_query $(rss $d/linkfeed list -q 'kube sec' $C)"
    echo "$w keys $($d/examples/bench_filter 100000 2>/dev/null | grep 'all 240')"
    echo "$w screen $(benches/first_screen.sh $d/linkfeed $C 1)"
    tmux -L rs kill-server 2>/dev/null; tmux -L rs new-session -d -x 120 -y 40 "$d/linkfeed $C"
    sleep 8; echo "$w rss_reader $(grep VmHWM /proc/$(pgrep -x linkfeed | head -1)/status | awk '{print $2}')"
    tmux -L rs kill-server 2>/dev/null; while pgrep -x linkfeed > /dev/null; do sleep 0.1; done
  done
done
