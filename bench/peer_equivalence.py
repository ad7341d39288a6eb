#!/usr/bin/python3
"""Peer equivalence of gradreg's SAM-family estimators (a companion script, not part of the build).

Runs each method's official PyTorch optimizer, loaded from a checkout you give, and gradreg's
estimator on the same small problem for the same steps from the same initial parameters, and
prints the largest difference of the parameters over all steps. The problem (written to
problem.json for the Java side): 32 examples of 6 features, 3 classes, x -> fc1 (6->8) ->
LayerNorm -> tanh -> fc2 (8->3) -> cross-entropy, float64, batches of 8 examples cycled,
SGD(lr 0.05, momentum 0.9) as the base optimizer unless the method brings its own.

    /usr/bin/python3 bench/peer_equivalence.py --repo gsam=/path/to/GSAM --repo asam=/path/to/ASAM ...

Repositories (--repo NAME=PATH; every name optional): asam (SamsungLabs/ASAM), gsam
(juntang-zhuang/GSAM), esam (dydjw9/Efficient_SAM), msam (MarlonBecker/MSAM, also LookSAM),
fsam (nblt/F-SAM), samon (mueller-mp/SAM-ON), gam (xxgege/GAM), wsam (a checkout holding
atorch/atorch/optimizers/wsam.py of intelligent-machine-learning/dlrover). Only the optimizer
classes are loaded from each (the class definitions, read from the file, without the module's
other imports such as torchvision); nothing of them is copied here.

Needs Debian's python3-torch (run with /usr/bin/python3) and a built gradreg (./gradreg --help
builds it). Writes --out (default out/peer) problem.json and one JSON per comparison.
"""
import argparse
import ast
import json
import math
import os
import subprocess
import sys
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = 20
LR = 0.05
MOMENTUM = 0.9
HERE = os.path.dirname(os.path.abspath(__file__))


def load(path, *names, extra=None):
    """The classes (and functions) `names` defined in the Python file `path`, without the file's other top-level code."""
    with open(path) as f:
        tree = ast.parse(f.read(), filename=path)
    keep = [n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name in names]
    missing = set(names) - {n.name for n in keep}
    if missing:
        raise SystemExit(f"{path} defines no {sorted(missing)}")
    ns = {"torch": torch, "nn": nn, "F": F, "math": math, "random": __import__("random"),
          "contextlib": __import__("contextlib"), "ReduceOp": torch.distributed.ReduceOp,
          "dist": torch.distributed, "defaultdict": __import__("collections").defaultdict,
          "logging": __import__("logging"), "logger": __import__("logging").getLogger("peer"),
          "enable_running_stats": lambda m: None, "disable_running_stats": lambda m: None}
    ns.update(extra or {})
    exec(compile(ast.Module(body=keep, type_ignores=[]), path, "exec"), ns)
    return [ns[n] for n in names]


class Net(nn.Module):
    def __init__(self, d, h, c):
        super().__init__()
        self.fc1 = nn.Linear(d, h)
        self.norm = nn.LayerNorm(h, eps=1e-5)
        self.fc2 = nn.Linear(h, c)

    def forward(self, x):
        return self.fc2(torch.tanh(self.norm(self.fc1(x))))


def problem(out):
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    x = torch.randn(32, 6)
    y = torch.randint(0, 3, (32,))
    net = Net(6, 8, 3)
    init = {n: p.detach().clone() for n, p in net.named_parameters()}
    batches = [list(range(8 * i, 8 * i + 8)) for i in range(4)]
    spec = {"x": x.tolist(), "y": y.tolist(), "layer_norm_eps": 1e-5, "batches": batches,
            "shapes": {n: list(p.shape) for n, p in init.items()},
            "init": {n: p.flatten().tolist() for n, p in init.items()}}
    with open(os.path.join(out, "problem.json"), "w") as f:
        json.dump(spec, f)
    return x, y, init, batches


def fresh(init):
    net = Net(6, 8, 3)
    with torch.no_grad():
        for n, p in net.named_parameters():
            p.copy_(init[n])
    return net


def flat(net):
    return torch.cat([p.detach().flatten() for p in net.parameters()]).tolist()


def ce(net, xb, yb, reduction="mean"):
    return F.cross_entropy(net(xb), yb, reduction=reduction)


def gradreg(out, name, rule, est, wd=0.0):
    root = os.path.dirname(HERE)
    cp = f"{root}/app/target/classes:{root}/app/target/lib/*"
    target = os.path.join(out, f"{name}.gradreg.json")
    subprocess.run(["java", "-cp", cp, "org.gradreg.app.bench.PeerRun", os.path.join(out, "problem.json"), rule, str(LR),
                    str(wd), est, str(STEPS), target], check=True)
    with open(target) as f:
        return json.load(f)


