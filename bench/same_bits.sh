#!/usr/bin/env bash
# Do two builds of gradreg train the same short Fashion-MNIST runs to the same bits? (issue 20: kernel rewrites that
# claim to keep every bit.) Trains cnn-small (Winograd and im2col) and the small ViT for 60 steps at 1 and 2 threads
# with each checkout's own launcher, and compares every metrics line (wall-time fields removed) and result.json.
# Usage: bench/same_bits.sh OLD_CHECKOUT NEW_CHECKOUT [DATA_DIR]   (e.g. a `git worktree add` of the old commit, and .)
# Prints one line per run, EQUAL or DIFFER; exit 1 if any differs.
set -euo pipefail
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd); data=${3:-/usr/share/datasets/fashion-mnist}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
strip() { sed 's/"[a-z_]*time[a-z_]*":[0-9.eE+-]*//g; s/"wall[a-z_]*":[0-9.eE+-]*//g' "$1"; }
status=0
for t in 1 2; do
  for spec in "cnn-small-winograd|--model cnn-small --optimizer sgd:momentum=0.9 --lr 0.05 --weight-decay 5e-4 --conv winograd" \
              "cnn-small-im2col|--model cnn-small --optimizer sgd:momentum=0.9 --lr 0.05 --weight-decay 5e-4 --conv im2col" \
              "vit-nano|--model vit-nano:patch=7 --optimizer adamw --lr 1e-3 --weight-decay 0.05"; do
    name=${spec%%|*}; read -r -a args <<< "${spec#*|}"
    for side in old new; do
      dir=$old; [ "$side" = new ] && dir=$new
      (cd "$dir" && ./gradreg train "${args[@]}" --dataset fashion-mnist --data "$data" --no-augment --clip 5 --batch 128 --epochs 1 \
        --train-limit 7680 --test-limit 1000 --seed 3 --threads "$t" --out "$tmp/$side-$name-$t" > "$tmp/$side-$name-$t.log" 2>&1) \
        || { cat "$tmp/$side-$name-$t.log" >&2; exit 2; }
    done
    if cmp -s <(strip "$tmp/old-$name-$t/metrics.jsonl") <(strip "$tmp/new-$name-$t/metrics.jsonl") \
       && cmp -s <(strip "$tmp/old-$name-$t/result.json") <(strip "$tmp/new-$name-$t/result.json"); then r=EQUAL; else r=DIFFER; status=1; fi
    echo "$name, $t thread(s): $(wc -l < "$tmp/new-$name-$t/metrics.jsonl") metrics lines and result.json $r"
  done
done
exit $status
