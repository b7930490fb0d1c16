#!/bin/bash
# The scale run of issue 25: whole-process figures at N posts (10k, 100k, 1M
# corpora from `gen_corpus`), 3 runs each, medians; one line per figure.
# usage: benches/scale.sh BIN_DIR CORPUS N    e.g. benches/scale.sh target/release /tmp/c1m 1000000
# (gen_corpus writes CORPUS and CORPUS.lines; each corpus gets its own cache folder)
D=$1; C=$2; N=$3
export XDG_CACHE_HOME=/tmp/scale-cache-$N XDG_STATE_HOME=/tmp/scale-state-$N XDG_CONFIG_HOME=/tmp/scale-cfg XDG_DATA_HOME=/tmp/scale-data-$N
ms() { local s=$(date +%s%N); "$@" > /dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
three() { for i in 1 2 3; do "$@"; done | med; }
echo "posts $N, corpus $(du -sb $C | cut -f1) bytes"
echo "cat_ms $(three ms sh -c "find $C -name '*.md' -print0 | xargs -0 cat")"
echo "first_ms $(three ms $D/linkfeed list --no-cache $C)"
echo "first_rss_kb $(rss $D/linkfeed list --no-cache $C)"
rm -rf $XDG_CACHE_HOME; $D/linkfeed list $C > /dev/null
echo "second_ms $(three ms $D/linkfeed list $C)"
echo "second_rss_kb $(rss $D/linkfeed list $C)"
echo "oneshot_ms $(three ms $D/linkfeed list -q 'kube sec' $C)"
echo "oneshot_rss_kb $(rss $D/linkfeed list -q 'kube sec' $C)"
echo "fzf_ms $(three ms sh -c "fzf --filter 'kube sec' < $C.lines")"
echo "screen_ms $(benches/first_screen.sh $D/linkfeed $C 3 $N | med)"
# The reader's peak, 5 s after its first screen (the check and the text in).
tmux -L rs kill-server 2>/dev/null; tmux -L rs new-session -d -x 120 -y 40 "$D/linkfeed $C"
sleep 8; echo "reader_rss_kb $(grep VmHWM /proc/$(pgrep -x linkfeed | head -1)/status | awk '{print $2}')"
tmux -L rs kill-server 2>/dev/null; while pgrep -x linkfeed > /dev/null; do sleep 0.1; done
echo "keys $($D/examples/bench_filter $N 2>/dev/null | grep 'all 240')"
