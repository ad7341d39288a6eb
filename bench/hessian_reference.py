#!/usr/bin/env python3
"""Independent check of `gradreg hessian` on a cnn-small run, in PyTorch (float64, autograd).

Loads a run's checkpoint.zip (ND4J's big-endian arrays) into PyTorch's twin of cnn-small
(bench/torch_reference.py's CnnSmall), in evaluation mode (batch norm on its running statistics),
checks the loading by the test error over the 10,000 test images against the run's result.json
(image for image), and measures
- unless --no-full, the full training-set gradient norm (mean cross-entropy over all 60,000
  images; compare with hessian.json's fullGradNorm; slow in float64);
- on the same fixed batch (the first BATCH training images, as Batches.evaluation):
- the top Hessian eigenvalue by power iteration and the Hutchinson trace with EXACT Hessian-vector
  products (double backprop: PyHessian's method, what the GNR paper measures), and
- the same quantities with gradreg's central finite difference of gradients along v/|v| (step h),
  to show what a finite difference sees on a ReLU / max-pool network (kinks crossed by the step).

Usage: /usr/bin/python3 bench/hessian_reference.py RUN_DIR [--batch 256] [--samples 20] [--iters 100] [--h 1e-3] [--no-full] [--exact-only]
(python3-torch from Debian; the full training-set gradient in float64 takes tens of minutes on one core)
"""
import argparse, gzip, io, json, os, sys, time, zipfile
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_reference import CnnSmall  # noqa: E402

torch.set_default_dtype(torch.float64)
DATA = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    n = int.from_bytes(b[4:8], "big")
    if b[3] == 3:
        return np.frombuffer(b, np.uint8, offset=16).reshape(n, 28, 28)
    return np.frombuffer(b, np.uint8, offset=8)


def nd4j_array(z, name, count):
    b = z.read(name)
    return np.frombuffer(b[len(b) - 4 * count:], dtype=">f4").astype(np.float64)


def load(model, run):
    z = zipfile.ZipFile(os.path.join(run, "checkpoint.zip"))
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    bns = [m for m in model.features if isinstance(m, torch.nn.BatchNorm2d)]
    names = ["stage1/conv1", "stage1/conv2", "stage2/conv1", "stage2/conv2"]
    with torch.no_grad():
        for c, bn, n in zip(convs, bns, names):
            o, i, kh, kw = c.weight.shape  # gradreg's kernel is HWIO [k, k, in, out]
            k = nd4j_array(z, f"array/param/{n}/conv/kernel", c.weight.numel()).reshape(kh, kw, i, o)
            c.weight.copy_(torch.from_numpy(k.transpose(3, 2, 0, 1).copy()))
            bn.weight.copy_(torch.from_numpy(nd4j_array(z, f"array/param/{n}/bn/scale", bn.weight.numel())))
            bn.bias.copy_(torch.from_numpy(nd4j_array(z, f"array/param/{n}/bn/bias", bn.bias.numel())))
            bn.running_mean.copy_(torch.from_numpy(nd4j_array(z, f"array/bn/{n}/bn/running_mean", bn.running_mean.numel())))
            bn.running_var.copy_(torch.from_numpy(nd4j_array(z, f"array/bn/{n}/bn/running_var", bn.running_var.numel())))
            bn.eps = 1e-5
        fc = model.fc
        k = nd4j_array(z, "array/param/fc/kernel", fc.weight.numel()).reshape(fc.in_features, fc.out_features)
        fc.weight.copy_(torch.from_numpy(k.T.copy()))
        fc.bias.copy_(torch.from_numpy(nd4j_array(z, "array/param/fc/bias", fc.bias.numel())))


