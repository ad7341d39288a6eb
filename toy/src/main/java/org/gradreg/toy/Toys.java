package org.gradreg.toy;

import java.util.List;

/** Every toy reproduction, in the order {@code gradreg toy --all} runs them. */
public final class Toys {

    private Toys() {
    }

    public static List<Reproduction> all() {
        return List.of(new CosSharpness(), new SamGnrCounterexamples(), new GrAlphaSweep(), new AdamPsiVariance(), new WarmupStrategies(),
                new SwdSweep(), new AgrCurves());
    }

    public static Reproduction byName(String name) {
        for (Reproduction r : all()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown toy '" + name + "'; known: " + all().stream().map(Reproduction::name).toList());
    }
}
