package org.gradreg.theory.properties;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.claims.AgrJacobianBound;

/**
 * AGR Theorem 4.1's second inequality on L(w) = ½‖w‖² (Hessian I, ‖H‖₂ = 1) as a jqwik property
 * over w ∈ [−1, 1]²: ‖∇_w Ψ(∇_w L)‖₂ ≤ 1. The ledger runs it through {@link JqwikShrinking} and
 * reports jqwik's shrunk sample as the counterexample.
 */
public class AgrJacobianProperty {

    @Property(tries = 200, seed = "20261123", shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(JqwikShrinking.Recorder.class)
    void jacobianNormIsAtMostTheHessianNorm(@ForAll @DoubleRange(min = -1, max = 1) double w1,
                                            @ForAll @DoubleRange(min = -1, max = 1) double w2) {
        double q = AgrJacobianBound.identityHessianRatio(new double[] {w1, w2});
        if (q > 1 + AgrJacobianBound.VIOLATION) {
            throw new AssertionError("‖J‖₂ = " + q + " > ‖H‖₂ = 1 at w = (" + w1 + ", " + w2 + ")");
        }
    }
}
