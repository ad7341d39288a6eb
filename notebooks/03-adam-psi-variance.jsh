// 03 · Harmful-GR paper, Theorem 4.2: the variance of Adam's adaptive rate ψ = sqrt(t / Σ g_k²)
// grows with the decay rate γ of the gradient scale. Closed form (eq. 9) against Monte Carlo.
//
//   g_k ~ N(0, σ_k), σ_k = e^{−γ(k−1)} σ₁ (σ read as a variance: see the claims ledger on this).

import org.gradreg.theory.claims.AdamVariance;

int t = 50;                 // try t = 5: the delta method is then far off (the ledger quantifies it)
double[] gammas = {0, 0.02, 0.05, 0.1};
var rng = new SplittableRandom(7);
for (double gamma : gammas) {
    double closed = AdamVariance.eq9(t, gamma, 1.0);
    double[] psi = new double[20000];
    for (int s = 0; s < psi.length; s++) {
        double sum = 0;
        for (int k = 0; k < t; k++) {
            double sd = Math.sqrt(Math.exp(-gamma * k));
            double g = sd * rng.nextGaussian();
            sum += g * g;
        }
        psi[s] = Math.sqrt(t / sum);
    }
    double[] mc = AdamVariance.sampleVariance(psi);
    System.out.printf("γ = %.2f: eq. 9 gives %.5f, Monte Carlo %.5f ± %.5f%n", gamma, closed, mc[0], mc[1]);
}
