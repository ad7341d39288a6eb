#!/usr/bin/env python3
"""Seeds a paired design would need to detect an effect (issue 21; the reports' detectable-effect rule).

Reads the recorded runs of a results page (its runs.tar.xz), takes the seed-to-seed standard deviation
s_d of the paired test-error differences between two of its settings, and prints, for each effect
size given, the smallest number of paired seeds n with
    MDE(n) = (t_{0.975, n-1} + t_{0.8, n-1}) * s_d / sqrt(n) <= effect
(the minimum detectable effect of `gradreg report`: two-sided 5% level, power 0.8), and the core-hours
it would take at the given cost per seed.

Example (the harmful-GR paper's Table 2 warmup strategies on the trained small ViT):
  python3 scripts/seeds_needed.py docs/results/fmnist-vit-harmful-gr/runs.tar.xz \
      'alpha=0.8,warmup=zero' 'alpha=0.8/' --effects 0.06 0.12 0.31 --core-hours-per-seed 0.87
"""
import argparse
import json
import math
import re
import statistics
import tarfile

from scipy.stats import t


def errors(archive, pattern):
    out = {}
    with tarfile.open(archive) as tf:
        for m in tf.getmembers():
            if m.name.endswith('/result.json') and pattern in m.name + '/':
                seed = int(re.search(r'seed-(\d+)', m.name).group(1))
                out[seed] = 100 * json.load(tf.extractfile(m))['testError']
    return out


def mde(n, sd):
    return (t.ppf(0.975, n - 1) + t.ppf(0.8, n - 1)) * sd / math.sqrt(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('archive')
    ap.add_argument('compare', help='substring naming the run directories of one setting')
    ap.add_argument('against', help='substring naming the run directories of the other setting')
    ap.add_argument('--effects', type=float, nargs='+', required=True, help='effect sizes in test-error points')
    ap.add_argument('--core-hours-per-seed', type=float, default=float('nan'))
    a = ap.parse_args()
    x = errors(a.archive, a.compare)
    y = errors(a.archive, a.against)
    seeds = sorted(set(x) & set(y))
    if len(seeds) < 2:
        raise SystemExit(f'seeds_needed: {a.archive}: fewer than 2 paired seeds for {a.compare!r} and {a.against!r}')
    d = [x[s] - y[s] for s in seeds]
    sd = statistics.stdev(d)
    print(f'{len(seeds)} paired seeds {seeds}: differences {", ".join(f"{v:+.2f}" for v in d)} points, s_d = {sd:.3f}; '
          f'MDE with these {len(seeds)} seeds {mde(len(seeds), sd):.2f}')
    for e in a.effects:
        n = 2
        while mde(n, sd) > e and n < 100000:
            n += 1
        cost = '' if math.isnan(a.core_hours_per_seed) else f', {n * a.core_hours_per_seed:.0f} core-hours'
        print(f'effect {e:.2f}: {n} paired seeds{cost}')


if __name__ == '__main__':
    main()
