#!/usr/bin/python3
"""PyTorch side of gradreg's trainer benchmark (a companion script, not part of the build).

The same models as gradreg's trainer (ViT-Ti for CIFAR, CIFAR ResNet-18, the Fashion-MNIST
cnn-small on 1x28x28), the same step kinds
(plain; SAM rho 0.05; GR paper form r 0.05, alpha 0.8; GNR Algorithm 1 with exact
double-backward Hessian-vector products, rho = alpha = 0.1) and AdamW(1e-4, wd 0.03), timed the
way `gradreg bench --trainer` times gradreg: interleaved rounds, one warm-up round, median.
Prints one JSON object per step kind on stdout; a human summary on stderr.

    /usr/bin/python3 bench/torch_reference.py --model vit-ti --batch 32 --kinds plain,sam,gr,gnr

Needs Debian's python3-torch and libopenblas0-pthread (without the latter torch falls back to a
reference BLAS at a few GFLOP/s and the comparison is meaningless; the GEMM rate is printed).
With --device cuda the same steps run on the GPU (eager mode, FP32 with TF32 off in matmuls and
convolutions unless --tf32, timed between torch.cuda.synchronize() calls).
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_blas_threads import blas_threads  # noqa: E402


class Block(nn.Module):
    def __init__(self, d, mlp, heads, p):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=1e-6)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln2 = nn.LayerNorm(d, eps=1e-6)
        self.fc1, self.fc2 = nn.Linear(d, mlp), nn.Linear(mlp, d)
        self.heads, self.p = heads, p

    def forward(self, x):
        b, t, d = x.shape
        h, dh = self.heads, d // self.heads
        y = self.ln1(x)
        q, k, v = (f(y).view(b, t, h, dh).transpose(1, 2) for f in (self.q, self.k, self.v))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), dim=-1)
        a = F.dropout(a, self.p, self.training)
        y = (a @ v).transpose(1, 2).reshape(b, t, d)
        x = x + F.dropout(self.o(y), self.p, self.training)
        y = F.dropout(F.gelu(self.fc1(self.ln2(x))), self.p, self.training)
        return x + F.dropout(self.fc2(y), self.p, self.training)


class ViT(nn.Module):
    """gnp's CIFAR ViT: patch 4, pre-LN, CLS token, learned positions, zero head."""

    def __init__(self, d=192, mlp=768, heads=3, layers=12, patch=4, image=32, classes=10, p=0.1, channels=3):
        super().__init__()
        self.patch, n = patch, (image // patch) ** 2
        self.embed = nn.Linear(channels * patch * patch, d)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, n + 1, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, mlp, heads, p) for _ in range(layers))
        self.ln = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, classes)
        self.p = p
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.zeros_(self.head.weight)

    def forward(self, x):
        b, c, s, _ = x.shape
        p = self.patch
        x = x.view(b, c, s // p, p, s // p, p).permute(0, 2, 4, 1, 3, 5).reshape(b, -1, c * p * p)
        x = torch.cat([self.cls.expand(b, -1, -1), self.embed(x)], dim=1) + self.pos
        x = F.dropout(x, self.p, self.training)
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x[:, 0]))


class Basic(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o)
        self.c2, self.b2 = nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o)
        self.sc = nn.Sequential()
        if s != 1 or i != o:
            self.sc = nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(y)) + self.sc(x))


class ResNet18(nn.Module):
    """CIFAR ResNet-18: 3x3 stride-1 stem, no max-pool, stages 64-128-256-512."""

    def __init__(self, classes=10, w=64):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        layers, i = [], w
        for s in range(4):
            o = w << s
            for b in range(2):
                layers.append(Basic(i, o, 2 if s > 0 and b == 0 else 1))
                i = o
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(i, classes)

    def forward(self, x):
        return self.fc(F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1).flatten(1))


