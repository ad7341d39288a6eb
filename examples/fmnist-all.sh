#!/usr/bin/env bash
# The five Fashion-MNIST experiments of docs/results in one sitting: each grid as two shards side by
# side (one ND4J thread each; the small ViT runs faster as two single-threaded processes than as
# one two-threaded one), the Hessian of the SGD/SAM/GR/GNR runs, then every report and the index.
# Usage: examples/fmnist-all.sh [RUNS_DIR] [RESULTS_DIR]   (defaults: runs, docs/results)
# Needs Debian's dataset-fashion-mnist. Appends start/end times to RUNS_DIR/times.log.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-runs}"
results="${2:-docs/results}"
mkdir -p "$runs"
./gradreg --version >/dev/null  # build once, before the shards start
stamp() { echo "$(date -u +%FT%TZ) $* load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$runs/times.log"; }
grid() {
  local name=$1 t0
  t0=$(date +%s)
  stamp "start $name"
  ./gradreg grid "examples/fmnist-$name.json" --out "$runs/fmnist-$name" --shard 0/2 --threads 1 --quiet > "$runs/fmnist-$name.shard0.log" 2>&1 &
  ./gradreg grid "examples/fmnist-$name.json" --out "$runs/fmnist-$name" --shard 1/2 --threads 1 --quiet > "$runs/fmnist-$name.shard1.log" 2>&1 &
  wait
  stamp "end $name $(( $(date +%s) - t0 )) s"
}
grid sam-gr-gnr
find "$runs/fmnist-sam-gr-gnr" -mindepth 1 -maxdepth 1 -type d -print0 \
  | xargs -0 -P 2 -I{} ./gradreg hessian {} --top 1 --trace-samples 10 --max-iterations 30 >> "$runs/hessian.log"
stamp "end hessian"
for name in gr-alpha adams agr harmful-gr; do grid "$name"; done
for name in harmful-gr gr-alpha sam-gr-gnr adams agr; do
  ./gradreg report "$runs/fmnist-$name" --spec "examples/fmnist-$name.json" --out "$results/fmnist-$name" > /dev/null
done
./gradreg report --index "$results"
