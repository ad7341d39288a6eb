package org.gradreg.theory.properties;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.claims.AdamVarianceClosedForm;

/**
 * Harmful-GR Theorem 4.2 as printed, as a jqwik property over t ∈ [1, 500] and γ ∈ [0.001, 2]: with
 * eq. 7's σ_k = e^{−γk}σ₁ (k = 1..t), Lemma 4.1's Var(Y)/(4E(Y)³) equals eq. 9 to 1e-10 relative.
 * The ledger runs it through {@link JqwikShrinking} and reports the sample jqwik shrank.
 */
public class HarmfulGrEq9Property {

    @Property(tries = 200, seed = "20261204", shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(JqwikShrinking.Recorder.class)
    void deltaMethodUnderEq7IsEq9(@ForAll @IntRange(min = 1, max = 500) int t, @ForAll @DoubleRange(min = 0.001, max = 2) @Scale(3) double gamma) {
        double rel = AdamVarianceClosedForm.printedRelativeDifference(t, gamma, 1.0);
        if (rel > AdamVarianceClosedForm.ALGEBRA_TOLERANCE) {
            throw new AssertionError("t = " + t + ", γ = " + gamma + ": delta method / eq. 9 − 1 = " + rel);
        }
    }
}
