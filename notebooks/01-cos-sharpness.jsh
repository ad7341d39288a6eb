// 01 · The GNR paper's cos example: R^SAM cannot tell a flat minimum from a sharp one, R^GNR can.
//
//   L1(θ) = cos(πθ + π),  L2(θ) = cos(3πθ + π),  both minimal at θ = 0 with L = −1.
//   R^SAM_ρ(θ) = max_{|ε|≤ρ} L(θ+ε) − L(θ)        R^GNR_ρ(θ) = ρ · max_{|ε|≤ρ} |L'(θ+ε)|
// The paper (Fig. 1a): at θ = 0, ρ = 1 both have R^SAM = 2, but R^GNR = π and 3π.

VectorFunction L1 = VectorFunction.of(t -> Math.cos(Math.PI * t[0] + Math.PI),
        t -> new double[] {-Math.PI * Math.sin(Math.PI * t[0] + Math.PI)});
VectorFunction L2 = VectorFunction.of(t -> Math.cos(3 * Math.PI * t[0] + Math.PI),
        t -> new double[] {-3 * Math.PI * Math.sin(3 * Math.PI * t[0] + Math.PI)});

double rho = 1.0;   // try 0.1: then R^SAM separates them too (≈ ρ²λ/2 for small ρ)
System.out.printf("L1: R^SAM = %.4f, R^GNR = %.4f (π = %.4f)%n", Sharpness.sam(L1, new double[] {0}, rho), Sharpness.gnr(L1, new double[] {0}, rho), Math.PI);
System.out.printf("L2: R^SAM = %.4f, R^GNR = %.4f (3π = %.4f)%n", Sharpness.sam(L2, new double[] {0}, rho), Sharpness.gnr(L2, new double[] {0}, rho), 3 * Math.PI);

// Descend L2 from θ = 0.12 with SGD + GNR (Algorithm 1) and with SGD + GR (eq. 10).
for (GradientEstimator e : List.of(gnr(0.02, 0.1), gr(0.02, 0.8))) {
    FunctionOracle o = FunctionOracle.of(L2, 0.12);
    optimizer(sgd(0.005)).estimator(e).run(o, 400);
    System.out.printf("%-32s ends at θ = %+.4f, L = %.5f%n", e, o.theta()[0], L2.value(o.theta()));
}