def flat(ts):
    return torch.cat([t.reshape(-1) for t in ts])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--tol", type=float, default=1e-3)
    ap.add_argument("--h", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-full", action="store_true")
    ap.add_argument("--exact-only", action="store_true", help="skip the finite-difference products")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()
    x = torch.from_numpy((idx(f"{DATA}/train-images-idx3-ubyte.gz").astype(np.float64) / 255.0 - MEAN) / STD).unsqueeze(1)
    y = torch.from_numpy(idx(f"{DATA}/train-labels-idx1-ubyte.gz").astype(np.int64))
    model = CnnSmall()
    load(model, a.run)
    model.eval()
    params = list(model.parameters())
    assert sum(p.numel() for p in params) == 96554
    out = {"run": a.run}
    # the loading checked against the run's own result.json: the test error of the same parameters, image for image
    xt = torch.from_numpy((idx(f"{DATA}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0 - MEAN) / STD).float().unsqueeze(1)
    yt = torch.from_numpy(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    m32 = CnnSmall()
    load(m32, a.run)
    m32 = m32.float().eval()
    with torch.no_grad():
        wrong = sum(int((m32(xt[i:i + 1000]).argmax(1) != yt[i:i + 1000]).sum()) for i in range(0, len(yt), 1000))
    out["test_error"] = wrong / len(yt)
    out["test_error_recorded"] = json.load(open(os.path.join(a.run, "result.json")))["testError"]
    print(json.dumps({"test_error": out["test_error"], "recorded": out["test_error_recorded"], "seconds": time.time() - t0}), file=sys.stderr, flush=True)
    if not a.no_full:
        g = None
        for i in range(0, len(y), 1000):
            loss = torch.nn.functional.cross_entropy(model(x[i:i + 1000]), y[i:i + 1000], reduction="sum") / len(y)
            gi = torch.autograd.grad(loss, params)
            g = gi if g is None else [u + v for u, v in zip(g, gi)]
        out["full_grad_norm"] = float(flat(g).norm())
        print(json.dumps({"full_grad_norm": out["full_grad_norm"], "seconds": time.time() - t0}), file=sys.stderr, flush=True)
    xb, yb = x[:a.batch], y[:a.batch]

    def grad_at():
        return flat(torch.autograd.grad(torch.nn.functional.cross_entropy(model(xb), yb), params))

    loss = torch.nn.functional.cross_entropy(model(xb), yb)
    gs = torch.autograd.grad(loss, params, create_graph=True)
    gflat = flat(gs)

    def hvp_exact(v):
        return flat(torch.autograd.grad(gflat, params, grad_outputs=v, retain_graph=True))

    theta = flat([p.detach() for p in params]).clone()

    def set_params(vec):
        with torch.no_grad():
            i = 0
            for p in params:
                p.copy_(vec[i:i + p.numel()].view_as(p))
                i += p.numel()

    def hvp_fd(v):  # gradreg's FiniteDifferenceHvp.central: along v/|v|, step h, scaled back by |v|
        n = v.norm()
        u = v / n
        set_params(theta + a.h * u)
        gp = grad_at()
        set_params(theta - a.h * u)
        gm = grad_at()
        set_params(theta)
        return (gp - gm) / (2 * a.h) * n

    gen = torch.Generator().manual_seed(0)
    for name, hvp in (("exact", hvp_exact),) + (() if a.exact_only else (("fd", hvp_fd),)):
        v = torch.randn(theta.numel(), generator=gen)
        v /= v.norm()
        lam, res, it = None, None, 0
        for it in range(1, a.iters + 1):
            hv = hvp(v)
            new = float(v @ hv)
            res = float((hv - new * v).norm())
            v = hv / hv.norm()
            if lam is not None and abs(new - lam) / (abs(lam) + 1e-6) < a.tol:
                lam = new
                break
            lam = new
        vals = []
        for _ in range(a.samples):
            r = torch.randint(0, 2, (theta.numel(),), generator=gen).double() * 2 - 1
            vals.append(float(r @ hvp(r)))
            print(json.dumps({name + "_trace_sample": vals[-1]}), file=sys.stderr, flush=True)
        print(json.dumps({name: {"lambda_max": lam, "residual": res, "iterations": it}, "seconds": time.time() - t0}), file=sys.stderr, flush=True)
        out[name] = {"lambda_max": lam, "residual": res, "iterations": it, "trace": float(np.mean(vals)),
                     "trace_se": float(np.std(vals, ddof=1) / np.sqrt(len(vals)))}
    out["batch_loss"] = float(loss)
    out["h"] = a.h
    out["seconds"] = time.time() - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