def compare(out, name, official, ours, note):
    worst = max(abs(a - b) for s, t in zip(official, ours["params"]) for a, b in zip(s, t))
    scale = max(abs(a) for s in official for a in s)
    row = {"variant": name, "gradreg": ours["optimizer"], "max_abs_diff": worst, "max_abs_param": scale, "steps": STEPS, "note": note}
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(row | {"official_params": official}, f)
    print(f"{name:28s} max |diff| {worst:.3e} (params up to {scale:.3f})  {note}", flush=True)
    return row


def run_two_pass(x, y, init, batches, make, ascent, descent):
    """A two-step official optimizer: backward, ascent(), backward at the ascent point, descent()."""
    net = fresh(init)
    opt = make(net)
    traj = []
    for t in range(STEPS):
        b = batches[t % len(batches)]
        ce(net, x[b], y[b]).backward()
        ascent(opt)
        ce(net, x[b], y[b]).backward()
        descent(opt)
        traj.append(flat(net))
    return traj


def run_closure(x, y, batches, net, opt):
    """An official optimizer that runs its own passes from a closure (GSAM, GAM), its radii updated after each step."""
    traj = []
    for t in range(STEPS):
        b = batches[t % len(batches)]
        opt.set_closure(lambda out, tgt: F.cross_entropy(out, tgt), x[b], y[b])
        opt.step()
        opt.update_rho_t()
        traj.append(flat(net))
    return traj


