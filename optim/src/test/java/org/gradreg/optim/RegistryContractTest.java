package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.EstimatorFactory;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.common.registry.Entry;
import org.gradreg.common.registry.Key;
import org.gradreg.common.registry.Range;
import org.gradreg.common.registry.Registry;
import org.gradreg.common.registry.Spec;
import org.gradreg.optim.rule.RuleFactory;
import org.gradreg.optim.rule.UpdateRule;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.schedule.ScheduleFactory;
import org.gradreg.optim.transform.GradientTransform;
import org.gradreg.optim.transform.TransformFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contracts every registry entry keeps, checked by iterating the registries (as EJML's
 * Generic*Checks and timm's parametrised optimizer tests do): a new entry is tested by adding it to
 * its registry. Rules run with their example spec and with no keys; estimators with their example.
 */
class RegistryContractTest {

    /** Learning rate 0.05·min(1, (t+1)/4): non-zero from the first step, changing for four steps. */
    private static final Schedule LR = new Schedule() {
        @Override
        public double at(long step) {
            return 0.05 * Math.min(1.0, (step + 1) / 4.0);
        }

        @Override
        public java.util.OptionalDouble maxValue() {
            return java.util.OptionalDouble.of(0.05);
        }

        @Override
        public String toString() {
            return "shiftedWarmup(0.05, 4)";
        }
    };
    private static final double WD = 0.01;

    static Stream<Arguments> rules() {
        List<Arguments> out = new ArrayList<>();
        for (Entry<RuleFactory> e : Registries.RULES.entries()) {
            out.add(Arguments.of(e.name()));
            if (!e.example().isEmpty()) {
                out.add(Arguments.of(e.name() + ":" + e.example()));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> estimators() {
        return specs(Registries.ESTIMATORS);
    }

    static Stream<Arguments> transforms() {
        return specs(Registries.TRANSFORMS);
    }

    static Stream<Arguments> schedules() {
        return specs(Registries.SCHEDULES);
    }

    static Stream<Arguments> entries() {
        List<Arguments> out = new ArrayList<>();
        for (Registry<?> r : List.of(Registries.RULES, Registries.ESTIMATORS, Registries.TRANSFORMS, Registries.SCHEDULES)) {
            for (Entry<?> e : r.entries()) {
                out.add(Arguments.of(r, e.name()));
            }
        }
        return out.stream();
    }

    private static <F> Stream<Arguments> specs(Registry<F> r) {
        return r.entries().stream().map(e -> Arguments.of(e.example().isEmpty() ? e.name() : e.name() + ":" + e.example()));
    }

    private static UpdateRule rule(String spec) {
        Registry.Parsed<RuleFactory> p = Registries.RULES.parse(spec);
        return p.factory().create(LR, WD, p.args());
    }

    /** The estimator {@code spec}, bound to an Adam rule as an optimizer binds it (GSAM reads its LR, Momentum-SAM its m). */
    private static GradientEstimator estimator(String spec) {
        Registry.Parsed<EstimatorFactory> p = Registries.ESTIMATORS.parse(spec);
        return p.factory().create(p.args(), null).forRule(Optimizer.of(rule("adam")).rule());
    }

    private static long[] bits(double[] x) {
        long[] b = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Double.doubleToRawLongBits(x[i]);
        }
        return b;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> state) {
        Map<String, INDArray> s = new LinkedHashMap<>();
        state.forEach((k, v) -> s.put(k, v.dup()));
        return s;
    }

    /** The test objective with each evaluation passed through {@code change} (given the evaluation's number, from 1). */
    private static Oracle changed(TestObjective f, java.util.function.BiFunction<Integer, Evaluation, Evaluation> change) {
        return new Oracle() {
            @Override
            public Params params() {
                return f.params();
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                Evaluation e = f.evaluate(pass);
                return change.apply(f.evaluations, e);
            }
        };
    }

    /** The test objective with its gradients handed out in 'f' order, as matrix products of transposed views give them. */
    private static Oracle fOrder(TestObjective f) {
        return changed(f, (n, e) -> new Evaluation(e.loss(), e.gradient().map((name, g) -> g.dup('f'))));
    }

    /** The test objective, except that evaluation number {@code bad} (from 1) returns a NaN gradient element. */
    private static Oracle nanAt(TestObjective f, int bad) {
        return changed(f, (n, e) -> {
            if (n == bad) {
                e.gradient().get("b").putScalar(1, Double.NaN);
            }
            return e;
        });
    }

    // ---- update rules ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void stateRoundTripContinuesBitIdentically(String spec) {
        TestObjective straight = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(rule(spec)).run(straight, 9);

        TestObjective first = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer a = Optimizer.of(rule(spec));
        a.run(first, 5);
        Map<String, INDArray> saved = copy(a.state());
        Optimizer b = Optimizer.of(rule(spec));
        b.loadState(saved, first.params());
        TestObjective resumed = new TestObjective(first.x(), DataType.DOUBLE);
        b.run(resumed, 4);
        assertEquals(9, b.stepCount());
        assertArrayEquals(bits(straight.x()), bits(resumed.x()), spec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void freshRuleForgetsTheState(String spec) {
        UpdateRule used = rule(spec);
        Optimizer.of(used).run(new TestObjective(TestObjective.start(), DataType.DOUBLE), 1);
        TestObjective a = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        used.fresh();
        Optimizer.of(used).run(a, 6);
        TestObjective b = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(rule(spec)).run(b, 6);
        assertArrayEquals(bits(b.x()), bits(a.x()), spec);
        UpdateRule reset = rule(spec);
        Params p = Params.of("w", Nd4j.createFromArray(1.0, 2.0));
        reset.apply(p, Params.of("w", Nd4j.createFromArray(0.5, -0.5)), 0);
        reset.reset();
        assertEquals(List.of("count"), new ArrayList<>(reset.state().keySet()), spec + " after reset");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void fOrderGradientsGiveTheSameSteps(String spec) {
        TestObjective c = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(rule(spec)).run(c, 6);
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(rule(spec)).run(fOrder(f), 6);
        assertArrayEquals(c.x(), f.x(), 1e-15, spec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void nanGradientStopsTheStepAndChangesNothing(String spec) {
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(rule(spec));
        opt.run(f, 3);
        double[] before = f.x();
        Map<String, INDArray> state = copy(opt.state());
        Oracle bad = nanAt(f, f.evaluations + 1);
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> opt.step(bad), spec);
        assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("'b'"), e.getMessage());
        assertArrayEquals(bits(before), bits(f.x()), spec);
        Map<String, INDArray> after = opt.state();
        assertEquals(state.keySet(), after.keySet(), spec);
        state.forEach((k, v) -> assertEquals(v, after.get(k), spec + " state entry " + k));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void toStringIsReadable(String spec) {
        String s = rule(spec).toString();
        assertFalse(s.contains("@"), s);
        assertTrue(s.matches("[A-Z][A-Za-z]*\\(lr=.*\\)"), s);
        // the command line's weight decay: the rule's own (weightDecay=…) or coupled L2 before it
        assertTrue(s.contains("weightDecay=") || s.contains(" + add_decayed_weights(" + WD + ", "), s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void loadStateNamesTheEntryThatDoesNotFit(String spec) {
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(rule(spec));
        opt.run(f, 2);
        Map<String, INDArray> extra = copy(opt.state());
        extra.put("rule/bogus/w", Nd4j.zeros(DataType.DOUBLE, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.of(rule(spec)).loadState(extra));
        assertTrue(e.getMessage().contains("'bogus/w'"), e.getMessage());

        Map<String, INDArray> reshaped = copy(opt.state());
        String slot = reshaped.keySet().stream().filter(k -> k.endsWith("/w") && k.startsWith("rule/")).findFirst().orElse(null);
        if (slot != null) {
            reshaped.put(slot, reshaped.get(slot).reshape(3, 2));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> Optimizer.of(rule(spec)).loadState(reshaped, f.params()));
            assertTrue(shape.getMessage().contains("'" + slot + "'") && shape.getMessage().contains("[3, 2]"), shape.getMessage());
        }

        Map<String, INDArray> stray = copy(opt.state());
        stray.put("scheduler/x", Nd4j.scalar(1.0));
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.of(rule(spec)).loadState(stray));
        assertTrue(e.getMessage().contains("'scheduler/x'"), e.getMessage());
    }

    /** The keys' defaults are the rule's own: writing every default out builds the same rule. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void writtenDefaultsBuildTheSameRule(String spec) {
        Spec s = Spec.parse(spec);
        if (!s.values().isEmpty()) {
            return;
        }
        StringBuilder all = new StringBuilder(s.name());
        String sep = ":";
        for (Key k : Registries.RULES.entry(s.name()).keys()) {
            all.append(sep).append(k.name()).append('=').append(k.defaultValue());
            sep = ",";
        }
        TestObjective a = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(rule(spec)).run(a, 5);
        TestObjective b = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(rule(all.toString())).run(b, 5);
        assertArrayEquals(bits(a.x()), bits(b.x()), all.toString());
    }

    // ---- estimators ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("estimators")
    void estimateRestoresParametersAndCountsItsEvaluations(String spec) {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            TestObjective f = new TestObjective(TestObjective.start(), type);
            GradientEstimator est = estimator(spec);
            for (long step = 0; step < 3; step++) {
                INDArray w = f.params().get("w").dup();
                INDArray b = f.params().get("b").dup();
                int before = f.evaluations;
                Estimate e = est.estimate(f, step);
                assertEquals(w, f.params().get("w"), spec + " " + type);
                assertEquals(b, f.params().get("b"), spec + " " + type);
                assertEquals(f.evaluations - before, e.evaluations(), spec + " evaluations at step " + step);
                assertTrue(e.evaluations() >= 1);
                e.gradient().requireFinite(spec);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("estimators")
    void failingEvaluationStillRestoresParameters(String spec) {
        GradientEstimator est = estimator(spec);
        int evaluations = est.estimate(new TestObjective(TestObjective.start(), DataType.DOUBLE), 0).evaluations();
        for (int bad = 1; bad <= evaluations; bad++) {
            TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
            double[] x = f.x();
            Oracle o = nanAt(f, bad);
            assertThrows(NonFiniteException.class, () -> estimator(spec).estimate(o, 0), spec + " NaN at evaluation " + bad);
            assertArrayEquals(bits(x), bits(f.x()), spec + " NaN at evaluation " + bad);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("estimators")
    void estimatorStateRoundTripsAndStepInfoCarriesItsValues(String spec) {
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(rule("adam")).estimator(estimator(spec));
        StepInfo info = opt.run(f, 2);
        Map<String, INDArray> saved = copy(opt.state());
        Optimizer back = Optimizer.of(rule("adam")).estimator(estimator(spec));
        back.loadState(saved);
        assertEquals(saved.keySet(), back.state().keySet());
        Registry.Parsed<EstimatorFactory> p = Registries.ESTIMATORS.parse(spec);
        for (Key k : p.entry().keys()) {
            if (k.name().equals("rho") || k.name().equals("alpha") || k.name().equals("r")) {
                assertTrue(info.values().keySet().stream().anyMatch(v -> v.endsWith(k.name())),
                        spec + ": step info " + info.values() + " lacks " + k.name());
            }
        }
        String s = opt.estimator().toString();
        assertFalse(s.contains("@"), s);
        assertTrue(s.startsWith(p.entry().name().replace("sam+gnr", "gnr")), s);
        Map<String, INDArray> bogus = copy(saved);
        bogus.put("estimator/ema/w", Nd4j.zeros(DataType.DOUBLE, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of(rule("adam")).estimator(estimator(spec)).loadState(bogus));
        assertTrue(e.getMessage().contains("ema/w"), e.getMessage());
    }

    /**
     * Checkpoints of estimator state (F-SAM's EMA, LookSAM's component, …) resume exactly: five
     * steps, the state saved and loaded into a fresh optimizer, four more equal nine straight.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("estimators")
    void estimatorStateResumesBitIdentically(String spec) {
        for (String rule : new String[] {"adam", "sgd:momentum=0.9"}) {
            TestObjective straight = new TestObjective(TestObjective.start(), DataType.DOUBLE);
            Optimizer.of(rule(rule)).estimator(estimator(spec)).run(straight, 9);

            TestObjective first = new TestObjective(TestObjective.start(), DataType.DOUBLE);
            Optimizer a = Optimizer.of(rule(rule)).estimator(estimator(spec));
            a.run(first, 5);
            Map<String, INDArray> saved = copy(a.state());
            Optimizer b = Optimizer.of(rule(rule)).estimator(estimator(spec));
            b.loadState(saved, first.params());
            TestObjective resumed = new TestObjective(first.x(), DataType.DOUBLE);
            b.run(resumed, 4);
            assertArrayEquals(bits(straight.x()), bits(resumed.x()), spec + " over " + rule);
        }
    }

    /** A two-pass estimator's scope keys: one group of the whole batch is the full batch, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("estimators")
    void oneGroupOfTheWholeBatchIsTheFullScope(String spec) {
        if (Registries.ESTIMATORS.parse(spec).entry().key("scope") == null) {
            return;
        }
        String sep = spec.contains(":") ? "," : ":";
        ExampleObjective full = new ExampleObjective(6, 2);
        ExampleObjective group = new ExampleObjective(6, 2);
        Optimizer.of(rule("adam")).estimator(estimator(spec)).run(full, 3);
        Optimizer.of(rule("adam")).estimator(estimator(spec + sep + "scope=groups,m=6")).run(group, 3);
        assertArrayEquals(bits(full.x()), bits(group.x()), spec);
        assertEquals(full.evaluations, group.evaluations, spec);
    }

    // ---- transforms and schedules ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void transformsBuildKeepTheirStateAndReadWell(String spec) {
        Registry.Parsed<TransformFactory> p = Registries.TRANSFORMS.parse(spec);
        GradientTransform t = p.factory().create(p.args());
        TestObjective f = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer opt = Optimizer.of(rule("sgd")).transform(t);
        opt.run(f, 2);
        Optimizer back = Optimizer.of(rule("sgd")).transform(p.factory().create(p.args()));
        back.loadState(copy(opt.state()));
        assertFalse(t.toString().contains("@"), t.toString());
        assertTrue(t.toString().startsWith(p.entry().name()), t.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void schedulesPeakAfterWarmup(String spec) {
        Registry.Parsed<ScheduleFactory> p = Registries.SCHEDULES.parse(spec);
        Schedule s = p.factory().create(0.1, 10, 100, p.args());
        assertEquals(0.1, s.at(10), 1e-15, spec);
        assertTrue(s.at(0) < 0.1 && s.at(0) >= 0, spec);
        assertFalse(s.toString().contains("@"), s.toString());
    }

    // ---- every entry: keys ----

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("entries")
    void keysRefuseUnknownNamesAndOutOfRangeValues(Registry<?> registry, String name) {
        Entry<?> e = registry.entry(name);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> e.args(Map.of("zzz", "1")));
        assertTrue(unknown.getMessage().startsWith("unknown " + name + " hyper-parameter 'zzz'; known: "), unknown.getMessage());
        for (Key k : e.keys()) {
            assertTrue(k.description() != null && !k.description().isBlank(), name + " " + k.name());
            Map<String, String> raw = new LinkedHashMap<>();
            for (Key r : e.keys()) {
                if (r.required()) {
                    raw.put(r.name(), "0.5");
                }
            }
            Range range = k.range();
            if (k.type() == Key.Type.NUMBER || k.type() == Key.Type.INTEGER) {
                String bad = Double.isFinite(range.lo()) ? String.valueOf((long) Math.floor(range.lo()) - 1)
                        : Double.isFinite(range.hi()) ? String.valueOf((long) Math.ceil(range.hi()) + 1) : "NaN";
                raw.put(k.name(), bad);
                IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> e.args(raw), name + " " + k.name() + "=" + bad);
                assertTrue(out.getMessage().startsWith(name + ": " + k.name() + "=" + bad), out.getMessage());
                assertFalse(out.getMessage().contains("\n"), out.getMessage());
            } else {
                raw.put(k.name(), "zzz");
                IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> e.args(raw));
                assertTrue(out.getMessage().startsWith(name + ": " + k.name() + "=zzz"), out.getMessage());
            }
        }
        IllegalArgumentException unknownName = assertThrows(IllegalArgumentException.class, () -> registry.entry(name + "x"));
        assertEquals("unknown " + registry.kind() + " '" + name + "x'; known: " + registry.names(), unknownName.getMessage());
    }
}
