#!/bin/bash
# Sharing 100,000 marks through a local bare repository (issue 37): the
# first push of one machine, the first pull of another, then a sync of a
# few new marks each way. Milliseconds, RUNS times each; nothing leaves
# this machine (file://).
# usage: benches/state_sync.sh [BIN] [MARKS] [RUNS]
BIN=${1:-target/release/linkfeed}; N=${2:-100000}; RUNS=${3:-5}
ms() { local s=$(date +%s%N); "$@" > /dev/null 2>&1 || echo "FAILED: $*" >&2; echo $(( ($(date +%s%N) - s) / 1000000 )); }
for r in $(seq "$RUNS"); do
  T=$(mktemp -d)
  git init -q --bare "$T/remote.git"
  for m in a b; do
    mkdir -p "$T/$m/config/linkfeed"
    printf '[state]\ngit = "file://%s/remote.git"\ndevice = "%s"\n' "$T" "$m" > "$T/$m/config/linkfeed/config.toml"
  done
  on() { local m=$1; shift; env HOME="$T/$m" XDG_CONFIG_HOME="$T/$m/config" XDG_STATE_HOME="$T/$m/state" \
    XDG_DATA_HOME="$T/$m/data" XDG_CACHE_HOME="$T/$m/cache" "$BIN" "$@"; }
  seq "$N" | awk '{printf "{\"key\":\"https://news.example/%d\",\"field\":\"read\",\"value\":true}\n", $1}' > "$T/marks.jsonl"
  on a state import "$T/marks.jsonl" > /dev/null
  first_push=$(ms on a state sync)
  first_pull=$(ms on b state sync)
  printf '{"key":"https://new.example/1","field":"starred","value":true}\n' > "$T/few.jsonl"
  on b state import "$T/few.jsonl" > /dev/null
  few_push=$(ms on b state sync)
  few_pull=$(ms on a state sync)
  unchanged=$(ms on a state sync)
  echo "first_push $first_push first_pull $first_pull few_push $few_push few_pull $few_pull unchanged $unchanged"
  rm -rf "$T"
done
