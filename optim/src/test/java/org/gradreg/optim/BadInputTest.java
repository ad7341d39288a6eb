package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gradreg.optim.estimator.Estimate;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.GrWarmup;
import org.gradreg.optim.estimator.Gnr;
import org.gradreg.optim.estimator.Sam;
import org.gradreg.optim.estimator.StepContext;
import org.gradreg.optim.rule.Adam;
import org.gradreg.optim.rule.AdamS;
import org.gradreg.optim.rule.Sgd;
import org.gradreg.optim.schedule.Schedule;
import org.gradreg.optim.transform.Agr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad input gets a clear error naming it, or a documented safe result; never a silent NaN. */
class BadInputTest {

    /** An objective whose gradient at one coordinate is NaN, or identically zero. */
    private static Oracle oracle(double[] grad) {
        Params p = Params.of("w", Nd4j.createFromArray(1.0, 2.0, 3.0));
        return new Oracle() {
            @Override
            public Params params() {
                return p;
            }

            @Override
            public Evaluation evaluate(Pass pass) {
                return new Evaluation(1.0, Params.of("w", Nd4j.createFromArray(grad.clone())));
            }
        };
    }

    @Test
    void nanGradientStopsTheStepNamingTensorAndStepAndLeavesParametersUntouched() {
        for (var est : new org.gradreg.optim.estimator.GradientEstimator[] {
                org.gradreg.optim.estimator.Plain.of(), Sam.of(0.1), GradientRegularization.of(0.1, 0.8), Gnr.of(0.1, 0.1)}) {
            Oracle o = oracle(new double[] {0.1, Double.NaN, 0.2});
            Optimizer opt = Optimizer.of(Adam.of(0.1)).estimator(est);
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> opt.step(o));
            assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("step 0"), e.getMessage());
            assertArrayEquals(new double[] {1, 2, 3}, o.params().get("w").toDoubleVector(), 0.0);
        }
        Oracle inf = oracle(new double[] {Double.POSITIVE_INFINITY, 0, 0});
        assertThrows(NonFiniteException.class, () -> Optimizer.of(Sgd.of(0.1)).step(inf));
    }

    @Test
    void zeroGradientGivesAZeroStepWithOneEvaluation() {
        for (var est : new org.gradreg.optim.estimator.GradientEstimator[] {
                Sam.of(0.1), Sam.of(0.1).adaptive(0.01), GradientRegularization.of(0.1, 0.8),
                GradientRegularization.of(0.1, 0.8).form(GradientRegularization.Form.NORMALIZED_G1), Gnr.of(0.1, 0.1)}) {
            Oracle o = oracle(new double[] {0, 0, 0});
            Estimate e = est.estimate(o, 0);
            assertArrayEquals(new double[] {0, 0, 0}, e.gradient().get("w").toDoubleVector(), 0.0, est.toString());
            assertTrue(e.evaluations() <= 4, est.toString());
            StepInfo info = Optimizer.of(Adam.of(0.1)).estimator(est).step(o);
            assertArrayEquals(new double[] {1, 2, 3}, o.params().get("w").toDoubleVector(), 0.0, est + ": " + info);
        }
    }

    @Test
    void impossibleHyperParametersAreRejectedByName() {
        assertMessage("rho", () -> Sam.of(-0.1));
        assertMessage("r must", () -> GradientRegularization.of(-1, 0.5));
        assertMessage("alpha", () -> GradientRegularization.of(0.1, Double.NaN));
        assertMessage("lr", () -> Adam.of(-1e-3));
        assertMessage("beta2", () -> Adam.of(1e-3).betas(0.9, 1.0));
        assertMessage("weightDecay", () -> AdamS.of(1e-3, -1));
        assertMessage("momentum", () -> Sgd.of(0.1).momentum(1.5));
        assertMessage("Nesterov", () -> Sgd.of(0.1).nesterov());
        assertMessage("clip", () -> new org.gradreg.optim.transform.ClipByGlobalNorm(0));
        assertMessage("longer than training", () -> Schedule.warmupCosine(1e-3, 500, 100));
        assertMessage("GR warmup length", () -> GrWarmup.zero(-1));
        // a schedule that turns negative mid-run is caught at the step where it does
        Oracle o = oracle(new double[] {1, 1, 1});
        Optimizer opt = Optimizer.of(Sgd.of(0.1)).estimator(Sam.of(step -> 0.1 - 0.06 * step));
        opt.step(o);
        opt.step(o);
        assertMessage("rho schedule", () -> opt.step(o));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertMessage("known: [adam, adams, adamw, adan, rmsprop, sgd, sgd-nesterov]", () -> Optim.rule("adamx", Schedule.constant(1e-3), 0));
        assertMessage("unknown gradient estimator 'sma'", () -> Optim.estimator("sma", "rho=0.1", null));
        assertMessage("unknown gr hyper-parameter 'rho'", () -> Optim.estimator("gr", "rho=0.1,alpha=0.5", null));
        assertMessage("exactly one of alpha or lambda", () -> Optim.estimator("gr", "r=0.1", null));
        assertMessage("not a number", () -> Optim.estimator("sam", "rho=abc", null));
        assertMessage("unknown GR warmup policy 'slow'", () -> GrWarmup.parse("slow", 10));
        assertMessage("no tensor named 'bias'", () -> Params.vector(1, 2).get("bias"));
        assertEquals("gr(r=0.1, alpha=0.8, zero-warmup(40))",
                Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=zero", new StepContext(10, 40, 100)).toString());
    }

    @Test
    void mixedDataTypesAreRejected() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("a", Nd4j.zeros(DataType.FLOAT, 2));
        m.put("b", Nd4j.zeros(DataType.DOUBLE, 2));
        assertMessage("one data type", () -> Params.of(m));
    }

    @Test
    void agrGuardsZeroAndOneElementTensors() {
        Agr psi = Agr.psi();
        INDArray zero = Nd4j.zeros(DataType.DOUBLE, 4);
        assertArrayEquals(new double[4], psi.apply(zero).toDoubleVector(), 0.0);
        INDArray one = Nd4j.createFromArray(0.7);
        assertEquals(0.7, psi.apply(one).getDouble(0), 0.0);
        // without the guard Ψ zeroes a one-element gradient, as the paper's formula does
        assertEquals(0.0, new Agr(1).apply(one).getDouble(0), 0.0);
        INDArray g = Nd4j.createFromArray(1.0, -3.0);
        assertArrayEquals(new double[] {1 - 1.0 / 4, -3 + 9.0 / 4}, psi.apply(g).toDoubleVector(), 1e-15);
        assertFalse(Double.isNaN(psi.apply(zero).sumNumber().doubleValue()));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), "message '" + ex.getMessage() + "' should mention '" + fragment + "'");
    }
}
