package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.optim.estimator.GradientRegularization;
import org.gradreg.optim.estimator.StepContext;
import org.gradreg.optim.rule.Adam;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** GR's warmup by name, {@code gr:…,warmup=…,warmup_epochs=…}, with its length from the training loop's step context. */
class GrWarmupKeysTest {

    /** 10 steps an epoch, 40 of LR warmup, 300 in all. */
    static final StepContext LOOP = new StepContext(10, 40, 300);

    @Test
    void theKeysBuildTheSamePolicyAsTheBuilder() {
        assertEquals(GradientRegularization.of(0.1, 0.8).zeroWarmup(40).toString(),
                Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=zero", LOOP).toString(), "default length: the LR warmup's");
        assertEquals(GradientRegularization.of(0.1, 0.8).rWarmup(20).toString(),
                Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=r,warmup_epochs=2", LOOP).toString());
        assertEquals(GradientRegularization.of(0.1, 0.8).lambdaWarmup(5).toString(),
                Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=lambda,warmup_epochs=0.5", LOOP).toString());
        assertEquals(GradientRegularization.of(0.1, 0.8).toString(), Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=none", LOOP).toString());
        // and the same steps, to the bit
        for (String spec : new String[] {"r=0.1,alpha=0.8,warmup=zero,warmup_epochs=0.3", "r=0.1,alpha=0.8,warmup=lambda,warmup_epochs=0.6"}) {
            GradientEstimator byName = Optim.estimator("gr", spec, LOOP);
            GradientRegularization built = spec.contains("zero") ? GradientRegularization.of(0.1, 0.8).zeroWarmup(3)
                    : GradientRegularization.of(0.1, 0.8).lambdaWarmup(6);
            assertArrayEquals(run(built), run(byName), spec);
        }
    }

    private static double[] run(GradientEstimator e) {
        TestObjective o = new TestObjective(TestObjective.start(), DataType.DOUBLE);
        Optimizer.of(Adam.of(0.01)).estimator(e).run(o, 10);
        double[] w = o.params().get("w").dup().data().asDouble();
        double[] b = o.params().get("b").dup().data().asDouble();
        double[] x = java.util.Arrays.copyOf(w, w.length + b.length);
        System.arraycopy(b, 0, x, w.length, b.length);
        return x;
    }

    @Test
    void aWarmupOutsideALoopOrLongerThanTheRunIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optim.estimator("gr:r=0.1,alpha=0.8,warmup=zero"));
        assertTrue(e.getMessage().contains("warmup=zero") && e.getMessage().contains("zeroWarmup(steps)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=r,warmup_epochs=31", LOOP));
        assertTrue(e.getMessage().contains("310 steps") && e.getMessage().contains("300"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optim.estimator("gr", "r=0.1,alpha=0.8,warmup_epochs=2", LOOP));
        assertTrue(e.getMessage().contains("warmup_epochs needs a warmup policy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optim.estimator("gr", "r=0.1,alpha=0.8,warmup=slow", LOOP));
        assertTrue(e.getMessage().contains("warmup=slow") && e.getMessage().contains("zero"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optim.estimator("sam", "rho=0.1,warmup=zero", LOOP));
        assertTrue(e.getMessage().contains("unknown sam hyper-parameter 'warmup'"), e.getMessage());
    }
}
