package org.gradreg.theory.properties;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.claims.GnrNormTermBound;

/**
 * GNR eq. 35 as printed, as a jqwik property over the smoothness constant γ ∈ [0.25, 10] on
 * L = (γ/2)‖θ‖² in two dimensions (Hessian γI: γ-smooth), α = ρ₀ = 0.5, T = 1000: the averaged
 * squared GNR term is at most α²γρ₀²Σ(1/t)/T.
 */
public class GnrEq35Property {

    @Property(tries = 100, seed = "20261204", shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(JqwikShrinking.Recorder.class)
    void eq35AsPrinted(@ForAll @DoubleRange(min = 0.25, max = 10) double gamma) {
        double[] v = GnrNormTermBound.isotropic(gamma);
        if (v[0] > v[1] * (1 + GnrNormTermBound.RESOLUTION)) {
            throw new AssertionError("γ = " + gamma + ": LHS " + v[0] + " > RHS " + v[1]);
        }
    }
}
