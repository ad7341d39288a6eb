#!/usr/bin/env bash
# The GPU check, from the offline bundle (scripts/bundle.sh), on a machine with an NVIDIA GPU, its
# driver and CUDA 13's libraries (a toolkit or NVIDIA's pip wheels, e.g. PyTorch's) and no Java:
#   1. what the machine has (GPU, driver, nvcc, the CUDA libraries, PyTorch);
#   2. gradreg check-device: every backend operation, every model (DOUBLE and FLOAT), 20-step
#      SAM/GR/GNR runs, device memory over 1,000 steps, each against the CPU;
#   3. gradreg bench --trainer --device cuda beside PyTorch on the same GPU (bench/torch_reference.py):
#      ViT-Ti and ResNet-18 at batch 128, plain/SAM/GR/GNR, the share of host<->GPU copies;
#   4. a short Fashion-MNIST training run on the GPU (when the data folder is given);
# then one summary table. Stages have time limits, so a hang costs one stage, not the whole check.
#
#   bench/gpu-check.sh BUNDLE.tar.xz|UNPACKED_DIR [FASHION_MNIST_DIR] [OUT_DIR] [STAGES]
#   STAGES: comma-separated subset of machine,check,bench,train,memory (default: all but memory)
set -uo pipefail
t0=$(date +%s)
bundle="${1:?usage: bench/gpu-check.sh BUNDLE.tar.xz|DIR [FASHION_MNIST_DIR] [OUT_DIR] [STAGES]}"
fm="${2:-}"
out="${3:-out/gpu-check}"
stages=",${4:-machine,check,bench,train},"
runs=".gpu/runs"
mkdir -p "$out"
say() { echo "[gpu-check $(( $(date +%s) - t0 ))s] $*"; }
has() { [[ "$stages" == *",$1,"* ]]; }

if has machine; then
  say "machine"
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1 || echo "nvidia-smi: not found"
  echo "java on PATH: $(command -v java || echo "none (the bundle brings its own)")"
  echo "nvcc: $( (nvcc --version 2>/dev/null || /usr/local/cuda/bin/nvcc --version 2>/dev/null) | tail -1)"
  echo "python3: $(command -v python3) $(python3 -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)"
  python3 -c "import nvidia; print('nvidia wheels:', list(nvidia.__path__))" 2>&1 | tail -1
  python3 -c "import torch; print('torch', torch.__version__, 'CUDA', torch.version.cuda, 'cuDNN', torch.backends.cudnn.version())" 2>&1 | tail -1
  uname -a; nproc; free -g | head -2
fi

# the bundle, unpacked once (python3's tarfile where xz is missing)
if [ -d "$bundle" ]; then
  root="$bundle"
else
  dest=".gpu/unpacked"
  root="$dest/gradreg"
  if [ ! -x "$root/bin/gradreg" ] || [ "$bundle" -nt "$root/bin/gradreg" ]; then
    say "unpacking $bundle"
    rm -rf "$dest"; mkdir -p "$dest"
    if command -v xz >/dev/null 2>&1; then tar -C "$dest" -xJf "$bundle"; else
      python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle" "$dest"; fi
  fi
fi
g="$root/bin/gradreg"
say "gradreg $(cat "$root/COMMIT" 2>/dev/null) from $root"
. "$root/scripts/cuda-libs.sh"; gradreg_cuda_libs
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
export GRADREG_CUDA_LIBS="$LD_LIBRARY_PATH"
export GRADREG_PYTHON="${GRADREG_PYTHON:-$(command -v python3)}"

