// 02 · Composing optimizers (optax-style): rule ∘ transforms ∘ estimator, on a 2-D landscape.
//
// The landscape: a wide, shallow basin at (−1, 0) and a narrow, deeper one at (1, 0):
//   L(x, y) = −exp(−((x+1)² + y²)/0.8) − 1.2·exp(−((x−1)² + y²)/0.05) + 0.05(x² + y²)
// Every optimizer below starts at the same point; which basin does each end in, if it converges at all?

VectorFunction wells = VectorFunction.of(
        p -> -Math.exp(-((p[0] + 1) * (p[0] + 1) + p[1] * p[1]) / 0.8)
                - 1.2 * Math.exp(-((p[0] - 1) * (p[0] - 1) + p[1] * p[1]) / 0.05) + 0.05 * (p[0] * p[0] + p[1] * p[1]),
        p -> {
            double a = Math.exp(-((p[0] + 1) * (p[0] + 1) + p[1] * p[1]) / 0.8);
            double b = 1.2 * Math.exp(-((p[0] - 1) * (p[0] - 1) + p[1] * p[1]) / 0.05);
            return new double[] {a * 2 * (p[0] + 1) / 0.8 + b * 2 * (p[0] - 1) / 0.05 + 0.1 * p[0],
                    a * 2 * p[1] / 0.8 + b * 2 * p[1] / 0.05 + 0.1 * p[1]};
        });

Map<String, Optimizer> optimizers = new LinkedHashMap<>();
optimizers.put("AdamW", optimizer(adamW(0.02, 0.01)));
optimizers.put("AdamW + AGR", optimizer(adamW(0.02, 0.01).agr(Agr.Placement.PAPER)));
optimizers.put("Adam + zero-warmup GR", optimizer(adam(linearWarmup(0.02, 50))).estimator(gr(0.3, 0.8).zeroWarmup(50)));
optimizers.put("SGD + SAM", optimizer(sgd(0.05)).estimator(sam(0.3)));
optimizers.put("SGD + SAM + GNR", optimizer(sgd(0.05)).estimator(gnr(0.3, 0.1).over(sam(0.3))));

double[] start = {0.55, 0.25};   // change the start, or ρ/r above, and run again
for (var e : optimizers.entrySet()) {
    FunctionOracle o = FunctionOracle.of(wells, start);
    StepInfo last = e.getValue().run(o, 600);
    double[] t = o.theta();
    // a basin only where the run has converged into it (‖g‖ small, near its minimum); otherwise say so
    String where = last.gradNorm() > 1e-2 ? "not converged after 600 steps"
            : Math.hypot(t[0] - 1, t[1]) < 0.3 ? "in the narrow basin"
            : Math.hypot(t[0] + 1, t[1]) < 0.9 ? "in the wide basin" : "at a point of neither basin";
    System.out.printf("%-24s (%+.3f, %+.3f)  L = %+.4f  ‖g‖ = %.2e  → %s%n", e.getKey(), t[0], t[1], wells.value(t),
            last.gradNorm(), where);
}
System.out.println(optimizers.get("SGD + SAM + GNR"));   // toString shows the whole composition
