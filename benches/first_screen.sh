#!/bin/bash
# Milliseconds from starting the reader in a 120x40 tmux pane to its first
# screen showing the feed ("N posts" in the status bar): one line per run.
# usage: benches/first_screen.sh BIN DIR [RUNS] [POSTS]   (BIN may carry flags;
# POSTS defaults to 100000)
BIN=$1; DIR=$2; RUNS=${3:-5}; POSTS=${4:-100000}
for r in $(seq "$RUNS"); do
  tmux -L fs kill-server 2>/dev/null
  start=$(date +%s%N)
  tmux -L fs new-session -d -x 120 -y 40 "$BIN $DIR"
  while ! tmux -L fs capture-pane -p -t 0 2>/dev/null | grep -q "^$POSTS posts"; do sleep 0.005; done
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
  tmux -L fs kill-server 2>/dev/null
  # Let the last reader exit (and free its memory) before the next starts.
  while pgrep -x linkfeed > /dev/null; do sleep 0.05; done
  sleep 1
done
