#!/usr/bin/env bash
# Paired epoch benchmark of the Fashion-MNIST models, gradreg against PyTorch (bench/torch_fmnist_epoch.py),
# alternating run by run, at 1 and 2 threads (issue 20): the small ViT (vit-nano:patch=7, batch 128, AdamW
# lr 1e-3, weight decay 0.05, clip 5; the default) or, with MODEL cnn-small, the batch-norm CNN of the
# trained-scale experiments (batch 128, SGD momentum 0.9, lr 0.05, weight decay 5e-4, clip 5).
# Usage: bench/vit_epoch_pair.sh DATA_DIR [ROUNDS] [TRAIN_LIMIT] [MODEL]   (DATA_DIR holds Fashion-MNIST's .gz files)
# CONV=im2col|winograd in the environment sets gradreg's --conv (default winograd, train's default since 2026-12-08; docs/trainer-benchmark.md).
# Per run: the machine's load (uptime), the process's wall time, the epoch's training time (all steps),
# and, from a separate one-step run each, the start-up (JVM or interpreter, data, model) and the first step.
# Both sides train without augmentation (gradreg with --no-augment; before 2026-12-07 gradreg's side ran
# train's default pad-4 crop, which PyTorch's loop does not do).
# OPENBLAS_CORETYPE is left to each side (gradreg's launcher picks SkylakeX on AVX-512; PyTorch's
# OpenBLAS 0.3.21 picks it by itself); OMP_WAIT_POLICY=PASSIVE for both, as the launcher sets it.
set -euo pipefail
data=${1:?data directory}; rounds=${2:-2}; limit=${3:-10000}; model=${4:-vit}; conv=${CONV:-winograd}
case "$model" in
  vit) train=(--model vit-nano:patch=7 --optimizer adamw --lr 1e-3 --weight-decay 0.05) ;;
  cnn-small) train=(--model cnn-small --optimizer sgd:momentum=0.9 --lr 0.05 --weight-decay 5e-4) ;;
  *) echo "vit_epoch_pair.sh: MODEL must be vit or cnn-small, got '$model'" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=PASSIVE
unset OPENBLAS_CORETYPE
now() { date +%s.%N; }
gradreg_run() { # threads train_limit -> "wall epoch_s"
  rm -rf "$tmp/run"
  local t0 t1
  t0=$(now)
  "$here/gradreg" train "${train[@]}" --conv "$conv" --dataset fashion-mnist --data "$data" --no-augment --clip 5 \
    --batch 128 --epochs 1 --train-limit "$2" --test-limit 2000 --threads "$1" --seed 0 --out "$tmp/run" \
    > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  t1=$(now)
  local epoch
  epoch=$(grep '"type":"epoch"' "$tmp/run/metrics.jsonl" | sed 's/.*"time_s":\([0-9.eE-]*\).*/\1/')
  echo "$(echo "$t1 - $t0" | bc -l) $epoch"
}
torch_run() { # threads train_limit -> "wall json"
  local t0 t1 out
  t0=$(now)
  out=$(/usr/bin/python3 "$here/bench/torch_fmnist_epoch.py" --model "$model" --data "$data" --threads "$1" --train-limit "$2" --test-limit 2000)
  t1=$(now)
  echo "$(echo "$t1 - $t0" | bc -l) $out"
}
"$here/gradreg" --version > /dev/null 2>&1 # build first
for r in $(seq 1 "$rounds"); do
  for th in 1 2; do
    echo "round $r threads $th load: $(cut -d' ' -f1-3 /proc/loadavg)"
    g=$(gradreg_run "$th" "$limit"); echo "  gradreg epoch: wall_s epoch_s = $g"
    p=$(torch_run "$th" "$limit"); echo "  torch   epoch: wall_s json = $p"
    g1=$(gradreg_run "$th" 128); echo "  gradreg one step: wall_s step_s = $g1"
    p1=$(torch_run "$th" 128); echo "  torch   one step: wall_s json = $p1"
  done
done