def sgd(net):
    return torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", action="append", default=[], help="NAME=PATH of an official checkout")
    ap.add_argument("--out", default="out/peer")
    args = ap.parse_args()
    repos = dict(r.split("=", 1) for r in args.repo)
    os.makedirs(args.out, exist_ok=True)
    x, y, init, batches = problem(args.out)
    rows = []
    base = "sgd:momentum=0.9"

    if "asam" in repos:
        ASAM, SAM = load(os.path.join(repos["asam"], "asam.py"), "ASAM", "SAM")
        for name, cls, kw, spec, note in [
                ("sam (ASAM repo)", SAM, dict(rho=0.05), "sam:rho=0.05", "their SAM adds 1e-16 to the norm"),
                ("asam code placement", ASAM, dict(rho=0.5, eta=0.01), "asam:rho=0.5,eta=0.01,form=code", "T on 'weight' tensors; 1e-16"),
                ("asam paper placement", ASAM, dict(rho=0.5, eta=0.01), "asam:rho=0.5,eta=0.01", "differs by design: T on biases too")]:
            def make(net, cls=cls, kw=kw):
                o = sgd(net)
                return cls(o, net, **kw), o
            traj = run_two_pass(x, y, init, batches, make, lambda m: m[0].ascent_step(), lambda m: m[0].descent_step())
            rows.append(compare(args.out, name, traj, gradreg(args.out, name.split()[0] + "-" + name.split()[-1], base, spec), note))

    if "samon" in repos:
        ASAM_ON, SAM_ON = load(os.path.join(repos["samon"], "sam_on.py"), "ASAM_ON", "SAM_ON")

        def make(net):
            o = sgd(net)
            return SAM_ON(o, net, rho=0.5, only_norm=True), o
        traj = run_two_pass(x, y, init, batches, make, lambda m: m[0].ascent_step(), lambda m: m[0].descent_step())
        rows.append(compare(args.out, "sam-on", traj, gradreg(args.out, "sam-on", base, "sam-on:rho=0.5"), "norm layers only; 1e-16"))

    if "fsam" in repos:
        (FriendlySAM,) = load(os.path.join(repos["fsam"], "utils.py"), "FriendlySAM")
        import builtins
        for form in ["code", "paper"]:
            def make(net):
                real_print = builtins.print
                builtins.print = lambda *a, **k: None
                try:
                    return FriendlySAM(net.parameters(), torch.optim.SGD, rho=0.2, sigma=1, lmbda=0.6, adaptive=0, lr=LR, momentum=MOMENTUM)
                finally:
                    builtins.print = real_print
            traj = run_two_pass(x, y, init, batches, make, lambda o: o.first_step(zero_grad=True), lambda o: o.second_step(zero_grad=True))
            note = "EMA of past gradients, m_1 = g_1; 1e-12" if form == "code" else "differs by design: paper form removes m_t, not m_{t-1}"
            rows.append(compare(args.out, f"fsam {form} form", traj,
                                gradreg(args.out, f"fsam-{form}", base, f"fsam:rho=0.2,sigma=1,lambda=0.6,form={form}"), note))

    if "gsam" in repos:
        (GSAM,) = load(os.path.join(repos["gsam"], "gsam", "gsam.py"), "GSAM")
        net = fresh(init)
        opt = GSAM(net.parameters(), sgd(net), net, gsam_alpha=0.4,
                   rho_scheduler=types.SimpleNamespace(step=lambda: 0.05), adaptive=False)
        traj = run_closure(x, y, batches, net, opt)
        rows.append(compare(args.out, "gsam", traj, gradreg(args.out, "gsam", base, "gsam:rho=0.05,alpha=0.4"),
                            "constant LR and rho; 1e-12 in norms"))

    if "esam" in repos:
        (ESAM,) = load(os.path.join(repos["esam"], "utils", "Esam.py"), "ESAM")
        for gamma, sel in [(1.0, "paper"), (0.5, "code"), (0.5, "paper")]:
            net = fresh(init)
            opt = ESAM(net.parameters(), sgd(net), rho=0.05, beta=1.0, gamma=gamma, adaptive=False)
            traj = []
            for t in range(STEPS):
                b = batches[t % len(batches)]
                opt.paras = [x[b], y[b], lambda out, tgt: F.cross_entropy(out, tgt, reduction="none"), net, lambda l: l.backward()]
                opt.step()
                traj.append(flat(net))
            note = {1.0: "SWP off (beta 1: their masks come from Python's random); 1e-7 in the norm",
                    }.get(gamma, "SDS, strict selection as the code" if sel == "code" else "differs by design: the paper's top floor(gamma B)")
            rows.append(compare(args.out, f"esam gamma={gamma} selection={sel}", traj,
                                gradreg(args.out, f"esam-{gamma}-{sel}", base, f"esam:rho=0.05,beta=1,gamma={gamma},selection={sel}"), note))

    if "msam" in repos:
        (MSAM,) = load(os.path.join(repos["msam"], "optimizer", "msam.py"), "MSAM")
        net = fresh(init)
        opt = MSAM(net.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=0, rho=0.3)
        traj = []
        opt.move_up_to_momentumAscent()
        for t in range(STEPS):
            b = batches[t % len(batches)]
            ce(net, x[b], y[b]).backward()
            opt.step()
            opt.zero_grad()
            opt.move_back_from_momentumAscent()
            traj.append(flat(net))
            opt.move_up_to_momentumAscent()
        rows.append(compare(args.out, "msam", traj, gradreg(args.out, "msam", base, "msam:rho=0.3"),
                            "parameters compared at theta (the code keeps theta - rho v/|v|); 1e-12"))

        LookSAM, _ = load(os.path.join(repos["msam"], "optimizer", "looksam.py"), "LookSAM", "sgd",
                          extra={"smooth_crossentropy": lambda p, t: F.cross_entropy(p, t, reduction="none")})
        net = fresh(init)
        opt = LookSAM(net.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=0, rho=0.05, alpha=0.7, k=5)

        class Wrapped(nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.module = inner
                inner.setBatchNormTracking = lambda on: None

            def forward(self, xb):
                return self.module(xb)
        model = Wrapped(net)
        traj = []
        for t in range(STEPS):
            b = batches[t % len(batches)]
            opt.step(model, x[b], y[b])
            traj.append(flat(net))
        rows.append(compare(args.out, "looksam (MSAM repo)", traj, gradreg(args.out, "looksam", base, "looksam:rho=0.05,k=5,alpha=0.7"),
                            "not the authors' code (none published); plain CE instead of its label-smoothed loss; 1e-12"))

    if "gam" in repos:
        GAM, Proportion = [load(os.path.join(repos["gam"], "gam", "gam.py"), "GAM")[0],
                           load(os.path.join(repos["gam"], "gam", "util.py"), "ProportionScheduler")[0]]
        net = fresh(init)
        lr_sched = types.SimpleNamespace(_last_lr=[LR])
        gam_args = types.SimpleNamespace(grad_beta_1=0.6, grad_beta_2=1 - 0.5, grad_beta_3=1 - 0.6, grad_gamma=0.03)
        opt = GAM(net.parameters(), sgd(net), net,
                  grad_rho_scheduler=Proportion(lr_sched, max_lr=LR, min_lr=LR, max_value=0.02, min_value=0.02),
                  grad_norm_rho_scheduler=Proportion(lr_sched, max_lr=LR, min_lr=LR, max_value=0.2, min_value=0.2),
                  adaptive=False, args=gam_args)
        traj = run_closure(x, y, batches, net, opt)
        rows.append(compare(args.out, "gam", traj, gradreg(args.out, "gam", base, "gam:rho=0.2,rho_prime=0.02,alpha=0.6,beta=0.5,gamma=0.03"),
                            "official four-pass form; 1e-12 in norms"))

    if "wsam" in repos:
        (WeightedSAM,) = load(os.path.join(repos["wsam"], "atorch", "atorch", "optimizers", "wsam.py"), "WeightedSAM")
        for decouple in [True, False]:
            net = fresh(init)
            opt = WeightedSAM(net, sgd(net), rho=0.05, gamma=0.6, adaptive=False, decouple=decouple, max_norm=None)
            traj = []
            for t in range(STEPS):
                b = batches[t % len(batches)]
                opt.step(lambda b=b: ce(net, x[b], y[b]).backward())
                opt.zero_grad()
                traj.append(flat(net))
            rows.append(compare(args.out, f"wsam decouple={decouple}", traj,
                                gradreg(args.out, f"wsam-{decouple}", base, f"wsam:rho=0.05,gamma=0.6,decouple={str(decouple).lower()}"),
                                "max_norm off; 1e-12"))

    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"torch": torch.__version__, "steps": STEPS, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