class CnnSmall(nn.Module):
    """gradreg's cnn-small: [conv3x3(w)-BN-ReLU x2, max pool 2] at w then 2w, flatten, linear head (1x28x28 input)."""

    def __init__(self, classes=10, w=32, channels=1, image=28):
        super().__init__()
        layers, i = [], channels
        for o in (w, w, None, 2 * w, 2 * w, None):
            if o is None:
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(i, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
                i = o
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(i * (image // 4) ** 2, classes)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))


MODELS = {"vit-ti": (ViT, 5_362_762), "resnet18": (ResNet18, 11_173_962), "cnn-small": (CnnSmall, 96_554)}
INPUT = {"cnn-small": (1, 28)}  # channels, side; the others 3x32x32


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def grads(model, loss):
    return torch.autograd.grad(loss, [p for p in model.parameters()])


def norm(gs):
    return torch.sqrt(sum((g * g).sum() for g in gs))


def bn_momentum(model, m):
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.momentum = m


class Stepper:
    """One optimizer step of each kind; every extra pass reuses the first pass's dropout randomness
    (the RNG state is saved and restored) and leaves batch-norm running statistics alone (momentum 0)."""

    def __init__(self, model, x, y, cuda=False):
        self.model, self.x, self.y, self.cuda = model, x, y, cuda
        self.params = list(model.parameters())
        self.opt = torch.optim.AdamW(self.params, lr=1e-4, weight_decay=0.03)

    def loss(self, create_graph=False):
        torch.set_rng_state(self.rng)
        if self.cuda:
            torch.cuda.set_rng_state(self.cuda_rng)
        return F.cross_entropy(self.model(self.x), self.y)

    def extra(self, fn):
        bn_momentum(self.model, 0.0)
        try:
            return fn()
        finally:
            bn_momentum(self.model, 0.1)

    def shifted(self, d, s, fn):
        with torch.no_grad():
            for p, di in zip(self.params, d):
                p.add_(di, alpha=s)
        try:
            return fn()
        finally:
            with torch.no_grad():
                for p, di in zip(self.params, d):
                    p.add_(di, alpha=-s)

    def apply(self, gs):
        for p, g in zip(self.params, gs):
            p.grad = g
        self.opt.step()

    def step(self, kind):
        self.rng = torch.get_rng_state()
        if self.cuda:
            self.cuda_rng = torch.cuda.get_rng_state()
        if kind == "gnr":
            return self.gnr()
        g1 = grads(self.model, self.loss())
        if kind == "plain":
            return self.apply(g1), 1
        n1 = norm(g1)
        if kind in ("sam", "gr"):
            rho = 0.05
            g2 = self.extra(lambda: self.shifted(g1, rho / float(n1), lambda: grads(self.model, self.loss())))
            if kind == "sam":
                return self.apply(g2), 2
            a = 0.8
            return self.apply([(1 - a) * u + a * v for u, v in zip(g1, g2)]), 2
        raise ValueError(f"unknown step kind {kind!r}")

    def gnr(self, rho=0.1, alpha=0.1, xi=1e-12):
        """GNR Algorithm 1 with exact HVPs: the first pass's graph gives both g1 and H·g1 (2 forward
        passes, 2 backward passes with graph, 2 double-backward passes in all)."""

        def grad_and_hvp():
            gl = torch.autograd.grad(self.loss(), self.params, create_graph=True)
            n = torch.sqrt(sum((g * g).sum() for g in gl))
            hv = torch.autograd.grad(n, self.params)  # ∇‖∇L‖ = H·∇L/‖∇L‖
            return [g.detach() for g in gl], [h * (float(n) / (float(n) + xi)) for h in hv]

        g1, f = grad_and_hvp()
        _, h = self.extra(lambda: self.shifted(f, rho / (float(norm(f)) + xi), grad_and_hvp))
        return self.apply([g + alpha * rho * hi for g, hi in zip(g1, h)]), 5


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def gemm_rate(device="cpu"):
    m, k, n, reps = (2080, 192, 768, 20) if device == "cpu" else (8192, 8192, 8192, 10)
    a, b = torch.randn(m, k, device=device), torch.randn(k, n, device=device)
    for _ in range(3):
        a @ b
    sync(device)
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync(device)
    return 2 * m * k * n * reps / (time.perf_counter() - t) / 1e9


def device_peak(device):
    return torch.cuda.max_memory_allocated() if device == "cuda" else -1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="vit-ti", choices=sorted(MODELS))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--kinds", default="plain,sam,gr,gnr")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", type=int, default=0, help="train this many plain steps and print resident memory instead")
    ap.add_argument("--rss-every", type=int, default=25)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--tf32", action="store_true", help="allow TF32 tensor cores in matmuls and convolutions (off: FP32)")
    ap.add_argument("--serve", action="store_true",
                    help="read step kinds from stdin, one per line, and answer each with one JSON line (its time and memory): "
                         "lets gradreg alternate its steps with PyTorch's so that both see the same machine")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    # and the BLAS's own pool, which torch.set_num_threads does not cap (torch_blas_threads.py; before 2026-12-08 a
    # "one-thread" PyTorch side ran its GEMMs on two OpenBLAS threads)
    blas = blas_threads(a.threads) if a.device == "cpu" else None
    if a.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
    cls, count = MODELS[a.model]
    model = cls()
    n = sum(p.numel() for p in model.parameters())
    assert n == count, f"{a.model} has {n} parameters, expected {count}"
    model.train()
    model.to(a.device)
    c, side = INPUT.get(a.model, (3, 32))
    x, y = torch.randn(a.batch, c, side, side, device=a.device), torch.randint(0, 10, (a.batch,), device=a.device)
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    where = (f"{torch.cuda.get_device_name()}, TF32 {'on' if a.tf32 else 'off'}, cuDNN {torch.backends.cudnn.version()}"
             if a.device == "cuda" else f"{torch.get_num_threads()} threads, OpenBLAS threads {blas if blas is not None else 'not capped (no OpenBLAS found)'}")
    shape = "[2080x192]@[192x768]" if a.device == "cpu" else "[8192x8192]@[8192x8192] FP32"
    print(f"torch {torch.__version__}, {where}, GEMM {gemm_rate(a.device):.1f} GFLOP/s {shape}, "
          f"{env or 'no OPENBLAS_* overrides'}", file=sys.stderr)
    s = Stepper(model, x, y, a.device == "cuda")
    if a.steps:
        t0 = time.perf_counter()
        for i in range(1, a.steps + 1):
            s.step("plain")
            if i == 1 or i % a.rss_every == 0:
                print(json.dumps({"model": a.model, "batch": a.batch, "step": i, "rss_bytes": rss_bytes(),
                                  "seconds_per_step": (time.perf_counter() - t0) / i}), flush=True)
        return
    if a.serve:
        print(json.dumps({"ready": True, "model": a.model, "batch": a.batch, "threads": torch.get_num_threads(), "blas_threads": blas}),
              flush=True)
        for line in sys.stdin:
            k = line.strip()
            if not k:
                continue
            sync(a.device)
            t = time.perf_counter()
            _, p = s.step(k)
            sync(a.device)
            print(json.dumps({"kind": k, "s": time.perf_counter() - t, "passes": p, "rss_bytes": rss_bytes(),
                              "peak_rss_bytes": peak_bytes(), "peak_device_bytes": device_peak(a.device)}), flush=True)
        return
    kinds = a.kinds.split(",")
    times = {k: [] for k in kinds}
    passes = {}
    for r in range(a.warmup + a.repeats):
        for k in kinds:
            sync(a.device)
            t = time.perf_counter()
            _, passes[k] = s.step(k)
            sync(a.device)
            if r >= a.warmup:
                times[k].append(time.perf_counter() - t)
    med = {k: sorted(v)[len(v) // 2] if len(v) % 2 else sum(sorted(v)[len(v) // 2 - 1:len(v) // 2 + 1]) / 2
           for k, v in times.items()}
    for k in kinds:
        print(json.dumps({"model": a.model, "batch": a.batch, "kind": k, "median_s": med[k], "min_s": min(times[k]),
                          "times_s": times[k], "passes": passes[k], "ratio_to_plain": med[k] / med.get("plain", med[k]),
                          "peak_rss_bytes": peak_bytes(), "rss_bytes": rss_bytes(), "threads": torch.get_num_threads()}))
        print(f"{a.model} batch {a.batch} {k}: {med[k]:.3f} s ({med[k] / med.get('plain', med[k]):.2f}x plain)", file=sys.stderr)
    print(f"peak resident {peak_bytes() / 1e9:.2f} GB", file=sys.stderr)


if __name__ == "__main__":
    main()
