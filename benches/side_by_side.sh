#!/bin/bash
# Alternating runs of two linkfeed builds on the 100k corpus (BENCHMARKS.md, issue 20):
# before = /tmp/before-target/release (an older commit), after = target/release.
# usage: benches/side_by_side.sh > out.txt   (gen_corpus writes /tmp/c100k first)
C=/tmp/c100k
ms() { local s=$(date +%s%N); "$@" > /dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
for w in before after; do
  d=/tmp/before-target/release; [ $w = after ] && d=target/release
  export XDG_CACHE_HOME=/tmp/bc-$w XDG_STATE_HOME=/tmp/bs-$w XDG_CONFIG_HOME=/tmp/bcfg XDG_DATA_HOME=/tmp/bd-$w
  $d/linkfeed list $C > /dev/null; $d/linkfeed list -q 'kube sec' $C >/dev/null
done
for i in 1 2 3; do
  echo "cat $(ms sh -c "find $C -name '*.md' -print0 | xargs -0 cat")"
  for w in before after; do
    d=/tmp/before-target/release; [ $w = after ] && d=target/release
    export XDG_CACHE_HOME=/tmp/bc-$w XDG_STATE_HOME=/tmp/bs-$w XDG_CONFIG_HOME=/tmp/bcfg XDG_DATA_HOME=/tmp/bd-$w
    echo "$w first $(ms $d/linkfeed list --no-cache $C)"
    echo "$w second $(ms $d/linkfeed list $C)"
    echo "$w oneshot $(ms $d/linkfeed list -q 'kube sec' $C)"
    echo "$w rss_list $(rss $d/linkfeed list $C)"
    echo "$w rss_nocache $(rss $d/linkfeed list --no-cache $C)"
    echo "$w rss_query $(rss $d/linkfeed list -q 'kube sec' $C)"
    echo "$w keys $($d/examples/bench_filter 100000 | grep 'all 240')"
    echo "$w screen $(benches/first_screen.sh $d/linkfeed $C 1)"
  done
done
