package org.gradreg.theory.properties;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.claims.AgrEqA10Factor;

/**
 * AGR Appendix A2, eq. 10 as printed, as a jqwik property over α̂ ∈ [0.01, 0.99] and t ∈ [1, 100]:
 * the momentum sum of eq. 9 with Ψ(g) = (1 − α̂)g equals (1 − α̂ᵗ) times the sum with g.
 */
public class AgrEqA10Property {

    @Property(tries = 200, seed = "20261204", shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(JqwikShrinking.Recorder.class)
    void eq10FactorIsOneMinusAlphaToTheT(@ForAll @DoubleRange(min = 0.01, max = 0.99) double alpha, @ForAll @IntRange(min = 1, max = 100) int t) {
        double rel = AgrEqA10Factor.printedRelativeError(alpha, t);
        if (rel > AgrEqA10Factor.RESOLUTION) {
            throw new AssertionError("α̂ = " + alpha + ", t = " + t + ": relative error " + rel);
        }
    }
}
