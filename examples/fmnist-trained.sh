#!/usr/bin/env bash
# The trained-scale Fashion-MNIST experiments of docs/results (issue 21), every page that
# examples/fmnist-all.sh (the five miniature grids) leaves out, from their registered specs: each grid
# as two one-thread shards side by side, the registered Hessian measurements of the two analysis
# specs, every report (with the spec, so the verdicts and the spec's hash are recomputed), the index.
# Long: about 40 core-hours on the project's 2-core machine (each page's run times are in its
# runs.tar.xz); interrupted, run it again: finished runs are kept and started ones resume (grid).
# Not regenerated here: docs/results/baselines.md (the first baselines, written from result.json files).
# Usage: examples/fmnist-trained.sh [RUNS_DIR] [RESULTS_DIR]   (defaults: runs, docs/results)
#        DRY_RUN=1 examples/fmnist-trained.sh ...   prints the commands instead of running them
# Needs Debian's dataset-fashion-mnist. Appends start/end times to RUNS_DIR/times.log.
# Reruns reproduce the archived statistics, not necessarily their last bits: the engine's rounding
# has changed between some commits (docs/trainer-benchmark.md); `gradreg train --remake RUN_DIR --out NEW`
# makes one archived run again and compares it line by line (check out the run's commit for its own code).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-runs}"
results="${2:-docs/results}"
dry="${DRY_RUN:-0}"

run() {
  if [ "$dry" = 1 ]; then
    echo "$*"
  else
    "$@"
  fi
}
stamp() {
  [ "$dry" = 1 ] || echo "$(date -u +%FT%TZ) $* load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$runs/times.log"
}
grid() { # NAME: examples/fmnist-NAME.json into RUNS_DIR/fmnist-NAME, two shards side by side
  local name=$1 spec="examples/fmnist-$1.json"
  [ -f "$spec" ] || { echo "fmnist-trained.sh: no spec $spec" >&2; exit 2; }
  stamp "start $name"
  if [ "$dry" = 1 ]; then
    echo "./gradreg grid $spec --out $runs/fmnist-$name --shard 0/2 --threads 1 --quiet &"
    echo "./gradreg grid $spec --out $runs/fmnist-$name --shard 1/2 --threads 1 --quiet &"
    echo "wait"
  else
    ./gradreg grid "$spec" --out "$runs/fmnist-$name" --shard 0/2 --threads 1 --quiet > "$runs/fmnist-$name.shard0.log" 2>&1 &
    ./gradreg grid "$spec" --out "$runs/fmnist-$name" --shard 1/2 --threads 1 --quiet > "$runs/fmnist-$name.shard1.log" 2>&1 &
    wait
  fi
  stamp "end $name"
}
report() { # RUNS SPEC_NAME: the page docs/results/fmnist-SPEC_NAME from RUNS_DIR/fmnist-RUNS
  run ./gradreg report "$runs/fmnist-$1" --spec "examples/fmnist-$2.json" --out "$results/fmnist-$2"
}
hessian() { # RUNS SPEC_NAME: the registered Hessian measurement of an analysis spec on RUNS_DIR/fmnist-RUNS's runs
  if [ "$dry" = 1 ]; then
    echo "./gradreg hessian --spec examples/fmnist-$2.json $runs/fmnist-$1/run.*"
  else
    ./gradreg hessian --spec "examples/fmnist-$2.json" "$runs/fmnist-$1"/run.* >> "$runs/hessian.log"
  fi
  stamp "end hessian $2"
}

[ "$dry" = 1 ] || { mkdir -p "$runs"; ./gradreg --version > /dev/null; } # build once, before the shards start

# baselines of the two model families (issue 21, item 1)
grid baselines-cnn;          report baselines-cnn baselines-cnn
grid baselines-noaug-seed1;  report baselines-noaug-seed1 baselines-noaug-seed1
# the CNN: SGD / SAM / GR, its flatness (two registered measurements on the same runs), GNR, the GR alpha sweep
grid cnn-sgd-sam-gr;         report cnn-sgd-sam-gr cnn-sgd-sam-gr
hessian cnn-sgd-sam-gr cnn-flatness;        report cnn-sgd-sam-gr cnn-flatness
hessian cnn-sgd-sam-gr cnn-flatness-exact;  report cnn-sgd-sam-gr cnn-flatness-exact
grid cnn-gnr;                report cnn-gnr cnn-gnr
for name in cnn-gr-alpha cnn-gr-alpha-mid cnn-gr-alpha-low; do grid "$name"; report "$name" "$name"; done
# the small ViT: harmful GR, Var(psi) in the warmup, scheduled weight decay (and its registered flatness), AGR
grid vit-harmful-gr;         report vit-harmful-gr vit-harmful-gr
grid vit-psi-warmup;         report vit-psi-warmup vit-psi-warmup
grid vit-swd;                report vit-swd vit-swd
hessian vit-swd vit-swd-claims;             report vit-swd vit-swd-claims
grid vit-swd-usual;          report vit-swd-usual vit-swd-usual
grid vit-agr;                report vit-agr vit-agr
run ./gradreg report --index "$results"
