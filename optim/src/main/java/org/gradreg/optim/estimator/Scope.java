package org.gradreg.optim.estimator;

import java.util.List;
import org.gradreg.common.registry.Args;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;

/**
 * Over which examples a two-pass estimator takes its ascent (Foret et al. 2021, §4.1
 * "m-sharpness"; google-research/sam perturbs per replica):
 * <ul>
 *   <li>{@code full}: the whole (accumulated) batch, one ascent from its g₁ — what gradient
 *       accumulation over micro-batches gives (the default);</li>
 *   <li>{@code micro}: each of the oracle's micro-batches with its own g₁ and ascent, the
 *       resulting gradients averaged;</li>
 *   <li>{@code groups} of {@code m} examples: the same over consecutive groups of m (m divides the batch).</li>
 * </ul>
 * A scope other than full needs an oracle that evaluates parts of its batch
 * ({@link org.gradreg.optim.SplitOracle}).
 *
 * @param kind what a part is
 * @param m    examples per group (groups only; 0 otherwise)
 */
public record Scope(Kind kind, int m) {

    /** What a part of the batch is. */
    public enum Kind { FULL, MICRO, GROUPS }

    /** The whole batch. */
    public static final Scope FULL = new Scope(Kind.FULL, 0);

    /** The keys every two-pass estimator's entry takes: {@code scope=full|micro|groups,m=…}. */
    public static final List<Key> KEYS = List.of(
            Key.choice("scope", "full", List.of("full", "micro", "groups"),
                    "ascent over the full batch, each micro-batch, or each group of m examples (m-sharpness)"),
            Key.optionalInteger("m", Range.atLeast(1), "examples per group, for scope=groups"));

    public Scope {
        if ((kind == Kind.GROUPS) != (m > 0)) {
            throw new IllegalArgumentException(kind == Kind.GROUPS ? "scope=groups needs m >= 1 examples per group, got " + m
                    : "m (examples per group) applies to scope=groups only, not " + kind.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The scope of each micro-batch. */
    public static Scope micro() {
        return new Scope(Kind.MICRO, 0);
    }

    /** The scope of groups of {@code m} examples. */
    public static Scope groups(int m) {
        return new Scope(Kind.GROUPS, m);
    }

    /** The scope a spec's {@link #KEYS} give. */
    public static Scope of(Args a) {
        Kind k = Kind.valueOf(a.choice("scope").toUpperCase(java.util.Locale.ROOT));
        if (a.given("m") && k != Kind.GROUPS) {
            throw new IllegalArgumentException(a.owner() + ": m=" + a.integer("m") + " applies to scope=groups only");
        }
        return new Scope(k, k == Kind.GROUPS ? a.given("m") ? a.count("m") : 0 : 0);
    }

    /** {@code e} over this scope: itself for the full batch, else {@link Scoped}. */
    public GradientEstimator over(GradientEstimator e) {
        return kind == Kind.FULL ? e : new Scoped(this, e);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FULL -> "full batch";
            case MICRO -> "per micro-batch";
            case GROUPS -> "per group of " + m;
        };
    }
}
