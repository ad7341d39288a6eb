package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.gradreg.theory.claims.AgrNormContraction;
import org.gradreg.theory.claims.GnrBoundsSam;
import org.gradreg.theory.claims.GnrFirstOrderArgmax;
import org.gradreg.theory.claims.GrFiniteDifferenceLimit;

/** The ledger's property-type checks as jqwik properties over fresh random inputs. */
class ClaimProperties {

    @Property(tries = 300, seed = "20261122")
    void agrNeverLengthensTheGradient(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        double q = AgrNormContraction.ratio(seed);
        assertTrue(q <= 1, "‖Ψ(g)‖/‖g‖ = " + q);
    }

    @Property(tries = 12, seed = "20261122")
    void samSharpnessIsBoundedByGnrSharpness(@ForAll @LongRange(min = 0, max = 100_000) long seed,
                                             @ForAll @DoubleRange(min = 0.05, max = 1.0) @Scale(3) double rho) {
        double margin = GnrBoundsSam.margin(seed, rho);
        assertTrue(margin >= 0, "R^GNR − R^SAM = " + margin);
    }

    @Property(tries = 20, seed = "20261122")
    void grErrorIsFirstOrderInR(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        double order = GrFiniteDifferenceLimit.localOrder(GrFiniteDifferenceLimit.errors(seed));
        assertTrue(Math.abs(order - 1) <= 0.1, "local order " + order);
    }

    @Property(tries = 10, seed = "20261122")
    void firstOrderAscentPointMeetsTheTrueArgmaxAsRhoShrinks(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        double[] r = GnrFirstOrderArgmax.relativeDistances(seed);
        for (int k = 1; k < r.length; k++) {
            assertTrue(r[k] <= r[k - 1] + 1e-9, java.util.Arrays.toString(r));
        }
        assertTrue(r[r.length - 1] <= 0.75 * r[r.length - 2] + 1e-9, java.util.Arrays.toString(r));
    }
}