check_rc=-; bench_rc=-; train_rc=-
if has check; then
  say "check-device: operations (smoke test)"
  timeout 240 "$g" check-device --device cuda --skip models,steps,memory > "$out/check-ops.log" 2>&1
  rc=$?
  tail -n 5 "$out/check-ops.log"
  if [ $rc -ne 0 ] && grep -q "NVRTC" "$out/check-ops.log"; then
    # NVRTC could not be used: the same kernel source compiled by this machine's nvcc instead
    say "NVRTC failed; compiling the kernels with nvcc"
    kd="$(pwd)/.gpu/kernels"; mkdir -p "$kd"
    src="$(unzip -p "$root"/lib/gradreg-cuda-*.jar org/gradreg/cuda/kernels.cu > "$kd/kernels.cu" && echo "$kd/kernels.cu")"
    cc="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')"
    for r in float double; do nvcc -cubin -arch="sm_$cc" -Dreal=$r -std=c++17 -o "$kd/kernels-$r.cubin" "$src"; done
    export JAVA_OPTS="-Xmx8g -Dgradreg.cuda.kernels=$kd"
    timeout 240 "$g" check-device --device cuda --skip models,steps,memory > "$out/check-ops.log" 2>&1; rc=$?
    tail -n 5 "$out/check-ops.log"
  fi
  if [ $rc -eq 0 ]; then
    say "check-device: models, 20-step runs, memory over 1,000 steps"
    timeout 420 "$g" check-device --device cuda --skip operations > "$out/check.log" 2>&1
    check_rc=$?
    grep -E "^(FAIL|check-device)" "$out/check.log" | tail -n 40
  else
    check_rc=$rc
    cat "$out/check-ops.log" | tail -n 60
  fi
fi

if has bench && [ "$check_rc" != "2" ]; then
  say "bench: ViT-Ti and ResNet-18, batch 128, beside PyTorch on the same GPU"
  timeout 420 "$g" bench --trainer --device cuda --models vit-ti,resnet18 --batch 128 --kinds plain,sam,gr,gnr --repeats 5 \
    --torch "$root/bench/torch_reference.py" --out "$out/gpu-benchmark.md" > "$out/bench.log" 2>&1
  bench_rc=$?
  grep -v "^bench: .*round" "$out/bench.log" | tail -n 25
  say "bench: ViT-Ti batch 128 with dropout masks drawn on the host and copied over (the CPU's way), for the transfer cost"
  timeout 180 "$g" bench --trainer --device cuda --dropout-masks host --models vit-ti --batch 128 --kinds plain --repeats 3 \
    --out "$out/gpu-benchmark-host-masks.md" > "$out/bench-host-masks.log" 2>&1
  grep "^| vit-ti" "$out/gpu-benchmark-host-masks.md" 2>/dev/null
fi

if has train && [ -n "$fm" ]; then
  say "train: resnet18:width=16 on Fashion-MNIST (10,000 training / 2,000 test images), 3 epochs, on the GPU"
  rm -rf "$runs/fmnist"; mkdir -p "$runs"
  timeout 300 "$g" train --device cuda --dataset fashion-mnist:train=10000,test=2000 --data "$fm" --model resnet18:width=16 \
    --optimizer sgd-nesterov --lr 0.05 --weight-decay 5e-4 --batch 128 --epochs 3 --warmup-epochs 0 --quiet \
    --out "$runs/fmnist" > "$out/train.log" 2>&1
  train_rc=$?
  tail -n 8 "$out/train.log"
  cp "$runs/fmnist/metrics.jsonl" "$out/train-metrics.jsonl" 2>/dev/null
fi

if has memory; then
  say "memory: resident host and GPU memory over 300 steps, ViT-Ti and ResNet-18 at batch 128"
  timeout 300 "$g" bench --trainer --device cuda --models vit-ti,resnet18 --batch 128 --memory-steps 300 --memory-every 10 \
    --out "$out/memory.md" > "$out/memory.log" 2>&1
  grep -v "step [0-9]* of" "$out/memory.log" | tail -n 4
fi

say "summary"
{
  echo "| stage | exit | result |"
  echo "|---|---|---|"
  echo "| check-device | $check_rc | $(grep -h "^check-device: [0-9]" "$out"/check-ops.log "$out"/check.log 2>/dev/null | tr '\n' ' ') |"
  echo "| bench | $bench_rc | $(grep -c "^| vit-ti\|^| resnet18" "$out/gpu-benchmark.md" 2>/dev/null) rows in gpu-benchmark.md |"
  echo "| train | $train_rc | $(grep -h "finished" "$out/train.log" 2>/dev/null | tail -1) |"
  echo "| total | | $(( $(date +%s) - t0 )) s |"
} | tee "$out/summary.md"
[ -f "$out/gpu-benchmark.md" ] && cat "$out/gpu-benchmark.md"
[ -f "$out/gpu-benchmark-host-masks.md" ] && tail -n 1 "$out/gpu-benchmark-host-masks.md"
exit 0
