package org.gradreg.theory.properties;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.gradreg.theory.JqwikShrinking;
import org.gradreg.theory.claims.GrAlphaZeroIsSam;

/**
 * GR paper §4.1 ("set the balance coefficient α to zero. This is actually the SAM scheme") as a
 * jqwik property over seeded random smooth functions: eq. 10 at α = 0 equals SAM's gradient.
 */
public class GrAlphaZeroProperty {

    @Property(tries = 50, seed = "20261204", shrinking = ShrinkingMode.FULL, afterFailure = AfterFailureMode.RANDOM_SEED)
    @AddLifecycleHook(JqwikShrinking.Recorder.class)
    void eq10AtAlphaZeroIsSam(@ForAll @LongRange(min = 0, max = 10_000) long seed) {
        double rel = GrAlphaZeroIsSam.relativeDifference(seed);
        if (rel > GrAlphaZeroIsSam.RESOLUTION) {
            throw new AssertionError("seed " + seed + ": ‖g(α = 0) − g_SAM‖/‖g_SAM‖ = " + rel);
        }
    }
}
