package org.gradreg.toy;

import java.util.List;
import java.util.function.Supplier;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Registry;

/**
 * Every toy reproduction, in the order {@code gradreg toy --all} runs them. {@link #REGISTRY} is the
 * one list: {@code gradreg toy}'s help, its "known: …" messages and docs/registries.md come from it;
 * each entry's name and description are its reproduction's {@link Reproduction#name()} and
 * {@link Reproduction#title()}.
 */
public final class Toys {

    private Toys() {
    }

    public static final Registry<Supplier<Reproduction>> REGISTRY = new Registry<>("toy",
            entry(CosSharpness::new),
            entry(SamGnrCounterexamples::new),
            entry(GrAlphaSweep::new),
            entry(AdamPsiVariance::new),
            entry(WarmupStrategies::new),
            entry(SwdSweep::new),
            entry(AgrCurves::new));

    private static Entry<Supplier<Reproduction>> entry(Supplier<Reproduction> toy) {
        Reproduction r = toy.get();
        return Entry.of(r.name(), r.title(), toy);
    }

    public static List<Reproduction> all() {
        return REGISTRY.entries().stream().map(e -> e.factory().get()).toList();
    }

    /** The toy called {@code name}, or an error listing the known names. */
    public static Reproduction byName(String name) {
        return REGISTRY.entry(name).factory().get();
    }
}
