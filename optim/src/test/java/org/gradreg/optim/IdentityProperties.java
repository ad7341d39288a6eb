package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.gradreg.optim.estimator.Direction;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.optim.estimator.TensorMask;
import org.gradreg.optim.estimator.Wsam;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.UpdateRule;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The identities that tie the estimators to their base optimizer, bit for bit (torch.optim's
 * invariants: SAM with ρ = 0 is the base optimizer, and so on).
 */
class IdentityProperties {

    private static double[] start(int seed) {
        double[] x = TestObjective.start();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] += r.nextDouble(-1, 1);
        }
        return x;
    }

    private static double[] trajectory(UpdateRule rule, GradientEstimator est, double[] x0, int steps, DataType type) {
        TestObjective f = new TestObjective(x0, type);
        Optimizer opt = Optimizer.of(rule).estimator(est);
        for (int i = 0; i < steps; i++) {
            opt.step(f);
        }
        return f.x();
    }

    private static void assertBitIdentical(double[] a, double[] b) {
        assertArrayEquals(a, b, 0.0, () -> Arrays.toString(a) + " vs " + Arrays.toString(b));
    }

    @Property(tries = 25, seed = "20261122")
    void samWithZeroRhoIsTheBaseOptimizer(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                          @ForAll @DoubleRange(min = 1e-4, max = 0.1) @Scale(6) double lr) {
        double[] x0 = start(seed);
        assertBitIdentical(trajectory(Adam.of(lr), org.gradreg.optim.estimator.Plain.of(), x0, 6, DataType.DOUBLE),
                trajectory(Adam.of(lr), Sam.of(0.0), x0, 6, DataType.DOUBLE));
    }

    @Property(tries = 25, seed = "20261122")
    void grWithZeroAlphaIsTheBaseOptimizer(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                           @ForAll @DoubleRange(min = 1e-3, max = 0.5) @Scale(6) double r) {
        double[] x0 = start(seed);
        assertBitIdentical(trajectory(Adam.of(0.01), org.gradreg.optim.estimator.Plain.of(), x0, 6, DataType.FLOAT),
                trajectory(Adam.of(0.01), GradientRegularization.of(r, 0.0), x0, 6, DataType.FLOAT));
    }

    @Property(tries = 25, seed = "20261122")
    void zeroWarmupGrIsTheBaseOptimizerDuringWarmup(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                                    @ForAll @IntRange(min = 1, max = 8) int steps) {
        double[] x0 = start(seed);
        assertBitIdentical(trajectory(Adam.of(0.01), org.gradreg.optim.estimator.Plain.of(), x0, steps, DataType.DOUBLE),
                trajectory(Adam.of(0.01), GradientRegularization.of(0.1, 0.8).zeroWarmup(8), x0, steps, DataType.DOUBLE));
    }

    @Property(tries = 25, seed = "20261122")
    void grWithAlphaOneIsSam(@ForAll @IntRange(min = 0, max = 1000) int seed,
                             @ForAll @DoubleRange(min = 1e-3, max = 0.5) @Scale(6) double r) {
        double[] x0 = start(seed);
        assertBitIdentical(trajectory(Adam.of(0.01), Sam.of(r), x0, 6, DataType.DOUBLE),
                trajectory(Adam.of(0.01), GradientRegularization.of(r, 1.0), x0, 6, DataType.DOUBLE));
    }

    @Property(tries = 20, seed = "20261122")
    void parametersAreBitIdenticalAfterEveryPerturbedEvaluation(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                                                @ForAll @IntRange(min = 0, max = 11) int which) {
        double[] x0 = start(seed);
        java.util.function.Supplier<GradientEstimator> fresh = () -> switch (which) {
            case 0 -> Sam.of(0.37);
            case 1 -> Sam.of(0.2).adaptive(0.01);
            case 2 -> GradientRegularization.of(0.13, 0.8);
            case 3 -> Optim.estimator("sam-on:rho=0.3,layers=no-norm");
            case 4 -> Optim.estimator("fsam:rho=0.3");
            case 5 -> Optim.estimator("esam:rho=0.3,beta=0.5,seed=" + seed);
            case 6 -> Optim.estimator("gsam:rho=0.3,alpha=0.4").forRule(Adam.of(0.01));
            case 7 -> Optim.estimator("wsam:rho=0.3,gamma=0.7");
            case 8 -> Optim.estimator("looksam:rho=0.3,k=2,alpha=0.7");
            case 9 -> Optim.estimator("gam:rho=0.2,rho_prime=0.02,alpha=0.6,beta=0.5,gamma=0.03");
            case 10 -> Optim.estimator("asam:rho=0.3,form=code");
            default -> Gnr.of(0.3, 0.5).over(Sam.of(0.05));
        };
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            TestObjective f = new TestObjective(x0, type);
            double[] before = f.x();
            fresh.get().estimate(f, 0);
            assertBitIdentical(before, f.x());
        }
    }

    @Property(tries = 15, seed = "20261122")
    void samFamilyMembersReduceToSamBitForBit(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                              @ForAll @IntRange(min = 0, max = 5) int which) {
        double[] x0 = start(seed);
        double rho = 0.1;
        double gamma = 0.5; // WSAM's α = γ/(1 − γ) = 1: SAM, coupled
        GradientEstimator variant = switch (which) {
            case 0 -> Optim.estimator("gsam:rho=0.1,alpha=0,lr_max=0.01");
            case 1 -> Optim.estimator("looksam:rho=0.1,k=1,alpha=0.7");
            case 2 -> Optim.estimator("fsam:rho=0.1,sigma=0");
            case 3 -> Optim.estimator("esam:rho=0.1,beta=1,gamma=1");
            case 4 -> Sam.of(rho).direction("sam-on", new org.gradreg.optim.estimator.SamOn(TensorMask.ALL, Direction.GRADIENT));
            default -> Wsam.of(rho, gamma).decouple(false);
        };
        assertBitIdentical(trajectory(Adam.of(0.01), Sam.of(rho), x0, 6, DataType.DOUBLE),
                trajectory(Adam.of(0.01), variant, x0, 6, DataType.DOUBLE));
    }

    /** WSAM coupled is GR's paper form with r = ρ and α = γ/(1 − γ) (Yue et al. 2023; penalizing-gradient-norm paper eq. 10). */
    @Property(tries = 20, seed = "20261122")
    void coupledWsamIsGrWithAlphaGammaOverOneMinusGamma(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                                        @ForAll @DoubleRange(min = 0.05, max = 0.9) @Scale(4) double gamma) {
        double[] x0 = start(seed);
        assertBitIdentical(trajectory(Adam.of(0.01), GradientRegularization.of(0.1, gamma / (1 - gamma)), x0, 6, DataType.DOUBLE),
                trajectory(Adam.of(0.01), Wsam.of(0.1, gamma).decouple(false), x0, 6, DataType.DOUBLE));
    }

    /** ASAM's official placement with T on every tensor is the paper's. */
    @Property(tries = 10, seed = "20261122")
    void asamCodePlacementOnEveryTensorIsThePapers(@ForAll @IntRange(min = 0, max = 1000) int seed) {
        double[] x0 = start(seed);
        assertBitIdentical(trajectory(Adam.of(0.01), Sam.of(0.5).adaptive(0.01), x0, 6, DataType.DOUBLE),
                trajectory(Adam.of(0.01), Sam.of(0.5).adaptive(0.01, TensorMask.matching("")), x0, 6, DataType.DOUBLE));
    }
}
