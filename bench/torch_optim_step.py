#!/usr/bin/env python3
"""The update rules' own time in PyTorch, for gradreg's `bench --updates` (issue 20).

One optimizer.step() over ViT-Ti's parameter shapes (5,362,762 float32 elements, the same 152
tensors as gradreg's UpdateBenchmark), gradients fixed, median of --repeats after 3 warm-up steps.
AdamW and Adam are timed with foreach=False (a loop over tensors) and foreach=True (torch's
multi-tensor kernels); torch 1.13's fused=True is CUDA-only. Prints a Markdown table.

    /usr/bin/python3 bench/torch_optim_step.py --threads 1 --repeats 15
"""
import argparse
import statistics
import time

import torch


def vit_ti_shapes():
    d = 192
    s = [(48, d), (d,), (1, d), (65, d)]
    for _ in range(12):
        s += [(d,), (d,), (d, 3 * d), (3 * d,), (d, d), (d,), (d,), (d,), (d, 4 * d), (4 * d,), (4 * d, d), (d,)]
    s += [(d,), (d,), (d, 10), (10,)]
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=15)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(11)
    params = []
    for shape in vit_ti_shapes():
        p = torch.nn.Parameter((torch.rand(shape, generator=g) * 2 - 1) * 0.02)
        p.grad = (torch.rand(shape, generator=g) * 2 - 1) * 1e-3
        params.append(p)
    total = sum(p.numel() for p in params)
    assert total == 5362762, total
    rules = [
        ("AdamW (wd 0.03), foreach", lambda: torch.optim.AdamW(params, lr=1e-4, weight_decay=0.03, foreach=True)),
        ("AdamW (wd 0.03), for-loop", lambda: torch.optim.AdamW(params, lr=1e-4, weight_decay=0.03, foreach=False)),
        ("Adam, foreach", lambda: torch.optim.Adam(params, lr=1e-4, foreach=True)),
        ("Adam, for-loop", lambda: torch.optim.Adam(params, lr=1e-4, foreach=False)),
        ("SGD momentum 0.9, foreach", lambda: torch.optim.SGD(params, lr=0.1, momentum=0.9, foreach=True)),
        ("SGD Nesterov 0.9, foreach", lambda: torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True, foreach=True)),
    ]
    print(f"torch {torch.__version__}, {total:,} float32 parameters in {len(params)} tensors; threads {torch.get_num_threads()}; "
          f"{a.repeats} repetitions; median ms per step.\n")
    print("| rule | torch, ms |\n|---|---|")
    with torch.no_grad():
        for name, make in rules:
            opt = make()
            times = []
            for r in range(a.repeats + 3):
                t0 = time.perf_counter()
                opt.step()
                t1 = time.perf_counter()
                if r >= 3:
                    times.append((t1 - t0) * 1e3)
            print(f"| {name} | {statistics.median(times):.1f} |", flush=True)


if __name__ == "__main__":
    main()
