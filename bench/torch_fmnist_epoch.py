#!/usr/bin/env python3
"""One training epoch of a Fashion-MNIST model in PyTorch, for gradreg's paired epoch benchmark
(bench/vit_epoch_pair.sh, issue 20): the small ViT (--model vit, the default) or cnn-small
(--model cnn-small: gradreg's batch-norm CNN, 96,554 parameters, asserted, with the optimizer
of the trained-scale experiments: SGD momentum 0.9, lr 0.05, weight decay 5e-4 added to the
gradient, clipping 5, batch 128; constant lr, no augmentation).

The model is gradreg's `vit-nano:patch=7` (hidden 64, MLP 128, 2 heads, 4 pre-LN blocks, patch 7
on 1x28x28, CLS token, learned positions, dropout and attention dropout 0.1, LayerNorm eps 1e-6,
exact GELU, zero head; 139,018 parameters, asserted), trained as the experiments train it:
AdamW (lr 1e-3, weight decay 0.05), global-norm clipping 5, batch 128, the first --train-limit
training images normalised with the set's mean and std, reshuffled. Prints one JSON line:
seconds from the interpreter's start to the first step (imports, data, model), the first step,
the median of the other steps, the epoch (all steps) and the test evaluation.

    /usr/bin/python3 bench/torch_fmnist_epoch.py --data /usr/share/datasets/fashion-mnist --threads 1
"""
import time

T0 = time.perf_counter()
import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_blas_threads import blas_threads  # noqa: E402
from torch_reference import CnnSmall, ViT  # noqa: E402

MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["vit", "cnn-small"], default="vit")
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-limit", type=int, default=10000)
    ap.add_argument("--test-limit", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    blas = blas_threads(a.threads)  # the BLAS's own pool too (torch_blas_threads.py; not capped before 2026-12-08)
    torch.manual_seed(a.seed)
    x = idx(os.path.join(a.data, "train-images-idx3-ubyte.gz"))[: a.train_limit].float().div(255).sub(MEAN).div(STD).unsqueeze(1)
    y = idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz"))[: a.train_limit].long()
    tx = idx(os.path.join(a.data, "t10k-images-idx3-ubyte.gz"))[: a.test_limit].float().div(255).sub(MEAN).div(STD).unsqueeze(1)
    ty = idx(os.path.join(a.data, "t10k-labels-idx1-ubyte.gz"))[: a.test_limit].long()
    if a.model == "vit":
        model = ViT(d=64, mlp=128, heads=2, layers=4, patch=7, image=28, classes=10, p=0.1, channels=1)
        n = sum(p.numel() for p in model.parameters())
        assert n == 139018, n
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    else:
        model = CnnSmall()
        n = sum(p.numel() for p in model.parameters())
        assert n == 96554, n
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    model.train()
    perm = torch.randperm(len(x))
    steps = len(x) // a.batch
    times = []
    start = time.perf_counter()
    setup = start - T0
    for s in range(steps):
        t = time.perf_counter()
        i = perm[s * a.batch:(s + 1) * a.batch]
        loss = F.cross_entropy(model(x[i]), y[i])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        times.append(time.perf_counter() - t)
    epoch = time.perf_counter() - start
    t = time.perf_counter()
    model.eval()
    with torch.no_grad():
        err = sum((model(tx[j:j + 500]).argmax(1) != ty[j:j + 500]).sum().item() for j in range(0, len(tx), 500)) / len(tx)
    ev = time.perf_counter() - t
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas_threads": blas, "parameters": n, "steps": steps,
                      "startup_to_first_step_s": setup, "first_step_s": times[0], "median_step_s": statistics.median(times[1:]) if len(times) > 1 else None,
                      "epoch_s": epoch, "eval_s": ev, "test_error": err, "loss": loss.item()}), flush=True)


if __name__ == "__main__":
    main()
