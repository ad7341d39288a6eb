#!/usr/bin/python3
"""PyTorch's bare training forward + backward of a torch_reference model, timed in CPU time.

The twin of gradreg's hand-run harness `ConvOpsBench step` (docs/trainer-benchmark.md): the same
work (forward, cross-entropy, backward into .grad; no optimizer step), median after two warm-ups,
measured as the calling thread's CPU time (time.thread_time) and the process's (time.process_time)
around each step, so that a loaded machine's scheduling does not enter. Run at one thread with
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1: the process CPU time then shows whether any other
thread worked.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_cputime.py --model cnn-small --batch 128 --steps 5
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import INPUT, MODELS  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="cnn-small", choices=sorted(MODELS))
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-mkldnn", action="store_true", help="torch.backends.mkldnn off (convolutions without oneDNN)")
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    if a.no_mkldnn:
        torch.backends.mkldnn.enabled = False
    cls, _ = MODELS[a.model]
    model = cls().train()
    c, side = INPUT.get(a.model, (3, 32))
    x, y = torch.randn(a.batch, c, side, side), torch.randint(0, 10, (a.batch,))
    wall, thread, proc = [], [], []
    for s in range(a.steps + 2):
        t0, c0, p0 = time.perf_counter(), time.thread_time(), time.process_time()
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        t1, c1, p1 = time.perf_counter(), time.thread_time(), time.process_time()
        if s >= 2:
            wall.append(t1 - t0)
            thread.append(c1 - c0)
            proc.append(p1 - p0)
    med = lambda v: sorted(v)[len(v) // 2]  # noqa: E731
    print(f"torch {a.model} b{a.batch}: median {med(wall):.4f} s wall, {med(thread):.4f} s thread CPU, {med(proc):.4f} s process CPU; "
          f"thread CPU {[round(t, 4) for t in thread]} (threads {torch.get_num_threads()}, mkldnn {torch.backends.mkldnn.enabled})")


if __name__ == "__main__":
    main()
